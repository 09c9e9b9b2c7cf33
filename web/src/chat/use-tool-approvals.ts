// The requests to approve a tool call, for a screen that shows their cards (the chat, voice mode):
// the pending ones read on mount and on every reconnection, kept current by the realtime frames,
// and answered over the socket when it is open, else over HTTP.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { AnswerToolApprovalBody, ServerFrame, ToolApproval } from '../../../common/client.ts';
import { api } from '../api.ts';
import { sentenceForErrorId } from '../error-messages.ts';
import { useRealtime, useRealtimeFrames } from '../realtime/realtime-context.tsx';
import { approvalOutcomeWords } from '../tools/tool-words.ts';
import type { ToolApprovalCards } from './tool-approval-card.tsx';
import { mergeApprovals } from './tool-approvals.ts';

export interface ToolApprovalsState {
  approvals: ReadonlyMap<string, ToolApproval>;
  /** The ids of those seen waiting on this page: their cards stay once answered, to say what became of them. */
  seenWaiting: ReadonlySet<string>;
  cards: ToolApprovalCards;
  /** Reads the pending ones again: after a reconnection, requests made or answered meanwhile show as they are. */
  reload(): Promise<void>;
}

/** `announce` hears a sentence for screen readers whenever a request arrives or is resolved. */
export function useToolApprovals(announce: (sentence: string) => void): ToolApprovalsState {
  const realtime = useRealtime();
  const [approvals, setApprovals] = useState<ReadonlyMap<string, ToolApproval>>(new Map());
  const [answering, setAnswering] = useState<ReadonlySet<string>>(new Set());
  const [errors, setErrors] = useState<Readonly<Record<string, string>>>({});
  const announceRef = useRef(announce);
  announceRef.current = announce;

  const seenWaiting = useRef(new Set<string>());
  const remember = useCallback((list: readonly ToolApproval[]) => {
    for (const approval of list) if (approval.status === 'pending') seenWaiting.current.add(approval.id);
    setApprovals((previous) => mergeApprovals(previous, list));
  }, []);
  const reload = useCallback(async () => {
    try {
      remember(await api.toolApprovals({ status: 'pending' }));
    } catch {
      // The cards of earlier requests wait for the next connection; new ones still arrive as frames.
    }
  }, [remember]);
  const stopAnswering = useCallback((id: string) => {
    setAnswering((previous) => {
      const next = new Set(previous);
      next.delete(id);
      return next;
    });
  }, []);
  const fail = useCallback(
    (id: string, errorId: string) => {
      stopAnswering(id);
      setErrors((previous) => ({ ...previous, [id]: sentenceForErrorId(errorId) }));
      void reload();
    },
    [stopAnswering, reload],
  );

  useEffect(() => {
    void reload();
  }, [reload]);

  useRealtimeFrames((frame: ServerFrame) => {
    if (frame.type === 'tool-approval-request') {
      remember([frame.approval]);
      announceRef.current(`${frame.approval.toolTitle} waits for your answer: ${frame.approval.reason}`);
    } else if (frame.type === 'tool-approval-resolved') {
      const { approval } = frame;
      remember([approval]);
      stopAnswering(approval.id);
      if (approval.status !== 'pending') announceRef.current(`${approval.toolTitle}: ${approvalOutcomeWords[approval.status]}`);
    } else if (frame.type === 'error' && frame.approvalId !== undefined) {
      // The answer failed (answered elsewhere, or expired): say so on its card and show what it is now.
      fail(frame.approvalId, frame.id);
    }
  });

  const onAnswer = useCallback(
    (approval: ToolApproval, answer: AnswerToolApprovalBody) => {
      const id = approval.id;
      setAnswering((previous) => new Set(previous).add(id));
      setErrors(({ [id]: _cleared, ...others }) => others);
      // The socket when it is open (the `tool-approval-resolved` frame then updates every device), HTTP otherwise.
      if (realtime.answerToolApproval(id, answer)) return;
      api
        .answerToolApproval(id, answer)
        .then(async (answered) => {
          // The answer is the approval as answered; should a server say less, the list tells what became of it.
          const known = answered?.id === id && typeof answered.status === 'string' ? [answered] : await api.toolApprovals();
          remember(known.filter((approval) => approval.id === id));
          stopAnswering(id);
        })
        .catch((caught: unknown) => fail(id, typeof caught === 'object' && caught !== null && 'id' in caught ? String(caught.id) : 'internal_error'));
    },
    [realtime, remember, stopAnswering, fail],
  );

  return { approvals, seenWaiting: seenWaiting.current, cards: { answering, errors, onAnswer }, reload };
}

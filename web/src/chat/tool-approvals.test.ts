import { describe, expect, it } from 'vitest';
import type { ToolApproval } from '../../../common/client.ts';
import { approvalsFor, mergeApprovals } from './tool-approvals.ts';

function approval(id: string, overrides: Partial<ToolApproval> = {}): ToolApproval {
  return {
    id,
    toolId: 'tool_notes_delete',
    toolName: 'notes__delete_note',
    toolTitle: 'Delete a note',
    input: { noteId: 'note_1' },
    reason: 'Deletes one of your notes',
    risk: 'act',
    status: 'pending',
    conversationId: 'conversation_1',
    messageId: 'message_1',
    createdAt: '2026-11-30T10:00:00Z',
    expiresAt: '2026-11-30T10:10:00Z',
    answeredAt: null,
    ...overrides,
  };
}

describe('the approvals the chat knows', () => {
  it('adds new ones and updates them as they are answered', () => {
    const first = mergeApprovals(new Map(), [approval('a1')]);
    const answered = mergeApprovals(first, [approval('a1', { status: 'approved', answeredAt: '2026-11-30T10:01:00Z' })]);
    expect(answered.get('a1')?.status).toBe('approved');
    expect(first.get('a1')?.status).toBe('pending');
  });

  it('never brings back the buttons of an answered one from a list of pending ones read before the answer', () => {
    const denied = mergeApprovals(new Map(), [approval('a1', { status: 'denied' })]);
    const afterStaleList = mergeApprovals(denied, [approval('a1'), approval('a2')]);
    expect(afterStaleList.get('a1')?.status).toBe('denied');
    expect(afterStaleList.get('a2')?.status).toBe('pending');
  });

  it('keeps the same map when nothing changes, so the screen does not render again', () => {
    const known = mergeApprovals(new Map(), [approval('a1', { status: 'expired' })]);
    expect(mergeApprovals(known, [approval('a1')])).toBe(known);
    expect(mergeApprovals(known, [])).toBe(known);
  });

  it('shows each under its message, oldest first, and the waiting ones of messages not on screen at the end', () => {
    const known = mergeApprovals(new Map(), [
      approval('later', { createdAt: '2026-11-30T10:05:00Z' }),
      approval('earlier', { createdAt: '2026-11-30T10:00:00Z' }),
      approval('old-waiting', { messageId: 'message_0' }),
      approval('old-answered', { messageId: 'message_0', status: 'approved' }),
    ]);
    expect(approvalsFor(known, { messageId: 'message_1' }).map((item) => item.id)).toEqual(['earlier', 'later']);
    expect(approvalsFor(known, { elsewhereThan: new Set(['message_1']) }).map((item) => item.id)).toEqual(['old-waiting']);
  });

  it('keeps a card that was waiting on this page at the end once answered, so its outcome is seen', () => {
    const answered = mergeApprovals(new Map(), [
      approval('a1', { messageId: 'message_9', status: 'denied' }),
      approval('a2', { messageId: 'message_9', status: 'approved' }),
    ]);
    expect(approvalsFor(answered, { elsewhereThan: new Set(), seenWaiting: new Set(['a1']) }).map((item) => item.id)).toEqual(['a1']);
    expect(approvalsFor(answered, { elsewhereThan: new Set(['message_9']), seenWaiting: new Set(['a1']) })).toEqual([]);
  });
});

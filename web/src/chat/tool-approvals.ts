// The requests to approve a tool call that a screen knows of, kept current from three sources that
// can arrive in any order: the list of pending ones read on (re)connection, `tool-approval-request`
// and `tool-approval-resolved` frames, and the answer to this device's own POST.
import type { ToolApproval } from '../../../common/client.ts';

/**
 * Adds or updates approvals. An answered one is final: a list of pending ones read before the answer
 * (and arriving after it) must not bring its buttons back.
 */
export function mergeApprovals(known: ReadonlyMap<string, ToolApproval>, incoming: readonly ToolApproval[]): ReadonlyMap<string, ToolApproval> {
  let next: Map<string, ToolApproval> | undefined;
  for (const approval of incoming) {
    const current = (next ?? known).get(approval.id);
    if (current !== undefined && current.status !== 'pending' && approval.status === 'pending') continue;
    next ??= new Map(known);
    next.set(approval.id, approval);
  }
  return next ?? known;
}

/**
 * The approvals to show under one message, oldest first; or, with `elsewhereThan`, those still
 * waiting whose message is not on screen (older, or in another conversation), shown at the end of
 * the conversation so a request is never out of sight.
 */
export function approvalsFor(
  approvals: ReadonlyMap<string, ToolApproval>,
  place: { messageId: string } | { elsewhereThan: ReadonlySet<string> },
): ToolApproval[] {
  return [...approvals.values()]
    .filter((approval) =>
      'messageId' in place ? approval.messageId === place.messageId : approval.status === 'pending' && !place.elsewhereThan.has(approval.messageId),
    )
    .sort((left, right) => left.createdAt.localeCompare(right.createdAt));
}

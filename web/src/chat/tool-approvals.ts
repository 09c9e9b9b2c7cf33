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
 * The approvals to show under one message, oldest first; or, with `elsewhereThan`, those whose message
 * is not on screen (older, cut off by a dropped connection, or in another conversation), shown at the
 * end of the conversation so a request is never out of sight: the ones still waiting, and those in
 * `seenWaiting` (shown waiting on this page before), so a card answered there stays to say what became of it.
 */
export function approvalsFor(
  approvals: ReadonlyMap<string, ToolApproval>,
  place: { messageId: string } | { elsewhereThan: ReadonlySet<string>; seenWaiting?: ReadonlySet<string> },
): ToolApproval[] {
  const belongs = (approval: ToolApproval) => {
    if ('messageId' in place) return approval.messageId === place.messageId;
    if (place.elsewhereThan.has(approval.messageId)) return false;
    return approval.status === 'pending' || place.seenWaiting?.has(approval.id) === true;
  };
  return [...approvals.values()].filter(belongs).sort((left, right) => left.createdAt.localeCompare(right.createdAt));
}

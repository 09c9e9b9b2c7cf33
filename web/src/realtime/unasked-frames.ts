// The frames that carry something the companion said unasked, read into the note the app shows; and
// a tool call waiting for the person's answer, so they learn of it on whichever screen is open.
import type { OutreachKind, ServerFrame } from '../../../common/client.ts';

/** A note about something the companion said unasked, or a tool call that waits for an answer. */
export interface ProactiveAlert {
  /** Stable per frame, so the same reminder arriving twice shows once. */
  id: string;
  kind: OutreachKind | 'tool-approval';
  text: string;
  /** Where the companion left the message, when it says. */
  conversationId: string | undefined;
}

/** The note a frame brings, if it is one the companion sent unasked or one that waits for the person. */
export function alertOf(frame: ServerFrame): ProactiveAlert | undefined {
  if (frame.type === 'reminder-due') {
    return { id: `reminder-${frame.reminder.id}`, kind: 'reminder', text: frame.reminder.text, conversationId: frame.message?.conversationId };
  }
  if (frame.type === 'notification') {
    const { notification } = frame;
    return { id: `notification-${notification.id}`, kind: notification.kind, text: notification.text, conversationId: notification.conversationId };
  }
  if (frame.type === 'tool-approval-request') {
    const { approval } = frame;
    return { id: `approval-${approval.id}`, kind: 'tool-approval', text: `${approval.toolTitle}: ${approval.reason}`, conversationId: approval.conversationId };
  }
  return undefined;
}

/** The note a frame makes stale: a request answered (here or elsewhere) or expired no longer waits. */
export function settledAlertId(frame: ServerFrame): string | undefined {
  return frame.type === 'tool-approval-resolved' ? `approval-${frame.approval.id}` : undefined;
}

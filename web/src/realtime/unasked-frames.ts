// The frames that carry something the companion said unasked, read into the note the app shows.
import type { OutreachKind, ServerFrame } from '../../../common/client.ts';

/** A note about something the companion said unasked. */
export interface ProactiveAlert {
  /** Stable per frame, so the same reminder arriving twice shows once. */
  id: string;
  kind: OutreachKind;
  text: string;
  /** Where the companion left the message, when it says. */
  conversationId: string | undefined;
}

/** The note a frame brings, if it is one the companion sent unasked. */
export function alertOf(frame: ServerFrame): ProactiveAlert | undefined {
  if (frame.type === 'reminder-due') {
    return { id: `reminder-${frame.reminder.id}`, kind: 'reminder', text: frame.reminder.text, conversationId: frame.message?.conversationId };
  }
  if (frame.type === 'notification') {
    const { notification } = frame;
    return { id: `notification-${notification.id}`, kind: notification.kind, text: notification.text, conversationId: notification.conversationId };
  }
  return undefined;
}

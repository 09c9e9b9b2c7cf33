import { type Message, messageSchema, type ServerFrame } from '../../../common/protocol.ts';
import { log } from '../../../server/logging/log.ts';
import type { LiveConnections } from '../../host/capability.ts';
import type { DeliveryChannel, DeliveryOutcome, OutboundMessage } from '../delivery-channel.ts';

/** Where the app channel keeps what it delivered, so a retry never shows a message twice. */
export interface DeliveryRecord {
  delivered(channel: string, messageId: string): boolean;
  markDelivered(channel: string, messageId: string, now: number): boolean;
  forgetDelivered(channel: string, messageId: string): void;
}

/**
 * The app itself: a `notification` frame to every open client of the person, with the stored
 * message so the chat shows it at once. Reachable while at least one client is open. (Reminders
 * send their own `reminder-due` frame, at their millisecond: see the reminders capability.)
 */
export function createAppChannel(settings: {
  connections: LiveConnections;
  record: DeliveryRecord;
  now: () => number;
  /** The stored message, for the chat to show in place. */
  messageOf: (id: string) => Promise<Message | undefined>;
}): DeliveryChannel {
  return {
    name: 'app',
    reachable: async () => settings.connections.list().length > 0,
    async send(message: OutboundMessage): Promise<DeliveryOutcome> {
      if (settings.record.delivered('app', message.id)) return { status: 'sent', duplicate: true };
      const clients = settings.connections.list();
      if (clients.length === 0) return { status: 'unavailable', reason: 'no app is open' };
      const stored = await settings.messageOf(message.id);
      const shown = stored ? messageSchema.parse(stored) : undefined;
      const frame: ServerFrame = {
        type: 'notification',
        notification: {
          id: message.id,
          kind: message.kind,
          title: message.title,
          text: message.text,
          ...(message.conversationId ? { conversationId: message.conversationId } : {}),
          ...(message.reminderId ? { reminderId: message.reminderId } : {}),
        },
        ...(shown ? { message: shown } : {}),
      };
      const text = JSON.stringify(frame);
      // Marked before sending: sockets give no acknowledgement, and a message shown twice is the worse failure.
      if (!settings.record.markDelivered('app', message.id, settings.now())) return { status: 'sent', duplicate: true };
      let reached = 0;
      for (const client of clients) {
        try {
          client.send(text);
          reached++;
        } catch (error) {
          log.warn('app notification not sent', { connectionId: client.id, error: error instanceof Error ? error.name : 'unknown' });
        }
      }
      if (reached > 0) return { status: 'sent' };
      settings.record.forgetDelivered('app', message.id);
      return { status: 'failed', retryable: true, reason: 'every open app closed as it was sent' };
    },
  };
}

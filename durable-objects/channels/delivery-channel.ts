import type { OutreachKind } from '../../common/protocol.ts';

/**
 * One way of reaching the person unasked: the app's open sockets, Web Push to their devices, or
 * WhatsApp. Outreach (`durable-objects/outreach/`) decides what to send and in which order of
 * channels; a channel only delivers, and says what became of it. Every implementation passes the
 * one contract suite in `channel-contract.ts`.
 */
export interface DeliveryChannel {
  readonly name: DeliveryChannelName;
  /** Whether the person can be reached here at all now (linked, subscribed, a client open). Cheap: no network. */
  reachable(): Promise<boolean>;
  /**
   * Sends the message. Idempotent on `message.id`: a second call with an id this channel already
   * delivered sends nothing again and answers `sent` with `duplicate: true`.
   */
  send(message: OutboundMessage): Promise<DeliveryOutcome>;
}

export type DeliveryChannelName = 'app' | 'push' | 'whatsapp';

/** What outreach hands a channel: our own id (the idempotency key), and text that is already written. */
export interface OutboundMessage {
  /** The id of the message in the conversation (`msg_…`): one message, one delivery, whatever retries. */
  readonly id: string;
  /** Why the companion speaks: a channel may choose a template or a notification title by it. */
  readonly kind: OutreachKind;
  /** A short title for a notification ("Reminder", the companion's name). */
  readonly title: string;
  readonly text: string;
  readonly createdAt: number;
  /** For a reminder: when it was due. */
  readonly dueAt?: number;
  /** Ids a client needs to show it in place: the reminder's, the conversation's. */
  readonly reminderId?: string;
  readonly conversationId?: string;
}

export type DeliveryOutcome =
  /** Handed to the channel's service (or the socket): `providerId` is its own id, to match later status reports. */
  | { status: 'sent'; providerId?: string; duplicate?: boolean }
  /** Not reachable here (not linked, no subscription, no open client, outside WhatsApp's window with no template): try the next. */
  | { status: 'unavailable'; reason: string }
  /** The service refused or failed. `retryable`: a later attempt may succeed (429, 5xx, network). */
  | { status: 'failed'; retryable: boolean; reason: string };

import { encryptPushMessage, type PushSubscriptionKeys } from './message-encryption.ts';
import { type VapidKeys, vapidAuthorization } from './vapid.ts';

/** A web subscription as the server keeps it: where to post, and the keys to encrypt for. */
export interface WebPushTarget {
  endpoint: string;
  keys: PushSubscriptionKeys;
}

export interface WebPushOptions {
  /** Seconds the push service may hold the message for a device that is offline (RFC 8030 section 5.2). */
  ttlSeconds: number;
  /** RFC 8030 section 5.3: `high` wakes a sleeping phone at once; reminders use it. */
  urgency?: 'very-low' | 'low' | 'normal' | 'high';
  /** RFC 8030 section 5.4: a newer message with the same topic replaces one still waiting. At most 32 base64url characters. */
  topic?: string;
  now?: number;
}

/** The whole request to a push service for one message: RFC 8030's headers, VAPID, and the encrypted body. */
export async function buildWebPushRequest(target: WebPushTarget, payload: string, vapid: VapidKeys, options: WebPushOptions): Promise<Request> {
  const body = await encryptPushMessage(payload, target.keys);
  const headers = new Headers({
    authorization: await vapidAuthorization(target.endpoint, vapid, options.now),
    'content-encoding': 'aes128gcm',
    'content-type': 'application/octet-stream',
    ttl: String(Math.max(0, Math.floor(options.ttlSeconds))),
  });
  if (options.urgency) headers.set('urgency', options.urgency);
  if (options.topic) headers.set('topic', options.topic);
  return new Request(target.endpoint, { method: 'POST', headers, body });
}

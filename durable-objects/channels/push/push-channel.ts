import { log } from '../../../server/logging/log.ts';
import type { FcmSender } from '../../../server/push/fcm.ts';
import { maxPlaintextBytes } from '../../../server/push/message-encryption.ts';
import type { VapidKeys } from '../../../server/push/vapid.ts';
import { buildWebPushRequest } from '../../../server/push/web-push-request.ts';
import type { DeliveryChannel, DeliveryOutcome, OutboundMessage } from '../delivery-channel.ts';
import type { SubscriptionStore, WebSubscription } from './subscription-store.ts';

/** What the service worker receives (`web/src/service-worker.ts` reads it): the message, ready to show. */
export interface PushPayload {
  id: string;
  kind: OutboundMessage['kind'];
  title: string;
  text: string;
  reminderId?: string;
  conversationId?: string;
}

export interface PushChannelSettings {
  store: SubscriptionStore;
  /** The server's VAPID keys, or undefined when Web Push is not configured. */
  vapid(): VapidKeys | undefined;
  /** Firebase Cloud Messaging for the mobile app's native tokens, or undefined when it is not configured. */
  fcm?(): FcmSender | undefined;
  /** Injected so tests can watch or replace the network; the runtime's own by default. */
  fetch?: typeof fetch;
  now?: () => number;
  userId?: string;
}

/** How long a push service keeps a message for a device that is off: a reminder stays useful for a day, a check-in for a few hours. */
const ttlSecondsByKind: Record<OutboundMessage['kind'], number> = {
  reminder: 24 * 3600,
  'event-soon': 2 * 3600,
  'check-in': 6 * 3600,
  'follow-up': 12 * 3600,
  'goal-check-in': 6 * 3600,
  reflection: 24 * 3600,
};

/** What became of the message at one device. */
type DeviceResult =
  | { subscriptionId: string; result: 'accepted'; location?: string }
  | { subscriptionId: string; result: 'gone' }
  | { subscriptionId: string; result: 'retryable' | 'refused'; detail: string };
type DeviceFailure = Extract<DeviceResult, { detail: string }>;

/**
 * Push to every device the person turned notifications on in: Web Push to browsers, and the mobile
 * app's native tokens through Firebase Cloud Messaging (Android, and iOS through Firebase's APNs
 * link) when FCM is configured. A message counts as sent when one device accepted it.
 */
export function createPushChannel(settings: PushChannelSettings): DeliveryChannel {
  const { store } = settings;
  const fetchFunction = settings.fetch ?? ((input, init) => fetch(input, init));
  const now = settings.now ?? Date.now;
  const inFlight = new Map<string, Promise<DeliveryOutcome>>();

  async function sendToDevice(subscription: WebSubscription, payload: string, message: OutboundMessage, vapid: VapidKeys): Promise<DeviceResult> {
    const subscriptionId = subscription.id;
    let response: Response;
    try {
      const request = await buildWebPushRequest(subscription, payload, vapid, {
        ttlSeconds: ttlSecondsByKind[message.kind],
        urgency: message.kind === 'reminder' || message.kind === 'event-soon' ? 'high' : 'normal',
        now: now(),
      });
      response = await fetchFunction(request);
    } catch (error) {
      // A network failure (or keys that no longer import) says nothing about the device: try again later.
      return { subscriptionId, result: 'retryable', detail: `network: ${error instanceof Error ? error.name : 'unknown'}` };
    }
    // The body is the push service's own prose, never needed; read it so the connection is freed.
    await response.body?.cancel();
    const status = response.status;
    if (status >= 200 && status < 300) return { subscriptionId, result: 'accepted', location: response.headers.get('location') ?? undefined };
    // RFC 8030 section 7.3: the subscription expired or was withdrawn; it will never work again.
    if (status === 404 || status === 410) return { subscriptionId, result: 'gone' };
    if (status === 429 || status >= 500) return { subscriptionId, result: 'retryable', detail: `the push service answered ${status}` };
    // 400 (malformed), 403 (VAPID refused), 413 (too large) and the rest: the same request will fail again.
    return { subscriptionId, result: 'refused', detail: `the push service answered ${status}` };
  }

  async function sendToNativeDevice(device: { id: string; token: string }, message: OutboundMessage, fcm: FcmSender): Promise<DeviceResult> {
    const data: Record<string, string> = { id: message.id, kind: message.kind };
    if (message.reminderId) data.reminderId = message.reminderId;
    if (message.conversationId) data.conversationId = message.conversationId;
    const sent = await fcm.send(device.token, {
      title: message.title,
      // A notification shows a line or two; the whole message is in the conversation it opens.
      body: Array.from(message.text).length > 1000 ? `${Array.from(message.text).slice(0, 999).join('')}…` : message.text,
      data,
      ttlSeconds: ttlSecondsByKind[message.kind],
      urgent: message.kind === 'reminder' || message.kind === 'event-soon',
    });
    return sent.result === 'accepted'
      ? { subscriptionId: device.id, result: 'accepted', location: sent.name }
      : sent.result === 'gone'
        ? { subscriptionId: device.id, result: 'gone' }
        : { subscriptionId: device.id, result: sent.result, detail: sent.detail };
  }

  async function deliver(message: OutboundMessage): Promise<DeliveryOutcome> {
    if (store.deliveredTo(message.id).length > 0) return { status: 'sent', duplicate: true };
    const vapid = settings.vapid();
    const fcm = settings.fcm?.();
    if (!vapid && !fcm) return { status: 'unavailable', reason: 'push is not configured on this server' };
    const [web, native] = await Promise.all([vapid ? store.webSubscriptions() : [], fcm ? store.nativeSubscriptions() : []]);
    if (web.length + native.length === 0) return { status: 'unavailable', reason: 'no device has notifications on' };

    const payload = encodePayload(message);
    const results = await Promise.all([
      ...(vapid ? web.map((subscription) => sendToDevice(subscription, payload, message, vapid)) : []),
      ...(fcm ? native.map((device) => sendToNativeDevice(device, message, fcm)) : []),
    ]);
    for (const device of results) {
      if (device.result === 'accepted') store.recordDelivery(message.id, device.subscriptionId);
      if (device.result === 'gone') store.remove(device.subscriptionId);
    }
    log.info('push sent', {
      userId: settings.userId,
      messageId: message.id,
      devices: results.length,
      accepted: results.filter((device) => device.result === 'accepted').length,
      gone: results.filter((device) => device.result === 'gone').length,
    });

    const accepted = results.find((device) => device.result === 'accepted');
    if (accepted) return { status: 'sent', ...(accepted.location ? { providerId: accepted.location } : {}) };
    const failures = results.filter((device): device is DeviceFailure => 'detail' in device);
    const retryable = failures.find((device) => device.result === 'retryable');
    if (retryable) return { status: 'failed', retryable: true, reason: retryable.detail };
    const refused = failures[0];
    if (refused) return { status: 'failed', retryable: false, reason: refused.detail };
    return { status: 'unavailable', reason: 'every device had withdrawn its subscription' };
  }

  return {
    name: 'push',
    reachable: async () => (settings.vapid() !== undefined && store.hasWeb()) || (settings.fcm?.() !== undefined && store.hasNative()),
    send(message) {
      // Two sends of one message at once (a retried alarm while the first runs) share one delivery;
      // the one that joined sent nothing itself, so a success is a duplicate to it.
      const running = inFlight.get(message.id);
      if (running) return running.then((outcome): DeliveryOutcome => (outcome.status === 'sent' ? { ...outcome, duplicate: true } : outcome));
      const started = deliver(message).finally(() => inFlight.delete(message.id));
      inFlight.set(message.id, started);
      return started;
    },
  };
}

/**
 * The JSON the service worker shows. A push service takes at most 4096 bytes per message, so a long
 * text is cut (the whole message is in the conversation the notification opens).
 */
export function encodePayload(message: OutboundMessage): string {
  const payload: PushPayload = {
    id: message.id,
    kind: message.kind,
    title: message.title,
    text: message.text,
    ...(message.reminderId ? { reminderId: message.reminderId } : {}),
    ...(message.conversationId ? { conversationId: message.conversationId } : {}),
  };
  let encoded = JSON.stringify(payload);
  let textLength = message.text.length;
  while (new TextEncoder().encode(encoded).length > maxPlaintextBytes && textLength > 0) {
    textLength = Math.floor(textLength * 0.8);
    encoded = JSON.stringify({ ...payload, text: `${Array.from(message.text).slice(0, textLength).join('')}…` });
  }
  return encoded;
}

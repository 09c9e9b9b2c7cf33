import type { ImportDocument } from '../../../common/import.ts';
import type { PushSubscriptionBody, PushSubscriptionInfo } from '../../../common/outreach.ts';
import type { Config } from '../../../server/config/config.ts';
import { AppError, notFound } from '../../../server/errors/app-error.ts';
import { base64UrlToBytes } from '../../../server/push/base64url.ts';
import { createFcmSender, type FcmSender } from '../../../server/push/fcm.ts';
import type { VapidKeys } from '../../../server/push/vapid.ts';
import type { Capability, CapabilityHost } from '../../host/capability.ts';
import type { ImportPlan } from '../../host/import-document.ts';
import { createPushChannel } from './push-channel.ts';
import { pushSchemaSteps } from './schema.ts';
import { SubscriptionStore } from './subscription-store.ts';

/** The VAPID keys the configuration names, or undefined while Web Push is not configured. */
export function vapidKeysFrom(config: Config): VapidKeys | undefined {
  const { VAPID_PUBLIC_KEY: publicKey, VAPID_PRIVATE_KEY: privateKey, VAPID_SUBJECT: subject } = config;
  return publicKey && privateKey && subject ? { publicKey, privateKey, subject } : undefined;
}

/** Firebase Cloud Messaging as the configuration names it, or undefined while it is not configured. */
export function fcmSenderFrom(config: Config, fetchFunction?: typeof fetch): FcmSender | undefined {
  const { FCM_PROJECT_ID: projectId, FCM_CLIENT_EMAIL: clientEmail, FCM_PRIVATE_KEY: privateKeyPem } = config;
  if (!projectId || !clientEmail || !privateKeyPem) return undefined;
  return createFcmSender(
    { projectId, clientEmail, privateKeyPem, apiUrl: config.FCM_API_URL, tokenUrl: config.FCM_TOKEN_URL },
    fetchFunction ? { fetch: fetchFunction } : {},
  );
}

/**
 * Push to the person's devices: the subscriptions each browser (or the mobile app) registered, sealed
 * in the object, and the `push` delivery channel outreach sends through.
 */
export function createPushCapability(host: CapabilityHost, options: { fetch?: typeof fetch } = {}) {
  const store = new SubscriptionStore(
    host.sql,
    host.vault,
    async () => (await host.vault.keys()).blindIndex,
    () => host.now(),
  );
  // One sender per object, made when first needed: it keeps the access token between sends.
  let fcm: { sender: FcmSender | undefined } | undefined;
  const channel = createPushChannel({
    store,
    vapid: () => vapidKeysFrom(host.config()),
    fcm: () => {
      fcm ??= { sender: fcmSenderFrom(host.config(), options.fetch) };
      return fcm.sender;
    },
    fetch: options.fetch,
    now: () => host.now(),
    userId: host.userId,
  });

  return {
    name: 'push',
    schema: pushSchemaSteps,
    /** Outreach reaches the person's devices through this. */
    channel,
    rpc: {
      list: (): Promise<PushSubscriptionInfo[]> => store.list(),
      /** Registers a device, or updates it when its endpoint (or token) is known. Throws `invalid_subscription`. */
      async save(body: PushSubscriptionBody): Promise<{ subscription: PushSubscriptionInfo; created: boolean }> {
        if ('endpoint' in body) checkWebSubscription(body);
        return store.save(body);
      },
      async delete(id: string): Promise<null> {
        if (!store.remove(id)) throw notFound('push subscription');
        return null;
      },
    },
    exportData: async () => ({ pushSubscriptions: await store.list() }),
    // A device's subscription belongs to the account, not to the life an import brings: a new account's
    // app may have subscribed already, and that is no reason to refuse an import. A restore keeps them,
    // so every device goes on hearing from the companion.
    keptOnRestore: ['push_subscriptions', 'push_deliveries'],
    /** Never brought back: the export holds no endpoint, key or token, and a device's subscription is its own to make. */
    async importData(document: ImportDocument): Promise<ImportPlan> {
      const count = document.pushSubscriptions?.length ?? 0;
      return {
        // An empty list is named too, or the report would call the section one this version cannot read.
        imported: document.pushSubscriptions && count === 0 ? { pushSubscriptions: 0 } : {},
        notImported:
          count > 0 ? [{ section: 'pushSubscriptions', count, reason: 'Each device asks for notifications again when the app next opens on it.' }] : [],
        write: () => {},
      };
    },
  } satisfies Capability;
}

export type PushCapability = ReturnType<typeof createPushCapability>;

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The object posts to whatever endpoint is registered, so only what a browser could have given is
 * taken: an https URL (every push service's), or http to this machine for local development and the
 * tests' fake push service. Keys must be a P-256 point and a 16-byte secret, or every send would fail.
 */
function checkWebSubscription(body: Extract<PushSubscriptionBody, { endpoint: string }>): void {
  const endpoint = new URL(body.endpoint);
  const allowed = endpoint.protocol === 'https:' || (endpoint.protocol === 'http:' && loopbackHosts.has(endpoint.hostname));
  if (!allowed || endpoint.username || endpoint.password) {
    throw new AppError('invalid_subscription', 'The subscription endpoint must be an https URL of a push service.');
  }
  const decodes = (text: string, length: number) => {
    try {
      return /^[A-Za-z0-9_-]+={0,2}$/.test(text) && base64UrlToBytes(text).length === length;
    } catch {
      return false;
    }
  };
  if (!decodes(body.keys.p256dh, 65) || base64UrlToBytes(body.keys.p256dh)[0] !== 4) {
    throw new AppError('invalid_subscription', 'The subscription key p256dh is not a P-256 public key (65 bytes, base64url).');
  }
  if (!decodes(body.keys.auth, 16)) throw new AppError('invalid_subscription', 'The subscription key auth is not a 16-byte secret (base64url).');
}

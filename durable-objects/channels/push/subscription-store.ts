import type { PushSubscriptionBody, PushSubscriptionInfo } from '../../../common/outreach.ts';
import { bytesToBase64Url, createId } from '../../../server/crypto/encoding.ts';
import type { WebPushTarget } from '../../../server/push/web-push-request.ts';
import type { UserVault } from '../../host/user-vault.ts';

type SubscriptionKind = PushSubscriptionInfo['kind'];

type SubscriptionRow = {
  id: string;
  kind: SubscriptionKind;
  target_key: string;
  target_sealed: string;
  device_name_sealed: string | null;
  created_at: number;
  updated_at: number;
};

/** What is sealed per subscription: a browser's endpoint and keys, or the app's native token. */
type SealedTarget = { endpoint: string; keys: { p256dh: string; auth: string } } | { nativeToken: string };

/** A web subscription ready to send to. */
export interface WebSubscription extends WebPushTarget {
  id: string;
}

/** How long a record of what went to which device is kept: longer than any retry of a message. */
const deliveryRecordDays = 30;

/**
 * The person's devices, each a row: endpoint, keys and token sealed (they are as personal as a phone
 * number, and whoever holds them can push to the device), the kind plain so web ones are found
 * without opening the rest.
 */
export class SubscriptionStore {
  constructor(
    private readonly sql: SqlStorage,
    private readonly vault: UserVault,
    private readonly blindIndexKey: () => Promise<CryptoKey>,
    private readonly now: () => number,
  ) {}

  /** Adds the device, or updates it when its endpoint (or token) is already registered. */
  async save(body: PushSubscriptionBody): Promise<{ subscription: PushSubscriptionInfo; created: boolean }> {
    const kind: SubscriptionKind = 'nativeToken' in body ? body.platform : 'web';
    const target: SealedTarget = 'nativeToken' in body ? { nativeToken: body.nativeToken } : { endpoint: body.endpoint, keys: body.keys };
    const targetKey = await this.#targetKey('nativeToken' in target ? `native:${target.nativeToken}` : `web:${target.endpoint}`);
    const existing = this.sql.exec<SubscriptionRow>('SELECT * FROM push_subscriptions WHERE target_key = ?', targetKey).toArray()[0];
    const now = this.now();
    const id = existing?.id ?? createId('push', now);
    const targetSealed = await this.vault.seal(JSON.stringify(target), `push:${id}:target`);
    const deviceName = body.deviceName || undefined;
    const deviceNameSealed = deviceName ? await this.vault.seal(deviceName, `push:${id}:device-name`) : null;
    if (existing) {
      // A browser may renew its keys under the same endpoint: the new keys replace the old.
      this.sql.exec(
        'UPDATE push_subscriptions SET target_sealed = ?, device_name_sealed = ?, updated_at = ? WHERE id = ?',
        targetSealed,
        deviceNameSealed,
        now,
        id,
      );
    } else {
      this.sql.exec(
        'INSERT INTO push_subscriptions (id, kind, target_key, target_sealed, device_name_sealed, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        id,
        kind,
        targetKey,
        targetSealed,
        deviceNameSealed,
        now,
        now,
      );
    }
    const createdAt = existing?.created_at ?? now;
    return { subscription: present({ id, kind, createdAt, deviceName }), created: !existing };
  }

  /** Every device, oldest first, without endpoints, keys or tokens. */
  async list(): Promise<PushSubscriptionInfo[]> {
    const rows = this.sql.exec<SubscriptionRow>('SELECT * FROM push_subscriptions ORDER BY created_at, id').toArray();
    return Promise.all(
      rows.map(async (row) =>
        present({
          id: row.id,
          kind: row.kind,
          createdAt: row.created_at,
          deviceName: (await this.vault.openOptional(row.device_name_sealed, `push:${row.id}:device-name`)) ?? undefined,
        }),
      ),
    );
  }

  /** Whether any device can be sent a Web Push message. No decryption: cheap enough for `reachable()`. */
  hasWeb(): boolean {
    return this.sql.exec("SELECT 1 FROM push_subscriptions WHERE kind = 'web' LIMIT 1").toArray().length > 0;
  }

  /** Whether the mobile app registered a native token on any device. */
  hasNative(): boolean {
    return this.sql.exec("SELECT 1 FROM push_subscriptions WHERE kind != 'web' LIMIT 1").toArray().length > 0;
  }

  /** The mobile app's devices with their native tokens, oldest first. */
  async nativeSubscriptions(): Promise<{ id: string; platform: 'android' | 'ios'; token: string }[]> {
    const rows = this.sql.exec<SubscriptionRow>("SELECT * FROM push_subscriptions WHERE kind != 'web' ORDER BY created_at, id").toArray();
    return Promise.all(
      rows.map(async (row) => {
        const target = JSON.parse(await this.vault.open(row.target_sealed, `push:${row.id}:target`)) as Extract<SealedTarget, { nativeToken: string }>;
        return { id: row.id, platform: row.kind as 'android' | 'ios', token: target.nativeToken };
      }),
    );
  }

  async webSubscriptions(): Promise<WebSubscription[]> {
    const rows = this.sql.exec<SubscriptionRow>("SELECT * FROM push_subscriptions WHERE kind = 'web' ORDER BY created_at, id").toArray();
    return Promise.all(
      rows.map(async (row) => {
        const target = JSON.parse(await this.vault.open(row.target_sealed, `push:${row.id}:target`)) as Extract<SealedTarget, { endpoint: string }>;
        return { id: row.id, endpoint: target.endpoint, keys: target.keys };
      }),
    );
  }

  /** Removes a device; false when there was none by that id. */
  remove(id: string): boolean {
    const removed = this.sql.exec('DELETE FROM push_subscriptions WHERE id = ?', id).rowsWritten > 0;
    this.sql.exec('DELETE FROM push_deliveries WHERE subscription_id = ?', id);
    return removed;
  }

  /** The devices that already accepted this message. */
  deliveredTo(messageId: string): string[] {
    return this.sql
      .exec<{ subscription_id: string }>('SELECT subscription_id FROM push_deliveries WHERE message_id = ?', messageId)
      .toArray()
      .map((row) => row.subscription_id);
  }

  recordDelivery(messageId: string, subscriptionId: string): void {
    const now = this.now();
    this.sql.exec('INSERT OR IGNORE INTO push_deliveries (message_id, subscription_id, sent_at) VALUES (?, ?, ?)', messageId, subscriptionId, now);
    this.sql.exec('DELETE FROM push_deliveries WHERE sent_at < ?', now - deliveryRecordDays * 86_400_000);
  }

  async #targetKey(target: string): Promise<string> {
    const mac = await crypto.subtle.sign('HMAC', await this.blindIndexKey(), new TextEncoder().encode(`push-target:${target}`));
    return bytesToBase64Url(new Uint8Array(mac));
  }
}

function present(subscription: { id: string; kind: SubscriptionKind; createdAt: number; deviceName: string | undefined }): PushSubscriptionInfo {
  return {
    id: subscription.id,
    kind: subscription.kind,
    ...(subscription.deviceName ? { deviceName: subscription.deviceName } : {}),
    createdAt: new Date(subscription.createdAt).toISOString(),
  };
}

import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';
import { pushSubscriptionSchema, pushSubscriptionsAnswerSchema } from '../../../common/outreach.ts';
import { readConfig } from '../../../server/config/config.ts';
import type { Env } from '../../../server/env.ts';
import { api, buildUser, expectError, readJson } from '../../../test-support/api.ts';
import { failNextFcm, fcmReceived } from '../../../test-support/fake-fcm/control.ts';
import {
  createFakeSubscription,
  type FakeSubscription,
  failNextPush,
  type ReceivedPush,
  subscriptionRecord,
} from '../../../test-support/fake-push-service/control.ts';
import type { CompanionAgent } from '../../companion-agent.ts';
import type { CapabilityHost } from '../../host/capability.ts';
import { configuredMasterKeys, UserVault } from '../../host/user-vault.ts';
import { describeChannelContract } from '../channel-contract.ts';
import type { DeliveryChannel, OutboundMessage } from '../delivery-channel.ts';
import { createPushCapability, type PushCapability } from './push-capability.ts';

const testEnv = env as unknown as Env & { COMPANION: DurableObjectNamespace<CompanionAgent> };
const fakePushUrl = inject('fakePushUrl');
const vapidPublicKey = inject('vapidPublicKey');

/**
 * The push capability over the user's real object storage: built inside their object each call, from
 * its SQL and its vault, as `capabilities.ts` builds it. Tests reach the channel this way because the
 * object does not expose it over RPC (outreach calls it from inside).
 */
function inObject<Result>(userId: string, work: (push: PushCapability) => Promise<Result>): Promise<Result> {
  return runInDurableObject(testEnv.COMPANION.getByName(userId), (_instance, state) => {
    const sql = state.storage.sql;
    const host: CapabilityHost = {
      userId,
      sql,
      vault: new UserVault(sql, userId, configuredMasterKeys(testEnv)),
      env: testEnv,
      config: () => readConfig(testEnv),
      now: () => Date.now(),
      chatModel: () => undefined,
      scheduler: () => {
        throw new Error('the push capability schedules nothing');
      },
      connections: { list: () => [], closeAll: () => {} },
      waitUntil: (promise) => state.waitUntil(promise),
    };
    return work(createPushCapability(host));
  });
}

/** The channel of one user's object, each call run inside it. */
const channelOf = (userId: string): DeliveryChannel => ({
  name: 'push',
  reachable: () => inObject(userId, (push) => push.channel.reachable()),
  send: (message) => inObject(userId, (push) => push.channel.send(message)),
});

let sequence = 0;
const message = (text: string, overrides: Partial<OutboundMessage> = {}): OutboundMessage => ({
  id: `msg_push_${Date.now()}_${sequence++}`,
  kind: 'reminder',
  title: 'Reminder',
  text,
  createdAt: Date.now(),
  ...overrides,
});

/** A signed-up person, and a browser of theirs subscribed at the fake and registered through the API. */
async function personWithBrowser(deviceName = 'Firefox on Linux') {
  const person = await buildUser();
  const browser = await createFakeSubscription(fakePushUrl, { applicationServerKey: vapidPublicKey });
  const registered = await readJson(
    await api('/api/v1/push/subscriptions', { token: person.token, body: { ...browser, expirationTime: null, deviceName } }),
    pushSubscriptionSchema,
    201,
  );
  return { person, browser, registered, channel: channelOf(person.user.id) };
}

/** Another browser of the same person. */
async function addBrowser(token: string): Promise<FakeSubscription> {
  const browser = await createFakeSubscription(fakePushUrl, { applicationServerKey: vapidPublicKey });
  await readJson(await api('/api/v1/push/subscriptions', { token, body: browser }), pushSubscriptionSchema, 201);
  return browser;
}

const received = async (browser: FakeSubscription): Promise<ReceivedPush[]> => (await subscriptionRecord(fakePushUrl, browser.endpoint)).received;
const payloadsAt = async (browser: FakeSubscription) => (await received(browser)).map((push) => JSON.parse(push.payload) as Record<string, unknown>);

describeChannelContract('web push', async () => {
  const person = await buildUser();
  const browsers: FakeSubscription[] = [];
  return {
    channel: channelOf(person.user.id),
    async makeReachable() {
      const browser = await createFakeSubscription(fakePushUrl, { applicationServerKey: vapidPublicKey });
      await readJson(await api('/api/v1/push/subscriptions', { token: person.token, body: browser }), pushSubscriptionSchema, 201);
      browsers.push(browser);
    },
    async delivered() {
      const all = await Promise.all(browsers.map((browser) => payloadsAt(browser)));
      return all.flat().map((payload) => ({ text: String(payload.text) }));
    },
    async failNext(kind) {
      // 503: the service is down for now; 403: it refuses the request itself (VAPID), for good.
      for (const browser of browsers) await failNextPush(fakePushUrl, browser.endpoint, kind === 'retryable' ? 503 : 403);
    },
  };
});

describe('the web push channel', () => {
  it('sends a payload the push service decrypts, signed with a VAPID token it verifies, urgent for reminders', async () => {
    const { browser, channel } = await personWithBrowser();
    const reminder = message('Take the bins out', { reminderId: 'rem_1', conversationId: 'conv_1' });
    expect(await channel.send(reminder)).toMatchObject({ status: 'sent' });

    const record = await subscriptionRecord(fakePushUrl, browser.endpoint);
    expect(record.rejected).toEqual([]);
    expect(record.received).toHaveLength(1);
    const [push] = record.received;
    expect(JSON.parse(push?.payload ?? '')).toEqual({
      id: reminder.id,
      kind: 'reminder',
      title: 'Reminder',
      text: 'Take the bins out',
      reminderId: 'rem_1',
      conversationId: 'conv_1',
    });
    expect(push?.urgency).toBe('high');
    expect(Number(push?.ttl)).toBeGreaterThan(0);
    expect(push?.vapid).toMatchObject({ aud: new URL(fakePushUrl).origin, sub: 'mailto:push-tests@kindred.test', publicKey: vapidPublicKey });

    const checkIn = message('How was the walk?', { kind: 'check-in', title: 'Kindred' });
    expect(await channel.send(checkIn)).toMatchObject({ status: 'sent' });
    expect((await received(browser))[1]?.urgency).toBe('normal');
  });

  it('sends to every browser of the person, and a retry reaches none of them twice', async () => {
    const { person, browser, channel } = await personWithBrowser();
    const second = await addBrowser(person.token);
    const outgoing = message('Dentist at 3');
    expect(await channel.send(outgoing)).toMatchObject({ status: 'sent' });
    expect(await channel.send(outgoing)).toMatchObject({ status: 'sent', duplicate: true });
    expect(await received(browser)).toHaveLength(1);
    expect(await received(second)).toHaveLength(1);
  });

  it('answers sent when one browser accepts while another is down', async () => {
    const { person, browser, channel } = await personWithBrowser();
    const down = await addBrowser(person.token);
    await failNextPush(fakePushUrl, down.endpoint, 500);
    expect((await channel.send(message('Lunch with Sam'))).status).toBe('sent');
    expect(await received(browser)).toHaveLength(1);
  });

  it('removes a subscription the push service says is gone (410 or 404), and is then unavailable', async () => {
    const { person, browser: first, channel } = await personWithBrowser();
    for (const status of [410, 404]) {
      const browser = status === 410 ? first : await addBrowser(person.token);
      await failNextPush(fakePushUrl, browser.endpoint, status);
      expect(await channel.send(message('Call the bank'))).toMatchObject({ status: 'unavailable' });
      expect(await channel.reachable()).toBe(false);
      const listed = await readJson(await api('/api/v1/push/subscriptions', { token: person.token }), pushSubscriptionsAnswerSchema);
      expect(listed.subscriptions).toEqual([]);
    }
  });

  it('says 429 and 5xx may be retried, and 400 and 413 may not', async () => {
    const { channel, browser } = await personWithBrowser();
    for (const [status, retryable] of [
      [429, true],
      [500, true],
      [400, false],
      [413, false],
    ] as const) {
      await failNextPush(fakePushUrl, browser.endpoint, status);
      expect(await channel.send(message('Feed the cat')), `status ${status}`).toMatchObject({ status: 'failed', retryable });
      // The subscription stays: only 404 and 410 mean it is gone.
      expect(await channel.reachable()).toBe(true);
    }
  });

  // Two sign-ups: scrypt is slow on purpose, and slower still with the suite's files side by side.
  it("never sends one person's messages to another's devices", { timeout: 90_000 }, async () => {
    const first = await personWithBrowser();
    const second = await personWithBrowser();
    expect((await first.channel.send(message('First person only'))).status).toBe('sent');
    expect(await received(second.browser)).toEqual([]);
    expect((await payloadsAt(first.browser)).map((payload) => payload.text)).toEqual(['First person only']);
    // Nor can the other person remove or see the first one's device.
    await expectError(await api(`/api/v1/push/subscriptions/${first.registered.id}`, { method: 'DELETE', token: second.person.token }), 'not_found');
    const listed = await readJson(await api('/api/v1/push/subscriptions', { token: second.person.token }), pushSubscriptionsAnswerSchema);
    expect(listed.subscriptions.map((subscription) => subscription.id)).toEqual([second.registered.id]);
  });

  it('keeps endpoints and keys sealed in the object', async () => {
    const { person, browser } = await personWithBrowser('Chrome on Android');
    const rows = await runInDurableObject(testEnv.COMPANION.getByName(person.user.id), (_instance, state) =>
      state.storage.sql.exec('SELECT * FROM push_subscriptions').toArray(),
    );
    expect(rows).toHaveLength(1);
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain(new URL(browser.endpoint).pathname.split('/').at(-1));
    expect(stored).not.toContain(browser.keys.p256dh);
    expect(stored).not.toContain(browser.keys.auth);
    expect(stored).not.toContain('Chrome on Android');
  });

  it('cuts a text too long for one push message, keeping it valid JSON', async () => {
    const { browser, channel } = await personWithBrowser();
    expect((await channel.send(message('long '.repeat(2000)))).status).toBe('sent');
    const [payload] = await payloadsAt(browser);
    expect(String(payload?.text).length).toBeLessThan(4000);
    expect(String(payload?.text).endsWith('…')).toBe(true);
  });
});

const fakeFcmUrl = inject('fakeFcmUrl');

/** A person whose mobile app registered a native token (Android unless said), through the API. */
async function personWithPhone(platform: 'android' | 'ios' = 'android') {
  const person = await buildUser();
  const token = `fcm-${platform}-${crypto.randomUUID()}`;
  const registered = await readJson(
    await api('/api/v1/push/subscriptions', { token: person.token, body: { nativeToken: token, platform, deviceName: 'Pixel 9' } }),
    pushSubscriptionSchema,
    201,
  );
  return { person, token, registered, channel: channelOf(person.user.id) };
}

describeChannelContract('native push (FCM)', async () => {
  const person = await buildUser();
  const tokens: string[] = [];
  return {
    channel: channelOf(person.user.id),
    async makeReachable() {
      const token = `fcm-contract-${crypto.randomUUID()}`;
      await readJson(
        await api('/api/v1/push/subscriptions', { token: person.token, body: { nativeToken: token, platform: 'android' } }),
        pushSubscriptionSchema,
        201,
      );
      tokens.push(token);
    },
    async delivered() {
      const all = await Promise.all(tokens.map(async (token) => (await fcmReceived(fakeFcmUrl, token)).messages));
      return all.flat().map((received) => ({ text: received.message.notification?.body ?? '' }));
    },
    async failNext(kind) {
      for (const token of tokens) await failNextFcm(fakeFcmUrl, token, kind === 'retryable' ? 'unavailable' : 'invalid-argument');
    },
  };
});

describe('native push through FCM', () => {
  it('sends the notification with its data as strings, urgent for reminders, as the service account FCM verified', async () => {
    const { token, channel } = await personWithPhone();
    const reminder = message('Call mum', { reminderId: 'rem_7', conversationId: 'conv_7' });
    expect(await channel.send(reminder)).toMatchObject({ status: 'sent' });
    const [sent] = (await fcmReceived(fakeFcmUrl, token)).messages;
    expect(sent?.message.notification).toEqual({ title: 'Reminder', body: 'Call mum' });
    expect(sent?.message.data).toEqual({ id: reminder.id, kind: 'reminder', reminderId: 'rem_7', conversationId: 'conv_7' });
    expect(sent?.message.android).toEqual({ priority: 'HIGH', ttl: `${24 * 3600}s` });
    expect(sent?.message.apns?.headers?.['apns-priority']).toBe('10');
    // A retry of the same message sends nothing again.
    expect(await channel.send(reminder)).toMatchObject({ status: 'sent', duplicate: true });
    expect((await fcmReceived(fakeFcmUrl, token)).messages).toHaveLength(1);
  });

  it('removes a token FCM says is unregistered, and is then unavailable', async () => {
    const { person, token, channel } = await personWithPhone('ios');
    await failNextFcm(fakeFcmUrl, token, 'unregistered');
    expect(await channel.send(message('Gone phone'))).toMatchObject({ status: 'unavailable' });
    const listed = await readJson(await api('/api/v1/push/subscriptions', { token: person.token }), pushSubscriptionsAnswerSchema);
    expect(listed.subscriptions).toEqual([]);
    expect(await channel.reachable()).toBe(false);
  });

  it('takes a fresh access token when FCM refuses the one it has, and retries once', async () => {
    const { token, channel } = await personWithPhone();
    expect((await channel.send(message('First'))).status).toBe('sent');
    await failNextFcm(fakeFcmUrl, token, 'unauthenticated');
    expect((await channel.send(message('Second'))).status).toBe('sent');
    expect((await fcmReceived(fakeFcmUrl, token)).messages.map((sent) => sent.message.notification?.body)).toEqual(['First', 'Second']);
  });

  it('keeps the native token sealed in the object', async () => {
    const { person, token } = await personWithPhone();
    const rows = await runInDurableObject(testEnv.COMPANION.getByName(person.user.id), (_instance, state) =>
      state.storage.sql.exec('SELECT * FROM push_subscriptions').toArray(),
    );
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(JSON.stringify(rows)).not.toContain('Pixel 9');
  });
});

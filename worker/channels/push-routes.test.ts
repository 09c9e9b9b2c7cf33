import { describe, expect, inject, it } from 'vitest';
import { pushPublicKeyAnswerSchema, pushSubscriptionSchema, pushSubscriptionsAnswerSchema } from '../../common/outreach.ts';
import { exportDocumentSchema } from '../../common/protocol.ts';
import { api, buildUser, expectError, readJson } from '../../test-support/api.ts';
import { createFakeSubscription } from '../../test-support/fake-push-service/control.ts';

const fakePushUrl = inject('fakePushUrl');
const vapidPublicKey = inject('vapidPublicKey');

describe('/push', () => {
  it('gives the VAPID public key without a session', async () => {
    expect(await readJson(await api('/api/v1/push/public-key'), pushPublicKeyAnswerSchema)).toEqual({ publicKey: vapidPublicKey });
  });

  it('registers a browser, updates it when the same endpoint comes again, lists and deletes it', async () => {
    const person = await buildUser();
    const browser = await createFakeSubscription(fakePushUrl);
    const created = await readJson(
      await api('/api/v1/push/subscriptions', { token: person.token, body: { ...browser, deviceName: 'Firefox' } }),
      pushSubscriptionSchema,
      201,
    );
    expect(created).toMatchObject({ kind: 'web', deviceName: 'Firefox' });

    const renewed = await createFakeSubscription(fakePushUrl);
    const updated = await readJson(
      await api('/api/v1/push/subscriptions', { token: person.token, body: { endpoint: browser.endpoint, keys: renewed.keys, deviceName: 'Firefox 140' } }),
      pushSubscriptionSchema,
      200,
    );
    expect(updated).toEqual({ ...created, deviceName: 'Firefox 140' });

    const listed = await readJson(await api('/api/v1/push/subscriptions', { token: person.token }), pushSubscriptionsAnswerSchema);
    expect(listed.subscriptions).toEqual([updated]);
    expect(JSON.stringify(listed)).not.toContain(browser.keys.auth);

    const deleted = await api(`/api/v1/push/subscriptions/${created.id}`, { method: 'DELETE', token: person.token });
    expect(deleted.status).toBe(204);
    await expectError(await api(`/api/v1/push/subscriptions/${created.id}`, { method: 'DELETE', token: person.token }), 'not_found');
    expect((await readJson(await api('/api/v1/push/subscriptions', { token: person.token }), pushSubscriptionsAnswerSchema)).subscriptions).toEqual([]);
  });

  it("registers the app's native tokens, and lists them by platform", async () => {
    const person = await buildUser();
    const android = await readJson(
      await api('/api/v1/push/subscriptions', { token: person.token, body: { nativeToken: 'fcm-token-1', platform: 'android', deviceName: 'Pixel' } }),
      pushSubscriptionSchema,
      201,
    );
    const again = await readJson(
      await api('/api/v1/push/subscriptions', { token: person.token, body: { nativeToken: 'fcm-token-1', platform: 'android' } }),
      pushSubscriptionSchema,
      200,
    );
    expect(again.id).toBe(android.id);
    await readJson(
      await api('/api/v1/push/subscriptions', { token: person.token, body: { nativeToken: 'apns-token', platform: 'ios' } }),
      pushSubscriptionSchema,
      201,
    );
    const listed = await readJson(await api('/api/v1/push/subscriptions', { token: person.token }), pushSubscriptionsAnswerSchema);
    expect(listed.subscriptions.map((subscription) => subscription.kind)).toEqual(['android', 'ios']);
  });

  it('refuses endpoints a browser could not have given, and keys of the wrong shape', async () => {
    const person = await buildUser();
    const browser = await createFakeSubscription(fakePushUrl);
    const post = (body: unknown) => api('/api/v1/push/subscriptions', { token: person.token, body });
    await expectError(await post({ ...browser, endpoint: 'http://169.254.169.254/latest/meta-data' }), 'invalid_subscription');
    await expectError(await post({ ...browser, endpoint: 'ftp://push.example.net/x' }), 'invalid_subscription');
    await expectError(await post({ ...browser, keys: { ...browser.keys, p256dh: 'AAAA' } }), 'invalid_subscription');
    await expectError(await post({ ...browser, keys: { ...browser.keys, auth: 'AAAA' } }), 'invalid_subscription');
    await expectError(await post({ endpoint: browser.endpoint }), 'validation_failed');
    await expectError(await api('/api/v1/push/subscriptions', { body: browser }), 'unauthenticated');
  });

  it('exports the devices without their endpoints or keys', async () => {
    const person = await buildUser();
    const browser = await createFakeSubscription(fakePushUrl);
    const created = await readJson(await api('/api/v1/push/subscriptions', { token: person.token, body: browser }), pushSubscriptionSchema, 201);
    const response = await api('/api/v1/me/export', { token: person.token });
    const text = await response.text();
    expect(response.status, text).toBe(200);
    const document = exportDocumentSchema.parse(JSON.parse(text));
    expect(document.pushSubscriptions).toEqual([created]);
    expect(text).not.toContain(browser.keys.p256dh);
    expect(text).not.toContain(new URL(browser.endpoint).pathname);
  });
});

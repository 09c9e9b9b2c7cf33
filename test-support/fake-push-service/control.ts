/**
 * The fake push service's vocabulary and typed helpers for tests. The helpers run inside workerd, so
 * they use only `fetch`; the Node-side server imports the types only.
 */

/** What a browser's `PushSubscription.toJSON()` gives, as the fake makes it. */
export interface FakeSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

/** A push the fake accepted: its VAPID claims checked, its body decrypted. */
export interface ReceivedPush {
  /** The decrypted body, as text (Kindred sends JSON). */
  payload: string;
  ttl: string;
  urgency?: string;
  /** The VAPID JWT's claims and `k=`, all verified. */
  vapid: { aud: string; exp: number; sub: string; publicKey: string };
  receivedAt: number;
}

/** A push the fake refused, and why: a test of what we send asserts there are none. */
export interface RejectedPush {
  status: number;
  reason: string;
}

export interface SubscriptionRecord {
  received: ReceivedPush[];
  rejected: RejectedPush[];
}

async function expectOk(response: Response, what: string): Promise<Response> {
  if (!response.ok) throw new Error(`fake push service ${what} failed: HTTP ${response.status} ${await response.text()}`);
  return response;
}

/**
 * A new subscription, as a browser's `PushManager.subscribe` makes one: the fake keeps the private
 * key and answers the endpoint and public keys. With `applicationServerKey`, the fake refuses (403)
 * pushes signed with any other VAPID key, as real push services do.
 */
export async function createFakeSubscription(baseUrl: string, options: { applicationServerKey?: string } = {}): Promise<FakeSubscription> {
  const response = await expectOk(
    await fetch(`${baseUrl}/__control/subscriptions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(options) }),
    'subscribe',
  );
  return (await response.json()) as FakeSubscription;
}

const subscriptionIdOf = (endpoint: string) => new URL(endpoint).pathname.split('/').at(-1) ?? '';

/** What reached (or was refused at) this subscription, oldest first. */
export async function subscriptionRecord(baseUrl: string, endpoint: string): Promise<SubscriptionRecord> {
  const response = await expectOk(await fetch(`${baseUrl}/__control/subscriptions/${subscriptionIdOf(endpoint)}`), 'record');
  return (await response.json()) as SubscriptionRecord;
}

/** The next push to this subscription is answered with `status` (410, 404, 429, 500, 403, …) and not delivered. */
export async function failNextPush(baseUrl: string, endpoint: string, status: number): Promise<void> {
  await expectOk(
    await fetch(`${baseUrl}/__control/subscriptions/${subscriptionIdOf(endpoint)}/fail-next`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status }),
    }),
    'fail-next',
  );
}

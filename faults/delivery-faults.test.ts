import { createExecutionContext, createMessageBatch, getQueueResult, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, inject, it, vi } from 'vitest';
import { type OutreachLogEntry, outreachLogAnswerSchema } from '../common/outreach.ts';
import { messagesPageSchema } from '../common/protocol.ts';
import type { CompanionAgent } from '../durable-objects/companion-agent.ts';
import type { DeliveryJob, Env } from '../server/env.ts';
import { localAt } from '../server/time/zoned-time.ts';
import { api, buildUser, readJson } from '../test-support/api.ts';
import { createFakeSubscription, failNextPush, subscriptionRecord } from '../test-support/fake-push-service/control.ts';
import { consumeDeliveries, deliveriesQueueName } from '../worker/outreach/delivery-queue.ts';

const testEnv = env as unknown as Env;
const companions = env as unknown as { COMPANION: DurableObjectNamespace<CompanionAgent> };
const fakePushUrl = inject('fakePushUrl');
const pad = (value: number) => String(value).padStart(2, '0');

/** A person reached by push only, their check-in sent now, so its delivery goes through the queue. */
async function checkInByPush(options: { firstPushFails: boolean }) {
  const user = await buildUser();
  const subscription = await createFakeSubscription(fakePushUrl);
  expect((await api('/api/v1/push/subscriptions', { token: user.token, body: { endpoint: subscription.endpoint, keys: subscription.keys } })).status).toBe(201);
  const now = localAt(Date.now(), 'UTC');
  const settings = { quietHours: { start: '00:00', end: '00:00' }, checkInTime: `${pad(now.hour)}:${pad(now.minute)}`, channelOrder: ['push'] };
  expect((await api('/api/v1/outreach', { method: 'PUT', token: user.token, body: settings })).status).toBe(200);
  if (options.firstPushFails) await failNextPush(fakePushUrl, subscription.endpoint, 503);
  const date = `${now.year}-${pad(now.month)}-${pad(now.day)}`;
  await runInDurableObject(companions.COMPANION.getByName(user.user.id), (instance) =>
    instance.runJob({ capability: 'outreach', job: 'checkIn', payload: { date } }),
  );
  return { user, subscription };
}

const logOf = async (token: string) => (await readJson(await api('/api/v1/outreach/log', { token }), outreachLogAnswerSchema)).entries;

/** Waits for the queue's own consumer to have tried the one entry, and answers it once `done` says so. */
const entryOnceTried = (token: string, done: (entry: OutreachLogEntry) => boolean) =>
  vi.waitFor(
    async () => {
      const [entry] = await logOf(token);
      if (!entry || !done(entry)) throw new Error(`not yet: ${entry?.status}`);
      return entry;
    },
    { timeout: 15_000, interval: 100 },
  );

/** The queue handing the consumer this message (the same id every time: a redelivery, not a new job). */
async function deliverAgain(messageId: string, job: DeliveryJob) {
  const batch = createMessageBatch<DeliveryJob>(deliveriesQueueName, [{ id: messageId, timestamp: new Date(), attempts: 2, body: job }]);
  const context = createExecutionContext();
  await consumeDeliveries(batch, testEnv);
  return getQueueResult(batch, context);
}

describe('the queue redelivering a delivery', () => {
  it('after it was sent, twice at once and once more: the push goes out once and the log has one sent attempt', async () => {
    const { user, subscription } = await checkInByPush({ firstPushFails: false });
    const sent = await entryOnceTried(user.token, (entry) => entry.status === 'sent');
    const job = { userId: user.user.id, outreachId: sent.id };
    const messageId = `redelivered-${crypto.randomUUID()}`;

    const results = await Promise.all([deliverAgain(messageId, job), deliverAgain(messageId, job)]);
    results.push(await deliverAgain(messageId, job));
    // Each redelivery is acknowledged (nothing to retry), not sent again.
    for (const result of results) expect(result).toMatchObject({ retryMessages: [], explicitAcks: [messageId] });

    const pushes = (await subscriptionRecord(fakePushUrl, subscription.endpoint)).received;
    expect(pushes).toHaveLength(1);
    expect(JSON.parse(pushes[0]?.payload ?? '{}')).toMatchObject({ kind: 'check-in', id: sent.messageId });
    expect(await logOf(user.token)).toEqual([sent]);
    expect(sent.attempts.map((attempt) => [attempt.channel, attempt.outcome])).toEqual([['push', 'sent']]);
    const messages = (await readJson(await api('/api/v1/messages', { token: user.token }), messagesPageSchema)).messages;
    expect(messages.map((message) => message.id)).toEqual([sent.messageId]);
  });

  it('a retry and a redelivery of it racing after a failed attempt: the person gets it once', async () => {
    const { user, subscription } = await checkInByPush({ firstPushFails: true });
    // The first attempt met a 503 and the queue was asked to retry it later.
    const pending = await entryOnceTried(user.token, (entry) => entry.attempts.some((attempt) => attempt.outcome === 'failed'));
    expect(pending.status).toBe('sending');
    const job = { userId: user.user.id, outreachId: pending.id };
    const messageId = `retried-${crypto.randomUUID()}`;

    await Promise.all([deliverAgain(messageId, job), deliverAgain(messageId, job)]);

    expect((await subscriptionRecord(fakePushUrl, subscription.endpoint)).received).toHaveLength(1);
    const [entry, ...others] = await logOf(user.token);
    expect(others).toEqual([]);
    expect(entry?.status).toBe('sent');
    expect(entry?.attempts.map((attempt) => [attempt.channel, attempt.outcome])).toEqual([
      ['push', 'failed'],
      ['push', 'sent'],
    ]);
  });
});

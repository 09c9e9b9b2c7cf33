import { createExecutionContext, createMessageBatch, getQueueResult, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, inject, it, vi } from 'vitest';
import { type OutreachLogEntry, type OutreachSettingsPatch, outreachLogAnswerSchema } from '../../common/outreach.ts';
import { reminderSchema } from '../../common/protocol.ts';
import type { CompanionAgent } from '../../durable-objects/companion-agent.ts';
import type { DeliveryJob, Env } from '../../server/env.ts';
import { localAt } from '../../server/time/zoned-time.ts';
import { api, buildUser, openRealtime, readJson } from '../../test-support/api.ts';
import { createFakeSubscription, failNextPush, subscriptionRecord } from '../../test-support/fake-push-service/control.ts';
import { consumeDeliveries, deadLetterQueueName, deliveriesQueueName } from './delivery-queue.ts';

const testEnv = env as unknown as Env;
const companions = env as unknown as { COMPANION: DurableObjectNamespace<CompanionAgent> };
const fakePushUrl = inject('fakePushUrl');
const pad = (value: number) => String(value).padStart(2, '0');

/** A person with one browser subscribed to push, their check-in due now, reached by `channelOrder`. */
async function personWithPush(channelOrder: OutreachSettingsPatch['channelOrder']) {
  const user = await buildUser();
  const subscription = await createFakeSubscription(fakePushUrl);
  expect((await api('/api/v1/push/subscriptions', { token: user.token, body: { endpoint: subscription.endpoint, keys: subscription.keys } })).status).toBe(201);
  const now = localAt(Date.now(), 'UTC');
  await api('/api/v1/outreach', {
    method: 'PUT',
    token: user.token,
    body: { quietHours: { start: '00:00', end: '00:00' }, checkInTime: `${pad(now.hour)}:${pad(now.minute)}`, channelOrder },
  });
  return { user, subscription, date: `${now.year}-${pad(now.month)}-${pad(now.day)}` };
}

const checkIn = (userId: string, date: string) =>
  runInDurableObject(companions.COMPANION.getByName(userId), (instance) => instance.runJob({ capability: 'outreach', job: 'checkIn', payload: { date } }));

const logOf = async (token: string) => (await readJson(await api('/api/v1/outreach/log', { token }), outreachLogAnswerSchema)).entries;

/** Waits for the queue's own consumer to have done what the test expects of it. */
const eventually = <Value>(check: () => Promise<Value>) => vi.waitFor(check, { timeout: 15_000, interval: 100 });

async function consume(queue: string, jobs: DeliveryJob[]) {
  const batch = createMessageBatch<DeliveryJob>(
    queue,
    jobs.map((body, index) => ({ id: `job-${index}-${crypto.randomUUID()}`, timestamp: new Date(), attempts: 3, body })),
  );
  const context = createExecutionContext();
  await consumeDeliveries(batch, testEnv);
  return getQueueResult(batch, context);
}

describe('outbound delivery through the queue', () => {
  it('falls back along the person’s order and records every attempt', async () => {
    const { user, subscription, date } = await personWithPush(['whatsapp', 'push', 'app']);
    await checkIn(user.user.id, date);
    const entry = await eventually(async () => {
      const [found] = await logOf(user.token);
      if (found?.status !== 'sent') throw new Error(`still ${found?.status}`);
      return found;
    });
    expect(entry.attempts.map((attempt) => [attempt.channel, attempt.outcome])).toEqual([
      ['whatsapp', 'unavailable'],
      ['push', 'sent'],
    ]);
    const record = await subscriptionRecord(fakePushUrl, subscription.endpoint);
    expect(record.received).toHaveLength(1);
    expect(JSON.parse(record.received[0]?.payload ?? '{}')).toMatchObject({ kind: 'check-in', id: entry.messageId });
  });

  it('retries a delivery that failed in passing, and the person gets it once', async () => {
    const { user, subscription, date } = await personWithPush(['push']);
    await failNextPush(fakePushUrl, subscription.endpoint, 503);
    await checkIn(user.user.id, date);
    // The queue's consumer tried once, got 503 and asked the queue to retry later.
    const failed: OutreachLogEntry = await eventually(async () => {
      const [found] = await logOf(user.token);
      if (!found?.attempts.some((attempt) => attempt.outcome === 'failed')) throw new Error('not tried yet');
      return found;
    });
    expect(failed.status).toBe('sending');
    // The retry (run here rather than waiting out the backoff) delivers it; a second copy of the job sends nothing.
    const jobs = [{ userId: user.user.id, outreachId: failed.id }];
    const first = await consume(deliveriesQueueName, jobs);
    const again = await consume(deliveriesQueueName, jobs);
    expect(first.retryMessages).toEqual([]);
    expect(again.retryMessages).toEqual([]);
    const [sent] = await logOf(user.token);
    expect(sent?.status).toBe('sent');
    expect(sent?.attempts.map((attempt) => attempt.outcome)).toEqual(['failed', 'sent']);
    expect((await subscriptionRecord(fakePushUrl, subscription.endpoint)).received).toHaveLength(1);
  });

  it('marks an entry failed when the dead-letter queue gets it, and nothing is sent after', async () => {
    const { user, subscription, date } = await personWithPush(['push']);
    await failNextPush(fakePushUrl, subscription.endpoint, 503);
    await checkIn(user.user.id, date);
    const pending = await eventually(async () => {
      const [found] = await logOf(user.token);
      if (!found?.attempts.some((attempt) => attempt.outcome === 'failed')) throw new Error('not tried yet');
      return found;
    });
    await consume(deadLetterQueueName, [{ userId: user.user.id, outreachId: pending.id }]);
    const [dead] = await logOf(user.token);
    expect(dead).toMatchObject({ status: 'failed', statusDetail: 'delivery was retried and gave up' });
    // A retry still on its way finds it ended and sends nothing.
    await consume(deliveriesQueueName, [{ userId: user.user.id, outreachId: pending.id }]);
    expect((await subscriptionRecord(fakePushUrl, subscription.endpoint)).received).toEqual([]);
  });
});

describe('reminders beyond the app', () => {
  const setReminder = async (token: string) =>
    readJson(await api('/api/v1/reminders', { token, body: { text: 'Call mum', dueAt: new Date(Date.now() + 3600_000).toISOString() } }), reminderSchema, 201);
  const fire = (userId: string, reminderId: string) =>
    runInDurableObject(companions.COMPANION.getByName(userId), (instance) =>
      instance.runJob({ capability: 'reminders', job: 'deliverReminder', payload: { reminderId } }),
    );

  it('go out by push when no app is open, once, and the log says so', async () => {
    const { user, subscription } = await personWithPush(['app', 'push']);
    const reminder = await setReminder(user.token);
    await fire(user.user.id, reminder.id);
    await fire(user.user.id, reminder.id);
    const entry = await eventually(async () => {
      const [found] = await logOf(user.token);
      if (found?.status !== 'sent') throw new Error(`still ${found?.status}`);
      return found;
    });
    expect(entry).toMatchObject({ kind: 'reminder', text: 'Reminder: Call mum' });
    expect(entry.attempts.map((attempt) => [attempt.channel, attempt.outcome])).toEqual([['push', 'sent']]);
    const received = (await subscriptionRecord(fakePushUrl, subscription.endpoint)).received;
    expect(received).toHaveLength(1);
    expect(JSON.parse(received[0]?.payload ?? '{}')).toMatchObject({ kind: 'reminder', reminderId: reminder.id, text: 'Reminder: Call mum' });
  });

  it('are not pushed when an open app took them', async () => {
    const { user, subscription } = await personWithPush(['app', 'push']);
    const reminder = await setReminder(user.token);
    const realtime = await openRealtime(user.token);
    await fire(user.user.id, reminder.id);
    const frame = await realtime.next('reminder-due');
    expect(frame.message?.proactive).toBe('reminder');
    const [entry] = await logOf(user.token);
    expect(entry?.attempts.map((attempt) => [attempt.channel, attempt.outcome])).toEqual([['app', 'sent']]);
    expect((await subscriptionRecord(fakePushUrl, subscription.endpoint)).received).toEqual([]);
    realtime.socket.close();
  });
});

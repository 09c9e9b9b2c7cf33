import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, inject, it, vi } from 'vitest';
import { type OutreachLogEntry, outreachLogAnswerSchema } from '../common/outreach.ts';
import { messagesPageSchema, type Reminder, reminderSchema, remindersAnswerSchema } from '../common/protocol.ts';
import type { CompanionAgent } from '../durable-objects/companion-agent.ts';
import { scheduleTimeFor, windowPhaseOf } from '../durable-objects/reminders/on-time.ts';
import { localAt } from '../server/time/zoned-time.ts';
import { api, buildUser, openRealtime, readJson } from '../test-support/api.ts';
import { createFakeSubscription, subscriptionRecord } from '../test-support/fake-push-service/control.ts';
import { runScheduledWork } from '../test-support/scheduled-work.ts';

const testEnv = env as unknown as { COMPANION: DurableObjectNamespace<CompanionAgent> };
const fakePushUrl = inject('fakePushUrl');
const pad = (value: number) => String(value).padStart(2, '0');

/** A person reached by push only (so every delivery goes through the queue), their check-in due this minute. */
async function personReachedByPush() {
  const user = await buildUser();
  const subscription = await createFakeSubscription(fakePushUrl);
  expect((await api('/api/v1/push/subscriptions', { token: user.token, body: { endpoint: subscription.endpoint, keys: subscription.keys } })).status).toBe(201);
  const now = localAt(Date.now(), 'UTC');
  const settings = { quietHours: { start: '00:00', end: '00:00' }, checkInTime: `${pad(now.hour)}:${pad(now.minute)}`, channelOrder: ['push'] };
  expect((await api('/api/v1/outreach', { method: 'PUT', token: user.token, body: settings })).status).toBe(200);
  return { user, subscription, date: `${now.year}-${pad(now.month)}-${pad(now.day)}` };
}

const stubOf = (userId: string) => testEnv.COMPANION.getByName(userId);
const runJob = (userId: string, capability: string, job: string, payload: Record<string, string | number>) =>
  runInDurableObject(stubOf(userId), (instance) => instance.runJob({ capability, job, payload }));
/** Restarts the object as a crash or a deploy would; the next call starts a fresh instance on the same storage. */
const restart = (userId: string) => runInDurableObject(stubOf(userId), (_instance, state) => state.abort('restart under test')).catch(() => undefined);

/** A reminder due in an hour, and a firing of its window's job by hand (run that far ahead, it delivers at once). */
async function reminderInAnHour(user: { token: string; user: { id: string } }, text: string) {
  const reminder = await readJson(
    await api('/api/v1/reminders', { token: user.token, body: { text, dueAt: new Date(Date.now() + 3600_000).toISOString() } }),
    reminderSchema,
    201,
  );
  const window = scheduleTimeFor(Date.parse(reminder.dueAt), windowPhaseOf(user.user.id)).getTime();
  return { reminder, fire: () => runJob(user.user.id, 'reminders', 'deliverWindow', { window }) };
}

const logOf = async (token: string) => (await readJson(await api('/api/v1/outreach/log', { token }), outreachLogAnswerSchema)).entries;
const messagesOf = async (token: string) => (await readJson(await api('/api/v1/messages?limit=100', { token }), messagesPageSchema)).messages;
const remindersOf = async (token: string): Promise<Reminder[]> => (await readJson(await api('/api/v1/reminders', { token }), remindersAnswerSchema)).reminders;

/** The queue's own consumer delivers in the background: wait for the one entry to be sent. */
const sentEntry = (token: string) =>
  vi.waitFor(
    async (): Promise<OutreachLogEntry> => {
      const [entry] = await logOf(token);
      if (entry?.status !== 'sent') throw new Error(`still ${entry?.status}`);
      return entry;
    },
    { timeout: 15_000, interval: 100 },
  );

describe('a scheduled job running more than once', () => {
  it('a check-in run twice at once, again after, and again after the object restarts: one message, one log entry, one push', async () => {
    const { user, subscription, date } = await personReachedByPush();
    await Promise.all([runJob(user.user.id, 'outreach', 'checkIn', { date }), runJob(user.user.id, 'outreach', 'checkIn', { date })]);
    await runJob(user.user.id, 'outreach', 'checkIn', { date });
    const entry = await sentEntry(user.token);

    await restart(user.user.id);
    await runJob(user.user.id, 'outreach', 'checkIn', { date });

    // What the person sees: one check-in, on their phone, once.
    const pushes = (await subscriptionRecord(fakePushUrl, subscription.endpoint)).received;
    expect(pushes).toHaveLength(1);
    expect(JSON.parse(pushes[0]?.payload ?? '{}')).toMatchObject({ kind: 'check-in', id: entry.messageId });
    // What is stored: one proactive message, one log entry with one attempt.
    const messages = await messagesOf(user.token);
    expect(messages.map((message) => [message.id, message.proactive])).toEqual([[entry.messageId, 'check-in']]);
    expect(await logOf(user.token)).toEqual([entry]);
    expect(entry.attempts.map((attempt) => [attempt.channel, attempt.outcome])).toEqual([['push', 'sent']]);
  });

  it('a reminder whose alarm fires twice, at once and again after the object restarts: it goes out once', async () => {
    const { user, subscription } = await personReachedByPush();
    const { reminder, fire } = await reminderInAnHour(user, 'Water the plants');
    // The real alarm and two more firings of the same job, all at once.
    await Promise.all([runScheduledWork(user.user.id), fire(), fire()]);
    const entry = await sentEntry(user.token);
    await restart(user.user.id);
    await fire();

    const pushes = (await subscriptionRecord(fakePushUrl, subscription.endpoint)).received;
    expect(pushes).toHaveLength(1);
    expect(JSON.parse(pushes[0]?.payload ?? '{}')).toMatchObject({ kind: 'reminder', reminderId: reminder.id });
    expect(await remindersOf(user.token)).toEqual([expect.objectContaining({ id: reminder.id, status: 'delivered' })]);
    expect((await messagesOf(user.token)).map((message) => [message.text, message.proactive])).toEqual([['Reminder: Water the plants', 'reminder']]);
    expect(await logOf(user.token)).toEqual([entry]);
    expect(entry.attempts.map((attempt) => [attempt.channel, attempt.outcome])).toEqual([['push', 'sent']]);
  });

  it('a reminder due with the app open, its alarm fired three times at once and again after a restart: one frame, one log entry with one attempt', async () => {
    const user = await buildUser();
    const app = await openRealtime(user.token);
    const { reminder, fire } = await reminderInAnHour(user, 'Stretch your legs');
    await Promise.all([runScheduledWork(user.user.id), fire(), fire()]);
    expect((await app.next('reminder-due')).reminder.id).toBe(reminder.id);
    await restart(user.user.id);
    await fire();

    expect(app.frames().filter((frame) => frame.type === 'reminder-due')).toHaveLength(1);
    const log = await logOf(user.token);
    expect(log.map((entry) => [entry.kind, entry.status])).toEqual([['reminder', 'sent']]);
    expect(log[0]?.attempts.map((attempt) => [attempt.channel, attempt.outcome])).toEqual([['app', 'sent']]);
  });
});

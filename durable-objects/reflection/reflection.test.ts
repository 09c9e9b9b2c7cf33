import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';
import { goalSchema, type Weekday } from '../../common/goals.ts';
import { type OutreachSettingsPatch, outreachAnswerSchema, outreachLogAnswerSchema } from '../../common/outreach.ts';
import { exportDocumentSchema, type Message, messagesPageSchema, userSchema } from '../../common/protocol.ts';
import { type ReflectionSettingsPatch, reflectionAnswerSchema } from '../../common/reflection.ts';
import { localAt } from '../../server/time/zoned-time.ts';
import { api, buildUser, expectError, openRealtime, readJson, uniqueText } from '../../test-support/api.ts';
import { buildConversation } from '../../test-support/factories.ts';
import { recordedChatRequests, scriptFakeOpenAI } from '../../test-support/fake-openai/control.ts';
import { exportOf, importInto } from '../../test-support/round-trip/move-account.ts';
import { runScheduledWork } from '../../test-support/scheduled-work.ts';
import type { CompanionAgent } from '../companion-agent.ts';

const testEnv = env as unknown as { COMPANION: DurableObjectNamespace<CompanionAgent> };
const fakeUrl = inject('fakeOpenAIUrl');
const pad = (value: number) => String(value).padStart(2, '0');
const dayMs = 86_400_000;
const weekdays: Weekday[] = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

const getReflection = async (token: string) => readJson(await api('/api/v1/reflection', { token }), reflectionAnswerSchema);
const putReflection = async (token: string, patch: ReflectionSettingsPatch) =>
  readJson(await api('/api/v1/reflection', { method: 'PUT', token, body: patch }), reflectionAnswerSchema);
const putOutreach = async (token: string, patch: OutreachSettingsPatch) =>
  readJson(await api('/api/v1/outreach', { method: 'PUT', token, body: patch }), outreachAnswerSchema);
const reflectionLog = async (token: string) =>
  (await readJson(await api('/api/v1/outreach/log', { token }), outreachLogAnswerSchema)).entries.filter((entry) => entry.kind === 'reflection');
const newestMessages = async (token: string): Promise<Message[]> => (await readJson(await api('/api/v1/messages', { token }), messagesPageSchema)).messages;

/** The reflection jobs waiting on the user's object, as the SDK stores them. */
const waitingReflectionJobs = (userId: string) =>
  runInDurableObject(testEnv.COMPANION.getByName(userId), (_instance, state) =>
    state.storage.sql
      .exec<{ payload: string }>('SELECT payload FROM cf_agents_jobs WHERE payload LIKE \'%"capability":"reflection"%\'')
      .toArray()
      // The SDK keeps the object's job (capability, job, payload) inside a record of its own.
      .map((row) => (JSON.parse(row.payload) as { payload: { capability: string; job: string; payload: { date: string; at: number } } }).payload),
  );

/**
 * The reflection turned on for today at this very minute (UTC is the test users' zone), with no quiet
 * hours unless the test chose some. Its moment has come, so its job may start at once, on the object's
 * own alarm: whatever the test wants the job to find must be in place before this is called.
 */
async function reflectionDueNow(
  token: string,
  outreach: OutreachSettingsPatch = { quietHours: { start: '00:00', end: '00:00' } },
  /** The next minute instead: what was just recorded is then inside the week before it (jobs may run two minutes early). */
  atNextMinute = false,
) {
  const now = localAt(Date.now() + (atNextMinute ? 60_000 : 0), 'UTC');
  await putOutreach(token, outreach);
  const date = `${now.year}-${pad(now.month)}-${pad(now.day)}`;
  const time = `${pad(now.hour)}:${pad(now.minute)}`;
  const weekday = weekdays[new Date(Date.UTC(now.year, now.month - 1, now.day)).getUTCDay()] ?? 'sunday';
  await putReflection(token, { enabled: true, weekday, time });
  return { date, at: Date.parse(`${date}T${time}:00Z`) };
}

/** Runs whatever is due (the reflection may already be running on its own alarm) and waits for every job to finish. */
async function settle(userId: string): Promise<void> {
  await runScheduledWork(userId);
  await runInDurableObject(testEnv.COMPANION.getByName(userId), (instance) => instance.jobsSettled());
}

/** A conversation from two weeks ago, and one from this week whose first message is the person's `thisWeek`. */
async function twoWeeksOfConversation(user: { token: string }, thisWeek: string, twoWeeksAgo: string): Promise<void> {
  await buildConversation(user, { startedAt: new Date(Date.now() - 14 * dayMs), messages: [twoWeeksAgo, 'That sounds like a good start.'] });
  await buildConversation(user, { startedAt: new Date(Date.now() - 2 * dayMs), messages: [thisWeek, 'I am so glad to hear it.'] });
}

/** The data block of the last thing the model was asked (outreach's note, not the person's words). */
function dataBlockOf(request: { body: unknown } | undefined): string {
  const messages = (request?.body as { messages?: { role: string; content: string }[] } | undefined)?.messages ?? [];
  const note = messages.at(-1)?.content ?? '';
  return /<data>\n([\s\S]*)\n<\/data>/.exec(note)?.[1] ?? '';
}

describe('reflection settings', () => {
  it('start off, on Sunday at 18:00, with nothing planned', async () => {
    const { token } = await buildUser();
    expect(await getReflection(token)).toEqual({ settings: { enabled: false, weekday: 'sunday', time: '18:00' }, nextAt: null });
  });

  it('keep a change, and plan the next one at that wall-clock time in the person’s zone', async () => {
    const { token } = await buildUser({ timezone: 'Asia/Tokyo' });
    const changed = await putReflection(token, { enabled: true, weekday: 'wednesday', time: '07:30' });
    expect(changed.settings).toEqual({ enabled: true, weekday: 'wednesday', time: '07:30' });
    expect(await getReflection(token)).toEqual(changed);
    const nextAt = changed.nextAt ?? '';
    expect(nextAt).toMatch(/T07:30:00\+09:00$/);
    const local = localAt(Date.parse(nextAt), 'Asia/Tokyo');
    expect(new Date(Date.UTC(local.year, local.month - 1, local.day)).getUTCDay()).toBe(3);
    expect(Date.parse(nextAt) - Date.now()).toBeLessThanOrEqual(7 * dayMs);
    // A change of time alone keeps the weekday.
    expect((await putReflection(token, { time: '21:00' })).settings).toEqual({ enabled: true, weekday: 'wednesday', time: '21:00' });
  });

  it('follow the person to a new time zone: the planned job moves to the new place’s weekday and time', async () => {
    const user = await buildUser({ timezone: 'Asia/Tokyo' });
    await putReflection(user.token, { enabled: true, weekday: 'wednesday', time: '07:30' });
    const [before] = await waitingReflectionJobs(user.user.id);
    await readJson(await api('/api/v1/me', { method: 'PATCH', token: user.token, body: { timezone: 'America/Chicago' } }), userSchema);
    const jobs = await waitingReflectionJobs(user.user.id);
    expect(jobs).toHaveLength(1);
    const local = localAt(jobs[0]?.payload.at ?? 0, 'America/Chicago');
    expect(local).toMatchObject({ hour: 7, minute: 30 });
    expect(new Date(Date.UTC(local.year, local.month - 1, local.day)).getUTCDay()).toBe(3);
    expect(jobs[0]?.payload.at).not.toBe(before?.payload.at);
  });

  it('refuse impossible values with validation_failed and keep the old ones', async () => {
    const { token } = await buildUser();
    await expectError(await api('/api/v1/reflection', { method: 'PUT', token, body: { weekday: 'someday' } }), 'validation_failed');
    await expectError(await api('/api/v1/reflection', { method: 'PUT', token, body: { time: '25:00' } }), 'validation_failed');
    await expectError(await api('/api/v1/reflection', { method: 'PUT', token, body: { enabled: true, mood: 'sunny' } }), 'validation_failed');
    await expectError(await api('/api/v1/reflection', { method: 'PUT', token, body: { enabled: 'yes' } }), 'validation_failed');
    expect((await getReflection(token)).settings).toEqual({ enabled: false, weekday: 'sunday', time: '18:00' });
  });

  it('need a session', async () => {
    expect((await api('/api/v1/reflection')).status).toBe(401);
    expect((await api('/api/v1/reflection', { method: 'PUT', body: { enabled: true } })).status).toBe(401);
  });

  it('are in the export', async () => {
    const { token } = await buildUser();
    await putReflection(token, { enabled: true, weekday: 'friday', time: '19:45' });
    const exported = exportDocumentSchema.parse(await (await api('/api/v1/me/export', { token })).json());
    expect(exported.reflection).toEqual({ settings: { enabled: true, weekday: 'friday', time: '19:45' } });
  });
});

describe('the weekly reflection', () => {
  it('is written by the model from the week’s conversation as data, stored as proactive, and sent', async () => {
    const user = await buildUser();
    const thisWeek = uniqueText('I finally finished the quilt for my sister');
    const twoWeeksAgo = uniqueText('I bought fabric for a quilt');
    await twoWeeksOfConversation(user, thisWeek, twoWeeksAgo);
    const written = 'What a week: you finished the quilt for your sister. What will you make next?';
    await scriptFakeOpenAI(fakeUrl, thisWeek, [{ text: written }]);
    const realtime = await openRealtime(user.token);
    const slot = await reflectionDueNow(user.token);
    await settle(user.user.id);

    const [entry, ...others] = await reflectionLog(user.token);
    expect(others).toEqual([]);
    expect(entry).toMatchObject({ kind: 'reflection', status: 'sent', reason: 'Your weekly reflection' });
    const [latest] = await newestMessages(user.token);
    expect(latest).toMatchObject({ role: 'assistant', proactive: 'reflection', text: written, id: entry?.messageId });
    expect((await realtime.next('notification')).notification).toMatchObject({ kind: 'reflection', text: written });

    const requests = await recordedChatRequests(fakeUrl, thisWeek);
    expect(requests).toHaveLength(1);
    const data = dataBlockOf(requests[0]);
    expect(data).toContain(`The person: ${thisWeek}`);
    expect(data).toContain('You: I am so glad to hear it.');
    // Two weeks ago is not this week: nowhere in what the model saw.
    expect(JSON.stringify(requests[0]?.body)).not.toContain(twoWeeksAgo);

    // The next one is a week later.
    expect(Date.parse((await getReflection(user.token)).nextAt ?? '')).toBe(slot.at + 7 * dayMs);
    realtime.socket.close();
  });

  it('is written from the week’s goals and moods too, each as data the model reads', async () => {
    const user = await buildUser();
    const goalTitle = uniqueText('Run a 5k');
    const goal = readJson(
      await api('/api/v1/goals', { token: user.token, body: { area: 'health', title: goalTitle, checkIn: { every: 'off' } } }),
      goalSchema,
      201,
    );
    await api(`/api/v1/goals/${(await goal).id}/updates`, { token: user.token, body: { progress: 40, note: 'Ran 3 km without stopping' } });
    const moodNote = uniqueText('Long walk by the river');
    await api('/api/v1/moods', { token: user.token, body: { score: 2, note: 'Slept badly' } });
    await api('/api/v1/moods', { token: user.token, body: { score: 5, note: moodNote } });
    await scriptFakeOpenAI(fakeUrl, goalTitle, [{ text: 'You moved your 5k on and had a lovely walk. What is next?' }]);
    await reflectionDueNow(user.token, undefined, true);
    await settle(user.user.id);

    const [entry] = await reflectionLog(user.token);
    // Written and on its way (no app is open, so the queue carries it to the other channels).
    expect(entry).toMatchObject({ kind: 'reflection', text: 'You moved your 5k on and had a lovely walk. What is next?' });
    const [request] = await recordedChatRequests(fakeUrl, goalTitle);
    const data = dataBlockOf(request);
    expect(data).toContain(goalTitle);
    expect(data).toContain('40%');
    expect(data).toContain('Mood check-ins this week: 2');
    expect(data).toContain(moodNote);
  });

  it('runs once for its week, however often its job fires', async () => {
    const user = await buildUser();
    const thisWeek = uniqueText('We planted tomatoes');
    await twoWeeksOfConversation(user, thisWeek, uniqueText('Old news'));
    await scriptFakeOpenAI(fakeUrl, thisWeek, [{ text: 'Tomatoes! What a lovely week.' }, { text: 'A second reflection that must never be written.' }]);
    const slot = await reflectionDueNow(user.token);
    const stub = testEnv.COMPANION.getByName(user.user.id);
    // As the platform may: the planned job, and the same job again, twice at once and once more.
    const fire = () => runInDurableObject(stub, (instance) => instance.runJob({ capability: 'reflection', job: 'reflect', payload: slot }));
    await Promise.all([fire(), fire()]);
    await fire();
    await settle(user.user.id);

    expect(await reflectionLog(user.token)).toHaveLength(1);
    expect((await newestMessages(user.token)).filter((message) => message.proactive === 'reflection')).toHaveLength(1);
    expect(await recordedChatRequests(fakeUrl, thisWeek)).toHaveLength(1);
  });

  it('does nothing while it is off, and turning it off cancels the planned one', async () => {
    const user = await buildUser();
    const thisWeek = uniqueText('A week worth reflecting on');
    await twoWeeksOfConversation(user, thisWeek, uniqueText('Older'));
    await putOutreach(user.token, { quietHours: { start: '00:00', end: '00:00' } });
    await settle(user.user.id);
    expect(await reflectionLog(user.token)).toEqual([]);

    // Planned three days ahead, then turned off: the job is gone, and one that fires anyway does nothing.
    const inThreeDays = localAt(Date.now() + 3 * dayMs, 'UTC');
    const weekday = weekdays[new Date(Date.UTC(inThreeDays.year, inThreeDays.month - 1, inThreeDays.day)).getUTCDay()] ?? 'sunday';
    await putReflection(user.token, { enabled: true, weekday, time: '12:00' });
    const [job, ...others] = await waitingReflectionJobs(user.user.id);
    expect(others).toEqual([]);
    expect(job?.job).toBe('reflect');
    expect(job?.payload.date).toBe(`${inThreeDays.year}-${pad(inThreeDays.month)}-${pad(inThreeDays.day)}`);
    expect((await putReflection(user.token, { enabled: false })).nextAt).toBeNull();
    expect(await waitingReflectionJobs(user.user.id)).toEqual([]);
    await runInDurableObject(testEnv.COMPANION.getByName(user.user.id), (instance) =>
      instance.runJob({ capability: 'reflection', job: 'reflect', payload: job?.payload ?? {} }),
    );
    await settle(user.user.id);
    expect(await reflectionLog(user.token)).toEqual([]);
    expect(await recordedChatRequests(fakeUrl, thisWeek)).toEqual([]);
  });

  it('is planned again when a woken object lost its plan', async () => {
    const user = await buildUser();
    const stub = testEnv.COMPANION.getByName(user.user.id);
    const inThreeDays = localAt(Date.now() + 3 * dayMs, 'UTC');
    const weekday = weekdays[new Date(Date.UTC(inThreeDays.year, inThreeDays.month - 1, inThreeDays.day)).getUTCDay()] ?? 'sunday';
    const { nextAt } = await putReflection(user.token, { enabled: true, weekday, time: '12:00' });
    const [planned] = await waitingReflectionJobs(user.user.id);
    await runInDurableObject(stub, (_instance, state) => {
      state.storage.sql.exec('DELETE FROM cf_agents_jobs WHERE payload LIKE \'%"capability":"reflection"%\'');
    });
    await runInDurableObject(stub, (_instance, state) => state.abort('restart under test')).catch(() => undefined);
    expect(await waitingReflectionJobs(user.user.id)).toEqual([]);

    // The person looks at the setting (or opens the app): the new instance plans once.
    expect((await getReflection(user.token)).nextAt).toBe(nextAt);
    expect(await waitingReflectionJobs(user.user.id)).toEqual([planned]);
  });

  it('is skipped in quiet hours, and the log says why', async () => {
    const user = await buildUser();
    const thisWeek = uniqueText('Busy week at the bakery');
    await twoWeeksOfConversation(user, thisWeek, uniqueText('Older'));
    const now = localAt(Date.now(), 'UTC');
    await reflectionDueNow(user.token, { quietHours: { start: `${pad(now.hour)}:${pad(now.minute)}`, end: `${pad((now.hour + 2) % 24)}:00` } });
    await settle(user.user.id);
    expect(await reflectionLog(user.token)).toEqual([expect.objectContaining({ status: 'skipped', statusDetail: 'quiet hours' })]);
    expect(await recordedChatRequests(fakeUrl, thisWeek)).toEqual([]);
  });

  it('is not written for a week with nothing in it, and the model is not asked', async () => {
    const user = await buildUser();
    const longAgo = uniqueText('A month-old chat');
    await buildConversation(user, { startedAt: new Date(Date.now() - 30 * dayMs), messages: [longAgo] });
    const slot = await reflectionDueNow(user.token);
    await settle(user.user.id);
    expect(await reflectionLog(user.token)).toEqual([]);
    expect(await recordedChatRequests(fakeUrl, longAgo)).toEqual([]);
    expect((await newestMessages(user.token)).filter((message) => message.proactive)).toEqual([]);
    // The quiet week counts as done: the next one is a week later.
    expect(Date.parse((await getReflection(user.token)).nextAt ?? '')).toBe(slot.at + 7 * dayMs);
  });
});

describe('the reflection brought over by an import', () => {
  it('is planned again when it was on, at the same moment; when off, nothing is planned', async () => {
    const before = await buildUser({ timezone: 'America/Chicago' });
    await putReflection(before.token, { enabled: true, weekday: 'wednesday', time: '19:40' });
    const planned = await waitingReflectionJobs(before.user.id);
    expect(planned).toHaveLength(1);
    const nextAt = (await getReflection(before.token)).nextAt;

    const after = await buildUser();
    expect((await importInto(after.token, await exportOf(before.token))).imported).toMatchObject({ reflection: 1 });
    expect(await waitingReflectionJobs(after.user.id)).toEqual(planned);
    expect(await getReflection(after.token)).toEqual({ settings: { enabled: true, weekday: 'wednesday', time: '19:40' }, nextAt });

    const off = await buildUser();
    await putReflection(off.token, { enabled: false, weekday: 'monday' });
    const quiet = await buildUser();
    await importInto(quiet.token, await exportOf(off.token));
    expect(await waitingReflectionJobs(quiet.user.id)).toEqual([]);
    expect((await getReflection(quiet.token)).settings).toEqual({ enabled: false, weekday: 'monday', time: '18:00' });
  });
});

import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, inject, it, vi } from 'vitest';
import { type OutreachSettingsPatch, outreachAnswerSchema, outreachLogAnswerSchema } from '../../common/outreach.ts';
import { calendarEventSchema, exportDocumentSchema, type Message, messagesPageSchema, turnAnswerSchema } from '../../common/protocol.ts';
import { type MetricEvent, observeMetricsForTests } from '../../server/observability/metrics.ts';
import { formatInZone, localAt } from '../../server/time/zoned-time.ts';
import { api, buildUser, expectError, openRealtime, readJson, uniqueText } from '../../test-support/api.ts';
import { recordedChatRequests, scriptFakeOpenAI } from '../../test-support/fake-openai/control.ts';
import { exportOf, importInto } from '../../test-support/round-trip/move-account.ts';
import { runScheduledWork, waitingJobs } from '../../test-support/scheduled-work.ts';
import type { CompanionAgent } from '../companion-agent.ts';
import { interruptedByExport } from './outreach-capability.ts';

const testEnv = env as unknown as { COMPANION: DurableObjectNamespace<CompanionAgent> };
const fakeUrl = inject('fakeOpenAIUrl');
const pad = (value: number) => String(value).padStart(2, '0');

/** No quiet hours (start = end), so a test never depends on the hour CI runs at. */
const awake = { quietHours: { start: '00:00', end: '00:00' } } satisfies OutreachSettingsPatch;

const getOutreach = async (token: string) => readJson(await api('/api/v1/outreach', { token }), outreachAnswerSchema);
const putOutreach = async (token: string, patch: OutreachSettingsPatch) =>
  readJson(await api('/api/v1/outreach', { method: 'PUT', token, body: patch }), outreachAnswerSchema);
const outreachLog = async (token: string) => (await readJson(await api('/api/v1/outreach/log', { token }), outreachLogAnswerSchema)).entries;
const newestMessages = async (token: string): Promise<Message[]> => (await readJson(await api('/api/v1/messages', { token }), messagesPageSchema)).messages;

const runJob = (userId: string, job: string, payload: Record<string, string | number>) =>
  runInDurableObject(testEnv.COMPANION.getByName(userId), (instance) => instance.runJob({ capability: 'outreach', job, payload }));

/** Today's check-in, due this very minute in the person's zone (UTC unless the test made them elsewhere). */
async function checkInDueNow(token: string, change: OutreachSettingsPatch = {}, timezone = 'UTC'): Promise<string> {
  const now = localAt(Date.now(), timezone);
  await putOutreach(token, { ...awake, checkInCadence: 'daily', checkInTime: `${pad(now.hour)}:${pad(now.minute)}`, ...change });
  return `${now.year}-${pad(now.month)}-${pad(now.day)}`;
}

/** An instant as the calendar API takes a wall-clock time in UTC, to the minute. */
const utcMinute = (instant: number) => {
  const time = localAt(instant, 'UTC');
  return `${time.year}-${pad(time.month)}-${pad(time.day)}T${pad(time.hour)}:${pad(time.minute)}`;
};

/** The start of the minute `minutes` from now: how the calendar keeps a time given to the minute. */
const minuteIn = (minutes: number) => Math.floor((Date.now() + minutes * 60_000) / 60_000) * 60_000;

/** A calendar event starting `minutes` from now (to the second, as the calendar keeps it). */
async function eventIn(token: string, title: string, minutes: number) {
  const startsAt = minuteIn(minutes);
  const event = readJson(
    await api('/api/v1/events', { token, body: { title, start: utcMinute(startsAt), end: utcMinute(startsAt + 3600_000), timezone: 'UTC' } }),
    calendarEventSchema,
    201,
  );
  return { event: await event, startsAt };
}

/** The outreach jobs of one name waiting in the person's object, with when each is due. */
const waitingOutreachJobs = (userId: string, job: string) => waitingJobs(userId, 'outreach', job);

describe('outreach settings', () => {
  it('start from sensible defaults and keep what a change leaves out', async () => {
    const { token } = await buildUser();
    const initial = await getOutreach(token);
    expect(initial.settings).toMatchObject({ checkInCadence: 'daily', quietHours: { start: '22:00', end: '08:00' }, dailyCap: 3, paused: false });
    expect(initial.planned.some((plan) => plan.kind === 'check-in')).toBe(true);
    const changed = await putOutreach(token, { checkInTime: '19:30', dailyCap: 1 });
    expect(changed.settings).toMatchObject({ checkInTime: '19:30', dailyCap: 1, quietHours: { start: '22:00', end: '08:00' } });
    expect((await getOutreach(token)).settings.checkInTime).toBe('19:30');
  });

  it('refuse impossible values with validation_failed and keep the old ones', async () => {
    const { token } = await buildUser();
    await expectError(await api('/api/v1/outreach', { method: 'PUT', token, body: { checkInTime: '25:00' } }), 'validation_failed');
    await expectError(await api('/api/v1/outreach', { method: 'PUT', token, body: { dailyCap: -1 } }), 'validation_failed');
    await expectError(await api('/api/v1/outreach', { method: 'PUT', token, body: { channelOrder: ['app', 'app'] } }), 'validation_failed');
    await expectError(await api('/api/v1/outreach', { method: 'PUT', token, body: { channelOrder: ['carrier-pigeon'] } }), 'validation_failed');
    expect((await getOutreach(token)).settings.checkInTime).toBe('18:00');
  });

  it('need a session', async () => {
    expect((await api('/api/v1/outreach')).status).toBe(401);
    expect((await api('/api/v1/outreach/log')).status).toBe(401);
  });
});

describe('"stop" and "start"', () => {
  it('pause and resume outreach from the chat, answered without the model', async () => {
    const { token } = await buildUser();
    const stopped = await readJson(await api('/api/v1/messages', { token, body: { text: 'STOP' } }), turnAnswerSchema);
    expect(stopped.assistantMessage.text).toMatch(/stop reaching out/);
    expect(stopped.assistantMessage.text).toMatch(/Settings/);
    expect((await getOutreach(token)).settings.paused).toBe(true);
    expect(await recordedChatRequests(fakeUrl, 'STOP')).toEqual([]);

    const started = await readJson(await api('/api/v1/messages', { token, body: { text: 'start' } }), turnAnswerSchema);
    expect(started.assistantMessage.text).toMatch(/Welcome back/);
    expect((await getOutreach(token)).settings.paused).toBe(false);
  });

  it('leave a sentence that merely contains the word to the model', async () => {
    const { token } = await buildUser();
    const text = uniqueText("I can't stop thinking about it");
    const answer = await readJson(await api('/api/v1/messages', { token, body: { text } }), turnAnswerSchema);
    expect(answer.assistantMessage.text).toBe(`You said: ${text}`);
    expect((await getOutreach(token)).settings.paused).toBe(false);
  });
});

describe('check-ins', () => {
  it('count each delivery for operations by channel, outcome and kind', async () => {
    const user = await buildUser();
    const date = await checkInDueNow(user.token);
    const realtime = await openRealtime(user.token);
    const events: MetricEvent[] = [];
    observeMetricsForTests((event) => events.push(event));
    try {
      await runJob(user.user.id, 'checkIn', { date });
      await realtime.next('notification');
    } finally {
      observeMetricsForTests(undefined);
      realtime.socket.close();
    }
    expect(events).toContainEqual({ name: 'delivery', channel: 'app', outcome: 'sent', kind: 'check-in' });
  });

  it('are written by the model, stored as proactive, shown at once in the app, and seen by the next reply', async () => {
    const user = await buildUser();
    const date = await checkInDueNow(user.token);
    const title = uniqueText('Team lunch');
    await eventIn(user.token, title, 120);
    await scriptFakeOpenAI(fakeUrl, title, [{ text: 'How is your day going? Enjoy the team lunch later!' }]);
    const realtime = await openRealtime(user.token);

    await runJob(user.user.id, 'checkIn', { date });

    const frame = await realtime.next('notification');
    expect(frame.notification).toMatchObject({ kind: 'check-in', text: 'How is your day going? Enjoy the team lunch later!' });
    expect(frame.message?.proactive).toBe('check-in');
    const [latest] = await newestMessages(user.token);
    expect(latest).toMatchObject({ role: 'assistant', proactive: 'check-in', text: 'How is your day going? Enjoy the team lunch later!' });
    const [entry] = await outreachLog(user.token);
    expect(entry).toMatchObject({ kind: 'check-in', status: 'sent', messageId: latest?.id });
    expect(entry?.attempts).toEqual([expect.objectContaining({ channel: 'app', outcome: 'sent' })]);
    // The model was asked in the persona's voice, with today's agenda as data.
    const [asked] = await recordedChatRequests(fakeUrl, title);
    expect(JSON.stringify(asked?.body)).toContain('Your persona is');

    // The next reply sees the check-in in its prompt.
    const reply = uniqueText('Pretty good');
    await readJson(await api('/api/v1/messages', { token: user.token, body: { text: reply } }), turnAnswerSchema);
    const [next] = await recordedChatRequests(fakeUrl, reply);
    expect(JSON.stringify(next?.body)).toContain('How is your day going?');
    realtime.socket.close();
  });

  it('go out once, however often the job runs', async () => {
    const user = await buildUser();
    const date = await checkInDueNow(user.token);
    const realtime = await openRealtime(user.token);
    await Promise.all([runJob(user.user.id, 'checkIn', { date }), runJob(user.user.id, 'checkIn', { date })]);
    await runJob(user.user.id, 'checkIn', { date });
    await realtime.next('notification');
    expect((await newestMessages(user.token)).filter((message) => message.proactive)).toHaveLength(1);
    expect(await outreachLog(user.token)).toHaveLength(1);
    expect(realtime.frames().filter((frame) => frame.type === 'notification')).toHaveLength(1);
    realtime.socket.close();
  });

  it('are not sent in quiet hours', async () => {
    const quiet = await buildUser();
    const now = localAt(Date.now(), 'UTC');
    const date = await checkInDueNow(quiet.token);
    // Quiet hours that begin this minute: the planner no longer plans it, and a job already waiting does nothing.
    await putOutreach(quiet.token, { quietHours: { start: `${pad(now.hour)}:${pad(now.minute)}`, end: `${pad((now.hour + 2) % 24)}:00` } });
    await runJob(quiet.user.id, 'checkIn', { date });
    expect(await outreachLog(quiet.token)).toEqual([]);
  });

  it('run only at their own moment: not for another day, not as a later retry, not once their time moved', async () => {
    const user = await buildUser();
    const now = localAt(Date.now(), 'UTC');
    const date = await checkInDueNow(user.token);
    const tomorrow = localAt(Date.now() + 86_400_000, 'UTC');
    await runJob(user.user.id, 'checkIn', { date: `${tomorrow.year}-${pad(tomorrow.month)}-${pad(tomorrow.day)}` });
    // The first retry's moment is half an hour after the check-in time.
    await runJob(user.user.id, 'checkIn', { date, attempt: 1 });
    await putOutreach(user.token, { checkInTime: `${pad((now.hour + 1) % 24)}:${pad(now.minute)}` });
    await runJob(user.user.id, 'checkIn', { date });
    expect(await outreachLog(user.token)).toEqual([]);
    // Back at this minute, the same job runs.
    await putOutreach(user.token, { checkInTime: `${pad(now.hour)}:${pad(now.minute)}` });
    await runJob(user.user.id, 'checkIn', { date });
    expect(await outreachLog(user.token)).toEqual([expect.objectContaining({ kind: 'check-in' })]);
  });

  it('are skipped over the daily cap, and the log says why', async () => {
    const capped = await buildUser();
    const cappedDate = await checkInDueNow(capped.token, { dailyCap: 0 });
    await runJob(capped.user.id, 'checkIn', { date: cappedDate });
    expect(await outreachLog(capped.token)).toEqual([expect.objectContaining({ status: 'skipped', statusDetail: 'the daily cap of 0 was reached' })]);
  });

  it('are skipped while outreach is paused', async () => {
    const paused = await buildUser();
    const pausedDate = await checkInDueNow(paused.token, { paused: true });
    await runJob(paused.user.id, 'checkIn', { date: pausedDate });
    expect(await outreachLog(paused.token)).toEqual([expect.objectContaining({ status: 'skipped', statusDetail: 'outreach is paused' })]);
    expect((await newestMessages(paused.token)).filter((message) => message.proactive)).toEqual([]);
  });

  it('wait when the model cannot write them: nothing is sent as filler', async () => {
    // Somewhere it is daytime, so the retry half an hour on falls on the same day whenever the suite runs
    // (from 23:30 UTC a UTC person's retry would fall on the next day, and the check-in is rightly dropped).
    const timezone =
      ['UTC', 'Asia/Tokyo', 'America/New_York', 'Asia/Kolkata', 'America/Los_Angeles'].find((zone) => {
        const hour = localAt(Date.now(), zone).hour;
        return hour >= 6 && hour < 21;
      }) ?? 'UTC';
    const user = await buildUser({ timezone });
    const date = await checkInDueNow(user.token, {}, timezone);
    const title = uniqueText('Dentist');
    await eventIn(user.token, title, 120);
    await scriptFakeOpenAI(fakeUrl, title, [{ error: { status: 500 } }, { error: { status: 500 } }, { error: { status: 500 } }]);
    await runJob(user.user.id, 'checkIn', { date });
    expect((await newestMessages(user.token)).filter((message) => message.proactive)).toEqual([]);
    const [entry] = await outreachLog(user.token);
    expect(entry?.status).toBe('planned');
    // The retry is waiting on the object's alarm.
    const retries = await runInDurableObject(testEnv.COMPANION.getByName(user.user.id), (_instance, state) =>
      state.storage.sql.exec<{ payload: string }>("SELECT payload FROM cf_agents_jobs WHERE payload LIKE '%checkIn%'").toArray(),
    );
    expect(retries.some((row) => row.payload.includes('"attempt":1'))).toBe(true);
  });

  it('that no channel can deliver are logged as failed, still in the conversation', async () => {
    const user = await buildUser();
    const date = await checkInDueNow(user.token);
    await runJob(user.user.id, 'checkIn', { date });
    // No app is open, so it went through the deliveries queue, whose consumer runs on its own.
    const entry = await vi.waitFor(
      async () => {
        const [found] = await outreachLog(user.token);
        if (found?.status !== 'failed') throw new Error(`still ${found?.status}`);
        return found;
      },
      { timeout: 15_000, interval: 100 },
    );
    expect(entry?.statusDetail).toMatch(/no channel could reach you/);
    // Every channel in the person's order was tried; none could reach them.
    expect(entry?.attempts.map((attempt) => attempt.channel)).toEqual(expect.arrayContaining(['app', 'push']));
    expect(entry?.attempts.every((attempt) => attempt.outcome === 'unavailable')).toBe(true);
    expect((await newestMessages(user.token))[0]?.proactive).toBe('check-in');
  });
});

describe('reminders ahead of events', () => {
  it('go out before the event with its time, in the model’s words, and not for a moved event', async () => {
    const user = await buildUser();
    await putOutreach(user.token, { ...awake, eventReminderMinutes: 10 });
    const title = uniqueText('Physio');
    const { event, startsAt } = await eventIn(user.token, title, 10);
    await scriptFakeOpenAI(fakeUrl, title, [{ text: `${title} is in ten minutes — bring your exercise notes.` }]);
    const realtime = await openRealtime(user.token);
    await runJob(user.user.id, 'eventSoon', { eventId: event.id, startsAt });
    const frame = await realtime.next('notification');
    expect(frame.notification).toMatchObject({ kind: 'event-soon', text: `${title} is in ten minutes — bring your exercise notes.` });

    const moved = await eventIn(user.token, uniqueText('Moved'), 10);
    await api(`/api/v1/events/${moved.event.id}`, { method: 'DELETE', token: user.token });
    await runJob(user.user.id, 'eventSoon', { eventId: moved.event.id, startsAt: moved.startsAt });
    expect(await outreachLog(user.token)).toHaveLength(1);
    realtime.socket.close();
  });

  it('use their own words when the model is down', async () => {
    const user = await buildUser();
    await putOutreach(user.token, { ...awake, eventReminderMinutes: 10 });
    const title = uniqueText('Haircut');
    const { event, startsAt } = await eventIn(user.token, title, 10);
    await scriptFakeOpenAI(fakeUrl, title, [{ error: { status: 503 } }, { error: { status: 503 } }, { error: { status: 503 } }]);
    await runJob(user.user.id, 'eventSoon', { eventId: event.id, startsAt });
    const [latest] = await newestMessages(user.token);
    expect(latest?.text).toMatch(new RegExp(`^“${title}” starts at \\d\\d:\\d\\d\\.$`));
    expect(latest?.proactive).toBe('event-soon');
  });

  it('are planned from the calendar', async () => {
    const user = await buildUser();
    await putOutreach(user.token, { ...awake, eventReminderMinutes: 30 });
    const { event } = await eventIn(user.token, uniqueText('Standup'), 120);
    const plan = await getOutreach(user.token);
    expect(plan.planned.some((planned) => planned.kind === 'event-soon')).toBe(true);
    const scheduled = await runInDurableObject(testEnv.COMPANION.getByName(user.user.id), (_instance, state) =>
      state.storage.sql.exec<{ payload: string }>("SELECT payload FROM cf_agents_jobs WHERE payload LIKE '%eventSoon%'").toArray(),
    );
    // Planned when the settings changed, before this event existed; the next plan (the one the change scheduled, or the hourly one) finds it.
    await runJob(user.user.id, 'plan', {});
    const after = await runInDurableObject(testEnv.COMPANION.getByName(user.user.id), (_instance, state) =>
      state.storage.sql.exec<{ payload: string }>("SELECT payload FROM cf_agents_jobs WHERE payload LIKE '%eventSoon%'").toArray(),
    );
    expect(after.length).toBeGreaterThan(scheduled.length - 1);
    expect(after.some((row) => row.payload.includes(event.id))).toBe(true);
  });
});

describe('reminders ahead of events, after a change to the calendar', () => {
  /** Minutes of warning the tests set; their events start two minutes after that, so the heads-up is due in a minute or two. */
  const lead = 18;
  /** What runs "now": the plan a change schedules (a few seconds ahead), not the hourly one, nor a heads-up minutes away. */
  const planAfterChange = { dueWithinMs: 10_000 };
  /** A heads-up due within the next couple of minutes runs, at a moment its on-time check accepts. */
  const headsUpsDueNow = { dueWithinMs: 3 * 60_000 };
  const eventSoonEntries = async (token: string) => (await outreachLog(token)).filter((entry) => entry.kind === 'event-soon');

  it('come for an event made less than an hour ahead, without waiting for the hourly plan', async () => {
    const user = await buildUser();
    // Changing the settings plans; the event comes after, so only a plan after the change can see it.
    await putOutreach(user.token, { ...awake, eventReminderMinutes: lead });
    const title = uniqueText('Call with the landlord');
    const { event, startsAt } = await eventIn(user.token, title, lead + 2);
    expect(await waitingOutreachJobs(user.user.id, 'planAfterCalendarChange')).toHaveLength(1);

    await runScheduledWork(user.user.id, planAfterChange);
    expect(await waitingOutreachJobs(user.user.id, 'eventSoon')).toEqual([{ time: startsAt - lead * 60_000, payload: { eventId: event.id, startsAt } }]);

    await scriptFakeOpenAI(fakeUrl, title, [{ text: `${title} is coming up soon.` }]);
    await runScheduledWork(user.user.id, headsUpsDueNow);
    expect(await eventSoonEntries(user.token)).toEqual([expect.objectContaining({ reason: `Your event at ${formatInZone(startsAt, 'UTC')}` })]);
    expect((await newestMessages(user.token))[0]).toMatchObject({ proactive: 'event-soon', text: `${title} is coming up soon.` });
  });

  it('for a moved event come at its new time only: the old time’s job finds it moved and says nothing', async () => {
    const user = await buildUser();
    await putOutreach(user.token, { ...awake, eventReminderMinutes: lead });
    const { event, startsAt } = await eventIn(user.token, uniqueText('Parents evening'), lead + 2);
    await runScheduledWork(user.user.id, planAfterChange);
    expect((await waitingOutreachJobs(user.user.id, 'eventSoon')).map((job) => job.payload)).toEqual([{ eventId: event.id, startsAt }]);

    const movedTo = minuteIn(50);
    const moved = await api(`/api/v1/events/${event.id}`, {
      method: 'PATCH',
      token: user.token,
      body: { start: utcMinute(movedTo), end: utcMinute(movedTo + 3600_000), timezone: 'UTC' },
    });
    expect(moved.status).toBe(200);
    await runScheduledWork(user.user.id, planAfterChange);
    // The old time's heads-up is due now, and runs: the event no longer starts then.
    await runScheduledWork(user.user.id, headsUpsDueNow);
    expect(await eventSoonEntries(user.token)).toEqual([]);
    expect(await waitingOutreachJobs(user.user.id, 'eventSoon')).toEqual([
      { time: movedTo - lead * 60_000, payload: { eventId: event.id, startsAt: movedTo } },
    ]);
  });

  it('for an event the companion moved come at its new time, planned when the person confirmed the move', async () => {
    const user = await buildUser();
    await putOutreach(user.token, { ...awake, eventReminderMinutes: lead });
    const { event } = await eventIn(user.token, uniqueText('Dentist'), 90);
    await runScheduledWork(user.user.id, planAfterChange);
    const text = uniqueText('move the dentist earlier');
    const movedTo = minuteIn(40);
    await scriptFakeOpenAI(fakeUrl, text, [
      { toolCalls: [{ name: 'move_event', arguments: { eventId: event.id, start: utcMinute(movedTo) } }] },
      { text: 'I have asked you to confirm the move.' },
    ]);
    const turn = await readJson(await api('/api/v1/messages', { token: user.token, body: { text } }), turnAnswerSchema);
    const asked = turn.assistantMessage.tools[0]?.output as { confirmationId?: string } | undefined;
    expect(asked?.confirmationId).toEqual(expect.any(String));
    const confirmationId = String(asked?.confirmationId);
    // Asking changes nothing, so nothing is planned yet.
    expect(await waitingOutreachJobs(user.user.id, 'planAfterCalendarChange')).toEqual([]);

    expect((await api(`/api/v1/confirmations/${confirmationId}`, { token: user.token, body: { accept: true } })).status).toBe(200);
    expect(await waitingOutreachJobs(user.user.id, 'planAfterCalendarChange')).toHaveLength(1);
    await runScheduledWork(user.user.id, planAfterChange);
    expect((await waitingOutreachJobs(user.user.id, 'eventSoon')).map((job) => job.payload)).toContainEqual({ eventId: event.id, startsAt: movedTo });
  });

  it('do not come for a cancelled event', async () => {
    const user = await buildUser();
    await putOutreach(user.token, { ...awake, eventReminderMinutes: lead });
    const { event } = await eventIn(user.token, uniqueText('Haircut'), lead + 2);
    await runScheduledWork(user.user.id, planAfterChange);
    expect(await waitingOutreachJobs(user.user.id, 'eventSoon')).toHaveLength(1);

    expect((await api(`/api/v1/events/${event.id}`, { method: 'DELETE', token: user.token })).status).toBe(204);
    await runScheduledWork(user.user.id, headsUpsDueNow);
    expect(await eventSoonEntries(user.token)).toEqual([]);
    expect((await newestMessages(user.token)).filter((message) => message.proactive === 'event-soon')).toEqual([]);
  });

  it('are planned once for an ICS file of many events, and again for the next change', async () => {
    const user = await buildUser();
    await putOutreach(user.token, { ...awake, eventReminderMinutes: lead });
    const icsTime = (instant: number) =>
      new Date(instant)
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d{3}/, '');
    const starts = Array.from({ length: 25 }, (_, index) => minuteIn(120 + index * 10));
    const file = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Test//EN',
      ...starts.flatMap((start, index) => [
        'BEGIN:VEVENT',
        `UID:${crypto.randomUUID()}@test.example`,
        'DTSTAMP:20261101T000000Z',
        `DTSTART:${icsTime(start)}`,
        `DTEND:${icsTime(start + 30 * 60_000)}`,
        `SUMMARY:Session ${index + 1}`,
        'END:VEVENT',
      ]),
      'END:VCALENDAR',
      '',
    ].join('\r\n');
    const imported = await api('/api/v1/calendar/import', { token: user.token, body: file, headers: { 'content-type': 'text/calendar' } });
    expect(await imported.json()).toEqual({ imported: 25 });
    expect(await waitingOutreachJobs(user.user.id, 'planAfterCalendarChange')).toHaveLength(1);

    await runScheduledWork(user.user.id, planAfterChange);
    const planned = await waitingOutreachJobs(user.user.id, 'eventSoon');
    expect(planned.map((job) => job.time).sort()).toEqual(starts.map((start) => start - lead * 60_000));
    expect(await waitingOutreachJobs(user.user.id, 'planAfterCalendarChange')).toEqual([]);

    // Planned, the next change plans again.
    await eventIn(user.token, uniqueText('One more'), 60);
    expect(await waitingOutreachJobs(user.user.id, 'planAfterCalendarChange')).toHaveLength(1);
  });

  it('are not planned on a change while event reminders are off', async () => {
    const user = await buildUser();
    await putOutreach(user.token, { ...awake, eventReminderMinutes: 0 });
    await eventIn(user.token, uniqueText('Lunch'), 30);
    expect(await waitingOutreachJobs(user.user.id, 'planAfterCalendarChange')).toEqual([]);
  });
});

describe('the hourly plan', () => {
  it('arms the next hour’s plan when it runs from the schedule', async () => {
    const user = await buildUser();
    await putOutreach(user.token, awake);
    const nextHour = Math.ceil((Date.now() + 3600_000) / 3600_000) * 3600_000;
    expect(await waitingOutreachJobs(user.user.id, 'plan')).toEqual([{ time: nextHour, payload: { hour: nextHour } }]);
    // As if it had been armed an hour ago and its hour had come: the plan it makes is for the hour
    // after its own. Running, it must arm that one, not take its own row (which the scheduler deletes
    // once it has run) for it.
    await runInDurableObject(testEnv.COMPANION.getByName(user.user.id), (_instance, state) =>
      state.storage.sql.exec(
        'UPDATE cf_agents_jobs SET payload = replace(payload, ?, ?) WHERE payload LIKE \'%"job":"plan"%\'',
        String(nextHour),
        String(nextHour - 3600_000),
      ),
    );
    await runScheduledWork(user.user.id);
    expect(await waitingOutreachJobs(user.user.id, 'plan')).toEqual([{ time: nextHour, payload: { hour: nextHour } }]);
  });
});

describe('follow-ups', () => {
  it('ask how a past event went, found in memory by its date', async () => {
    const user = await buildUser();
    await putOutreach(user.token, awake);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const interview = uniqueText('Job interview at Acme');
    const created = await api('/api/v1/memories', { token: user.token, body: { text: interview, kind: 'event', eventDate: yesterday } });
    expect(created.status).toBe(201);
    const memoryId = ((await created.json()) as { id: string }).id;
    expect((await getOutreach(user.token)).planned.some((plan) => plan.kind === 'follow-up' && plan.reason === interview)).toBe(true);
    await scriptFakeOpenAI(fakeUrl, interview, [{ text: 'How did the interview at Acme go?' }]);
    await runJob(user.user.id, 'followUp', { memoryId });
    const [latest] = await newestMessages(user.token);
    expect(latest).toMatchObject({ proactive: 'follow-up', text: 'How did the interview at Acme go?' });
    // Followed up once: it is no longer planned.
    expect((await getOutreach(user.token)).planned.some((plan) => plan.kind === 'follow-up')).toBe(false);
  });
});

describe('the outreach log', () => {
  it('is in the export, and one person never sees another’s', async () => {
    const first = await buildUser();
    const second = await buildUser();
    const date = await checkInDueNow(first.token);
    await runJob(first.user.id, 'checkIn', { date });
    expect(await outreachLog(first.token)).toHaveLength(1);
    expect(await outreachLog(second.token)).toEqual([]);
    const exported = exportDocumentSchema.parse(await (await api('/api/v1/me/export', { token: first.token })).json());
    expect(exported.outreach.log).toHaveLength(1);
    expect(exported.outreach.settings.checkInCadence).toBe('daily');
  });
});

describe('the outreach log brought over by an import', () => {
  it('sends nothing again: a check-in the old account sent today is not sent by the new one when its job runs', async () => {
    const before = await buildUser();
    const date = await checkInDueNow(before.token);
    await scriptFakeOpenAI(fakeUrl, 'your daily check-in', [{ text: 'How was the walk?' }]);
    // Sent to an open app, so it is delivered in the object, at once.
    const app = await openRealtime(before.token);
    await runJob(before.user.id, 'checkIn', { date });
    await app.next('notification');
    app.socket.close();
    const [sent] = await outreachLog(before.token);
    expect(sent).toMatchObject({ kind: 'check-in', status: 'sent' });
    const document = await exportOf(before.token);
    const exported = document.outreach as { log: Record<string, unknown>[] };
    expect(exported.log[0]).toMatchObject({ id: sent?.id, sourceKey: `check-in:${date}`, localDate: date });
    // One the old account was still sending when it was exported.
    const interrupted = {
      ...exported.log[0],
      id: 'out_interrupted',
      sourceKey: 'follow-up:mem_interrupted',
      kind: 'follow-up',
      status: 'sending',
      attempts: [],
    };
    document.outreach = { ...exported, log: [...exported.log, interrupted] };

    const after = await buildUser();
    expect((await importInto(after.token, document)).imported).toMatchObject({ outreach: 2 });
    const realtime = await openRealtime(after.token);
    const messagesBefore = (await newestMessages(after.token)).length;
    await Promise.all([runJob(after.user.id, 'checkIn', { date }), runJob(after.user.id, 'checkIn', { date })]);
    await runInDurableObject(testEnv.COMPANION.getByName(after.user.id), (instance) =>
      instance.runJob({ capability: 'outreach', job: 'retryDelivery', payload: { outreachId: 'out_interrupted', attempt: 1 } }),
    );

    const log = await outreachLog(after.token);
    expect(log.find((entry) => entry.id === sent?.id)).toEqual(sent);
    expect(log.find((entry) => entry.id === 'out_interrupted')).toMatchObject({ status: 'failed', statusDetail: interruptedByExport, attempts: [] });
    expect(log).toHaveLength(2);
    expect((await newestMessages(after.token)).length).toBe(messagesBefore);
    expect(await getOutreach(after.token)).toMatchObject({ settings: (await getOutreach(before.token)).settings });
    expect(realtime.frames().filter((frame) => frame.type === 'notification')).toEqual([]);
    realtime.socket.close();
  });
});

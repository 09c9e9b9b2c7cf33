import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';
import { exportDocumentSchema, messagesPageSchema, type Reminder, reminderSchema, remindersAnswerSchema, turnAnswerSchema } from '../../common/protocol.ts';
import { api, buildUser, expectError, openRealtime, readJson, uniqueText } from '../../test-support/api.ts';
import { scriptFakeOpenAI } from '../../test-support/fake-openai/control.ts';
import { exportOf, importInto } from '../../test-support/round-trip/move-account.ts';
import { runScheduledWork, waitingJobs } from '../../test-support/scheduled-work.ts';
import type { CompanionAgent } from '../companion-agent.ts';
import { scheduleTimeFor, windowPhaseOf } from './on-time.ts';

const testEnv = env as unknown as { COMPANION: DurableObjectNamespace<CompanionAgent> };
const fakeUrl = inject('fakeOpenAIUrl');
const hour = 3600_000;

const inFuture = (milliseconds: number) => new Date(Date.now() + milliseconds).toISOString();

async function createReminder(token: string, text: string, dueAt = inFuture(hour)): Promise<Reminder> {
  return readJson(await api('/api/v1/reminders', { token, body: { text, dueAt } }), reminderSchema, 201);
}

async function remindersOf(token: string): Promise<Reminder[]> {
  return (await readJson(await api('/api/v1/reminders', { token }), remindersAnswerSchema)).reminders;
}

/** The start of the ten-second window a reminder's schedule wakes at (see on-time.ts). */
const windowOf = (userId: string, reminder: { dueAt: string }) => scheduleTimeFor(Date.parse(reminder.dueAt), windowPhaseOf(userId)).getTime();

/** Runs the job of the reminder's window directly, as a second firing of the same alarm would. */
async function fireAgain(userId: string, reminder: { dueAt: string }): Promise<void> {
  await runInDurableObject(testEnv.COMPANION.getByName(userId), (instance) =>
    instance.runJob({ capability: 'reminders', job: 'deliverWindow', payload: { window: windowOf(userId, reminder) } }),
  );
}

/** Runs a job armed for one reminder, as a reminder set while its window was being delivered has, and as objects from before windows were shared armed. */
async function fireOwnJob(userId: string, reminderId: string, dueAt?: number): Promise<void> {
  await runInDurableObject(testEnv.COMPANION.getByName(userId), (instance) =>
    instance.runJob({ capability: 'reminders', job: 'deliverReminder', payload: dueAt === undefined ? { reminderId } : { reminderId, dueAt } }),
  );
}

/** Every text value of every table in the object's SQLite, as one string. */
async function dumpObjectStorage(userId: string): Promise<string> {
  return runInDurableObject(testEnv.COMPANION.getByName(userId), (_instance, state) => {
    const tables = state.storage.sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '_cf_%'").toArray();
    return tables.map(({ name }) => JSON.stringify(state.storage.sql.exec(`SELECT * FROM "${name}"`).toArray())).join('\n');
  });
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

/** The windows' waiting jobs: when each is armed for (milliseconds) and the window its payload names, soonest first. */
const windowJobs = (userId: string) => waitingJobs(userId, 'reminders', 'deliverWindow');

/** A window's job as `windowJobs` lists it. */
const windowJob = (window: number) => ({ time: window, payload: { window } });

const patchReminder = (token: string, id: string, body: unknown) => api(`/api/v1/reminders/${id}`, { method: 'PATCH', token, body });

async function reminderMessages(token: string): Promise<string[]> {
  return (await readJson(await api('/api/v1/messages', { token }), messagesPageSchema)).messages.map((message) => message.text);
}

describe('reminders over the API', () => {
  it('creates, lists upcoming first and cancels', async () => {
    const user = await buildUser();
    const later = await createReminder(user.token, 'Water the plants', inFuture(48 * hour));
    const sooner = await createReminder(user.token, '  Call Grandma  ', inFuture(2 * hour));
    expect(sooner).toMatchObject({ text: 'Call Grandma', status: 'scheduled' });
    expect(sooner.deliveredAt).toBeUndefined();
    expect((await remindersOf(user.token)).map((reminder) => reminder.id)).toEqual([sooner.id, later.id]);

    expect((await api(`/api/v1/reminders/${sooner.id}`, { method: 'DELETE', token: user.token })).status).toBe(204);
    expect((await remindersOf(user.token)).map((reminder) => reminder.id)).toEqual([later.id]);
    await expectError(await api(`/api/v1/reminders/${sooner.id}`, { method: 'DELETE', token: user.token }), 'not_found');
  });

  it('refuses a time in the past, a day that does not exist, and text that is empty or too long', async () => {
    const user = await buildUser();
    const post = (body: unknown) => api('/api/v1/reminders', { token: user.token, body });
    await expectError(await post({ text: 'Too late', dueAt: inFuture(-60_000) }), 'invalid_due_time');
    await expectError(await post({ text: 'Too far', dueAt: '2099-01-01T00:00:00Z' }), 'invalid_due_time');
    const impossible = await post({ text: 'No such day', dueAt: `${new Date().getUTCFullYear() + 1}-02-30T09:00:00Z` });
    expect(impossible.status).toBe(400);
    expect(['invalid_due_time', 'validation_failed']).toContain(((await impossible.json()) as { error: { id: string } }).error.id);
    await expectError(await post({ text: 'Tomorrow', dueAt: 'tomorrow at 9' }), 'validation_failed');
    await expectError(await post({ text: '   ', dueAt: inFuture(hour) }), 'validation_failed');
    await expectError(await post({ text: 'x'.repeat(501), dueAt: inFuture(hour) }), 'validation_failed');
    await expectError(await post({ dueAt: inFuture(hour) }), 'validation_failed');
    await expectError(await api('/api/v1/reminders', { body: { text: 'Anyone', dueAt: inFuture(hour) } }), 'unauthenticated');
    expect(await remindersOf(user.token)).toEqual([]);
  });

  it("keeps each person's reminders to themselves", async () => {
    const owner = await buildUser();
    const other = await buildUser();
    const reminder = await createReminder(owner.token, 'Private appointment');
    expect(await remindersOf(other.token)).toEqual([]);
    await expectError(await api(`/api/v1/reminders/${reminder.id}`, { method: 'DELETE', token: other.token }), 'not_found');
    expect((await remindersOf(owner.token)).map((entry) => entry.status)).toEqual(['scheduled']);
  });
});

describe('a reminder coming due', () => {
  it('goes out once to every open socket and into the newest conversation, without the model', async () => {
    const user = await buildUser();
    const phone = await openRealtime(user.token);
    const laptop = await openRealtime(user.token);
    const text = uniqueText('Take the bread out of the oven');
    const reminder = await createReminder(user.token, text);

    expect(await runScheduledWork(user.user.id)).toBe(true);
    for (const socket of [phone, laptop]) {
      expect(await socket.next('reminder-due')).toEqual({
        type: 'reminder-due',
        reminder: { id: reminder.id, text, dueAt: reminder.dueAt },
        // With the message it left, marked as the companion speaking first, for the chat to show at once.
        message: expect.objectContaining({ role: 'assistant', text: `Reminder: ${text}`, proactive: 'reminder' }),
      });
    }
    const [listed] = await remindersOf(user.token);
    expect(listed).toMatchObject({ id: reminder.id, status: 'delivered', deliveredAt: expect.any(String) });
    const page = await readJson(await api('/api/v1/messages', { token: user.token }), messagesPageSchema);
    expect(page.messages.map((message) => [message.role, message.text])).toEqual([['assistant', `Reminder: ${text}`]]);

    // The same alarm firing again, even twice at once, delivers nothing more.
    await Promise.all([fireAgain(user.user.id, reminder), fireAgain(user.user.id, reminder)]);
    await settle();
    for (const socket of [phone, laptop]) expect(socket.frames().filter((frame) => frame.type === 'reminder-due')).toHaveLength(1);
    expect((await readJson(await api('/api/v1/messages', { token: user.token }), messagesPageSchema)).messages).toHaveLength(1);
    phone.socket.close();
    laptop.socket.close();
  });

  it('is delivered exactly once when two firings race from the start', async () => {
    const user = await buildUser();
    const socket = await openRealtime(user.token);
    const reminder = await createReminder(user.token, 'Stretch');
    await Promise.all([fireAgain(user.user.id, reminder), fireAgain(user.user.id, reminder), runScheduledWork(user.user.id)]);
    await socket.next('reminder-due');
    await settle();
    expect(socket.frames().filter((frame) => frame.type === 'reminder-due')).toHaveLength(1);
    expect((await readJson(await api('/api/v1/messages', { token: user.token }), messagesPageSchema)).messages).toHaveLength(1);
    socket.socket.close();
  });

  it('survives the object restarting between being set and falling due', async () => {
    const user = await buildUser();
    const reminder = await createReminder(user.token, 'After the restart');
    const stub = testEnv.COMPANION.getByName(user.user.id);
    // Throws an error into the call that asked for it: the object is reset, its in-memory state gone.
    await runInDurableObject(stub, (_instance, state) => state.abort('restart under test')).catch(() => undefined);
    const socket = await openRealtime(user.token);
    expect(await runScheduledWork(user.user.id)).toBe(true);
    expect(await socket.next('reminder-due')).toMatchObject({ reminder: { id: reminder.id, text: 'After the restart' } });
    await fireAgain(user.user.id, reminder);
    await settle();
    expect(socket.frames().filter((frame) => frame.type === 'reminder-due')).toHaveLength(1);
    socket.socket.close();
  });

  it('never fires once cancelled, even if its alarm still runs', async () => {
    const user = await buildUser();
    const socket = await openRealtime(user.token);
    const reminder = await createReminder(user.token, 'Cancelled plan');
    expect((await api(`/api/v1/reminders/${reminder.id}`, { method: 'DELETE', token: user.token })).status).toBe(204);
    expect(await runScheduledWork(user.user.id)).toBe(false);
    await fireAgain(user.user.id, reminder);
    await settle();
    expect(socket.frames().filter((frame) => frame.type === 'reminder-due')).toEqual([]);
    expect((await readJson(await api('/api/v1/messages', { token: user.token }), messagesPageSchema)).messages).toEqual([]);
    socket.socket.close();
  });

  it('goes into the newest conversation when there is one', async () => {
    const user = await buildUser();
    const said = uniqueText('Hello there');
    await scriptFakeOpenAI(fakeUrl, said, [{ text: 'Hi!' }]);
    const turn = await readJson(await api('/api/v1/messages', { token: user.token, body: { text: said } }), turnAnswerSchema);
    const reminder = await createReminder(user.token, 'Drink water');
    await fireAgain(user.user.id, reminder);
    const page = await readJson(await api('/api/v1/messages', { token: user.token }), messagesPageSchema);
    expect(page.messages.map((message) => [message.conversationId, message.role, message.text])).toContainEqual([
      turn.userMessage.conversationId,
      'assistant',
      'Reminder: Drink water',
    ]);
    expect(page.messages).toHaveLength(3);
  });
});

describe('reminders at rest and in the export', () => {
  it('keeps no reminder text in the clear, and exports every reminder decrypted', async () => {
    const secretWord = `Kilimanjaro${crypto.randomUUID().slice(0, 6)}`;
    const user = await buildUser();
    const delivered = await createReminder(user.token, `Pick up the ${secretWord} prescription`);
    const cancelled = await createReminder(user.token, `Book the ${secretWord} clinic`, inFuture(5 * hour));
    await api(`/api/v1/reminders/${cancelled.id}`, { method: 'DELETE', token: user.token });
    await fireAgain(user.user.id, delivered);

    const dump = await dumpObjectStorage(user.user.id);
    expect(dump).toContain('v1.');
    expect(dump).not.toContain(secretWord);
    expect(dump.toLowerCase()).not.toContain('prescription');

    const exported = exportDocumentSchema.parse(await (await api('/api/v1/me/export', { token: user.token })).json());
    expect(exported.reminders.map((reminder) => [reminder.id, reminder.status, reminder.text])).toEqual([
      [delivered.id, 'delivered', `Pick up the ${secretWord} prescription`],
      [cancelled.id, 'cancelled', `Book the ${secretWord} clinic`],
    ]);
  });
});

describe('the create_reminder tool', () => {
  it("sets a reminder from words the model passes on, read in the person's zone", async () => {
    const user = await buildUser({ timezone: 'Asia/Tokyo' });
    // Setting a reminder changes the person's data: they chose "always allow" for it, so the turn runs through.
    expect((await api('/api/v1/tools/reminder-create', { method: 'PATCH', token: user.token, body: { approval: 'always' } })).status).toBe(200);
    const said = uniqueText('Remind me to call the bank tomorrow at 9');
    await scriptFakeOpenAI(fakeUrl, said, [
      { toolCalls: [{ name: 'create_reminder', arguments: { text: 'Call the bank', when: 'tomorrow at 9' } }] },
      { text: 'Done, I will remind you.' },
    ]);
    const turn = await readJson(await api('/api/v1/messages', { token: user.token, body: { text: said } }), turnAnswerSchema);
    expect(turn.assistantMessage.tools[0]?.output).toMatchObject({ created: true, timezone: 'Asia/Tokyo' });
    const [reminder] = await remindersOf(user.token);
    expect(reminder?.text).toBe('Call the bank');
    const dueInTokyo = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Tokyo', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
      new Date(reminder?.dueAt ?? 0),
    );
    expect(dueInTokyo).toBe('09:00');
  });
});

describe('firing on the millisecond', () => {
  it('arms one schedule per ten-second window, at its start, shared by the reminders due in it until the last is taken back', async () => {
    const user = await buildUser();
    const socket = await openRealtime(user.token);
    const windowStart = scheduleTimeFor(Date.now() + hour, windowPhaseOf(user.user.id)).getTime();
    const first = await createReminder(user.token, 'Exactly then', new Date(windowStart + 7637).toISOString());
    const second = await createReminder(user.token, 'Same window', new Date(windowStart + 1200).toISOString());
    const nextWindow = await createReminder(user.token, 'Next window', new Date(windowStart + 10_000).toISOString());
    expect(await windowJobs(user.user.id)).toEqual([windowJob(windowStart), windowJob(windowStart + 10_000)]);

    // Taking one back leaves the window's schedule to the other; taking both back cancels it.
    expect((await api(`/api/v1/reminders/${first.id}`, { method: 'DELETE', token: user.token })).status).toBe(204);
    expect(await windowJobs(user.user.id)).toEqual([windowJob(windowStart), windowJob(windowStart + 10_000)]);
    await readJson(await patchReminder(user.token, second.id, { status: 'done' }), reminderSchema);
    expect(await windowJobs(user.user.id)).toEqual([windowJob(windowStart + 10_000)]);

    // A window with several reminders delivers each once, from its one job.
    const third = await createReminder(user.token, 'Also next window', new Date(windowStart + 14_000).toISOString());
    expect(await windowJobs(user.user.id)).toEqual([windowJob(windowStart + 10_000)]);
    expect(await runScheduledWork(user.user.id)).toBe(true);
    const due = [await socket.next('reminder-due'), await socket.next('reminder-due')];
    expect(due.map((frame) => frame.reminder.id).sort()).toEqual([nextWindow.id, third.id].sort());
    await settle();
    expect(socket.frames().filter((frame) => frame.type === 'reminder-due')).toHaveLength(2);
    expect(await windowJobs(user.user.id)).toEqual([]);
    socket.socket.close();
  });

  it('still delivers, once, from a schedule armed for one reminder (as objects armed them before windows shared one)', async () => {
    const user = await buildUser();
    const socket = await openRealtime(user.token);
    const reminder = await createReminder(user.token, 'Armed the old way');
    await Promise.all([fireOwnJob(user.user.id, reminder.id, Date.parse(reminder.dueAt)), fireOwnJob(user.user.id, reminder.id)]);
    expect((await socket.next('reminder-due')).reminder.id).toBe(reminder.id);
    await runScheduledWork(user.user.id);
    await settle();
    expect(socket.frames().filter((frame) => frame.type === 'reminder-due')).toHaveLength(1);
    expect(await reminderMessages(user.token)).toEqual(['Reminder: Armed the old way']);
    socket.socket.close();
  });

  it('delivers a reminder set while its window is being delivered with that window, on its time, not after the window', async () => {
    const user = await buildUser();
    const socket = await openRealtime(user.token);
    // Set-up, not a measurement: the test needs four seconds left in the current ten-second window.
    const leftInWindow = () => scheduleTimeFor(Date.now(), windowPhaseOf(user.user.id)).getTime() + 10_000 - Date.now();
    if (leftInWindow() < 4000) await new Promise((resolve) => setTimeout(resolve, leftInWindow() + 50));
    const later = await createReminder(user.token, 'Later in the window', inFuture(2500));
    // The window's job, as its alarm runs it: it holds until the later reminder is due.
    const holding = fireAgain(user.user.id, later);
    await settle();
    const sooner = await createReminder(user.token, 'Set while the window waits', inFuture(1200));
    await holding;
    const due = socket.frames().filter((frame) => frame.type === 'reminder-due');
    expect(due.map((frame) => (frame.type === 'reminder-due' ? frame.reminder.id : ''))).toEqual([sooner.id, later.id]);
    expect((await remindersOf(user.token)).map((entry) => entry.status)).toEqual(['delivered', 'delivered']);
    // Their own schedules then find them delivered.
    await runScheduledWork(user.user.id);
    await settle();
    expect(socket.frames().filter((frame) => frame.type === 'reminder-due')).toHaveLength(2);
    socket.socket.close();
  });

  it('ignores a schedule armed for a time the reminder no longer has', async () => {
    const user = await buildUser();
    const socket = await openRealtime(user.token);
    const reminder = await createReminder(user.token, 'Moved');
    await fireOwnJob(user.user.id, reminder.id, Date.parse(reminder.dueAt) - 60_000);
    // Nor does the job of a window it is no longer due in.
    await fireAgain(user.user.id, { dueAt: new Date(Date.parse(reminder.dueAt) - 60_000).toISOString() });
    await settle();
    expect(socket.frames().filter((frame) => frame.type === 'reminder-due')).toEqual([]);
    expect((await remindersOf(user.token))[0]?.status).toBe('scheduled');
    socket.socket.close();
  });
});

describe('marking a reminder done and snoozing it', () => {
  it('marks a waiting reminder done: it never goes out, and done twice is still done', async () => {
    const user = await buildUser();
    const socket = await openRealtime(user.token);
    const reminder = await createReminder(user.token, 'Already handled');
    const done = await readJson(await patchReminder(user.token, reminder.id, { status: 'done' }), reminderSchema);
    expect(done).toMatchObject({ id: reminder.id, status: 'done', text: 'Already handled' });
    expect(await windowJobs(user.user.id)).toEqual([]);
    expect(await runScheduledWork(user.user.id)).toBe(false);
    await fireAgain(user.user.id, reminder);
    await settle();
    expect(socket.frames().filter((frame) => frame.type === 'reminder-due')).toEqual([]);
    expect(await reminderMessages(user.token)).toEqual([]);
    expect((await readJson(await patchReminder(user.token, reminder.id, { status: 'done' }), reminderSchema)).status).toBe('done');
    expect((await remindersOf(user.token)).map((entry) => entry.status)).toEqual(['done']);
    socket.socket.close();
  });

  it('snoozes a reminder that went out: it goes out once more at the new time, with a message of its own', async () => {
    const user = await buildUser();
    const socket = await openRealtime(user.token);
    const reminder = await createReminder(user.token, 'Take the pills');
    expect(await runScheduledWork(user.user.id)).toBe(true);
    await socket.next('reminder-due');

    const before = Date.now();
    const snoozed = await readJson(await patchReminder(user.token, reminder.id, { snoozeMinutes: 10 }), reminderSchema);
    expect(snoozed.status).toBe('scheduled');
    const newDueAt = Date.parse(snoozed.dueAt);
    expect(newDueAt).toBeGreaterThanOrEqual(before + 10 * 60_000);
    expect(newDueAt).toBeLessThanOrEqual(Date.now() + 10 * 60_000);
    expect(await windowJobs(user.user.id)).toEqual([windowJob(windowOf(user.user.id, snoozed))]);

    expect(await runScheduledWork(user.user.id)).toBe(true);
    expect(await socket.next('reminder-due')).toMatchObject({
      type: 'reminder-due',
      reminder: { id: reminder.id, text: 'Take the pills', dueAt: snoozed.dueAt },
    });
    await fireAgain(user.user.id, snoozed);
    await settle();
    expect(socket.frames().filter((frame) => frame.type === 'reminder-due')).toHaveLength(2);
    expect(await reminderMessages(user.token)).toEqual(['Reminder: Take the pills', 'Reminder: Take the pills']);
    expect((await remindersOf(user.token))[0]).toMatchObject({ status: 'delivered', dueAt: snoozed.dueAt });
    socket.socket.close();
  });

  it('snoozes a waiting reminder: its first schedule is cancelled, and it goes out once, at the new time', async () => {
    const user = await buildUser();
    const socket = await openRealtime(user.token);
    const reminder = await createReminder(user.token, 'Call back', inFuture(5 * 60_000));
    expect(await windowJobs(user.user.id)).toEqual([windowJob(windowOf(user.user.id, reminder))]);
    const snoozed = await readJson(await patchReminder(user.token, reminder.id, { snoozeMinutes: 60 }), reminderSchema);
    expect(await windowJobs(user.user.id)).toEqual([windowJob(windowOf(user.user.id, snoozed))]);
    expect(await runScheduledWork(user.user.id)).toBe(true);
    expect((await socket.next('reminder-due')).reminder.dueAt).toBe(snoozed.dueAt);
    await settle();
    expect(socket.frames().filter((frame) => frame.type === 'reminder-due')).toHaveLength(1);
    expect(await reminderMessages(user.token)).toEqual(['Reminder: Call back']);
    socket.socket.close();
  });

  it("refuses a snooze outside 1 to 1440 minutes, a body that is neither, and a reminder done, cancelled or someone else's", async () => {
    const user = await buildUser();
    const other = await buildUser();
    const reminder = await createReminder(user.token, 'Bounds');
    for (const body of [
      { snoozeMinutes: 0 },
      { snoozeMinutes: 1441 },
      { snoozeMinutes: 2.5 },
      { snoozeMinutes: '10' },
      {},
      { status: 'delivered' },
      { status: 'done', snoozeMinutes: 5 },
    ]) {
      await expectError(await patchReminder(user.token, reminder.id, body), 'validation_failed');
    }
    expect((await readJson(await patchReminder(user.token, reminder.id, { snoozeMinutes: 1440 }), reminderSchema)).status).toBe('scheduled');
    await expectError(await patchReminder(other.token, reminder.id, { status: 'done' }), 'not_found');
    await expectError(await patchReminder(user.token, 'rem_missing', { snoozeMinutes: 5 }), 'not_found');
    await readJson(await patchReminder(user.token, reminder.id, { status: 'done' }), reminderSchema);
    await expectError(await patchReminder(user.token, reminder.id, { snoozeMinutes: 5 }), 'validation_failed');
    const cancelled = await createReminder(user.token, 'Gone');
    await api(`/api/v1/reminders/${cancelled.id}`, { method: 'DELETE', token: user.token });
    await expectError(await patchReminder(user.token, cancelled.id, { snoozeMinutes: 5 }), 'not_found');
    await expectError(await patchReminder(user.token, cancelled.id, { status: 'done' }), 'not_found');
  });
});

describe('a reminder whose frame reached no client', () => {
  it('is sent once to the next client to connect when none was open as it went out', async () => {
    const user = await buildUser();
    const reminder = await createReminder(user.token, uniqueText('While the app was closed'));
    expect(await runScheduledWork(user.user.id)).toBe(true);
    const first = await openRealtime(user.token);
    expect(await first.next('reminder-due')).toEqual({ type: 'reminder-due', reminder: { id: reminder.id, text: reminder.text, dueAt: reminder.dueAt } });
    const second = await openRealtime(user.token);
    await settle();
    expect(second.frames().filter((frame) => frame.type === 'reminder-due')).toEqual([]);
    expect(first.frames().filter((frame) => frame.type === 'reminder-due')).toHaveLength(1);
    first.socket.close();
    second.socket.close();
  });

  it('is sent on connect when the object restarted between the claim and the push, but not once it is an hour old', async () => {
    const user = await buildUser();
    const recent = await createReminder(user.token, 'Claimed, then the restart');
    const stale = await createReminder(user.token, 'Claimed two hours ago', inFuture(2 * hour));
    const stub = testEnv.COMPANION.getByName(user.user.id);
    // What a claim leaves when the object stops before the frame is pushed: delivered, no client told.
    await runInDurableObject(stub, (_instance, state) => {
      state.storage.sql.exec("UPDATE reminders SET status = 'delivered', delivered_at = ? WHERE id = ?", Date.now() - 60_000, recent.id);
      state.storage.sql.exec("UPDATE reminders SET status = 'delivered', delivered_at = ? WHERE id = ?", Date.now() - 2 * hour, stale.id);
    });
    await runInDurableObject(stub, (_instance, state) => state.abort('restart under test')).catch(() => undefined);
    const socket = await openRealtime(user.token);
    expect((await socket.next('reminder-due')).reminder.id).toBe(recent.id);
    await settle();
    expect(socket.frames().filter((frame) => frame.type === 'reminder-due')).toHaveLength(1);
    // The list shows both as gone out, whichever the app saw as frames.
    expect((await remindersOf(user.token)).map((entry) => [entry.id, entry.status])).toEqual(
      expect.arrayContaining([
        [recent.id, 'delivered'],
        [stale.id, 'delivered'],
      ]),
    );
    socket.socket.close();
  });

  it('is not sent again on connect when an open client got it as it went out', async () => {
    const user = await buildUser();
    const open = await openRealtime(user.token);
    await createReminder(user.token, 'Seen at once');
    expect(await runScheduledWork(user.user.id)).toBe(true);
    await open.next('reminder-due');
    const later = await openRealtime(user.token);
    await settle();
    expect(later.frames().filter((frame) => frame.type === 'reminder-due')).toEqual([]);
    open.socket.close();
    later.socket.close();
  });
});

describe('a reminder brought over by an import', () => {
  it('fires once at its own time in the account it came into; one whose time passed while the account moved goes out at once, once', async () => {
    const before = await buildUser();
    const waiting = await createReminder(before.token, 'Take the evening pills');
    const document = await exportOf(before.token);
    const missedAt = new Date(Date.now() - 10 * 60_000).toISOString();
    const missed = { id: 'rem_missed_while_moving', text: 'Missed while moving', dueAt: missedAt, createdAt: missedAt, status: 'scheduled' };
    document.reminders = [...(document.reminders as Reminder[]), missed];

    const after = await buildUser();
    expect((await importInto(after.token, document)).imported).toMatchObject({ reminders: 2 });
    // Armed for the start of its window in the account it came into.
    expect(await windowJobs(after.user.id)).toContainEqual(windowJob(windowOf(after.user.id, waiting)));
    // The missed one's alarm is armed in the past: it may have gone out already, to no open app, and then comes to the next one.

    const socket = await openRealtime(after.token);
    expect(await runScheduledWork(after.user.id)).toBe(true);
    const frames = [await socket.next('reminder-due'), await socket.next('reminder-due')];
    expect(frames.map((frame) => frame.reminder.id).sort()).toEqual([missed.id, waiting.id].sort());
    // Its alarm again, from anywhere: nothing goes out twice.
    await Promise.all([fireAgain(after.user.id, waiting), fireAgain(after.user.id, missed)]);
    await settle();
    expect(socket.frames().filter((frame) => frame.type === 'reminder-due')).toHaveLength(2);
    expect((await remindersOf(after.token)).map((reminder) => [reminder.id, reminder.status]).sort()).toEqual(
      [
        [missed.id, 'delivered'],
        [waiting.id, 'delivered'],
      ].sort(),
    );
    const texts = (await readJson(await api('/api/v1/messages', { token: after.token }), messagesPageSchema)).messages.map((message) => message.text);
    expect(texts.sort()).toEqual(['Reminder: Missed while moving', 'Reminder: Take the evening pills']);
    socket.socket.close();
  });

  it('that went out already is not sent again, neither by its job nor to the next app that connects', async () => {
    const before = await buildUser();
    const reminder = await createReminder(before.token, 'Already done');
    expect(await runScheduledWork(before.user.id)).toBe(true);
    expect((await remindersOf(before.token))[0]).toMatchObject({ id: reminder.id, status: 'delivered' });

    const after = await buildUser();
    await importInto(after.token, await exportOf(before.token));
    expect(await windowJobs(after.user.id)).toEqual([]);
    await fireAgain(after.user.id, reminder);
    // It went out minutes ago to no open app, which would have it sent on the next connection: the import says it was seen.
    const socket = await openRealtime(after.token);
    await settle();
    expect(socket.frames().filter((frame) => frame.type === 'reminder-due')).toEqual([]);
    expect((await remindersOf(after.token))[0]).toMatchObject({ id: reminder.id, status: 'delivered' });
    socket.socket.close();
  });
});

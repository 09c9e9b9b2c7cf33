import { expect, inject } from 'vitest';
import type { ToolApproval } from '../../common/tools.ts';
import { api, openRealtime, uniqueText } from '../api.ts';
import { scriptFakeOpenAI } from '../fake-openai/control.ts';
import { runScheduledWork } from '../scheduled-work.ts';
import type { Populator, TestUser } from './populate.ts';

/**
 * The populators of the person's life outside the conversation: calendar (with the confirmations
 * that changed it), reminders and outreach, tool approvals, goals and habits, moods, and the weekly
 * reflection. Everything goes through the API, and scheduled work runs where a job must.
 */

const fakeModelUrl = (): string => inject('fakeOpenAIUrl');

/** The answer's JSON, after checking it succeeded: a populator fails loudly where the API refused. */
async function succeeded<Answer = Record<string, unknown>>(response: Promise<Response>): Promise<Answer> {
  const answered = await response;
  const text = await answered.text();
  expect(answered.status, text).toBeLessThan(300);
  return (text ? JSON.parse(text) : null) as Answer;
}

/** A turn whose model calls `tool` and then says `reply`: answers the id of the confirmation the tool asked for. */
async function askedThroughModel(user: TestUser, tool: { name: string; arguments: unknown }): Promise<string> {
  const text = uniqueText('please change my calendar');
  await scriptFakeOpenAI(fakeModelUrl(), text, [{ toolCalls: [tool] }, { text: 'I have asked you to confirm.' }]);
  const turn = await succeeded<{ assistantMessage: { tools: { output: { confirmationId?: string } }[] } }>(
    api('/api/v1/messages', { token: user.token, body: { text } }),
  );
  const confirmationId = turn.assistantMessage.tools[0]?.output.confirmationId;
  expect(confirmationId, 'the tool asked for a confirmation').toEqual(expect.any(String));
  return String(confirmationId);
}

/**
 * Events of every kind: a weekly series in Vienna across the change to summer time, with a date left
 * out, one added, and one occurrence moved through a confirmed `move_event` (an override); a declined
 * cancellation; an all-day event over two days; an event in another zone with place and notes.
 */
const calendarAndConfirmations: Populator = {
  sections: ['calendar', 'confirmations'],
  async populate(user) {
    const series = await succeeded<{ id: string }>(
      api('/api/v1/events', {
        token: user.token,
        body: {
          title: 'Choir rehearsal',
          start: '2027-03-15T09:30',
          end: '2027-03-15T10:30',
          timezone: 'Europe/Vienna',
          location: 'Musikverein, small hall',
          notes: 'Bring the Brahms score.',
          recurrence: { rrule: 'FREQ=WEEKLY;COUNT=6', exdates: ['2027-03-22T09:30'], rdates: ['2027-04-01T14:00'] },
        },
      }),
    );
    await succeeded(
      api('/api/v1/events', {
        token: user.token,
        body: { title: 'Lake weekend', start: '2027-01-09', end: '2027-01-11', timezone: 'Europe/Vienna', allDay: true, notes: 'Cabin 4' },
      }),
    );
    await succeeded(
      api('/api/v1/events', {
        token: user.token,
        body: { title: 'Call with Dana', start: '2027-02-02T08:00', end: '2027-02-02T08:45', timezone: 'America/New_York', location: 'Phone' },
      }),
    );
    // After the change to summer time: the occurrence keeps 09:30 local, now at +02:00.
    const moved = await askedThroughModel(user, {
      name: 'move_event',
      arguments: { eventId: series.id, occurrenceStart: '2027-03-29T09:30:00+02:00', scope: 'occurrence', start: '2027-03-30T11:00' },
    });
    await succeeded(api(`/api/v1/confirmations/${moved}`, { token: user.token, body: { accept: true } }));
    const cancelled = await askedThroughModel(user, {
      name: 'cancel_event',
      arguments: { eventId: series.id, occurrenceStart: '2027-04-05T09:30:00+02:00', scope: 'occurrence' },
    });
    await succeeded(api(`/api/v1/confirmations/${cancelled}`, { token: user.token, body: { accept: false } }));
  },
};

/**
 * Reminders in every status, and an outreach log made by a reminder that really went out (fired by
 * its scheduled job to an open app), after the outreach settings were changed from their defaults.
 */
const remindersAndOutreach: Populator = {
  sections: ['reminders', 'outreach'],
  async populate(user) {
    await succeeded(
      api('/api/v1/outreach', {
        method: 'PUT',
        token: user.token,
        body: {
          checkInCadence: 'weekdays',
          checkInTime: '19:30',
          quietHours: { start: '23:00', end: '07:30' },
          dailyCap: 2,
          eventReminderMinutes: 15,
          followUps: false,
          channelOrder: ['app', 'push'],
        },
      }),
    );
    const inAnHour = () => new Date(Date.now() + 3600_000).toISOString();
    const create = (text: string, dueAt = inAnHour()) => succeeded<{ id: string }>(api('/api/v1/reminders', { token: user.token, body: { text, dueAt } }));
    // These two go out now: their jobs run while an app is open, so the log records the app's delivery.
    await create('Water the tomatoes');
    const deliveredThenDone = await create('Call the pharmacy');
    const app = await openRealtime(user.token);
    await runScheduledWork(user.user.id);
    await app.next('reminder-due');
    await app.next('reminder-due');
    app.socket.close();
    await succeeded(api(`/api/v1/reminders/${deliveredThenDone.id}`, { method: 'PATCH', token: user.token, body: { status: 'done' } }));
    // Set after the jobs ran: these stay as they are.
    await create('Renew the passport', new Date(Date.now() + 90 * 86_400_000).toISOString());
    const done = await create('Book the vet');
    await succeeded(api(`/api/v1/reminders/${done.id}`, { method: 'PATCH', token: user.token, body: { status: 'done' } }));
    const cancelled = await create('Pick up the dry cleaning');
    await succeeded(api(`/api/v1/reminders/${cancelled.id}`, { method: 'DELETE', token: user.token }));
  },
};

/** A tool call the person was asked to approve, and declined (so nothing else changed). */
const toolApprovals: Populator = {
  sections: ['toolApprovals'],
  async populate(user) {
    const text = uniqueText('remember that my bike is blue');
    await scriptFakeOpenAI(fakeModelUrl(), text, [
      { toolCalls: [{ name: 'memory_save', arguments: { text: 'The bike is blue.', kind: 'fact' } }] },
      { text: 'I left it.' },
    ]);
    // The turn waits for the answer: it is sent, the request found among the pending ones, and declined.
    const turn = api('/api/v1/messages', { token: user.token, body: { text } });
    let pending: ToolApproval | undefined;
    while (!pending) {
      [pending] = (await succeeded<{ approvals: ToolApproval[] }>(api('/api/v1/approvals?status=pending', { token: user.token }))).approvals;
    }
    await succeeded(api(`/api/v1/approvals/${pending.id}`, { token: user.token, body: { approved: false } }));
    await succeeded(turn);
  },
};

/**
 * A goal with progress and notes, a weekly habit done twice (its count and streak), a completed goal
 * and an archived habit. The active ones ask for no check-in: another populator's scheduled work
 * would run a goal check-in job at once, at whatever hour the test runs.
 */
const goals: Populator = {
  sections: ['goals'],
  async populate(user) {
    const create = (body: Record<string, unknown>) => succeeded<{ id: string }>(api('/api/v1/goals', { token: user.token, body }));
    const update = (id: string, body: Record<string, unknown>) => succeeded(api(`/api/v1/goals/${id}/updates`, { token: user.token, body }));
    const change = (id: string, body: Record<string, unknown>) => succeeded(api(`/api/v1/goals/${id}`, { method: 'PATCH', token: user.token, body }));
    const spanish = await create({
      area: 'education',
      kind: 'goal',
      title: 'Hold a conversation in Spanish',
      notes: 'For the trip in May.',
      checkIn: { every: 'off' },
      targetDate: '2027-05-01',
    });
    await update(spanish.id, { progress: 20, note: 'Finished the first course unit.' });
    await update(spanish.id, { progress: 45 });
    await update(spanish.id, { note: 'Watched a film without subtitles.' });
    const running = await create({ area: 'health', kind: 'habit', title: 'Run', habit: { timesPerPeriod: 3, period: 'week' }, checkIn: { every: 'off' } });
    await update(running.id, { done: true });
    await update(running.id, { done: true, note: 'Along the canal.' });
    const budget = await create({
      area: 'finances',
      kind: 'goal',
      title: 'Set a monthly budget',
      checkIn: { every: 'week', weekday: 'monday', time: '08:15' },
    });
    await update(budget.id, { progress: 80 });
    await change(budget.id, { status: 'completed' });
    const journal = await create({
      area: 'well-being',
      kind: 'habit',
      title: 'Journal',
      habit: { timesPerPeriod: 1, period: 'day' },
      checkIn: { every: 'day', time: '21:00' },
    });
    await update(journal.id, { done: true });
    await change(journal.id, { status: 'archived' });
  },
};

/** Moods over several days, with and without notes. */
const moods: Populator = {
  sections: ['moods'],
  async populate(user) {
    const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
    await succeeded(api('/api/v1/moods', { token: user.token, body: { score: 2, note: 'Slept badly, long day.', at: daysAgo(3) } }));
    await succeeded(api('/api/v1/moods', { token: user.token, body: { score: 4, at: daysAgo(2) } }));
    await succeeded(api('/api/v1/moods', { token: user.token, body: { score: 5, note: 'Lunch with Mara by the river.', at: daysAgo(1) } }));
  },
};

/** The weekly reflection turned on, on another day and time than the default. */
const reflection: Populator = {
  sections: ['reflection'],
  async populate(user) {
    await succeeded(api('/api/v1/reflection', { method: 'PUT', token: user.token, body: { enabled: true, weekday: 'friday', time: '20:15' } }));
  },
};

/** Reminders first: their scheduled work runs every job waiting, and none of the others' is waiting yet. */
export const lifePopulators: Populator[] = [remindersAndOutreach, calendarAndConfirmations, toolApprovals, goals, moods, reflection];

import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';
import {
  type CreateGoalBody,
  type Goal,
  goalDetailSchema,
  goalSchema,
  goalsAnswerSchema,
  goalUpdateAnswerSchema,
  type PatchGoalBody,
} from '../../common/goals.ts';
import { type OutreachSettingsPatch, outreachAnswerSchema, outreachLogAnswerSchema } from '../../common/outreach.ts';
import { exportDocumentSchema, messagesPageSchema, toolsAnswerSchema, turnAnswerSchema, userSchema } from '../../common/protocol.ts';
import type { Env } from '../../server/env.ts';
import { localAt } from '../../server/time/zoned-time.ts';
import { api, buildUser, expectError, openRealtime, readJson, uniqueText } from '../../test-support/api.ts';
import { recordedChatRequests, scriptFakeOpenAI } from '../../test-support/fake-openai/control.ts';
import { exportOf, importInto } from '../../test-support/round-trip/move-account.ts';
import { runScheduledWork } from '../../test-support/scheduled-work.ts';
import type { CompanionAgent } from '../companion-agent.ts';
import type { CapabilityHost } from '../host/capability.ts';
import { configuredMasterKeys, UserVault } from '../host/user-vault.ts';
import { createGoalsCapability } from './goals-capability.ts';

const testEnv = env as unknown as { COMPANION: DurableObjectNamespace<CompanionAgent> };
const fakeUrl = inject('fakeOpenAIUrl');
const pad = (value: number) => String(value).padStart(2, '0');
const weekdays = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

const createGoal = async (token: string, body: CreateGoalBody): Promise<Goal> => readJson(await api('/api/v1/goals', { token, body }), goalSchema, 201);
const patchGoal = (token: string, id: string, body: PatchGoalBody | Record<string, unknown>) => api(`/api/v1/goals/${id}`, { method: 'PATCH', token, body });
const postUpdate = (token: string, id: string, body: unknown) => api(`/api/v1/goals/${id}/updates`, { token, body });
const goalsOf = async (token: string, status = 'active') => (await readJson(await api(`/api/v1/goals?status=${status}`, { token }), goalsAnswerSchema)).goals;
const detailOf = async (token: string, id: string) => readJson(await api(`/api/v1/goals/${id}`, { token }), goalDetailSchema);
const putOutreach = async (token: string, patch: OutreachSettingsPatch) =>
  readJson(await api('/api/v1/outreach', { method: 'PUT', token, body: patch }), outreachAnswerSchema);
const outreachLog = async (token: string) => (await readJson(await api('/api/v1/outreach/log', { token }), outreachLogAnswerSchema)).entries;

/** The wall-clock minute now in UTC (the test users' zone), as a check-in time. */
const thisMinute = () => {
  const now = localAt(Date.now(), 'UTC');
  return `${pad(now.hour)}:${pad(now.minute)}`;
};

/**
 * Outreach's own daily check-in off and no quiet hours: only the goals' check-ins speak, whatever
 * the hour the tests run at.
 */
const onlyGoalCheckIns = (token: string) =>
  putOutreach(token, { checkInCadence: 'off', quietHours: { start: '00:00', end: '00:00' }, eventReminderMinutes: 0 });

/** Every text value of every table in the object's SQLite, as one string. */
async function dumpObjectStorage(userId: string): Promise<string> {
  return runInDurableObject(testEnv.COMPANION.getByName(userId), (_instance, state) => {
    const tables = state.storage.sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '_cf_%'").toArray();
    return tables.map(({ name }) => JSON.stringify(state.storage.sql.exec(`SELECT * FROM "${name}"`).toArray())).join('\n');
  });
}

const runGoalJob = (userId: string, slot: string) =>
  runInDurableObject(testEnv.COMPANION.getByName(userId), (instance) => instance.runJob({ capability: 'goals', job: 'checkIn', payload: { slot } }));

/** The `{ capability, job, payload }` the host stored with a job, however deep the SDK nests it. */
function scheduledJobOf(value: unknown): { capability?: unknown; job?: unknown; payload?: { slot?: unknown } } | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record.capability === 'string' && typeof record.job === 'string') return record;
  for (const member of Object.values(record)) {
    const found = scheduledJobOf(member);
    if (found) return found;
  }
  return undefined;
}

/** The slots the goals capability has check-in jobs waiting for. */
async function waitingSlots(userId: string): Promise<string[]> {
  return runInDurableObject(testEnv.COMPANION.getByName(userId), (_instance, state) =>
    state.storage.sql
      .exec<{ payload: string }>('SELECT payload FROM cf_agents_jobs')
      .toArray()
      .flatMap((row) => {
        const job = scheduledJobOf(JSON.parse(row.payload));
        return job?.capability === 'goals' && job.job === 'checkIn' && typeof job.payload?.slot === 'string' ? [job.payload.slot] : [];
      })
      .sort(),
  );
}

/** When each waiting check-in job is set to run, by its slot. */
async function waitingCheckIns(userId: string): Promise<{ slot: string; at: number }[]> {
  return runInDurableObject(testEnv.COMPANION.getByName(userId), (_instance, state) =>
    state.storage.sql
      .exec<{ payload: string; time: number }>('SELECT payload, time FROM cf_agents_jobs')
      .toArray()
      .flatMap((row) => {
        const job = scheduledJobOf(JSON.parse(row.payload));
        return job?.capability === 'goals' && typeof job.payload?.slot === 'string' ? [{ slot: job.payload.slot, at: row.time }] : [];
      }),
  );
}

describe('goals over the API', () => {
  it('are set, listed, read, changed, completed, reopened and deleted', async () => {
    const { token } = await buildUser();
    const outreach = await putOutreach(token, { checkInTime: '19:15' });
    const run = await createGoal(token, { area: 'health', title: '  Run a 5k  ', notes: 'For my brother’s charity run', targetDate: '2027-05-01' });
    expect(run).toMatchObject({
      kind: 'goal',
      title: 'Run a 5k',
      notes: 'For my brother’s charity run',
      status: 'active',
      progress: 0,
      habit: null,
      doneThisPeriod: 0,
      streak: 0,
      targetDate: '2027-05-01',
      completedAt: null,
      lastUpdateAt: null,
    });
    // No check-in given: weekly, on the weekday it was set, at the person's check-in time.
    expect(run.checkIn).toEqual({ every: 'week', weekday: weekdays[new Date(run.createdAt).getUTCDay()], time: outreach.settings.checkInTime });
    const read = await createGoal(token, {
      area: 'education',
      kind: 'habit',
      title: 'Read',
      habit: { timesPerPeriod: 1, period: 'day' },
      checkIn: { every: 'off' },
    });
    expect(read).toMatchObject({ kind: 'habit', habit: { timesPerPeriod: 1, period: 'day' }, checkIn: { every: 'off' }, notes: null });

    expect((await goalsOf(token)).map((goal) => goal.id)).toEqual([read.id, run.id]);

    const progressed = await readJson(await postUpdate(token, run.id, { progress: 40, note: 'Ran 3 km without stopping' }), goalUpdateAnswerSchema, 201);
    expect(progressed.goal).toMatchObject({ progress: 40, lastUpdateAt: progressed.update.at });
    expect(progressed.update).toMatchObject({ goalId: run.id, progress: 40, done: false, note: 'Ran 3 km without stopping', source: 'app' });
    await readJson(await postUpdate(token, run.id, { note: 'Knee a bit sore' }), goalUpdateAnswerSchema, 201);
    const detail = await detailOf(token, run.id);
    expect(detail.goal.progress).toBe(40);
    expect(detail.updates.map((update) => update.note)).toEqual(['Knee a bit sore', 'Ran 3 km without stopping']);

    const renamed = await readJson(await patchGoal(token, run.id, { title: 'Run a 10k', notes: null, checkIn: { every: 'day', time: '07:30' } }), goalSchema);
    expect(renamed).toMatchObject({ title: 'Run a 10k', notes: null, checkIn: { every: 'day', time: '07:30' }, progress: 40, targetDate: '2027-05-01' });

    const completed = await readJson(await patchGoal(token, run.id, { status: 'completed' }), goalSchema);
    expect(completed).toMatchObject({ status: 'completed', progress: 100, completedAt: expect.any(String) });
    expect((await goalsOf(token)).map((goal) => goal.id)).toEqual([read.id]);
    expect((await goalsOf(token, 'completed')).map((goal) => goal.id)).toEqual([run.id]);
    expect((await goalsOf(token, 'all')).map((goal) => goal.id)).toEqual([read.id, run.id]);
    const reopened = await readJson(await patchGoal(token, run.id, { status: 'active' }), goalSchema);
    expect(reopened).toMatchObject({ status: 'active', completedAt: null });

    expect((await api(`/api/v1/goals/${run.id}`, { method: 'DELETE', token })).status).toBe(204);
    await expectError(await api(`/api/v1/goals/${run.id}`, { token }), 'not_found');
    await expectError(await api(`/api/v1/goals/${run.id}`, { method: 'DELETE', token }), 'not_found');
    expect((await goalsOf(token, 'all')).map((goal) => goal.id)).toEqual([read.id]);
  });

  it('count a habit done today against its target', async () => {
    const { token } = await buildUser();
    const water = await createGoal(token, { area: 'health', kind: 'habit', title: 'Drink water', habit: { timesPerPeriod: 3, period: 'day' } });
    const once = await readJson(await postUpdate(token, water.id, { done: true }), goalUpdateAnswerSchema, 201);
    expect(once.goal).toMatchObject({ doneThisPeriod: 1, progress: 33, streak: 0 });
    expect(once.update).toMatchObject({ done: true, progress: null, note: null });
    await postUpdate(token, water.id, { done: true, note: 'A big glass' });
    const thrice = await readJson(await postUpdate(token, water.id, { done: true }), goalUpdateAnswerSchema, 201);
    // Met today: the streak counts today.
    expect(thrice.goal).toMatchObject({ doneThisPeriod: 3, progress: 100, streak: 1 });
    const fourth = await readJson(await postUpdate(token, water.id, { done: true }), goalUpdateAnswerSchema, 201);
    expect(fourth.goal).toMatchObject({ doneThisPeriod: 4, progress: 100, streak: 1 });
    const completed = await readJson(await patchGoal(token, water.id, { status: 'completed' }), goalSchema);
    expect(completed).toMatchObject({ progress: 100, completedAt: expect.any(String) });
  });

  it('refuse what does not fit with validation_failed, and unknown ids with not_found', async () => {
    const { token } = await buildUser();
    const post = (body: unknown) => api('/api/v1/goals', { token, body });
    await expectError(await post({ area: 'health', kind: 'habit', title: 'Stretch' }), 'validation_failed');
    await expectError(await post({ area: 'health', title: 'Run', habit: { timesPerPeriod: 1, period: 'day' } }), 'validation_failed');
    await expectError(await post({ area: 'health', title: '   ' }), 'validation_failed');
    await expectError(await post({ area: 'hobbies', title: 'Paint' }), 'validation_failed');
    await expectError(await post({ area: 'health', title: 'Run', checkIn: { every: 'day', time: '25:00' } }), 'validation_failed');
    await expectError(await post({ area: 'health', title: 'Run', secret: true }), 'validation_failed');
    await expectError(await api('/api/v1/goals?status=forgotten', { token }), 'validation_failed');
    expect(await goalsOf(token, 'all')).toEqual([]);

    const goal = await createGoal(token, { area: 'career', title: 'Finish the course', checkIn: { every: 'off' } });
    const habit = await createGoal(token, { area: 'health', kind: 'habit', title: 'Walk', habit: { timesPerPeriod: 2, period: 'week' } });
    await expectError(await postUpdate(token, goal.id, { progress: 150 }), 'validation_failed');
    await expectError(await postUpdate(token, goal.id, {}), 'validation_failed');
    await expectError(await postUpdate(token, goal.id, { done: false }), 'validation_failed');
    await expectError(await postUpdate(token, goal.id, { done: true }), 'validation_failed');
    await expectError(await postUpdate(token, habit.id, { progress: 50 }), 'validation_failed');
    await expectError(await patchGoal(token, goal.id, { habit: { timesPerPeriod: 1, period: 'day' } }), 'validation_failed');
    await expectError(await patchGoal(token, goal.id, { status: 'done' }), 'validation_failed');
    await expectError(await patchGoal(token, goal.id, { kind: 'habit' }), 'validation_failed');
    expect((await detailOf(token, goal.id)).updates).toEqual([]);

    const unknown = 'goal_0000000000000000000000';
    await expectError(await api(`/api/v1/goals/${unknown}`, { token }), 'not_found');
    await expectError(await patchGoal(token, unknown, { title: 'Anything' }), 'not_found');
    await expectError(await postUpdate(token, unknown, { note: 'Anything' }), 'not_found');
    await expectError(await api(`/api/v1/goals/${unknown}`, { method: 'DELETE', token }), 'not_found');
    await expectError(await api('/api/v1/goals', { body: { area: 'health', title: 'Anyone' } }), 'unauthenticated');
  });

  it("keep each person's goals to themselves", async () => {
    const owner = await buildUser();
    const other = await buildUser();
    const goal = await createGoal(owner.token, { area: 'relationships', title: 'Call Mum every Sunday' });
    expect(await goalsOf(other.token, 'all')).toEqual([]);
    await expectError(await api(`/api/v1/goals/${goal.id}`, { token: other.token }), 'not_found');
    await expectError(await patchGoal(other.token, goal.id, { status: 'archived' }), 'not_found');
    await expectError(await postUpdate(other.token, goal.id, { progress: 90 }), 'not_found');
    await expectError(await api(`/api/v1/goals/${goal.id}`, { method: 'DELETE', token: other.token }), 'not_found');
    const kept = await detailOf(owner.token, goal.id);
    expect(kept.goal).toMatchObject({ status: 'active', progress: 0, title: 'Call Mum every Sunday' });
    expect(kept.updates).toEqual([]);
  });

  it('store no title, note or update note in the clear', async () => {
    const user = await buildUser();
    const secret = uniqueText('Quit-drinking-before-the-wedding');
    const goal = await createGoal(user.token, { area: 'health', title: `${secret} title`, notes: `${secret} notes` });
    await postUpdate(user.token, goal.id, { progress: 10, note: `${secret} update` });
    expect((await detailOf(user.token, goal.id)).goal.title).toBe(`${secret} title`);
    expect(await dumpObjectStorage(user.user.id)).not.toContain(secret);
  });

  it('are in the export, each with its updates, oldest first', async () => {
    const { token } = await buildUser();
    const first = await createGoal(token, { area: 'finances', title: 'Save for a bike' });
    const second = await createGoal(token, { area: 'well-being', kind: 'habit', title: 'Meditate', habit: { timesPerPeriod: 5, period: 'week' } });
    await postUpdate(token, first.id, { progress: 20, note: 'First 100 saved' });
    await postUpdate(token, first.id, { progress: 35 });
    await postUpdate(token, second.id, { done: true });
    const response = await api('/api/v1/me/export', { token });
    expect(response.status).toBe(200);
    const document = exportDocumentSchema.parse(await response.json());
    expect(document.goals.map((goal) => [goal.id, goal.title])).toEqual([
      [first.id, 'Save for a bike'],
      [second.id, 'Meditate'],
    ]);
    expect(document.goals[0]?.updates.map((update) => [update.progress, update.note])).toEqual([
      [20, 'First 100 saved'],
      [35, null],
    ]);
    expect(document.goals[1]).toMatchObject({ doneThisPeriod: 1, updates: [expect.objectContaining({ done: true, source: 'app' })] });
  });
});

describe('the goal tools', () => {
  it('are offered with their risk: listing reads, the others change and ask first', async () => {
    const { token } = await buildUser();
    const { tools } = await readJson(await api('/api/v1/tools', { token }), toolsAnswerSchema);
    const byId = new Map(tools.map((tool) => [tool.id, tool]));
    expect(byId.get('goal-list')).toMatchObject({ name: 'goal_list', risk: 'read', enabled: true });
    for (const id of ['goal-set', 'goal-update', 'goal-complete']) expect(byId.get(id)).toMatchObject({ risk: 'change', approval: 'ask', enabled: true });
  });

  it('set, update, list and complete goals from the conversation, recorded as the companion', async () => {
    const user = await buildUser();
    for (const id of ['goal-set', 'goal-update', 'goal-complete'])
      expect((await api(`/api/v1/tools/${id}`, { method: 'PATCH', token: user.token, body: { approval: 'always' } })).status).toBe(200);

    const setting = uniqueText('I want to journal every day');
    await scriptFakeOpenAI(fakeUrl, setting, [
      {
        toolCalls: [
          { name: 'goal_set', arguments: { area: 'well-being', kind: 'habit', title: 'Journal', habit: { timesPerPeriod: 1, period: 'day' } } },
          { name: 'goal_set', arguments: { area: 'well-being', kind: 'habit', title: 'No target' } },
        ],
      },
      { text: 'Set up: journaling once a day.' },
    ]);
    const set = await readJson(await api('/api/v1/messages', { token: user.token, body: { text: setting } }), turnAnswerSchema);
    expect(set.assistantMessage.tools[0]?.output).toMatchObject({ ok: true, goal: { title: 'Journal', kind: 'habit' } });
    // A habit without a target is refused, and the model reads why.
    expect(set.assistantMessage.tools[1]?.output).toMatchObject({ ok: false, error: expect.stringContaining('habit') });
    const [journal] = await goalsOf(user.token);
    expect(journal).toMatchObject({ title: 'Journal', doneThisPeriod: 0 });
    expect(await goalsOf(user.token, 'all')).toHaveLength(1);

    const journaled = uniqueText('I journaled this morning');
    await scriptFakeOpenAI(fakeUrl, journaled, [
      { toolCalls: [{ name: 'goal_update', arguments: { goalId: journal?.id, done: true, note: 'Wrote two pages' } }] },
      { toolCalls: [{ name: 'goal_list', arguments: {} }] },
      { text: 'Well done!' },
    ]);
    const updated = await readJson(await api('/api/v1/messages', { token: user.token, body: { text: journaled } }), turnAnswerSchema);
    expect(updated.assistantMessage.tools.map((tool) => tool.output)).toEqual([
      expect.objectContaining({ ok: true, goal: expect.objectContaining({ doneThisPeriod: 1, streak: 1, progress: 100 }) }),
      { goals: [expect.objectContaining({ id: journal?.id, title: 'Journal', doneThisPeriod: 1 })] },
    ]);
    const [update] = (await detailOf(user.token, journal?.id ?? '')).updates;
    expect(update).toMatchObject({ done: true, note: 'Wrote two pages', source: 'companion' });

    const done = uniqueText('I am done with journaling for now, it became a habit');
    await scriptFakeOpenAI(fakeUrl, done, [
      {
        toolCalls: [
          { name: 'goal_complete', arguments: { goalId: journal?.id } },
          { name: 'goal_complete', arguments: { goalId: 'goal_nonexistent' } },
        ],
      },
      { text: 'Marked it complete.' },
    ]);
    const completed = await readJson(await api('/api/v1/messages', { token: user.token, body: { text: done } }), turnAnswerSchema);
    expect(completed.assistantMessage.tools.map((tool) => tool.output)).toEqual([
      expect.objectContaining({ ok: true, goal: expect.objectContaining({ status: 'completed', progress: 100 }) }),
      { ok: false, error: 'No such goal.' },
    ]);
    expect(await goalsOf(user.token)).toEqual([]);
  });
});

describe('goal check-ins', () => {
  it('go out through outreach at the goal’s time, written by the model from the goal', async () => {
    const user = await buildUser();
    await onlyGoalCheckIns(user.token);
    const title = uniqueText('Learn Spanish');
    const goal = await createGoal(user.token, { area: 'education', title, checkIn: { every: 'day', time: thisMinute() } });
    await postUpdate(user.token, goal.id, { progress: 30, note: 'Finished unit 3' });
    const written = '¿Qué tal el español? Unit 4 next?';
    await scriptFakeOpenAI(fakeUrl, title, [{ text: written }]);
    expect(await waitingSlots(user.user.id)).toHaveLength(1);
    const realtime = await openRealtime(user.token);

    expect(await runScheduledWork(user.user.id)).toBe(true);

    expect((await realtime.next('notification')).notification).toMatchObject({ kind: 'goal-check-in', text: written });
    realtime.socket.close();

    const [entry] = await outreachLog(user.token);
    expect(entry).toMatchObject({ kind: 'goal-check-in', status: 'sent', text: written, reason: `Check-in on “${title}”` });
    const [latest] = (await readJson(await api('/api/v1/messages', { token: user.token }), messagesPageSchema)).messages;
    expect(latest).toMatchObject({ role: 'assistant', proactive: 'goal-check-in', text: written, id: entry?.messageId });
    // The model was given the goal as data: its title, area, progress and last update.
    const [asked] = await recordedChatRequests(fakeUrl, title);
    expect(JSON.stringify(asked?.body)).toContain(`Goal “${title}” (education): 30%; last update`);
    expect(JSON.stringify(asked?.body)).toContain('Finished unit 3');
    // The next one is planned, the day after the slot that ran.
    const [next] = await waitingSlots(user.user.id);
    expect(next?.endsWith(`T${goal.checkIn.every === 'day' ? goal.checkIn.time : ''}`)).toBe(true);
  });

  it('make one message for every goal due at the same time', async () => {
    const user = await buildUser();
    await onlyGoalCheckIns(user.token);
    const time = thisMinute();
    const running = uniqueText('Run three times a week');
    const saving = uniqueText('Save 200 a month');
    await createGoal(user.token, {
      area: 'health',
      kind: 'habit',
      title: running,
      habit: { timesPerPeriod: 3, period: 'week' },
      checkIn: { every: 'day', time },
    });
    await createGoal(user.token, { area: 'finances', title: saving, checkIn: { every: 'day', time } });
    await scriptFakeOpenAI(fakeUrl, running, [{ text: 'How are the runs and the saving going?' }]);
    expect(await waitingSlots(user.user.id)).toHaveLength(1);
    const realtime = await openRealtime(user.token);

    await runScheduledWork(user.user.id);

    await realtime.next('notification');
    realtime.socket.close();

    const entries = await outreachLog(user.token);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ kind: 'goal-check-in', status: 'sent', reason: `Check-in on “${running}”, “${saving}”` });
    const proactive = (await readJson(await api('/api/v1/messages', { token: user.token }), messagesPageSchema)).messages.filter(
      (message) => message.proactive,
    );
    expect(proactive).toHaveLength(1);
    const [asked] = await recordedChatRequests(fakeUrl, running);
    expect(JSON.stringify(asked?.body)).toContain(`Habit “${running}” (health): done 0 of 3 this week, streak of 0 weeks`);
    expect(JSON.stringify(asked?.body)).toContain(`Goal “${saving}” (finances): 0%`);
  });

  it('are held back in quiet hours, and the log says so', async () => {
    const user = await buildUser();
    await onlyGoalCheckIns(user.token);
    const now = localAt(Date.now(), 'UTC');
    await putOutreach(user.token, { quietHours: { start: `${pad(now.hour)}:${pad(now.minute)}`, end: `${pad((now.hour + 2) % 24)}:00` } });
    const title = uniqueText('Sleep by eleven');
    await createGoal(user.token, { area: 'health', title, checkIn: { every: 'day', time: thisMinute() } });

    await runScheduledWork(user.user.id);

    expect(await outreachLog(user.token)).toEqual([expect.objectContaining({ kind: 'goal-check-in', status: 'skipped', statusDetail: 'quiet hours' })]);
    expect(await recordedChatRequests(fakeUrl, title)).toEqual([]);
    expect((await readJson(await api('/api/v1/messages', { token: user.token }), messagesPageSchema)).messages).toEqual([]);
  });

  it('do nothing for a slot the goal has left, and stop when it is completed or deleted', async () => {
    const user = await buildUser();
    await onlyGoalCheckIns(user.token);
    const goal = await createGoal(user.token, { area: 'career', title: uniqueText('Update my CV'), checkIn: { every: 'day', time: '07:00' } });
    const [firstSlot] = await waitingSlots(user.user.id);
    expect(firstSlot).toMatch(/T07:00$/);
    await readJson(await patchGoal(user.token, goal.id, { checkIn: { every: 'week', weekday: 'sunday', time: '20:00' } }), goalSchema);
    // The old slot's job is cancelled, and were it to run anyway, it finds no goal due.
    const [moved] = await waitingSlots(user.user.id);
    expect(moved).toMatch(/T20:00$/);
    expect(await waitingSlots(user.user.id)).toHaveLength(1);
    await runGoalJob(user.user.id, firstSlot ?? '');
    expect(await outreachLog(user.token)).toEqual([]);

    await readJson(await patchGoal(user.token, goal.id, { status: 'completed' }), goalSchema);
    expect(await waitingSlots(user.user.id)).toEqual([]);
    await runGoalJob(user.user.id, moved ?? '');
    expect(await outreachLog(user.token)).toEqual([]);

    await readJson(await patchGoal(user.token, goal.id, { status: 'active' }), goalSchema);
    expect(await waitingSlots(user.user.id)).toEqual([moved]);
    expect((await api(`/api/v1/goals/${goal.id}`, { method: 'DELETE', token: user.token })).status).toBe(204);
    expect(await waitingSlots(user.user.id)).toEqual([]);
  });

  it('come at the new place’s hour after the person changes time zone', async () => {
    const user = await buildUser({ timezone: 'Europe/London' });
    await onlyGoalCheckIns(user.token);
    await createGoal(user.token, { area: 'health', title: uniqueText('Stretch'), checkIn: { every: 'day', time: '07:00' } });
    await createGoal(user.token, { area: 'education', title: uniqueText('Read'), checkIn: { every: 'day', time: '07:00' } });
    const [before] = await waitingCheckIns(user.user.id);
    expect(localAt(before?.at ?? 0, 'Europe/London')).toMatchObject({ hour: 7, minute: 0 });

    await readJson(await api('/api/v1/me', { method: 'PATCH', token: user.token, body: { timezone: 'Asia/Tokyo' } }), userSchema);
    // One job for both goals still, now at 07:00 in Tokyo; the London one is gone.
    const after = await waitingCheckIns(user.user.id);
    expect(after).toHaveLength(1);
    expect(localAt(after[0]?.at ?? 0, 'Asia/Tokyo')).toMatchObject({ hour: 7, minute: 0 });
    expect(after[0]?.at).not.toBe(before?.at);
  });
});

/**
 * The goals capability's weekly review, read in the user's object. It is built here over the
 * object's own storage and vault (the same master key), since the reflection is what calls it.
 */
async function weekInReviewOf(userId: string, week: { from: number; to: number; timezone: string }): Promise<string[]> {
  return runInDurableObject(testEnv.COMPANION.getByName(userId), async (_instance, state) => {
    const vault = new UserVault(state.storage.sql, userId, configuredMasterKeys(env as unknown as Env));
    // Reading the week schedules nothing: a scheduler that is used fails the test.
    const refuse = async (): Promise<never> => {
      throw new Error('the week in review must not schedule');
    };
    const host = {
      userId,
      sql: state.storage.sql,
      vault,
      now: () => Date.now(),
      scheduler: () => ({ schedule: refuse, cancel: refuse }),
    } as unknown as CapabilityHost;
    const goals = createGoalsCapability(host, { companion: { onTimezoneChange: () => undefined } } as unknown as Parameters<typeof createGoalsCapability>[1]);
    return goals.weekInReview(week);
  });
}

describe('the week in review', () => {
  it('tells progress from → to, habits against their target, goals completed and the week’s notes, shortened', async () => {
    const user = await buildUser();
    const bike = await createGoal(user.token, { area: 'finances', title: 'Save for a bike', checkIn: { every: 'off' } });
    const before = await readJson(await postUpdate(user.token, bike.id, { progress: 20, note: 'Before the week' }), goalUpdateAnswerSchema, 201);
    const longNote = `Put aside the birthday money ${'and more '.repeat(30)}`.trim();
    const during = await readJson(await postUpdate(user.token, bike.id, { progress: 60, note: longNote }), goalUpdateAnswerSchema, 201);
    expect(Date.parse(during.update.at)).toBeGreaterThan(Date.parse(before.update.at));
    const from = Date.parse(during.update.at);
    const meditate = await createGoal(user.token, {
      area: 'well-being',
      kind: 'habit',
      title: 'Meditate',
      habit: { timesPerPeriod: 1, period: 'day' },
      checkIn: { every: 'off' },
    });
    const sessions = await Promise.all([
      readJson(await postUpdate(user.token, meditate.id, { done: true }), goalUpdateAnswerSchema, 201),
      readJson(await postUpdate(user.token, meditate.id, { done: true }), goalUpdateAnswerSchema, 201),
    ]);
    // Both on one UTC day, unless the test ran across midnight.
    const days = new Set(sessions.map((session) => session.update.at.slice(0, 10))).size;
    const cv = await createGoal(user.token, { area: 'career', title: 'Update my CV', checkIn: { every: 'off' } });
    await readJson(await patchGoal(user.token, cv.id, { status: 'completed' }), goalSchema);
    const shelved = await createGoal(user.token, { area: 'other', title: 'Learn juggling', checkIn: { every: 'off' } });
    await readJson(await patchGoal(user.token, shelved.id, { status: 'archived' }), goalSchema);

    const lines = await weekInReviewOf(user.user.id, { from, to: Date.now() + 60_000, timezone: 'UTC' });
    expect(lines).toEqual([
      'Goal “Save for a bike” (finances): 20% → 60%',
      `Note on “Save for a bike”: ${longNote.slice(0, 119).trimEnd()}…`,
      `Habit “Meditate” (well-being): done 2 times (target 1 a day, met on ${days === 1 ? '1 day' : '2 days'})`,
      'Goal “Update my CV” (career): completed',
    ]);
    // A week before any of it: nothing happened.
    expect(await weekInReviewOf(user.user.id, { from: from - 8 * 86_400_000, to: from - 7 * 86_400_000, timezone: 'UTC' })).toEqual([]);
  });
});

describe('goals brought over by an import', () => {
  it('have their check-ins planned again in the account they came into, and keep their updates, count and streak', async () => {
    const before = await buildUser({ timezone: 'Asia/Tokyo' });
    const daily = await createGoal(before.token, {
      area: 'health',
      kind: 'habit',
      title: 'Stretch',
      habit: { timesPerPeriod: 1, period: 'day' },
      checkIn: { every: 'day', time: '07:45' },
    });
    await createGoal(before.token, { area: 'career', title: 'Finish the portfolio', checkIn: { every: 'week', weekday: 'thursday', time: '18:10' } });
    const done = await createGoal(before.token, { area: 'finances', title: 'Pay off the card', checkIn: { every: 'day', time: '09:00' } });
    await readJson(await patchGoal(before.token, done.id, { status: 'completed' }), goalSchema);
    await api(`/api/v1/goals/${daily.id}/updates`, { token: before.token, body: { done: true, note: 'Ten minutes.' } });
    const slots = await waitingSlots(before.user.id);
    expect(slots).toHaveLength(2);
    const exported = await exportOf(before.token);

    const after = await buildUser();
    expect((await importInto(after.token, exported)).imported).toMatchObject({ goals: 3 });
    // The same slots, in the zone the profile brought: the completed goal asks nothing.
    expect(await waitingSlots(after.user.id)).toEqual(slots);
    const detail = await readJson(await api(`/api/v1/goals/${daily.id}`, { token: after.token }), goalDetailSchema);
    expect(detail).toMatchObject({ goal: { id: daily.id, doneThisPeriod: 1, streak: 1 }, updates: [{ done: true, note: 'Ten minutes.' }] });
  });
});

import type { z } from 'zod';
import type { createGoalBodySchema, exportedGoalSchema, Goal, GoalDetail, GoalUpdate, GoalUpdateBody, PatchGoalBody } from '../../common/goals.ts';
import type { ImportDocument } from '../../common/import.ts';
import { AppError, notFound } from '../../server/errors/app-error.ts';
import { log } from '../../server/logging/log.ts';
import { localDateOf } from '../../server/time/zoned-time.ts';
import type { CompanionCapability } from '../companion/companion-capability.ts';
import type { Capability, CapabilityHost } from '../host/capability.ts';
import { exportList } from '../host/export-document.ts';
import type { ImportPlan } from '../host/import-document.ts';
import { lazily } from '../host/lazily.ts';
import { SingleFlight } from '../host/single-flight.ts';
import type { OutreachCapability } from '../outreach/outreach-capability.ts';
import { defaultOutreachSettings } from '../outreach/outreach-store.ts';
import type { WeekInReviewSource } from '../reflection/week-in-review.ts';
import { checkInOf, type GoalFields, type GoalRow, GoalStore, habitOf } from './goal-store.ts';
import { countsByPeriod, defaultCheckIn, nextCheckInSlot, slotInstant } from './goal-time.ts';
import { createGoalTools } from './goal-tools.ts';
import { goalsSchemaSteps } from './schema.ts';

type CreateGoalInput = z.output<typeof createGoalBodySchema>;
type ExportedGoal = z.infer<typeof exportedGoalSchema>;

/** The job's payload: the slot (`YYYY-MM-DDTHH:MM`, local) every goal due then shares. */
type CheckInPayload = { slot: string };

/** A note quoted in a check-in or the weekly review is cut to this: enough to recall it, not to retell it. */
const quotedNoteLength = 120;

const shorten = (text: string, length = quotedNoteLength) => (text.length <= length ? text : `${text.slice(0, length - 1).trimEnd()}…`);

const periodWord = (period: 'day' | 'week') => (period === 'day' ? 'today' : 'this week');

/**
 * Goals and habits the person sets in any part of life: stored sealed, with the progress they and
 * the companion record. Each active goal's next check-in is one job per slot (local date and time),
 * shared by every goal due then, so goals due together make one message, written by the model
 * through outreach (quiet hours, the daily cap and "stop" apply there).
 */
export function createGoalsCapability(host: CapabilityHost, dependencies: { companion: CompanionCapability; outreach: OutreachCapability }) {
  const store = new GoalStore(host.sql, host.vault);
  const scheduler = host.scheduler('goals');
  const runs = new SingleFlight();

  const timezone = async () => (await dependencies.companion.settings.profile()).timezone;
  // A check-in is at a local time: after a move to another zone, each active goal's comes at the new
  // zone's hour. The slots keep their wall-clock names, but their jobs were set at the old zone's
  // instants (and scheduling is idempotent on the slot), so those jobs go and every goal is planned anew.
  dependencies.companion.onTimezoneChange(async () => {
    const active = store.rows('active');
    const jobs = new Set(active.flatMap((row) => (row.check_in_schedule_id ? [row.check_in_schedule_id] : [])));
    for (const scheduleId of jobs) await scheduler.cancel(scheduleId);
    for (const row of active) {
      store.setCheckInPlan(row.id, null);
      await planCheckIn(row.id);
    }
  });

  /** The hour the person chose to hear from the companion (outreach's check-in time), for a goal's default check-in. */
  async function personsCheckInTime(): Promise<string> {
    try {
      return (await dependencies.outreach.rpc.get()).settings.checkInTime;
    } catch (error) {
      log.warn('goal check-in time fell back to the default', { userId: host.userId, cause: error instanceof Error ? error.name : 'unknown' });
      return defaultOutreachSettings.checkInTime;
    }
  }

  async function present(row: GoalRow): Promise<Goal> {
    return store.present(row, { now: host.now(), timezone: await timezone() });
  }

  function rowOrNotFound(id: string): GoalRow {
    const row = store.row(id);
    if (!row) throw notFound('goal');
    return row;
  }

  // --- planning check-ins -------------------------------------------------------------------------

  /**
   * Arms the goal's next check-in strictly after `after`, idempotent on the slot, so goals due at the
   * same moment share one job. The slot it leaves has its job cancelled when no goal waits for it any
   * more (except the slot being run now, whose job is the caller).
   */
  async function planCheckIn(id: string, options: { after?: number; running?: string } = {}): Promise<void> {
    const row = store.row(id);
    if (!row) return;
    const next = row.status === 'active' ? nextCheckInSlot(checkInOf(row), options.after ?? host.now(), await timezone()) : undefined;
    if (next) {
      const scheduleId = await scheduler.schedule(new Date(next.at), 'checkIn', { slot: next.slot } satisfies CheckInPayload, { idempotent: true });
      store.setCheckInPlan(id, { slot: next.slot, scheduleId });
    } else {
      store.setCheckInPlan(id, null);
    }
    if (row.check_in_slot && row.check_in_slot !== next?.slot) await releaseSlot(row.check_in_slot, row.check_in_schedule_id, options.running);
  }

  async function releaseSlot(slot: string, scheduleId: string | null, running?: string): Promise<void> {
    if (scheduleId && slot !== running && !store.slotInUse(slot)) await scheduler.cancel(scheduleId);
  }

  /**
   * A slot's job: every active goal still due at it goes into one message. A job whose goals moved
   * on (changed, completed, deleted) finds none and does nothing. Each goal then gets its next slot,
   * whatever became of the message (held back, or no model could write it): a missed check-in is
   * not made up later, the next one comes at its time.
   */
  async function runCheckIn(slot: string): Promise<void> {
    const due = store.activeAtSlot(slot);
    if (due.length === 0) return;
    const now = host.now();
    const zone = await timezone();
    try {
      const goals = await Promise.all(due.map((row) => store.present(row, { now, timezone: zone })));
      const details = await Promise.all(goals.map((goal) => checkInLine(goal, zone)));
      await dependencies.outreach.reachOut({
        kind: 'goal-check-in',
        sourceKey: `goal-check-in:${slot}`,
        reason: `Check-in on ${goals.map((goal) => `“${goal.title}”`).join(', ')}`,
        occasion:
          goals.length === 1
            ? `a check-in on a ${goals[0]?.kind ?? 'goal'} the person set, at the time they chose for it`
            : 'a check-in on the goals and habits the person set, at the time they chose for them',
        details,
      });
    } finally {
      const after = Math.max(now, slotInstant(slot, zone));
      for (const row of due) await planCheckIn(row.id, { after, running: slot });
    }
  }

  /** One goal as the check-in's data: title, area, where it stands, and the last word on it. */
  async function checkInLine(goal: Goal, zone: string): Promise<string> {
    const standing = goal.habit
      ? `Habit “${goal.title}” (${goal.area}): done ${goal.doneThisPeriod} of ${goal.habit.timesPerPeriod} ${periodWord(goal.habit.period)}, streak of ${goal.streak} ${goal.habit.period}${goal.streak === 1 ? '' : 's'}`
      : `Goal “${goal.title}” (${goal.area}): ${goal.progress}%${goal.targetDate ? `, hoped for by ${goal.targetDate}` : ''}`;
    const last = await store.lastUpdate(goal.id);
    const lastWords = last ? `last update ${localDateOf(Date.parse(last.at), zone)}${last.note ? `: “${shorten(last.note)}”` : ''}` : 'no update yet';
    return `${standing}; ${lastWords}`;
  }

  // --- changing goals ------------------------------------------------------------------------------

  async function create(body: CreateGoalInput): Promise<Goal> {
    const now = host.now();
    const checkIn = body.checkIn ?? defaultCheckIn(now, await timezone(), await personsCheckInTime());
    const id = store.newGoalId(now);
    await store.insert(
      id,
      {
        area: body.area,
        kind: body.kind,
        title: body.title,
        notes: body.notes ?? null,
        status: 'active',
        progress: 0,
        habit: body.kind === 'habit' ? (body.habit ?? null) : null,
        checkIn,
        targetDate: body.targetDate ?? null,
        completedAt: null,
      },
      now,
    );
    await planCheckIn(id);
    return present(rowOrNotFound(id));
  }

  /** `PATCH /goals/:id`: completing sets progress to 100 and `completedAt`; `active` reopens and clears it. */
  async function change(id: string, body: PatchGoalBody): Promise<Goal> {
    const row = rowOrNotFound(id);
    if (body.habit && row.kind === 'goal')
      throw new AppError('validation_failed', 'A goal has no `habit` target: only a habit is done so many times a day or week.');
    const now = host.now();
    const [title, notes] = await Promise.all([store.openTitle(row), store.openNotes(row)]);
    const status = body.status ?? row.status;
    const fields: GoalFields = {
      area: body.area ?? row.area,
      kind: row.kind,
      title: body.title ?? title,
      notes: body.notes === undefined ? notes : body.notes,
      status,
      progress: status === 'completed' && row.status !== 'completed' ? 100 : row.progress,
      habit: body.habit ?? habitOf(row),
      checkIn: body.checkIn ?? checkInOf(row),
      targetDate: body.targetDate === undefined ? row.target_date : body.targetDate,
      completedAt: status === 'completed' ? (row.completed_at ?? now) : status === 'active' ? null : row.completed_at,
    };
    if (!(await store.replace(id, fields, now))) throw notFound('goal');
    await planCheckIn(id);
    return present(rowOrNotFound(id));
  }

  async function remove(id: string): Promise<void> {
    const removed = store.delete(id);
    if (!removed) throw notFound('goal');
    if (removed.slot) await releaseSlot(removed.slot, removed.scheduleId);
  }

  /** Progress (goals), a habit done, or a note; a goal's progress update moves its progress. */
  async function record(id: string, body: GoalUpdateBody, source: GoalUpdate['source']): Promise<{ goal: Goal; update: GoalUpdate }> {
    const row = rowOrNotFound(id);
    if (row.kind === 'habit' && body.progress !== undefined)
      throw new AppError('validation_failed', 'A habit’s progress is counted from the times it is done: record `done` instead.');
    if (row.kind === 'goal' && body.done !== undefined) throw new AppError('validation_failed', 'Only a habit is done: give a goal its `progress` instead.');
    const now = host.now();
    const update = await store.insertUpdate({ goalId: id, progress: body.progress ?? null, done: body.done === true, note: body.note ?? null, source }, now);
    store.touch(id, body.progress ?? null, now);
    return { goal: await present(rowOrNotFound(id)), update };
  }

  async function list(status: Goal['status'] | 'all'): Promise<Goal[]> {
    const context = { now: host.now(), timezone: await timezone() };
    return Promise.all(store.rows(status).map((row) => store.present(row, context)));
  }

  // --- the weekly reflection -------------------------------------------------------------------------

  /**
   * The week's goals and habits as short lines: progress from → to, a habit's count against its
   * target, goals completed, and the notes given that week, shortened.
   */
  async function weekInReview(week: { from: number; to: number; timezone: string }): Promise<string[]> {
    const updates = await store.updatesBetween(week.from, week.to);
    const lines: string[] = [];
    for (const row of store.allOldestFirst()) {
      if (row.created_at >= week.to) continue;
      const ofGoal = updates.filter((update) => update.goalId === row.id);
      const completedThisWeek = row.completed_at !== null && row.completed_at >= week.from && row.completed_at < week.to;
      const habit = habitOf(row);
      // An archived goal or habit, untouched that week, is not part of it.
      if (ofGoal.length === 0 && !completedThisWeek && (row.status !== 'active' || !habit)) continue;
      const title = await store.openTitle(row);
      const name = `${habit ? 'Habit' : 'Goal'} “${title}” (${row.area})`;
      if (habit) {
        const done = ofGoal.filter((update) => update.done).length;
        const target = habit.period === 'week' ? `target ${habit.timesPerPeriod} a week` : `target ${habit.timesPerPeriod} a day`;
        const daysMet =
          habit.period === 'day'
            ? countDaysMet(
                ofGoal.filter((update) => update.done).map((update) => Date.parse(update.at)),
                habit.timesPerPeriod,
                week.timezone,
              )
            : undefined;
        const met = daysMet === undefined ? '' : `, met on ${daysMet} day${daysMet === 1 ? '' : 's'}`;
        lines.push(`${name}: done ${done} time${done === 1 ? '' : 's'} (${target}${met})`);
      } else {
        const progressed = ofGoal.filter((update) => update.progress !== null);
        const last = progressed.at(-1);
        if (last?.progress != null) lines.push(`${name}: ${store.progressBefore(row.id, week.from) ?? 0}% → ${last.progress}%`);
      }
      if (completedThisWeek) lines.push(`${name}: completed`);
      for (const update of ofGoal) if (update.note) lines.push(`Note on “${title}”: ${shorten(update.note)}`);
    }
    return lines;
  }

  /** On how many local days the daily target was met. */
  function countDaysMet(doneAt: number[], timesPerDay: number, zone: string): number {
    return [...countsByPeriod(doneAt, 'day', zone).values()].filter((count) => count >= timesPerDay).length;
  }

  /** Every goal, oldest first, each with every update, oldest first. */
  async function* exportedGoals(): AsyncIterable<ExportedGoal> {
    const context = { now: host.now(), timezone: await timezone() };
    for (const row of store.allOldestFirst()) yield { ...(await store.present(row, context)), updates: await store.updates(row.id, 'oldest-first') };
  }

  /**
   * An export's goals and habits under their own ids, each with every update: a habit's count and
   * streak are computed from its updates, so they come back the same. Each active goal's next
   * check-in is planned once the import has landed.
   */
  async function importGoals(goals: readonly ExportedGoal[] | undefined): Promise<ImportPlan> {
    if (!goals) return { imported: {}, write: () => undefined };
    const writes: (() => void)[] = [];
    for (const goal of goals) {
      if ((goal.kind === 'habit') !== (goal.habit !== null)) {
        throw new AppError(
          'validation_failed',
          `The import is not an export Kindred can read: goal ${goal.id} is a ${goal.kind} ${goal.habit ? 'with' : 'without'} a habit target.`,
        );
      }
      const fields: GoalFields = {
        area: goal.area,
        kind: goal.kind,
        title: goal.title,
        notes: goal.notes,
        status: goal.status,
        // A habit's progress is counted from its updates; a goal's is its own (100 once completed, as completing sets it).
        progress: goal.habit ? 0 : goal.progress,
        habit: goal.habit,
        checkIn: goal.checkIn,
        targetDate: goal.targetDate,
        completedAt: goal.completedAt === null ? null : Date.parse(goal.completedAt),
      };
      writes.push(await store.prepareInsert(goal.id, fields, { createdAt: Date.parse(goal.createdAt), updatedAt: Date.parse(goal.updatedAt) }));
      for (const update of goal.updates) writes.push(await store.prepareUpdate({ ...update, goalId: goal.id }));
    }
    return {
      imported: { goals: goals.length },
      write: () => {
        for (const write of writes) write();
      },
      async settle() {
        for (const goal of goals) if (goal.status === 'active') await planCheckIn(goal.id);
      },
    };
  }

  const tools = lazily(() => createGoalTools({ list, create, change, record }));

  return {
    name: 'goals',
    schema: goalsSchemaSteps,
    weekInReview,
    rpc: {
      /** Newest first; active ones unless another status (or `all`) is asked for. */
      list: (query: { status: Goal['status'] | 'all' }): Promise<Goal[]> => list(query.status),
      /** The goal and its updates, newest first. */
      async get(id: string): Promise<GoalDetail> {
        const row = rowOrNotFound(id);
        return { goal: await present(row), updates: await store.updates(id) };
      },
      create: (body: CreateGoalInput): Promise<Goal> => create(body),
      update: (id: string, body: PatchGoalBody): Promise<Goal> => change(id, body),
      /** Removes the goal and its updates for good, with its check-ins. */
      async delete(id: string): Promise<null> {
        await remove(id);
        return null;
      },
      recordUpdate: (id: string, body: GoalUpdateBody): Promise<{ goal: Goal; update: GoalUpdate }> => record(id, body, 'app'),
    },
    jobs: {
      checkIn: (payload: CheckInPayload): Promise<void> => runs.run(`goal-check-in:${payload.slot}`, () => runCheckIn(payload.slot)),
    },
    tools,
    holdsData: async () => store.hasAny(),
    importData: (document: ImportDocument): Promise<ImportPlan> => importGoals(document.goals),
    exportData: async () => ({ goals: exportList(exportedGoals) }),
  } satisfies Capability & WeekInReviewSource;
}

export type GoalsCapability = ReturnType<typeof createGoalsCapability>;

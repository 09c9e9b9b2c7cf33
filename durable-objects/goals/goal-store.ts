import type { Goal, GoalCheckIn, GoalUpdate, LifeArea, Weekday } from '../../common/goals.ts';
import { createId } from '../../server/crypto/encoding.ts';
import type { UserVault } from '../host/user-vault.ts';
import { habitProgress, habitStanding } from './goal-time.ts';

type GoalStatus = Goal['status'];

/** A goal as stored: the person's words sealed, the rest plain. */
export type GoalRow = {
  id: string;
  area: LifeArea;
  kind: Goal['kind'];
  title_sealed: string;
  notes_sealed: string | null;
  status: GoalStatus;
  progress: number;
  habit_times: number | null;
  habit_period: 'day' | 'week' | null;
  check_in_every: GoalCheckIn['every'];
  check_in_weekday: Weekday | null;
  check_in_time: string | null;
  target_date: string | null;
  created_at: number;
  updated_at: number;
  completed_at: number | null;
  check_in_slot: string | null;
  check_in_schedule_id: string | null;
};

type UpdateRow = {
  id: string;
  goal_id: string;
  at: number;
  progress: number | null;
  done: number;
  note_sealed: string | null;
  source: GoalUpdate['source'];
};

/** What a goal is made of, as the capability decides it: the text in the clear, sealed here. */
export interface GoalFields {
  area: LifeArea;
  kind: Goal['kind'];
  title: string;
  notes: string | null;
  status: GoalStatus;
  progress: number;
  habit: Goal['habit'];
  checkIn: GoalCheckIn;
  targetDate: string | null;
  completedAt: number | null;
}

const iso = (instant: number) => new Date(instant).toISOString();
const isoOrNull = (instant: number | null) => (instant === null ? null : iso(instant));

export function checkInOf(row: Pick<GoalRow, 'check_in_every' | 'check_in_weekday' | 'check_in_time'>): GoalCheckIn {
  if (row.check_in_every === 'day' && row.check_in_time) return { every: 'day', time: row.check_in_time };
  if (row.check_in_every === 'week' && row.check_in_time && row.check_in_weekday)
    return { every: 'week', weekday: row.check_in_weekday, time: row.check_in_time };
  return { every: 'off' };
}

export const habitOf = (row: Pick<GoalRow, 'habit_times' | 'habit_period'>): Goal['habit'] =>
  row.habit_times !== null && row.habit_period !== null ? { timesPerPeriod: row.habit_times, period: row.habit_period } : null;

/** The columns a goal's editable fields are stored in, in the order `#sealedFieldValues` answers them. */
const fieldColumns = [
  'area',
  'title_sealed',
  'notes_sealed',
  'status',
  'progress',
  'habit_times',
  'habit_period',
  'check_in_every',
  'check_in_weekday',
  'check_in_time',
  'target_date',
] as const;

/**
 * Goals and their updates in the user's object. Titles, notes and update notes are sealed, each
 * bound to its table, row and field (`goal:<id>:title`), so a sealed value moved to another row or
 * column does not open.
 */
export class GoalStore {
  constructor(
    private readonly sql: SqlStorage,
    private readonly vault: UserVault,
  ) {}

  newGoalId(now: number): string {
    return createId('goal', now);
  }

  async insert(id: string, fields: GoalFields, now: number): Promise<void> {
    (await this.prepareInsert(id, fields, { createdAt: now, updatedAt: now }))();
  }

  /** Seals a goal and answers the write that stores it, apart so that an import can seal first and write inside its one transaction. */
  async prepareInsert(id: string, fields: GoalFields, times: { createdAt: number; updatedAt: number }): Promise<() => void> {
    const values = await this.#sealedFieldValues(id, fields);
    return () =>
      this.sql.exec(
        `INSERT INTO goals (id, kind, ${fieldColumns.join(', ')}, created_at, updated_at, completed_at)
         VALUES (?, ?, ${fieldColumns.map(() => '?').join(', ')}, ?, ?, ?)`,
        id,
        fields.kind,
        ...values,
        times.createdAt,
        times.updatedAt,
        fields.completedAt,
      );
  }

  /** Whether the person has any goal or habit. */
  hasAny(): boolean {
    return this.sql.exec('SELECT 1 FROM goals LIMIT 1').toArray().length > 0;
  }

  /** Writes every field of a goal that exists; answers false when it does not. */
  async replace(id: string, fields: GoalFields, now: number): Promise<boolean> {
    const values = await this.#sealedFieldValues(id, fields);
    return (
      this.sql.exec(
        `UPDATE goals SET ${fieldColumns.map((column) => `${column} = ?`).join(', ')}, updated_at = ?, completed_at = ? WHERE id = ?`,
        ...values,
        now,
        fields.completedAt,
        id,
      ).rowsWritten > 0
    );
  }

  /** The values of `fieldColumns` for a goal's fields, its title and notes sealed: what an insert and a replace both write. */
  async #sealedFieldValues(id: string, fields: GoalFields): Promise<SqlStorageValue[]> {
    const [titleSealed, notesSealed] = await Promise.all([this.#sealTitle(id, fields.title), this.#sealNotes(id, fields.notes)]);
    const checkIn = fields.checkIn;
    return [
      fields.area,
      titleSealed,
      notesSealed,
      fields.status,
      fields.progress,
      fields.habit?.timesPerPeriod ?? null,
      fields.habit?.period ?? null,
      checkIn.every,
      checkIn.every === 'week' ? checkIn.weekday : null,
      checkIn.every === 'off' ? null : checkIn.time,
      fields.targetDate,
    ];
  }

  row(id: string): GoalRow | undefined {
    return this.sql.exec<GoalRow>('SELECT * FROM goals WHERE id = ?', id).toArray()[0];
  }

  /** Newest first; `all` for every status. */
  rows(status: GoalStatus | 'all'): GoalRow[] {
    return status === 'all'
      ? this.sql.exec<GoalRow>('SELECT * FROM goals ORDER BY created_at DESC, id DESC').toArray()
      : this.sql.exec<GoalRow>('SELECT * FROM goals WHERE status = ? ORDER BY created_at DESC, id DESC', status).toArray();
  }

  /** Every goal, oldest first: the export and the weekly review read them all. */
  allOldestFirst(): GoalRow[] {
    return this.sql.exec<GoalRow>('SELECT * FROM goals ORDER BY created_at, id').toArray();
  }

  /** The active goals whose next check-in is this slot. */
  activeAtSlot(slot: string): GoalRow[] {
    return this.sql.exec<GoalRow>("SELECT * FROM goals WHERE status = 'active' AND check_in_slot = ? ORDER BY created_at, id", slot).toArray();
  }

  /** Whether any goal still waits for this slot: its shared schedule must not be cancelled then. */
  slotInUse(slot: string): boolean {
    return this.sql.exec('SELECT 1 FROM goals WHERE check_in_slot = ? LIMIT 1', slot).toArray().length > 0;
  }

  setCheckInPlan(id: string, plan: { slot: string; scheduleId: string } | null): void {
    this.sql.exec('UPDATE goals SET check_in_slot = ?, check_in_schedule_id = ? WHERE id = ?', plan?.slot ?? null, plan?.scheduleId ?? null, id);
  }

  /** Sets a goal's progress (null leaves it) and when it last changed. */
  touch(id: string, progress: number | null, now: number): void {
    if (progress === null) this.sql.exec('UPDATE goals SET updated_at = ? WHERE id = ?', now, id);
    else this.sql.exec('UPDATE goals SET progress = ?, updated_at = ? WHERE id = ?', progress, now, id);
  }

  /** Removes a goal and its updates; answers its check-in plan, or undefined when there was no such goal. */
  delete(id: string): { slot: string | null; scheduleId: string | null } | undefined {
    const row = this.sql
      .exec<{ check_in_slot: string | null; check_in_schedule_id: string | null }>(
        'DELETE FROM goals WHERE id = ? RETURNING check_in_slot, check_in_schedule_id',
        id,
      )
      .toArray()[0];
    if (!row) return undefined;
    this.sql.exec('DELETE FROM goal_updates WHERE goal_id = ?', id);
    return { slot: row.check_in_slot, scheduleId: row.check_in_schedule_id };
  }

  async insertUpdate(update: Omit<GoalUpdate, 'id' | 'at'>, now: number): Promise<GoalUpdate> {
    const stored = { ...update, id: createId('gup', now), at: iso(now) };
    (await this.prepareUpdate(stored))();
    return stored;
  }

  /** Seals an update's note and answers the write that stores it (see `prepareInsert`). */
  async prepareUpdate(update: GoalUpdate): Promise<() => void> {
    const noteSealed = await this.vault.sealOptional(update.note, `goal_update:${update.id}:note`);
    return () =>
      this.sql.exec(
        'INSERT INTO goal_updates (id, goal_id, at, progress, done, note_sealed, source) VALUES (?, ?, ?, ?, ?, ?, ?)',
        update.id,
        update.goalId,
        Date.parse(update.at),
        update.progress,
        update.done ? 1 : 0,
        noteSealed,
        update.source,
      );
  }

  /** A goal's updates, newest first (`oldestFirst` for the export). */
  async updates(goalId: string, order: 'newest-first' | 'oldest-first' = 'newest-first'): Promise<GoalUpdate[]> {
    const rows = this.sql
      .exec<UpdateRow>(
        `SELECT * FROM goal_updates WHERE goal_id = ? ORDER BY at ${order === 'newest-first' ? 'DESC' : 'ASC'}, id ${order === 'newest-first' ? 'DESC' : 'ASC'}`,
        goalId,
      )
      .toArray();
    return Promise.all(rows.map((row) => this.#presentUpdate(row)));
  }

  /** Every update between `from` and `to` (exclusive), oldest first. */
  async updatesBetween(from: number, to: number): Promise<GoalUpdate[]> {
    const rows = this.sql.exec<UpdateRow>('SELECT * FROM goal_updates WHERE at >= ? AND at < ? ORDER BY at, id', from, to).toArray();
    return Promise.all(rows.map((row) => this.#presentUpdate(row)));
  }

  /** The goal's progress as its last update before `before` set it; null when none did. */
  progressBefore(goalId: string, before: number): number | null {
    return (
      this.sql
        .exec<{ progress: number }>(
          'SELECT progress FROM goal_updates WHERE goal_id = ? AND at < ? AND progress IS NOT NULL ORDER BY at DESC, id DESC LIMIT 1',
          goalId,
          before,
        )
        .toArray()[0]?.progress ?? null
    );
  }

  /** When a habit was done, newest first: its count and streak are computed from these. */
  doneTimes(goalId: string): number[] {
    return this.sql
      .exec<{ at: number }>('SELECT at FROM goal_updates WHERE goal_id = ? AND done = 1 ORDER BY at DESC', goalId)
      .toArray()
      .map((row) => row.at);
  }

  /** The newest update of a goal, opened: a check-in names it. */
  async lastUpdate(goalId: string): Promise<GoalUpdate | undefined> {
    const row = this.sql.exec<UpdateRow>('SELECT * FROM goal_updates WHERE goal_id = ? ORDER BY at DESC, id DESC LIMIT 1', goalId).toArray()[0];
    return row ? this.#presentUpdate(row) : undefined;
  }

  /** The goal as the person sees it, at `now` in their zone (a habit's count and streak depend on both). */
  async present(row: GoalRow, context: { now: number; timezone: string }): Promise<Goal> {
    const [title, notes] = await Promise.all([
      this.vault.open(row.title_sealed, `goal:${row.id}:title`),
      this.vault.openOptional(row.notes_sealed, `goal:${row.id}:notes`),
    ]);
    const habit = habitOf(row);
    const standing = habit ? habitStanding(this.doneTimes(row.id), habit, context.now, context.timezone) : { doneThisPeriod: 0, streak: 0 };
    const lastUpdateAt = this.sql.exec<{ at: number | null }>('SELECT max(at) AS at FROM goal_updates WHERE goal_id = ?', row.id).one().at;
    // A completed goal or habit reads as done; an open habit as its share of this period's target.
    const progress = row.status === 'completed' ? 100 : habit ? habitProgress(standing.doneThisPeriod, habit.timesPerPeriod) : row.progress;
    return {
      id: row.id,
      area: row.area,
      kind: row.kind,
      title,
      notes,
      status: row.status,
      progress,
      habit,
      doneThisPeriod: standing.doneThisPeriod,
      streak: standing.streak,
      checkIn: checkInOf(row),
      targetDate: row.target_date,
      createdAt: iso(row.created_at),
      updatedAt: iso(row.updated_at),
      completedAt: isoOrNull(row.completed_at),
      lastUpdateAt: isoOrNull(lastUpdateAt),
    };
  }

  async openTitle(row: Pick<GoalRow, 'id' | 'title_sealed'>): Promise<string> {
    return this.vault.open(row.title_sealed, `goal:${row.id}:title`);
  }

  async openNotes(row: Pick<GoalRow, 'id' | 'notes_sealed'>): Promise<string | null> {
    return this.vault.openOptional(row.notes_sealed, `goal:${row.id}:notes`);
  }

  #sealTitle(id: string, title: string): Promise<string> {
    return this.vault.seal(title, `goal:${id}:title`);
  }

  #sealNotes(id: string, notes: string | null): Promise<string | null> {
    return this.vault.sealOptional(notes, `goal:${id}:notes`);
  }

  async #presentUpdate(row: UpdateRow): Promise<GoalUpdate> {
    return {
      id: row.id,
      goalId: row.goal_id,
      at: iso(row.at),
      progress: row.progress,
      done: row.done === 1,
      note: await this.vault.openOptional(row.note_sealed, `goal_update:${row.id}:note`),
      source: row.source,
    };
  }
}

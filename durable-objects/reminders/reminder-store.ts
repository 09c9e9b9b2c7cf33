import type { Reminder } from '../../common/protocol.ts';
import { createId } from '../../server/crypto/encoding.ts';
import type { UserVault } from '../host/user-vault.ts';

type ReminderStatus = Reminder['status'];

type ReminderRow = {
  id: string;
  text_sealed: string;
  due_at: number;
  created_at: number;
  status: ReminderStatus;
  delivered_at: number | null;
  schedule_id: string | null;
  notified_at: number | null;
};

/** The message id of a reminder's delivery (see `ReminderStore.waitingDelivery`). */
const messageIdOf = (id: string, row: { due_at: number; delivered_at: number | null }) => (row.delivered_at === null ? `msg_${id}` : `msg_${id}_${row.due_at}`);

/** Reminders in the user's object: the text sealed, times and status plain so they can be ordered and claimed without decrypting. */
export class ReminderStore {
  constructor(
    private readonly sql: SqlStorage,
    private readonly vault: UserVault,
  ) {}

  /** A new reminder's id, made before it is stored so that its alarm can be armed first. */
  newId(now: number): string {
    return createId('rem', now);
  }

  seal(id: string, text: string): Promise<string> {
    return this.vault.seal(text, `reminder:${id}:text`);
  }

  /**
   * Stores a reminder whose alarm is already armed, its text sealed beforehand. Synchronous on purpose:
   * the row is written in one step, so a reminder is never listed without the alarm that fires it.
   */
  insertSealed(reminder: { id: string; text: string; sealedText: string; dueAt: number; createdAt: number }, scheduleId: string | null): Reminder {
    this.insertImported({ ...reminder, status: 'scheduled', deliveredAt: null, notifiedAt: null }, scheduleId);
    return {
      id: reminder.id,
      text: reminder.text,
      dueAt: new Date(reminder.dueAt).toISOString(),
      createdAt: new Date(reminder.createdAt).toISOString(),
      status: 'scheduled',
    };
  }

  /**
   * Stores a reminder as it was elsewhere (an import): any status, when it went out, and when a client
   * was told, its text sealed beforehand. A scheduled one gets its alarm afterwards (`setScheduleId`).
   */
  insertImported(
    reminder: {
      id: string;
      sealedText: string;
      dueAt: number;
      createdAt: number;
      status: ReminderStatus;
      deliveredAt: number | null;
      notifiedAt: number | null;
    },
    scheduleId: string | null,
  ): void {
    this.sql.exec(
      'INSERT INTO reminders (id, text_sealed, due_at, created_at, status, delivered_at, schedule_id, notified_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      reminder.id,
      reminder.sealedText,
      reminder.dueAt,
      reminder.createdAt,
      reminder.status,
      reminder.deliveredAt,
      scheduleId,
      reminder.notifiedAt,
    );
  }

  /** Records the schedule armed for a reminder still waiting to go out. */
  setScheduleId(id: string, scheduleId: string): void {
    this.sql.exec("UPDATE reminders SET schedule_id = ? WHERE id = ? AND status = 'scheduled'", scheduleId, id);
  }

  async get(id: string): Promise<Reminder | undefined> {
    const row = this.#row(id);
    return row ? this.#present(row) : undefined;
  }

  /**
   * What the person sees: upcoming reminders first, soonest first; then the ones that went out,
   * latest first. Cancelled ones are gone from the list (they stay in the export).
   */
  async list(limit = 500): Promise<Reminder[]> {
    const rows = this.sql
      .exec<ReminderRow>(
        `SELECT * FROM reminders WHERE status != 'cancelled'
         ORDER BY status = 'scheduled' DESC, CASE WHEN status = 'scheduled' THEN due_at ELSE -due_at END, id
         LIMIT ?`,
        limit,
      )
      .toArray();
    return Promise.all(rows.map((row) => this.#present(row)));
  }

  /**
   * Takes a reminder back; answers its schedule id to cancel (null if it never got one), or
   * undefined when there is no such reminder or it was cancelled already.
   */
  cancel(id: string): { scheduleId: string | null } | undefined {
    const row = this.sql
      .exec<{ schedule_id: string | null }>("UPDATE reminders SET status = 'cancelled' WHERE id = ? AND status != 'cancelled' RETURNING schedule_id", id)
      .toArray()[0];
    return row ? { scheduleId: row.schedule_id } : undefined;
  }

  /** A reminder still waiting to go out, and when it is due; undefined for any other, or none. */
  scheduledDueAt(id: string): number | undefined {
    return this.sql.exec<{ due_at: number }>("SELECT due_at FROM reminders WHERE id = ? AND status = 'scheduled'", id).toArray()[0]?.due_at;
  }

  /** Whether a reminder still waiting to go out is fired by the schedule `scheduleId` (the reminders of one window share it). */
  scheduleInUse(scheduleId: string): boolean {
    return this.sql.exec("SELECT 1 FROM reminders WHERE status = 'scheduled' AND schedule_id = ? LIMIT 1", scheduleId).toArray().length > 0;
  }

  /** The reminders still waiting to go out that are due before `end` (overdue ones too), soonest first. */
  scheduledDueBefore(end: number): { id: string; dueAt: number }[] {
    return this.sql
      .exec<{ id: string; due_at: number }>("SELECT id, due_at FROM reminders WHERE status = 'scheduled' AND due_at < ? ORDER BY due_at, id", end)
      .toArray()
      .map((row) => ({ id: row.id, dueAt: row.due_at }));
  }

  /**
   * A reminder still waiting to go out: when it is due, and the id of the message its delivery leaves
   * in the conversation, in one read; undefined for any other, or none. The first delivery's message
   * id is the reminder's own (`msg_<id>`); a snoozed reminder goes out again under one made from its
   * new due time, so each delivery writes one message however often it runs.
   */
  waitingDelivery(id: string): { dueAt: number; messageId: string } | undefined {
    const row = this.sql
      .exec<{ due_at: number; delivered_at: number | null }>("SELECT due_at, delivered_at FROM reminders WHERE id = ? AND status = 'scheduled'", id)
      .toArray()[0];
    return row ? { dueAt: row.due_at, messageId: messageIdOf(id, row) } : undefined;
  }

  /**
   * Marks a reminder done. Answers the schedule to cancel when it was still waiting (null if none),
   * or undefined when there is no such reminder or it was cancelled; done twice is done.
   */
  markDone(id: string): { scheduleId: string | null } | undefined {
    const row = this.sql
      .exec<{ status: ReminderStatus; schedule_id: string | null }>('SELECT status, schedule_id FROM reminders WHERE id = ?', id)
      .toArray()[0];
    if (!row || row.status === 'cancelled') return undefined;
    if (row.status === 'done') return { scheduleId: null };
    this.sql.exec("UPDATE reminders SET status = 'done' WHERE id = ?", id);
    return { scheduleId: row.status === 'scheduled' ? row.schedule_id : null };
  }

  /**
   * Re-arms a waiting or delivered reminder for `dueAt`, fired by the schedule `scheduleId` (armed
   * beforehand). Answers the schedule it had, to cancel; undefined when it is not waiting or
   * delivered (gone, cancelled, done). The first delivery's time stays, so the next one's message
   * gets an id of its own.
   */
  snooze(id: string, dueAt: number, scheduleId: string): { previousScheduleId: string | null } | undefined {
    const row = this.sql
      .exec<{ status: ReminderStatus; schedule_id: string | null }>('SELECT status, schedule_id FROM reminders WHERE id = ?', id)
      .toArray()[0];
    if (!row || (row.status !== 'scheduled' && row.status !== 'delivered')) return undefined;
    this.sql.exec("UPDATE reminders SET status = 'scheduled', due_at = ?, schedule_id = ?, notified_at = NULL WHERE id = ?", dueAt, scheduleId, id);
    return { previousScheduleId: row.schedule_id };
  }

  /** The status of a reminder, or undefined when there is none. */
  status(id: string): ReminderStatus | undefined {
    return this.sql.exec<{ status: ReminderStatus }>('SELECT status FROM reminders WHERE id = ?', id).toArray()[0]?.status;
  }

  /** Takes back the claim's note that clients were told, when no socket took the frame after all. */
  unmarkNotified(id: string): void {
    this.sql.exec('UPDATE reminders SET notified_at = NULL WHERE id = ?', id);
  }

  /**
   * Reminders that went out since `since` but whose frame reached no client (none was open, or the
   * object restarted between the claim and the push), oldest first; each is marked notified as it
   * is answered, so the next connection does not get it again.
   */
  async takeUnnotifiedSince(since: number, now: number): Promise<Reminder[]> {
    const rows = this.sql
      .exec<ReminderRow>(
        "UPDATE reminders SET notified_at = ? WHERE status = 'delivered' AND notified_at IS NULL AND delivered_at >= ? RETURNING *",
        now,
        since,
      )
      .toArray()
      .sort((left, right) => left.due_at - right.due_at || left.id.localeCompare(right.id));
    return Promise.all(rows.map((row) => this.#present(row)));
  }

  /**
   * Claims a due reminder for delivery: the status moves from `scheduled` to `delivered` in one
   * statement, which SQLite runs whole and the object runs alone, so of any number of firings of
   * the same alarm exactly one gets true back. A cancelled, done or delivered one answers false.
   * Synchronous, so the caller can push the frame before anything else runs in the object.
   */
  claimForDelivery(id: string, now: number, clientsTold: boolean): boolean {
    return (
      this.sql.exec(
        "UPDATE reminders SET status = 'delivered', delivered_at = ?, notified_at = ? WHERE id = ? AND status = 'scheduled'",
        now,
        clientsTold ? now : null,
        id,
      ).rowsWritten > 0
    );
  }

  /** Every reminder, oldest first, each opened as the export reaches it: for the user's data export. */
  async *exportAll(): AsyncGenerator<Reminder> {
    const ids = this.sql
      .exec<{ id: string }>('SELECT id FROM reminders ORDER BY created_at, id')
      .toArray()
      .map((row) => row.id);
    for (const id of ids) {
      const reminder = await this.get(id);
      if (reminder) yield reminder;
    }
  }

  #row(id: string): ReminderRow | undefined {
    return this.sql.exec<ReminderRow>('SELECT * FROM reminders WHERE id = ?', id).toArray()[0];
  }

  async #present(row: ReminderRow): Promise<Reminder> {
    return {
      id: row.id,
      text: await this.vault.open(row.text_sealed, `reminder:${row.id}:text`),
      dueAt: new Date(row.due_at).toISOString(),
      createdAt: new Date(row.created_at).toISOString(),
      status: row.status,
      ...(row.delivered_at === null ? {} : { deliveredAt: new Date(row.delivered_at).toISOString() }),
    };
  }
}

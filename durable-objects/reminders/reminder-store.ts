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
};

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
    this.sql.exec(
      `INSERT INTO reminders (id, text_sealed, due_at, created_at, status, schedule_id) VALUES (?, ?, ?, ?, 'scheduled', ?)`,
      reminder.id,
      reminder.sealedText,
      reminder.dueAt,
      reminder.createdAt,
      scheduleId,
    );
    return {
      id: reminder.id,
      text: reminder.text,
      dueAt: new Date(reminder.dueAt).toISOString(),
      createdAt: new Date(reminder.createdAt).toISOString(),
      status: 'scheduled',
    };
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

  /**
   * Claims a due reminder for delivery: the status moves from `scheduled` to `delivered` in one
   * statement, which SQLite runs whole and the object runs alone, so of any number of firings of
   * the same alarm exactly one gets the reminder back. A cancelled or delivered one answers undefined.
   */
  async claimForDelivery(id: string, now: number): Promise<Reminder | undefined> {
    const row = this.sql
      .exec<ReminderRow>("UPDATE reminders SET status = 'delivered', delivered_at = ? WHERE id = ? AND status = 'scheduled' RETURNING *", now, id)
      .toArray()[0];
    return row ? this.#present(row) : undefined;
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

import type { Confirmation, ConfirmationStatus, ConfirmationSummary, JsonValue } from '../../common/protocol.ts';
import { createId } from '../../server/crypto/encoding.ts';
import { claimPending, idsOldestFirst, statusAt, statusFilter } from '../host/awaiting-answer.ts';
import type { UserVault } from '../host/user-vault.ts';

type ConfirmationRow = {
  id: string;
  action: string;
  summary_sealed: string;
  status: ConfirmationStatus;
  conversation_id: string;
  message_id: string | null;
  created_at: number;
  expires_at: number;
  answered_at: number | null;
};

/** A confirmation's columns and its sealed summary, before it is stored. */
export interface NewConfirmation {
  action: string;
  payload: JsonValue;
  summary: ConfirmationSummary;
  conversationId: string;
  messageId: string | null;
  createdAt: number;
  expiresAt: number;
}

const columns = 'id, action, summary_sealed, status, conversation_id, message_id, created_at, expires_at, answered_at';

/** How many confirmations one listing answers: the card of anything older is shown from its message alone. */
const listLimit = 200;

/** Confirmations in the person's object: what was proposed (sealed), and the one status that says whether it may still run. */
export class ConfirmationStore {
  constructor(
    private readonly sql: SqlStorage,
    private readonly vault: UserVault,
  ) {}

  async insert(confirmation: NewConfirmation): Promise<Confirmation> {
    const id = createId('cnf', confirmation.createdAt);
    const { row, write } = await this.prepare(id, confirmation, { status: 'pending', answeredAt: null });
    write();
    return this.#present(row);
  }

  /**
   * Seals a confirmation and answers the write that stores it with this status, apart so that an
   * import can seal first and write inside its one transaction.
   */
  async prepare(
    id: string,
    confirmation: NewConfirmation,
    outcome: { status: ConfirmationStatus; answeredAt: number | null },
  ): Promise<{ row: ConfirmationRow; write: () => void }> {
    const [payloadSealed, summarySealed] = await Promise.all([
      this.vault.seal(JSON.stringify(confirmation.payload), `confirmation:${id}:payload`),
      this.vault.seal(JSON.stringify(confirmation.summary), `confirmation:${id}:summary`),
    ]);
    const row: ConfirmationRow = {
      id,
      action: confirmation.action,
      summary_sealed: summarySealed,
      status: outcome.status,
      conversation_id: confirmation.conversationId,
      message_id: confirmation.messageId,
      created_at: confirmation.createdAt,
      expires_at: confirmation.expiresAt,
      answered_at: outcome.answeredAt,
    };
    const write = () =>
      this.sql.exec(
        `INSERT INTO confirmations (id, action, payload_sealed, summary_sealed, status, conversation_id, message_id, created_at, expires_at, answered_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        id,
        row.action,
        payloadSealed,
        summarySealed,
        row.status,
        row.conversation_id,
        row.message_id,
        row.created_at,
        row.expires_at,
        row.answered_at,
      );
    return { row, write };
  }

  /** Whether any confirmation was ever asked: the person's own history. */
  hasAny(): boolean {
    return this.sql.exec('SELECT 1 FROM confirmations LIMIT 1').toArray().length > 0;
  }

  setScheduleId(id: string, scheduleId: string): void {
    this.sql.exec('UPDATE confirmations SET schedule_id = ? WHERE id = ?', scheduleId, id);
  }

  async get(id: string): Promise<Confirmation | undefined> {
    const row = this.sql.exec<ConfirmationRow>(`SELECT ${columns} FROM confirmations WHERE id = ?`, id).toArray()[0];
    return row ? this.#present(row) : undefined;
  }

  async payloadOf(id: string): Promise<JsonValue> {
    const row = this.sql.exec<{ payload_sealed: string }>('SELECT payload_sealed FROM confirmations WHERE id = ?', id).one();
    return JSON.parse(await this.vault.open(row.payload_sealed, `confirmation:${id}:payload`)) as JsonValue;
  }

  /**
   * Moves a pending confirmation that has not expired to `status`, in one statement: of two answers
   * racing, exactly one finds it pending. Answers whether this call was the one.
   */
  claim(id: string, status: 'accepted' | 'declined', now: number): boolean {
    return claimPending(this.sql, 'confirmations', id, status, now);
  }

  /** Marks a pending confirmation expired, whatever the clock says: its expiry job has fired. Answers whether it was pending. */
  expire(id: string): boolean {
    return this.sql.exec("UPDATE confirmations SET status = 'expired' WHERE id = ? AND status = 'pending' RETURNING id", id).toArray().length === 1;
  }

  /** An accepted action that could not be done. */
  markFailed(id: string): void {
    this.sql.exec("UPDATE confirmations SET status = 'failed' WHERE id = ? AND status = 'accepted'", id);
  }

  /** Newest first. Pending ones past their expiry are listed as expired, even before their expiry job has run. */
  async list(options: { status?: ConfirmationStatus; now: number }): Promise<Confirmation[]> {
    const filter = statusFilter(options.status, options.now);
    const rows = this.sql
      .exec<ConfirmationRow>(`SELECT ${columns} FROM confirmations ${filter.where} ORDER BY created_at DESC, id DESC LIMIT ?`, ...filter.values, listLimit)
      .toArray();
    return Promise.all(rows.map((row) => this.#present(row, options.now)));
  }

  /** Every confirmation, oldest first, with its summary: for the export. */
  async *all(): AsyncGenerator<Confirmation> {
    const ids = idsOldestFirst(this.sql, 'confirmations');
    for (const id of ids) {
      const confirmation = await this.get(id);
      if (confirmation) yield confirmation;
    }
  }

  async #present(row: ConfirmationRow, now = Number.NEGATIVE_INFINITY): Promise<Confirmation> {
    const summary = JSON.parse(await this.vault.open(row.summary_sealed, `confirmation:${row.id}:summary`)) as ConfirmationSummary;
    return {
      id: row.id,
      action: row.action,
      status: statusAt(row, now),
      summary,
      conversationId: row.conversation_id,
      messageId: row.message_id,
      createdAt: new Date(row.created_at).toISOString(),
      expiresAt: new Date(row.expires_at).toISOString(),
      answeredAt: row.answered_at === null ? null : new Date(row.answered_at).toISOString(),
    };
  }
}

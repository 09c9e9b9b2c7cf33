import type { ToolApproval, ToolApprovalStatus, ToolRisk } from '../../common/tools.ts';
import { createId } from '../../server/crypto/encoding.ts';
import { claimPending, idsOldestFirst, statusAt, statusFilter } from '../host/awaiting-answer.ts';
import type { UserVault } from '../host/user-vault.ts';

type ApprovalRow = {
  id: string;
  tool_id: string;
  tool_name: string;
  tool_title: string;
  risk: Exclude<ToolRisk, 'read'>;
  input_sealed: string;
  reason_sealed: string;
  status: ToolApprovalStatus;
  channel: string;
  conversation_id: string;
  message_id: string;
  created_at: number;
  expires_at: number;
  answered_at: number | null;
};

/** A request to approve, before it is stored. */
export interface NewApproval {
  toolId: string;
  toolName: string;
  toolTitle: string;
  risk: Exclude<ToolRisk, 'read'>;
  input: unknown;
  reason: string;
  /** Where the turn that asks runs (`web`, `mobile`, `whatsapp`, `voice`…): a WhatsApp turn is answered by a word. */
  channel: string;
  conversationId: string;
  messageId: string;
  createdAt: number;
  expiresAt: number;
}

const columns =
  'id, tool_id, tool_name, tool_title, risk, input_sealed, reason_sealed, status, channel, conversation_id, message_id, created_at, expires_at, answered_at';

/** How many approvals one listing answers. */
const listLimit = 200;

/** Requests to approve a tool call in the person's object: the input and reason sealed, and the one status that lets one answer through. */
export class ApprovalStore {
  constructor(
    private readonly sql: SqlStorage,
    private readonly vault: UserVault,
  ) {}

  async insert(approval: NewApproval): Promise<ToolApproval> {
    const { row, write } = await this.prepare(createId('apv', approval.createdAt), approval, { status: 'pending', answeredAt: null });
    write();
    return this.#present(row);
  }

  /**
   * Seals a request and answers the write that stores it with this status, apart so that an import
   * can seal first and write inside its one transaction.
   */
  async prepare(
    id: string,
    approval: NewApproval,
    outcome: { status: ToolApprovalStatus; answeredAt: number | null },
  ): Promise<{ row: ApprovalRow; write: () => void }> {
    const [inputSealed, reasonSealed] = await Promise.all([
      this.vault.seal(JSON.stringify(approval.input ?? null), `tool-approval:${id}:input`),
      this.vault.seal(approval.reason, `tool-approval:${id}:reason`),
    ]);
    const row: ApprovalRow = {
      id,
      tool_id: approval.toolId,
      tool_name: approval.toolName,
      tool_title: approval.toolTitle,
      risk: approval.risk,
      input_sealed: inputSealed,
      reason_sealed: reasonSealed,
      status: outcome.status,
      channel: approval.channel,
      conversation_id: approval.conversationId,
      message_id: approval.messageId,
      created_at: approval.createdAt,
      expires_at: approval.expiresAt,
      answered_at: outcome.answeredAt,
    };
    return {
      row,
      write: () => this.sql.exec(`INSERT INTO tool_approvals (${columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, ...Object.values(row)),
    };
  }

  /** Whether any tool call was ever put to the person: their own history. */
  hasAny(): boolean {
    return this.sql.exec('SELECT 1 FROM tool_approvals LIMIT 1').toArray().length > 0;
  }

  setScheduleId(id: string, scheduleId: string): void {
    this.sql.exec('UPDATE tool_approvals SET schedule_id = ? WHERE id = ?', scheduleId, id);
  }

  scheduleIdOf(id: string): string | null {
    return this.sql.exec<{ schedule_id: string | null }>('SELECT schedule_id FROM tool_approvals WHERE id = ?', id).toArray()[0]?.schedule_id ?? null;
  }

  async get(id: string): Promise<ToolApproval | undefined> {
    const row = this.sql.exec<ApprovalRow>(`SELECT ${columns} FROM tool_approvals WHERE id = ?`, id).toArray()[0];
    return row ? this.#present(row) : undefined;
  }

  /**
   * Moves a pending approval that has not expired to `status`, in one statement: of two answers
   * racing (two devices, a frame and a POST), exactly one finds it pending. Answers whether this call was the one.
   */
  claim(id: string, status: 'approved' | 'denied', now: number): boolean {
    return claimPending(this.sql, 'tool_approvals', id, status, now);
  }

  /** Marks a pending approval expired, whatever the clock says: its expiry job has fired. Answers whether it was pending. */
  expire(id: string, now: number): boolean {
    return (
      this.sql.exec("UPDATE tool_approvals SET status = 'expired', answered_at = ? WHERE id = ? AND status = 'pending' RETURNING id", now, id).toArray()
        .length === 1
    );
  }

  /** Every approval still pending, whatever its expiry: at start, no turn in memory waits on any of them. */
  pendingIds(): string[] {
    return this.sql
      .exec<{ id: string }>("SELECT id FROM tool_approvals WHERE status = 'pending' ORDER BY created_at, id")
      .toArray()
      .map((row) => row.id);
  }

  /** The oldest approval still waiting for an answer from a turn on this channel, if any. */
  oldestPendingOn(channel: string, now: number): string | undefined {
    return this.sql
      .exec<{ id: string }>(
        "SELECT id FROM tool_approvals WHERE status = 'pending' AND expires_at > ? AND channel = ? ORDER BY created_at, id LIMIT 1",
        now,
        channel,
      )
      .toArray()[0]?.id;
  }

  /** Newest first. Pending ones past their expiry are listed as expired, even before their expiry job has run. */
  async list(options: { status?: ToolApprovalStatus; now: number }): Promise<ToolApproval[]> {
    const filter = statusFilter(options.status, options.now);
    const rows = this.sql
      .exec<ApprovalRow>(`SELECT ${columns} FROM tool_approvals ${filter.where} ORDER BY created_at DESC, id DESC LIMIT ?`, ...filter.values, listLimit)
      .toArray();
    return Promise.all(rows.map((row) => this.#present(row, options.now)));
  }

  /** Every approval, oldest first, opened: for the export. */
  async *all(): AsyncGenerator<ToolApproval> {
    const ids = idsOldestFirst(this.sql, 'tool_approvals');
    for (const id of ids) {
      const approval = await this.get(id);
      if (approval) yield approval;
    }
  }

  async #present(row: ApprovalRow, now = Number.NEGATIVE_INFINITY): Promise<ToolApproval> {
    const [input, reason] = await Promise.all([
      this.vault.open(row.input_sealed, `tool-approval:${row.id}:input`),
      this.vault.open(row.reason_sealed, `tool-approval:${row.id}:reason`),
    ]);
    return {
      id: row.id,
      toolId: row.tool_id,
      toolName: row.tool_name,
      toolTitle: row.tool_title,
      input: JSON.parse(input),
      reason,
      risk: row.risk,
      status: statusAt(row, now),
      conversationId: row.conversation_id,
      messageId: row.message_id,
      createdAt: new Date(row.created_at).toISOString(),
      expiresAt: new Date(row.expires_at).toISOString(),
      answeredAt: row.answered_at === null ? null : new Date(row.answered_at).toISOString(),
    };
  }
}

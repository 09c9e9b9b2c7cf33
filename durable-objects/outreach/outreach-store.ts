import { type ExportedOutreachLogEntry, type OutreachLogEntry, type OutreachSettings, outreachSettingsSchema } from '../../common/outreach.ts';
import type { OutreachKind } from '../../common/protocol.ts';
import { createId } from '../../server/crypto/encoding.ts';
import type { UserVault } from '../host/user-vault.ts';

/** What a person gets before they change anything: a daily evening check-in, quiet nights, a modest cap. */
export const defaultOutreachSettings: OutreachSettings = {
  checkInCadence: 'daily',
  checkInTime: '18:00',
  quietHours: { start: '22:00', end: '08:00' },
  dailyCap: 3,
  eventReminderMinutes: 30,
  followUps: true,
  channelOrder: ['app', 'push', 'whatsapp'],
  paused: false,
};

/**
 * Kinds the log's `kind` column (whose CHECK predates them) stores as a check-in: the entry's source
 * key names the finer kind, so no table rebuild (which would cascade into the attempts) is needed.
 */
const kindsStoredAsCheckIn: Partial<Record<OutreachKind, string>> = { 'goal-check-in': 'goal-check-in:', reflection: 'reflection:' };

/** The kind the log's column holds for a kind. */
function storedKind(kind: OutreachKind): OutreachKind {
  return kindsStoredAsCheckIn[kind] ? 'check-in' : kind;
}

/** The kind of a stored row: a check-in whose source key names a finer kind is that kind. */
function kindOfRow(row: { kind: OutreachKind; source_key: string }): OutreachKind {
  if (row.kind !== 'check-in') return row.kind;
  for (const [kind, prefix] of Object.entries(kindsStoredAsCheckIn)) if (row.source_key.startsWith(prefix)) return kind as OutreachKind;
  return row.kind;
}

/**
 * The source key of an entry from an export written before keys were exported. A check-in and a
 * reflection are once a day, so their day names them as it did; any other gets a key of its own (it
 * went out already, so nothing will look for it by what it was about).
 */
export function sourceKeyOfOlderExport(entry: { id: string; kind: OutreachKind }, localDate: string): string {
  if (entry.kind === 'check-in' || entry.kind === 'reflection') return `${entry.kind}:${localDate}`;
  return importedSourceKey(entry);
}

/** A key no job makes, with the prefix that keeps the entry's kind: for an entry whose key cannot be known. */
export function importedSourceKey(entry: { id: string; kind: OutreachKind }): string {
  return `${kindsStoredAsCheckIn[entry.kind] ?? `${entry.kind}:`}imported:${entry.id}`;
}

type LogRow = {
  id: string;
  source_key: string;
  kind: OutreachKind;
  reason_sealed: string;
  text_sealed: string | null;
  message_id: string | null;
  conversation_id: string | null;
  local_date: string;
  created_at: number;
  status: OutreachLogEntry['status'];
  status_detail: string | null;
};

type AttemptRow = { log_id: string; channel: string; at: number; outcome: string; detail: string | null; provider_id: string | null };

/** An entry as outreach works with it: the log row, opened. */
export interface OutreachEntry {
  id: string;
  sourceKey: string;
  kind: OutreachKind;
  reason: string;
  text: string | null;
  messageId: string | null;
  conversationId: string | null;
  localDate: string;
  createdAt: number;
  status: OutreachLogEntry['status'];
  statusDetail: string | null;
}

/** The outreach tables. Reasons and texts are the person's own matters, so they are sealed. */
export class OutreachStore {
  constructor(
    private readonly sql: SqlStorage,
    private readonly vault: UserVault,
  ) {}

  settings(): OutreachSettings {
    const row = this.sql.exec<{ settings: string }>('SELECT settings FROM outreach_settings WHERE id = 1').toArray()[0];
    if (!row) return defaultOutreachSettings;
    // Settings saved before a field existed take its default.
    return outreachSettingsSchema.parse({ ...defaultOutreachSettings, ...JSON.parse(row.settings) });
  }

  saveSettings(settings: OutreachSettings, now: number): void {
    this.sql.exec(
      'INSERT INTO outreach_settings (id, settings, updated_at) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at',
      JSON.stringify(settings),
      now,
    );
  }

  /**
   * Opens an entry for `sourceKey`, or answers the one already there: the same reminder, day's
   * check-in or event start never gets two entries, whichever job runs it. With `written`, a new
   * entry starts as `sending` with its message, as `written` would leave it, in one statement: a
   * message already stored (a due reminder) needs no separate step. `alreadySent` starts it as
   * `sent`, for a message that reached the person before it was logged (a reminder's own frame).
   */
  async open(input: {
    sourceKey: string;
    kind: OutreachKind;
    reason: string;
    localDate: string;
    now: number;
    written?: { text: string; messageId: string; conversationId: string; alreadySent?: boolean };
  }): Promise<{ entry: OutreachEntry; created: boolean }> {
    const prefix = kindsStoredAsCheckIn[input.kind];
    if (prefix && !input.sourceKey.startsWith(prefix)) throw new Error(`A ${input.kind} entry's source key starts with ${prefix}`);
    // Inserted first and read only when the key was taken: the usual case (a new entry) reads
    // nothing back and opens nothing sealed.
    const entry: OutreachEntry = {
      id: createId('out', input.now),
      sourceKey: input.sourceKey,
      kind: input.kind,
      reason: input.reason,
      text: input.written?.text ?? null,
      messageId: input.written?.messageId ?? null,
      conversationId: input.written?.conversationId ?? null,
      localDate: input.localDate,
      createdAt: input.now,
      status: input.written ? (input.written.alreadySent ? 'sent' : 'sending') : 'planned',
      statusDetail: null,
    };
    // A run that sealed at the same time as this one may have inserted first: the key decides.
    const inserted = this.#insert(await this.#sealedRow(entry));
    if (inserted) return { entry, created: true };
    const existing = await this.bySourceKey(input.sourceKey);
    if (!existing) throw new Error('An outreach entry vanished as it was made.');
    return { entry: existing, created: false };
  }

  /**
   * An entry of an imported log, sealed as `open` and `written` seal theirs: answers the write that
   * stores it with its attempts, as it was. `sourceKey` keeps it once-only here too.
   */
  async prepareImported(entry: OutreachEntry, attempts: readonly OutreachLogEntry['attempts'][number][]): Promise<() => void> {
    const row = await this.#sealedRow(entry);
    return () => {
      if (!this.#insert(row)) throw new Error('Two imported outreach entries are about the same thing.');
      for (const attempt of attempts) this.recordAttempt(entry.id, { ...attempt, at: Date.parse(attempt.at) });
    };
  }

  /** The log row of an entry, its reason and text sealed under the entry's id. */
  async #sealedRow(entry: OutreachEntry): Promise<LogRow> {
    const [reasonSealed, textSealed] = await Promise.all([
      this.vault.seal(entry.reason, `outreach:${entry.id}:reason`),
      entry.text === null ? null : this.vault.seal(entry.text, `outreach:${entry.id}:text`),
    ]);
    return {
      id: entry.id,
      source_key: entry.sourceKey,
      kind: storedKind(entry.kind),
      reason_sealed: reasonSealed,
      text_sealed: textSealed,
      message_id: entry.messageId,
      conversation_id: entry.conversationId,
      local_date: entry.localDate,
      created_at: entry.createdAt,
      status: entry.status,
      status_detail: entry.statusDetail,
    };
  }

  /** Inserts a log row unless one with its source key exists; answers whether it did. */
  #insert(row: LogRow): boolean {
    return (
      this.sql
        .exec<{ id: string }>(
          `INSERT INTO outreach_log (id, source_key, kind, reason_sealed, text_sealed, message_id, conversation_id, local_date, created_at, status, status_detail)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source_key) DO NOTHING RETURNING id`,
          row.id,
          row.source_key,
          row.kind,
          row.reason_sealed,
          row.text_sealed,
          row.message_id,
          row.conversation_id,
          row.local_date,
          row.created_at,
          row.status,
          row.status_detail,
        )
        .toArray().length > 0
    );
  }

  /** Whether the log has any entry: the person's own history, which an import must not be mixed into. */
  hasEntries(): boolean {
    return this.sql.exec('SELECT 1 FROM outreach_log LIMIT 1').toArray().length > 0;
  }

  async bySourceKey(sourceKey: string): Promise<OutreachEntry | undefined> {
    const row = this.sql.exec<LogRow>('SELECT * FROM outreach_log WHERE source_key = ?', sourceKey).toArray()[0];
    return row ? this.#present(row) : undefined;
  }

  async get(id: string): Promise<OutreachEntry | undefined> {
    const row = this.sql.exec<LogRow>('SELECT * FROM outreach_log WHERE id = ?', id).toArray()[0];
    return row ? this.#present(row) : undefined;
  }

  /** The written message, and where it was left: the entry moves from planned to sending. */
  async written(id: string, text: string, messageId: string, conversationId: string): Promise<void> {
    this.sql.exec(
      "UPDATE outreach_log SET text_sealed = ?, message_id = ?, conversation_id = ?, status = 'sending' WHERE id = ? AND status = 'planned'",
      await this.vault.seal(text, `outreach:${id}:text`),
      messageId,
      conversationId,
      id,
    );
  }

  /** Ends an entry once: only one of the runs that race to finish it changes it. Answers whether this one did. */
  finish(id: string, status: 'sent' | 'failed' | 'skipped', detail: string | null): boolean {
    return (
      this.sql
        .exec("UPDATE outreach_log SET status = ?, status_detail = ? WHERE id = ? AND status IN ('planned', 'sending') RETURNING id", status, detail, id)
        .toArray().length > 0
    );
  }

  recordAttempt(logId: string, attempt: { channel: string; at: number; outcome: string; detail?: string; providerId?: string }): void {
    this.sql.exec(
      'INSERT INTO outreach_attempts (log_id, channel, at, outcome, detail, provider_id) VALUES (?, ?, ?, ?, ?, ?)',
      logId,
      attempt.channel,
      attempt.at,
      attempt.outcome,
      attempt.detail ?? null,
      attempt.providerId ?? null,
    );
  }

  /** How many proactive messages the companion chose to send on that day (reminders the person set do not count). */
  sentOn(localDate: string): number {
    return this.sql
      .exec<{ count: number }>(
        "SELECT COUNT(*) AS count FROM outreach_log WHERE local_date = ? AND kind != 'reminder' AND status IN ('sending', 'sent')",
        localDate,
      )
      .one().count;
  }

  /** Newest first, a page at a time; the cursor is the last entry's id. */
  async page(limit: number, before?: string): Promise<{ entries: OutreachLogEntry[]; nextCursor: string | null }> {
    const anchor = before ? this.sql.exec<{ created_at: number }>('SELECT created_at FROM outreach_log WHERE id = ?', before).toArray()[0] : undefined;
    const rows = anchor
      ? this.sql
          .exec<LogRow>(
            'SELECT * FROM outreach_log WHERE created_at < ? OR (created_at = ? AND id < ?) ORDER BY created_at DESC, id DESC LIMIT ?',
            anchor.created_at,
            anchor.created_at,
            before,
            limit + 1,
          )
          .toArray()
      : this.sql.exec<LogRow>('SELECT * FROM outreach_log ORDER BY created_at DESC, id DESC LIMIT ?', limit + 1).toArray();
    const shown = rows.slice(0, limit);
    const entries = await Promise.all(shown.map(async (row) => this.#presentForLog(await this.#present(row))));
    return { entries, nextCursor: rows.length > limit ? (shown.at(-1)?.id ?? null) : null };
  }

  /** Every entry, newest first, with what it was about, its day and its conversation: for the export. */
  async *all(): AsyncGenerator<ExportedOutreachLogEntry> {
    let cursor: string | undefined;
    do {
      const page = await this.page(100, cursor);
      const rows = new Map(
        this.sql
          .exec<Pick<LogRow, 'id' | 'source_key' | 'local_date' | 'conversation_id'>>(
            `SELECT id, source_key, local_date, conversation_id FROM outreach_log WHERE id IN (${page.entries.map(() => '?').join(', ') || 'NULL'})`,
            ...page.entries.map((entry) => entry.id),
          )
          .toArray()
          .map((row) => [row.id, row]),
      );
      for (const entry of page.entries) {
        const row = rows.get(entry.id);
        yield { ...entry, ...(row ? { sourceKey: row.source_key, localDate: row.local_date, conversationId: row.conversation_id } : {}) };
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }

  /** Whether this channel already delivered this message (the channel's own idempotency record). */
  delivered(channel: string, messageId: string): boolean {
    return this.sql.exec('SELECT 1 FROM channel_deliveries WHERE channel = ? AND message_id = ?', channel, messageId).toArray().length > 0;
  }

  /** Records a delivery; answers false when it was already recorded (someone else delivered it first). */
  markDelivered(channel: string, messageId: string, now: number): boolean {
    return (
      this.sql
        .exec(
          'INSERT INTO channel_deliveries (channel, message_id, delivered_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING RETURNING message_id',
          channel,
          messageId,
          now,
        )
        .toArray().length > 0
    );
  }

  forgetDelivered(channel: string, messageId: string): void {
    this.sql.exec('DELETE FROM channel_deliveries WHERE channel = ? AND message_id = ?', channel, messageId);
  }

  #presentForLog(entry: OutreachEntry): OutreachLogEntry {
    const attempts = this.sql.exec<AttemptRow>('SELECT * FROM outreach_attempts WHERE log_id = ? ORDER BY sequence', entry.id).toArray();
    return {
      id: entry.id,
      kind: entry.kind,
      reason: entry.reason,
      text: entry.text ?? '',
      ...(entry.messageId ? { messageId: entry.messageId } : {}),
      createdAt: new Date(entry.createdAt).toISOString(),
      status: entry.status,
      ...(entry.statusDetail ? { statusDetail: entry.statusDetail } : {}),
      attempts: attempts.map((attempt) => ({
        channel: attempt.channel as OutreachLogEntry['attempts'][number]['channel'],
        at: new Date(attempt.at).toISOString(),
        outcome: attempt.outcome as OutreachLogEntry['attempts'][number]['outcome'],
        ...(attempt.detail ? { detail: attempt.detail } : {}),
      })),
    };
  }

  async #present(row: LogRow): Promise<OutreachEntry> {
    return {
      id: row.id,
      sourceKey: row.source_key,
      kind: kindOfRow(row),
      reason: await this.vault.open(row.reason_sealed, `outreach:${row.id}:reason`),
      text: row.text_sealed ? await this.vault.open(row.text_sealed, `outreach:${row.id}:text`) : null,
      messageId: row.message_id,
      conversationId: row.conversation_id,
      localDate: row.local_date,
      createdAt: row.created_at,
      status: row.status,
      statusDetail: row.status_detail,
    };
  }
}

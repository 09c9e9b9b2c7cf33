import { createId } from '../../server/crypto/encoding.ts';
import { AppError } from '../../server/errors/app-error.ts';
import type { UserVault } from '../host/user-vault.ts';

export const memoryKinds = ['fact', 'preference', 'person', 'event', 'goal'] as const;
export type MemoryKind = (typeof memoryKinds)[number];

/** A long-term memory as the companion and the user see it. */
export interface Memory {
  id: string;
  kind: MemoryKind;
  text: string;
  /** 0 (trivia) to 1 (life-defining); weighs retrieval. */
  importance: number;
  sourceMessageIds: string[];
  /** For events: the calendar date it is about, in the user's zone. */
  eventDate: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  validFrom: string;
  /** Set when the memory stopped being true (superseded) — it stays for history, out of retrieval. */
  validTo: string | null;
  supersededBy: string | null;
}

export interface NewMemory {
  kind: MemoryKind;
  text: string;
  importance?: number;
  sourceMessageIds?: string[];
  eventDate?: string | null;
  createdAt?: number;
}

type MemoryRow = {
  id: string;
  kind: MemoryKind;
  text_sealed: string;
  importance: number;
  source_message_ids: string;
  event_date: string | null;
  created_at: number;
  last_used_at: number | null;
  valid_from: number;
  valid_to: number | null;
  superseded_by: string | null;
};

/** What the store tells the retrieval index, so memory and index never disagree. */
export interface MemoryIndexer {
  indexMemory(memory: Memory): Promise<void>;
  /** Many at once, in one batch to the index (an import's). */
  indexMemories(memories: readonly Memory[]): Promise<void>;
  removeMemory(id: string): Promise<void>;
}

/** Memories in the user's object: texts sealed, ids and times plain so they can be ranked without decrypting. */
export class MemoryStore {
  constructor(
    private readonly sql: SqlStorage,
    private readonly vault: UserVault,
    private readonly indexer: MemoryIndexer,
  ) {}

  async add(memory: NewMemory): Promise<Memory> {
    const now = memory.createdAt ?? Date.now();
    const id = createId('mem', now);
    this.#insert({
      id,
      kind: memory.kind,
      text_sealed: await this.vault.seal(memory.text, `memory:${id}:text`),
      importance: clampImportance(memory.importance),
      source_message_ids: JSON.stringify(memory.sourceMessageIds ?? []),
      event_date: memory.eventDate ?? null,
      created_at: now,
      last_used_at: null,
      valid_from: now,
      valid_to: null,
      superseded_by: null,
    });
    const stored = (await this.get(id)) as Memory;
    await this.indexer.indexMemory(stored);
    return stored;
  }

  #insert(row: MemoryRow): void {
    this.sql.exec(
      `INSERT INTO memories (id, kind, text_sealed, importance, source_message_ids, event_date, created_at, last_used_at, valid_from, valid_to, superseded_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      row.id,
      row.kind,
      row.text_sealed,
      row.importance,
      row.source_message_ids,
      row.event_date,
      row.created_at,
      row.last_used_at,
      row.valid_from,
      row.valid_to,
      row.superseded_by,
    );
  }

  /**
   * An imported document's memories, sealed here, every field kept (ids, history, times), and the
   * synchronous write that stores them, for the import's one transaction; indexing follows with
   * `indexAfter`. Throws AppError `validation_failed` for an id given twice.
   */
  async prepareImport(memories: readonly Memory[]): Promise<() => void> {
    const ids = new Set<string>();
    const rows: MemoryRow[] = [];
    for (const memory of memories) {
      if (ids.has(memory.id)) throw new AppError('validation_failed', `The memory ${memory.id} is in the import twice.`);
      ids.add(memory.id);
      rows.push({
        id: memory.id,
        kind: memory.kind,
        text_sealed: await this.vault.seal(memory.text, `memory:${memory.id}:text`),
        importance: clampImportance(memory.importance),
        source_message_ids: JSON.stringify(memory.sourceMessageIds),
        event_date: memory.eventDate,
        created_at: Date.parse(memory.createdAt),
        last_used_at: memory.lastUsedAt === null ? null : Date.parse(memory.lastUsedAt),
        valid_from: Date.parse(memory.validFrom),
        valid_to: memory.validTo === null ? null : Date.parse(memory.validTo),
        superseded_by: memory.supersededBy,
      });
    }
    return () => {
      for (const row of rows) this.#insert(row);
    };
  }

  /**
   * Indexes up to `limit` memories after `after` in (created_at, id) order, active or not, as `add` and
   * `supersede` index them; answers where the next batch starts, or undefined when none is left.
   */
  async indexAfter(after: { createdAt: number; id: string } | null, limit: number): Promise<{ createdAt: number; id: string } | undefined> {
    const rows = this.sql
      .exec<MemoryRow>(
        'SELECT * FROM memories WHERE created_at > ? OR (created_at = ? AND id > ?) ORDER BY created_at, id LIMIT ?',
        after?.createdAt ?? Number.MIN_SAFE_INTEGER,
        after?.createdAt ?? Number.MIN_SAFE_INTEGER,
        after?.id ?? '',
        limit,
      )
      .toArray();
    const last = rows.at(-1);
    if (!last) return undefined;
    await this.indexer.indexMemories(await Promise.all(rows.map((row) => this.#present(row))));
    return rows.length === limit ? { createdAt: last.created_at, id: last.id } : undefined;
  }

  async get(id: string): Promise<Memory | undefined> {
    const row = this.sql.exec<MemoryRow>('SELECT * FROM memories WHERE id = ?', id).toArray()[0];
    return row ? this.#present(row) : undefined;
  }

  /** Active memories (still valid), newest first, or all of them with `includeInactive`. */
  async list(options: { includeInactive?: boolean; limit?: number } = {}): Promise<Memory[]> {
    const rows = this.sql
      .exec<MemoryRow>(
        `SELECT * FROM memories ${options.includeInactive ? '' : 'WHERE valid_to IS NULL'} ORDER BY created_at DESC, id DESC LIMIT ?`,
        options.limit ?? 10_000,
      )
      .toArray();
    return Promise.all(rows.map((row) => this.#present(row)));
  }

  /**
   * Every memory, active or not, oldest first, opened a page at a time: for the user's data export.
   * The ids are read first (they are short), so the pages need no ordering query of their own.
   */
  async *exportAll(pageSize = 100): AsyncGenerator<Memory> {
    const ids = this.sql
      .exec<{ id: string }>('SELECT id FROM memories ORDER BY created_at, id')
      .toArray()
      .map((row) => row.id);
    for (let start = 0; start < ids.length; start += pageSize) yield* await this.getMany(ids.slice(start, start + pageSize));
  }

  async getMany(ids: string[]): Promise<Memory[]> {
    const memories: Memory[] = [];
    for (const id of ids) {
      const memory = await this.get(id);
      if (memory) memories.push(memory);
    }
    return memories;
  }

  /** Corrects a memory in place: the same fact, better worded or re-weighed. */
  async update(id: string, change: { text?: string; kind?: MemoryKind; importance?: number; eventDate?: string | null }): Promise<Memory | undefined> {
    const current = await this.get(id);
    if (!current) return undefined;
    const text = change.text ?? current.text;
    this.sql.exec(
      'UPDATE memories SET kind = ?, text_sealed = ?, importance = ?, event_date = ? WHERE id = ?',
      change.kind ?? current.kind,
      await this.vault.seal(text, `memory:${id}:text`),
      change.importance === undefined ? current.importance : clampImportance(change.importance),
      change.eventDate === undefined ? current.eventDate : change.eventDate,
      id,
    );
    const updated = (await this.get(id)) as Memory;
    await this.indexer.indexMemory(updated);
    return updated;
  }

  /** A fact changed: the old memory's validity closes and points at its replacement. */
  async supersede(oldId: string, replacement: NewMemory): Promise<Memory | undefined> {
    const old = await this.get(oldId);
    if (!old || old.validTo !== null) return undefined;
    const added = await this.add(replacement);
    const closedAt = replacement.createdAt ?? Date.now();
    this.sql.exec('UPDATE memories SET valid_to = ?, superseded_by = ? WHERE id = ?', closedAt, added.id, oldId);
    await this.indexer.indexMemory((await this.get(oldId)) as Memory);
    return added;
  }

  /** Forgetting is deletion: the row and its index entries go at once. */
  async forget(id: string): Promise<boolean> {
    const existed = this.sql.exec('SELECT 1 FROM memories WHERE id = ?', id).toArray().length > 0;
    if (!existed) return false;
    this.sql.exec('DELETE FROM memories WHERE id = ?', id);
    await this.indexer.removeMemory(id);
    return true;
  }

  markUsed(ids: string[], at = Date.now()): void {
    for (const id of ids) this.sql.exec('UPDATE memories SET last_used_at = ? WHERE id = ?', at, id);
  }

  async #present(row: MemoryRow): Promise<Memory> {
    return {
      id: row.id,
      kind: row.kind,
      text: await this.vault.open(row.text_sealed, `memory:${row.id}:text`),
      importance: row.importance,
      sourceMessageIds: JSON.parse(row.source_message_ids) as string[],
      eventDate: row.event_date,
      createdAt: new Date(row.created_at).toISOString(),
      lastUsedAt: row.last_used_at === null ? null : new Date(row.last_used_at).toISOString(),
      validFrom: new Date(row.valid_from).toISOString(),
      validTo: row.valid_to === null ? null : new Date(row.valid_to).toISOString(),
      supersededBy: row.superseded_by,
    };
  }
}

function clampImportance(value: number | undefined): number {
  if (value === undefined || Number.isNaN(value)) return 0.5;
  return Math.min(1, Math.max(0, value));
}

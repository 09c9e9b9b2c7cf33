import type { MoodEntry } from '../../common/mood.ts';
import { createId } from '../../server/crypto/encoding.ts';
import type { UserVault } from '../host/user-vault.ts';

type MoodRow = {
  id: string;
  at: number;
  local_date: string;
  source: MoodEntry['source'];
  score_sealed: string;
  note_sealed: string | null;
};

/** The local days a listing covers when one end is left open. */
const earliestDate = '0000-01-01';
const latestDate = '9999-12-31';

/**
 * Mood entries in the user's object. A mood is health data: the score is sealed as well as the note,
 * each bound to its row and column. Only what ranges and ordering need is plain: the instant, the
 * person's local day and whether it came from the app or a conversation.
 */
export class MoodStore {
  constructor(
    private readonly sql: SqlStorage,
    private readonly vault: UserVault,
  ) {}

  async insert(entry: Omit<MoodEntry, 'id' | 'at'> & { at: number }): Promise<MoodEntry> {
    const stored = { ...entry, id: createId('mood', entry.at), at: new Date(entry.at).toISOString() };
    (await this.prepare(stored))();
    return stored;
  }

  /** Seals an entry and answers the write that stores it, apart so that an import can seal first and write inside its one transaction. */
  async prepare(entry: MoodEntry): Promise<() => void> {
    const [scoreSealed, noteSealed] = await Promise.all([
      this.vault.seal(String(entry.score), scoreContext(entry.id)),
      this.vault.sealOptional(entry.note, noteContext(entry.id)),
    ]);
    return () =>
      this.sql.exec(
        'INSERT INTO mood_entries (id, at, local_date, source, score_sealed, note_sealed) VALUES (?, ?, ?, ?, ?, ?)',
        entry.id,
        Date.parse(entry.at),
        entry.localDate,
        entry.source,
        scoreSealed,
        noteSealed,
      );
  }

  /** Whether the person has recorded any mood. */
  hasAny(): boolean {
    return this.sql.exec('SELECT 1 FROM mood_entries LIMIT 1').toArray().length > 0;
  }

  /** Entries whose local day is in `from`–`to` (inclusive, either end open), newest first. */
  list(range: { from?: string; to?: string; limit: number }): Promise<MoodEntry[]> {
    const rows = this.sql
      .exec<MoodRow>(
        'SELECT * FROM mood_entries WHERE local_date >= ? AND local_date <= ? ORDER BY at DESC, id DESC LIMIT ?',
        range.from ?? earliestDate,
        range.to ?? latestDate,
        range.limit,
      )
      .toArray();
    return Promise.all(rows.map((row) => this.#present(row)));
  }

  /**
   * What a summary reads: every entry whose local day is in `from`–`to` (inclusive), oldest first,
   * with its score opened, and its note opened only on the days `wantsNotes` picks from the scores.
   * Notes are most of what there is to open, and the insights need only those of good and bad days.
   */
  async forSummary(from: string, to: string, wantsNotes: (entries: readonly { localDate: string; score: number }[]) => ReadonlySet<string>) {
    const rows = this.sql.exec<MoodRow>('SELECT * FROM mood_entries WHERE local_date >= ? AND local_date <= ? ORDER BY at, id', from, to).toArray();
    const scores = await Promise.all(rows.map(async (row) => Number(await this.vault.open(row.score_sealed, scoreContext(row.id)))));
    const dated = rows.map((row, index) => ({ localDate: row.local_date, score: scores[index] as number }));
    const noteDays = wantsNotes(dated);
    const notes = await Promise.all(rows.map((row) => (noteDays.has(row.local_date) ? this.vault.openOptional(row.note_sealed, noteContext(row.id)) : null)));
    return dated.map((entry, index) => ({ ...entry, note: notes[index] ?? null }));
  }

  /** Every entry recorded at an instant in `from`–`to` (`to` exclusive), oldest first. */
  between(from: number, to: number): Promise<MoodEntry[]> {
    const rows = this.sql.exec<MoodRow>('SELECT * FROM mood_entries WHERE at >= ? AND at < ? ORDER BY at, id', from, to).toArray();
    return Promise.all(rows.map((row) => this.#present(row)));
  }

  /** Removes an entry; false when there is none of that id. */
  delete(id: string): boolean {
    return this.sql.exec('DELETE FROM mood_entries WHERE id = ?', id).rowsWritten > 0;
  }

  /** Every entry, oldest first, each opened as the export reaches it. */
  async *exportAll(): AsyncGenerator<MoodEntry> {
    const ids = this.sql
      .exec<{ id: string }>('SELECT id FROM mood_entries ORDER BY at, id')
      .toArray()
      .map((row) => row.id);
    for (const id of ids) {
      const row = this.sql.exec<MoodRow>('SELECT * FROM mood_entries WHERE id = ?', id).toArray()[0];
      if (row) yield await this.#present(row);
    }
  }

  async #present(row: MoodRow): Promise<MoodEntry> {
    const [score, note] = await Promise.all([
      this.vault.open(row.score_sealed, scoreContext(row.id)),
      this.vault.openOptional(row.note_sealed, noteContext(row.id)),
    ]);
    return { id: row.id, score: Number(score), note, at: new Date(row.at).toISOString(), localDate: row.local_date, source: row.source };
  }
}

const scoreContext = (id: string) => `mood_entries:${id}:score`;
const noteContext = (id: string) => `mood_entries:${id}:note`;

/**
 * The lexical retrieval index inside the user's object: one row of plain metadata per document (a memory,
 * a conversation turn, a chunk of a file) and one FTS5 row of its blind terms. No text and no plain term is
 * ever stored here: the texts live sealed in their own features' tables, and ranking reads only this index
 * and numbers, so a search decrypts nothing.
 */
import type { BlindIndex } from './blind-index.ts';
import { estimateTokens } from './hybrid.ts';
import { indexTerms } from './tokenize.ts';

/** What a retrieval document stands for. */
export type RetrievalKind = 'memory' | 'turn' | 'file-chunk';

export const retrievalKinds: readonly RetrievalKind[] = ['memory', 'turn', 'file-chunk'];

/** A document to index: its text is turned into blind terms here and then forgotten. */
export interface RetrievalDocumentInput {
  /** Unique within the user; also the vector id, so at most 53 bytes when Vectorize is used. */
  id: string;
  kind: RetrievalKind;
  /**
   * What the document came from, for `removeBySource`: a memory id, a message id, or a file's id (shared by
   * all its chunks, whose own ids can be `file_…#3`). Stored in the clear like `id`, so both must be opaque
   * ids, never a path or title the user wrote.
   */
  sourceId: string;
  text: string;
  /**
   * Text around the document that helps find it but is not its own, e.g. the neighbouring turns of a
   * conversation turn: an answer ("Lisbon, then!") is found by the words of its question.
   */
  contextText?: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
  /** 0 to 1, 0.5 when absent. */
  importance?: number;
  /** Milliseconds since the epoch after which the document no longer holds (a superseded memory), or null. */
  validTo?: number | null;
}

/** One document's stored metadata. */
export interface RetrievalDocumentRecord {
  id: string;
  kind: RetrievalKind;
  sourceId: string;
  createdAt: number;
  importance: number;
  validTo: number | null;
  /** `estimateTokens` of the document's text, kept so a token budget is fitted without decrypting. */
  tokenCount: number;
}

/** A document found by one search, with that search's score (higher is better). */
export interface ScoredDocument {
  id: string;
  kind: RetrievalKind;
  sourceId: string;
  createdAt: number;
  importance: number;
  tokenCount: number;
  score: number;
}

/** A lexical search hit; `score` is the negated BM25. */
export type LexicalMatch = ScoredDocument;

/** Which documents a search or lookup considers. */
export interface RetrievalFilter {
  kinds?: readonly RetrievalKind[];
  /** Documents whose `validTo` has passed are left out unless this is true. */
  includeExpired?: boolean;
  /** Milliseconds since the epoch that validity is judged at; `Date.now()` when absent. */
  now?: number;
  /**
   * Sources whose documents are left out, at most `maximumExcludedSources`: the turns a prompt already
   * holds verbatim. Filtered in SQL, so a search still returns its full `limit` of the rest.
   */
  excludeSourceIds?: readonly string[];
}

/** Settings of one lexical search. */
export interface LexicalSearchOptions extends RetrievalFilter {
  limit: number;
}

/**
 * BM25 column weights: a document's own terms count fully, its neighbours' context terms less, so a turn
 * that says the words itself outranks one that is merely next to them.
 */
export const lexicalColumnWeights = { own: 1, context: 0.3 } as const;

/** Above this many distinct blind terms in a column the rest is dropped (a pseudo-random sample, as terms sort by hash). */
export const maximumTermsPerColumn = 20_000;

/** Distinct terms of a query that are searched for; a pasted page of text should not become a 500-way OR. */
export const maximumQueryTerms = 32;

/**
 * About how many documents one search scores with BM25 at most (see `#selectiveTerms`). Scoring costs a
 * few microseconds per document, so this keeps the SQL of a search near 10 ms in the worst case.
 */
export const maximumScoredDocuments = 1_500;

/** The most sources one search can exclude: their ids are bound parameters, and a statement takes 100. */
export const maximumExcludedSources = 64;

/** Durable Objects allow 100 bound parameters per statement. */
const maximumBoundParameters = 100;
/** Rows per insert: seven values per document row, three per row of terms. */
const documentRowsPerInsert = Math.floor(maximumBoundParameters / 7);
const termRowsPerInsert = Math.floor(maximumBoundParameters / 3);
/** Kept well under the 2 MB row and statement limits, whatever the number of rows per insert. */
const maximumTermBytesPerStatement = 1_000_000;

interface DocumentRow extends Record<string, SqlStorageValue> {
  id: string;
  kind: string;
  source_id: string;
  created_at: number;
  importance: number;
  valid_to: number | null;
  token_count: number;
}

interface PreparedDocument {
  id: string;
  kind: RetrievalKind;
  sourceId: string;
  createdAt: number;
  importance: number;
  validTo: number | null;
  tokenCount: number;
  own: string;
  context: string;
}

const documentColumns = 'd.id, d.kind, d.source_id, d.created_at, d.importance, d.valid_to, d.token_count';

/**
 * Lexical retrieval over one user's documents. Writes of one call happen in one synchronous run of SQL
 * after all hashing is done, so the object commits them together.
 */
export class RetrievalIndex {
  constructor(
    private readonly sql: SqlStorage,
    private readonly blindIndex: BlindIndex,
  ) {}

  /** Adds the document, or replaces it (terms, metadata, validity) when its id is already indexed. */
  async index(document: RetrievalDocumentInput): Promise<void> {
    await this.indexMany([document]);
  }

  /** `index` for many documents, in batched statements; a repeated id keeps its last version. */
  async indexMany(documents: readonly RetrievalDocumentInput[]): Promise<void> {
    const latest = new Map<string, RetrievalDocumentInput>();
    for (const document of documents) {
      validateDocument(document);
      latest.set(document.id, document);
    }
    const prepared = await Promise.all([...latest.values()].map((document) => this.#prepare(document)));
    if (prepared.length === 0) return;

    const sequences = new Map<string, number>();
    for (const batch of chunk(prepared, documentRowsPerInsert)) {
      const placeholders = batch.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ');
      const values = batch.flatMap((document) => [
        document.id,
        document.kind,
        document.sourceId,
        document.createdAt,
        document.importance,
        document.validTo,
        document.tokenCount,
      ]);
      const rows = this.sql.exec<{ sequence: number; id: string }>(
        `INSERT INTO retrieval_documents (id, kind, source_id, created_at, importance, valid_to, token_count)
         VALUES ${placeholders}
         ON CONFLICT (id) DO UPDATE SET
           kind = excluded.kind, source_id = excluded.source_id, created_at = excluded.created_at,
           importance = excluded.importance, valid_to = excluded.valid_to, token_count = excluded.token_count,
           vector_model = NULL
         RETURNING sequence, id`,
        ...values,
      );
      for (const row of rows) sequences.set(row.id, row.sequence);
    }

    const termBatches = chunk(prepared, termRowsPerInsert, (document) => document.own.length + document.context.length, maximumTermBytesPerStatement);
    for (const batch of termBatches) {
      const values = batch.flatMap((document) => {
        const sequence = sequences.get(document.id);
        // Without its document's sequence, a row of terms would get a rowid of its own and match nothing.
        if (sequence === undefined) throw new Error(`Indexing ${document.id} returned no sequence.`);
        return [sequence, document.own, document.context];
      });
      // FTS5 resolves a rowid conflict by deleting the old row's terms from the index first.
      this.sql.exec(`INSERT OR REPLACE INTO retrieval_terms (rowid, own, context) VALUES ${batch.map(() => '(?, ?, ?)').join(', ')}`, ...values);
    }
  }

  /** Removes a document and its terms at once. Returns whether it was indexed. */
  remove(id: string): boolean {
    return this.sql.exec('DELETE FROM retrieval_documents WHERE id = ? RETURNING id', id).toArray().length > 0;
  }

  /** Removes every document made from `sourceId` (a memory, a message, a file's chunks); returns their ids. */
  removeBySource(sourceId: string): string[] {
    return this.sql
      .exec<{ id: string }>('DELETE FROM retrieval_documents WHERE source_id = ? RETURNING id', sourceId)
      .toArray()
      .map((row) => row.id);
  }

  /** Sets when a document stops holding (null: it holds again). Returns whether it was indexed. */
  setValidity(id: string, validTo: number | null): boolean {
    if (validTo !== null && !Number.isFinite(validTo)) throw new TypeError('validTo must be a finite number of milliseconds or null.');
    return this.sql.exec('UPDATE retrieval_documents SET valid_to = ? WHERE id = ? RETURNING id', validTo, id).toArray().length > 0;
  }

  /**
   * The best documents sharing terms with `query`, by BM25 over the blind terms (any query term may
   * match: an OR). A query of stop words only finds nothing.
   */
  async searchLexical(query: string, options: LexicalSearchOptions): Promise<LexicalMatch[]> {
    const limit = Math.floor(options.limit);
    if (limit < 1) return [];
    const queryTerms = [...new Set(indexTerms(query))].slice(0, maximumQueryTerms);
    if (queryTerms.length === 0) return [];
    const blindTerms = this.#selectiveTerms([...new Set(await this.blindIndex.blindTermsOf(queryTerms))]);
    if (blindTerms.length === 0) return [];
    const match = blindTerms.map((term) => `"${term}"`).join(' OR ');
    const filter = filterClause(options);
    // FTS5 drives the join: it yields the matching rowids, each looked up in retrieval_documents by its
    // primary key, and only the top `limit` survive the sort. BM25 is computed for every match, so the
    // cost grows with the number of matches, which `#selectiveTerms` bounds.
    const rows = this.sql.exec<DocumentRow & { score: number }>(
      `SELECT ${documentColumns},
         -bm25(retrieval_terms, ${lexicalColumnWeights.own}, ${lexicalColumnWeights.context}) AS score
       FROM retrieval_terms JOIN retrieval_documents d ON d.sequence = retrieval_terms.rowid
       WHERE retrieval_terms MATCH ? ${filter.sql}
       ORDER BY score DESC, d.sequence DESC
       LIMIT ?`,
      match,
      ...filter.values,
      limit,
    );
    return rows.toArray().map((row) => ({ ...toRecord(row), score: row.score }));
  }

  /** The stored metadata of the given documents that pass `filter`, in no particular order. */
  documents(ids: readonly string[], filter: RetrievalFilter = {}): RetrievalDocumentRecord[] {
    const clause = filterClause(filter);
    const records: RetrievalDocumentRecord[] = [];
    for (const batch of chunk([...new Set(ids)], maximumBoundParameters - clause.values.length)) {
      const rows = this.sql.exec<DocumentRow>(
        `SELECT ${documentColumns} FROM retrieval_documents d WHERE d.id IN (${batch.map(() => '?').join(', ')}) ${clause.sql}`,
        ...batch,
        ...clause.values,
      );
      for (const row of rows) records.push(toRecord(row));
    }
    return records;
  }

  /** Each given document's own blind terms, for similarity between documents without their text. */
  documentTerms(ids: readonly string[]): Map<string, Set<string>> {
    const terms = new Map<string, Set<string>>();
    for (const batch of chunk([...new Set(ids)], maximumBoundParameters)) {
      const rows = this.sql.exec<{ id: string; own: string }>(
        `SELECT d.id, t.own FROM retrieval_documents d JOIN retrieval_terms t ON t.rowid = d.sequence WHERE d.id IN (${batch.map(() => '?').join(', ')})`,
        ...batch,
      );
      for (const row of rows) terms.set(row.id, new Set(row.own.length === 0 ? [] : row.own.split(' ')));
    }
    return terms;
  }

  /** Records that the given documents' vectors, made by `modelId`, are in the vector index. */
  markVectorsStored(ids: readonly string[], modelId: string): void {
    for (const batch of chunk([...new Set(ids)], maximumBoundParameters - 1)) {
      this.sql.exec(`UPDATE retrieval_documents SET vector_model = ? WHERE id IN (${batch.map(() => '?').join(', ')})`, modelId, ...batch);
    }
  }

  /**
   * Documents without a vector from `modelId` (never embedded, embedding failed, changed since, or made by
   * another model), oldest first: what a background job re-embeds after reopening their texts.
   */
  idsWithoutVector(modelId: string, limit: number): string[] {
    return this.sql
      .exec<{ id: string }>(
        'SELECT id FROM retrieval_documents WHERE vector_model IS NULL OR vector_model != ? ORDER BY sequence LIMIT ?',
        modelId,
        Math.max(0, Math.floor(limit)),
      )
      .toArray()
      .map((row) => row.id);
  }

  /** Every indexed document's id, oldest first: what must leave the vector index when the account goes. */
  allIds(): string[] {
    return this.sql
      .exec<{ id: string }>('SELECT id FROM retrieval_documents ORDER BY sequence')
      .toArray()
      .map((row) => row.id);
  }

  /** Removes every document and its terms. */
  clear(): void {
    this.sql.exec('DELETE FROM retrieval_documents');
  }

  /** How many documents are indexed. */
  count(): number {
    return this.sql.exec<{ total: number }>('SELECT count(*) AS total FROM retrieval_documents').one().total;
  }

  /**
   * Merges FTS5's index segments into one. Worth running from a scheduled job after bulk indexing or
   * many removals; searches work without it.
   */
  optimize(): void {
    this.sql.exec("INSERT INTO retrieval_terms (retrieval_terms) VALUES ('optimize')");
  }

  /**
   * The query's terms, rarest first, kept while the documents they match fit
   * in `maximumScoredDocuments`; the rarest term is always kept. A term in thousands of documents adds
   * little to BM25 (its inverse document frequency is low) but costs a score for each of them: dropping
   * it is what keeps a search within a few milliseconds at tens of thousands of documents. Terms no
   * document has are dropped too.
   */
  #selectiveTerms(blindTerms: readonly string[]): string[] {
    if (blindTerms.length === 0) return [];
    // One lookup for every term, in FTS5's own term statistics (schema step 3): counting each term's
    // matches with a query of its own was the largest share of a search's SQL.
    const counts = new Map(
      this.sql
        .exec<{ term: string; documents: number }>(
          `SELECT term, doc AS documents FROM retrieval_term_counts WHERE term IN (${blindTerms.map(() => '?').join(', ')})`,
          ...blindTerms,
        )
        .toArray()
        .map((row) => [row.term, row.documents]),
    );
    const counted = blindTerms.map((term) => ({ term, documents: counts.get(term) ?? 0 }));
    const kept: string[] = [];
    let budget = maximumScoredDocuments;
    for (const { term, documents } of counted.filter((entry) => entry.documents > 0).sort((left, right) => left.documents - right.documents)) {
      if (kept.length > 0 && documents > budget) break;
      kept.push(term);
      budget -= documents;
    }
    return kept;
  }

  async #prepare(document: RetrievalDocumentInput): Promise<PreparedDocument> {
    const [own, context] = await Promise.all([
      this.blindIndex.blindTerms(document.text),
      document.contextText === undefined ? Promise.resolve([]) : this.blindIndex.blindTerms(document.contextText),
    ]);
    return {
      id: document.id,
      kind: document.kind,
      sourceId: document.sourceId,
      createdAt: Math.round(document.createdAt),
      importance: document.importance ?? 0.5,
      validTo: document.validTo ?? null,
      tokenCount: estimateTokens(document.text),
      own: own.slice(0, maximumTermsPerColumn).join(' '),
      context: context.slice(0, maximumTermsPerColumn).join(' '),
    };
  }
}

function validateDocument(document: RetrievalDocumentInput): void {
  if (typeof document.id !== 'string' || document.id.length === 0) throw new TypeError('A retrieval document needs a non-empty id.');
  if (!retrievalKinds.includes(document.kind)) throw new TypeError(`Unknown retrieval document kind "${String(document.kind)}".`);
  if (typeof document.sourceId !== 'string' || document.sourceId.length === 0) throw new TypeError('A retrieval document needs a non-empty sourceId.');
  if (!Number.isFinite(document.createdAt)) throw new TypeError('createdAt must be a finite number of milliseconds.');
  const importance = document.importance ?? 0.5;
  if (!(importance >= 0 && importance <= 1)) throw new RangeError('importance must be between 0 and 1.');
  if (document.validTo !== undefined && document.validTo !== null && !Number.isFinite(document.validTo)) {
    throw new TypeError('validTo must be a finite number of milliseconds or null.');
  }
}

/** The WHERE conditions (after a leading AND) and their values, for table alias `d`. */
function filterClause(filter: RetrievalFilter): { sql: string; values: SqlStorageValue[] } {
  const conditions: string[] = [];
  const values: SqlStorageValue[] = [];
  if (filter.includeExpired !== true) {
    conditions.push('(d.valid_to IS NULL OR d.valid_to > ?)');
    values.push(filter.now ?? Date.now());
  }
  if (filter.kinds !== undefined) {
    const kinds = [...new Set(filter.kinds)];
    // No kinds asked for: nothing can match, which `IN ()` would say with a syntax error.
    conditions.push(kinds.length === 0 ? '0' : `d.kind IN (${kinds.map(() => '?').join(', ')})`);
    values.push(...kinds);
  }
  if (filter.excludeSourceIds !== undefined && filter.excludeSourceIds.length > 0) {
    const excluded = [...new Set(filter.excludeSourceIds)];
    if (excluded.length > maximumExcludedSources) throw new RangeError(`A search can exclude at most ${maximumExcludedSources} sources.`);
    conditions.push(`d.source_id NOT IN (${excluded.map(() => '?').join(', ')})`);
    values.push(...excluded);
  }
  return { sql: conditions.map((condition) => `AND ${condition}`).join(' '), values };
}

function toRecord(row: DocumentRow): RetrievalDocumentRecord {
  return {
    id: row.id,
    kind: row.kind as RetrievalKind,
    sourceId: row.source_id,
    createdAt: row.created_at,
    importance: row.importance,
    validTo: row.valid_to,
    tokenCount: row.token_count,
  };
}

/** Splits `items` into runs of at most `size` items and, when `weigh` is given, at most `maximumWeight` in total (a single heavier item still gets a run). */
function chunk<Item>(items: readonly Item[], size: number, weigh?: (item: Item) => number, maximumWeight = Number.POSITIVE_INFINITY): Item[][] {
  const runs: Item[][] = [];
  let current: Item[] = [];
  let weight = 0;
  for (const item of items) {
    const itemWeight = weigh?.(item) ?? 0;
    if (current.length > 0 && (current.length >= size || weight + itemWeight > maximumWeight)) {
      runs.push(current);
      current = [];
      weight = 0;
    }
    current.push(item);
    weight += itemWeight;
  }
  if (current.length > 0) runs.push(current);
  return runs;
}

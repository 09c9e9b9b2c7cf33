/**
 * Hybrid retrieval for one user: the blind-index BM25 search always, and vector search when an embedder
 * and a vector index are configured, fused by reciprocal rank, weighted by recency and importance,
 * diversified, and fitted into a token budget. Without an embedder it is lexical retrieval, a supported
 * mode and never an error; a failing embedder or vector index degrades a search to lexical too.
 */
import { log } from '../../server/logging/log.ts';
import { type Embedder, EmbedderError } from '../../server/providers/embeddings/embedder.ts';
import { maximumTopK, type VectorIndex, VectorIndexError } from '../../server/providers/vector-index/vector-index.ts';
import { fitTokenBudget, jaccardSimilarity, maximalMarginalRelevance, reciprocalRankFusion, weighByRecencyAndImportance } from './hybrid.ts';
import type { RetrievalDocumentInput, RetrievalFilter, RetrievalIndex, RetrievalKind, ScoredDocument } from './retrieval-index.ts';

/** The knobs of ranking; every one has a default. */
export interface RetrievalTuning {
  /** Candidates taken from each list before fusion: at least this many, and three per requested result. */
  minimumCandidates: number;
  /** Reciprocal rank fusion's k. */
  fusionK: number;
  lexicalWeight: number;
  vectorWeight: number;
  halfLifeDays: number;
  /** Share of the score that recency governs (see `weighByRecencyAndImportance`). */
  recencyWeight: number;
  importanceWeight: number;
  /** Maximal marginal relevance's λ: 1 is pure relevance. */
  diversityLambda: number;
  /**
   * The lowest cosine similarity at which a vector neighbour counts as found. A nearest-neighbour search
   * always answers, so without a floor the closest of a handful of unrelated memories would come back
   * for any query. Where unrelated texts land depends on the model (OpenAI's text-embedding-3 around 0.1,
   * BGE around 0.4), so this is the knob to raise for a model whose unrelated pairs score high.
   */
  minimumVectorScore: number;
  /**
   * Characters of a document's text that are embedded. Embedding models read a few hundred tokens at
   * most (bge: 512), and the beginning carries the gist; the blind index still covers all of the text.
   */
  maximumEmbeddedCharacters: number;
}

export const defaultRetrievalTuning: RetrievalTuning = {
  minimumCandidates: 30,
  fusionK: 60,
  lexicalWeight: 1,
  vectorWeight: 1,
  halfLifeDays: 30,
  recencyWeight: 0.3,
  importanceWeight: 0.5,
  diversityLambda: 0.7,
  minimumVectorScore: 0.3,
  maximumEmbeddedCharacters: 2_000,
};

/** What the retriever is made of. */
export interface RetrieverSettings {
  index: RetrievalIndex;
  /** Absent when no embeddings provider is configured: search is then lexical. */
  embedder?: Embedder;
  /**
   * The user's vector index; used only together with an embedder. Vectors carry `{ kind }` metadata and
   * searches of some kinds filter on it, which on Vectorize needs a metadata index:
   * `wrangler vectorize create-metadata-index <index> --property-name=kind --type=string`.
   */
  vectorIndex?: VectorIndex;
  tuning?: Partial<RetrievalTuning>;
}

/** Settings of one search. */
export interface RetrievalSearchOptions {
  limit: number;
  kinds?: readonly RetrievalKind[];
  /** Milliseconds since the epoch: the clock for recency and validity. */
  now: number;
  /** Results are dropped (best kept) until their stored token counts fit. */
  tokenBudget?: number;
  includeExpired?: boolean;
  /** Sources left out of the search (see `RetrievalFilter.excludeSourceIds`). */
  excludeSourceIds?: readonly string[];
  /** Aborts the query's embedding call. */
  signal?: AbortSignal;
}

/** A ranked result: ids and numbers only; the caller opens the source's sealed text. */
export interface RetrievalResult {
  id: string;
  kind: RetrievalKind;
  sourceId: string;
  score: number;
  createdAt: number;
  importance: number;
  tokenCount: number;
  /** Which searches found it, for the record of what a reply used. */
  matchedBy: ('lexical' | 'vector')[];
}

/** What `index` did. */
export interface IndexingOutcome {
  indexed: number;
  /** Documents whose vectors were stored; fewer than `indexed` when embedding failed or none is configured. */
  embedded: number;
}

export class Retriever {
  readonly #index: RetrievalIndex;
  readonly #semantic: { embedder: Embedder; vectorIndex: VectorIndex } | undefined;
  readonly #tuning: RetrievalTuning;

  constructor(settings: RetrieverSettings) {
    this.#index = settings.index;
    this.#semantic =
      settings.embedder !== undefined && settings.vectorIndex !== undefined ? { embedder: settings.embedder, vectorIndex: settings.vectorIndex } : undefined;
    this.#tuning = { ...defaultRetrievalTuning, ...settings.tuning };
  }

  /** Whether searches use vectors as well as the blind index. */
  get semantic(): boolean {
    return this.#semantic !== undefined;
  }

  /**
   * Indexes documents in the blind index (committed first), then embeds them in batches and stores their
   * vectors. An embedding or vector failure is logged and leaves those documents lexical only, listed by
   * `RetrievalIndex.idsWithoutVector` for a later re-embedding; a caller's cancellation is rethrown.
   */
  async index(documents: RetrievalDocumentInput | readonly RetrievalDocumentInput[], options: { signal?: AbortSignal } = {}): Promise<IndexingOutcome> {
    const list: readonly RetrievalDocumentInput[] = Array.isArray(documents) ? documents : [documents as RetrievalDocumentInput];
    await this.#index.indexMany(list);
    const latest = [...new Map(list.map((document) => [document.id, document])).values()];
    const semantic = this.#semantic;
    // A text without a word has no meaning to embed (and some providers refuse empty input).
    const embeddable = latest.filter((document) => document.text.trim().length > 0);
    if (semantic === undefined || embeddable.length === 0) return { indexed: latest.length, embedded: 0 };
    try {
      const vectors = await semantic.embedder.embed(
        embeddable.map((document) => document.text.slice(0, this.#tuning.maximumEmbeddedCharacters)),
        { signal: options.signal },
      );
      await semantic.vectorIndex.upsert(
        embeddable.map((document, position) => ({ id: document.id, values: vectors[position] ?? [], metadata: { kind: document.kind } })),
      );
    } catch (error) {
      if (!isDegradation(error)) throw error;
      log.warn('retrieval embedding failed', { kind: error.kind, documents: embeddable.length, provider: semantic.embedder.provider });
      return { indexed: latest.length, embedded: 0 };
    }
    // Between the upsert and here the documents may have been removed; marking ignores missing ids.
    this.#index.markVectorsStored(
      embeddable.map((document) => document.id),
      semantic.embedder.modelId,
    );
    return { indexed: latest.length, embedded: embeddable.length };
  }

  /** Removes a document from the blind index and its vector from the vector index. */
  async remove(id: string): Promise<boolean> {
    const removed = this.#index.remove(id);
    // Always asked: a vector may outlive its row if an earlier deletion failed half-way.
    await this.#semantic?.vectorIndex.deleteByIds([id]);
    return removed;
  }

  /** Removes every document of a source (a memory, a message, a file) and their vectors; returns their ids. */
  async removeBySource(sourceId: string): Promise<string[]> {
    const ids = this.#index.removeBySource(sourceId);
    if (ids.length > 0) await this.#semantic?.vectorIndex.deleteByIds(ids);
    return ids;
  }

  /**
   * Removes everything, vectors first: the blind index dies with the account's key, but vectors are
   * stored unencrypted, so they must be gone before the list of their ids is.
   */
  async removeAll(): Promise<void> {
    await this.#semantic?.vectorIndex.deleteByIds(this.#index.allIds());
    this.#index.clear();
  }

  /** Sets when a document stops holding; expired documents are left out of searches. */
  setValidity(id: string, validTo: number | null): boolean {
    return this.#index.setValidity(id, validTo);
  }

  /**
   * The best documents for `query`, best first, at most `limit` and within `tokenBudget`. Ranking reads
   * only blind terms, vectors and stored numbers: nothing is decrypted.
   */
  async search(query: string, options: RetrievalSearchOptions): Promise<RetrievalResult[]> {
    const limit = Math.floor(options.limit);
    if (limit < 1) return [];
    const tuning = this.#tuning;
    const candidateCount = Math.min(maximumTopK, Math.max(tuning.minimumCandidates, limit * 3));
    const filter = { kinds: options.kinds, includeExpired: options.includeExpired, now: options.now, excludeSourceIds: options.excludeSourceIds };

    const [lexical, semantic] = await Promise.all([
      this.#index.searchLexical(query, { ...filter, limit: candidateCount }),
      this.#searchVectors(query, candidateCount, filter, options.signal),
    ]);

    const fused = reciprocalRankFusion([lexical, semantic], { k: tuning.fusionK, weights: [tuning.lexicalWeight, tuning.vectorWeight] });
    const foundBy = new Map<string, RetrievalResult['matchedBy']>();
    for (const match of lexical) foundBy.set(match.id, ['lexical']);
    for (const match of semantic) foundBy.set(match.id, [...(foundBy.get(match.id) ?? []), 'vector']);

    const weighed = weighByRecencyAndImportance(fused, {
      now: options.now,
      halfLifeDays: tuning.halfLifeDays,
      importanceWeight: tuning.importanceWeight,
      recencyWeight: tuning.recencyWeight,
    });
    // Diversify among the best few only: MMR compares every pick with every candidate.
    const pool = weighed.slice(0, Math.max(limit * 3, tuning.minimumCandidates));
    const terms = this.#index.documentTerms(pool.map((candidate) => candidate.id));
    const noTerms = new Set<string>();
    const ordered = maximalMarginalRelevance(pool, {
      lambda: tuning.diversityLambda,
      // With a budget every candidate is ordered, so a smaller one can take the place of one too large.
      limit: options.tokenBudget === undefined ? limit : pool.length,
      similarity: (left, right) => jaccardSimilarity(terms.get(left.id) ?? noTerms, terms.get(right.id) ?? noTerms),
    });
    const fitted = options.tokenBudget === undefined ? ordered : fitTokenBudget(ordered, options.tokenBudget, (candidate) => candidate.tokenCount);

    return fitted.slice(0, limit).map((candidate) => ({
      id: candidate.id,
      kind: candidate.kind,
      sourceId: candidate.sourceId,
      score: candidate.score,
      createdAt: candidate.createdAt,
      importance: candidate.importance,
      tokenCount: candidate.tokenCount,
      matchedBy: foundBy.get(candidate.id) ?? [],
    }));
  }

  /** Vector candidates that still exist and pass the filter, closest first; none when degraded. */
  async #searchVectors(query: string, candidateCount: number, filter: RetrievalFilter, signal: AbortSignal | undefined): Promise<ScoredDocument[]> {
    const semantic = this.#semantic;
    if (semantic === undefined || query.trim().length === 0) return [];
    let matches: { id: string; score: number }[];
    try {
      const [vector] = await semantic.embedder.embed([query.slice(0, this.#tuning.maximumEmbeddedCharacters)], { signal });
      if (vector === undefined) return [];
      // Filtering by kind inside the index keeps the neighbours of other kinds from filling the topK. On
      // Vectorize this needs a metadata index on `kind` (see `RetrieverSettings.vectorIndex`).
      const kindFilter = filter.kinds === undefined ? undefined : { kind: { $in: [...filter.kinds] } };
      const found = await semantic.vectorIndex.query(vector, { topK: candidateCount, ...(kindFilter === undefined ? {} : { filter: kindFilter }) });
      matches = found.filter((match) => match.score >= this.#tuning.minimumVectorScore);
    } catch (error) {
      if (!isDegradation(error)) throw error;
      log.warn('retrieval vector search failed', { kind: error.kind, provider: semantic.embedder.provider });
      return [];
    }
    // The SQL rows are the truth: a vector whose document was removed, expired or is of another kind
    // drops out here (Vectorize applies deletions a few seconds late).
    const records = new Map(
      this.#index
        .documents(
          matches.map((match) => match.id),
          filter,
        )
        .map((record) => [record.id, record]),
    );
    return matches.flatMap((match) => {
      const record = records.get(match.id);
      return record === undefined ? [] : [{ ...record, score: match.score }];
    });
  }
}

/** Failures that make retrieval fall back to lexical search rather than fail. */
function isDegradation(error: unknown): error is EmbedderError | VectorIndexError {
  return error instanceof EmbedderError || error instanceof VectorIndexError;
}

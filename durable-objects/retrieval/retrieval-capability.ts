import type { SearchResult } from '../../common/protocol.ts';
import { log } from '../../server/logging/log.ts';
import { embedderFromConfig } from '../../server/providers/from-config.ts';
import { createVectorIndex } from '../../server/providers/vector-index/create-vector-index.ts';
import type { Capability, CapabilityHost } from '../host/capability.ts';
import { createBlindIndex } from './blind-index.ts';
import { RetrievalIndex, type RetrievalKind } from './retrieval-index.ts';
import { type RetrievalResult, type RetrievalSearchOptions, Retriever } from './retriever.ts';
import { retrievalSchemaSteps } from './schema.ts';

/** What a found document says, opened (decrypted) by the capability that owns it. */
export interface OpenedSource {
  text: string;
  externalId?: string;
}

/** Opens the results of one kind, keyed by result id; a result it cannot open (deleted meanwhile) is left out. */
export type SourceReader = (results: readonly RetrievalResult[]) => Promise<Map<string, OpenedSource>>;

/**
 * Search over everything the user has: the blind index always, vectors too when an embeddings
 * provider is configured. Other capabilities put their documents in (each formats its own) and search;
 * none of them sees these tables.
 */
export function createRetrievalCapability(host: CapabilityHost) {
  const blindIndexKey = async () => (await host.vault.keys()).blindIndex;
  const index = new RetrievalIndex(host.sql, createBlindIndex({ key: blindIndexKey }));
  let retriever: Retriever | undefined;
  /** Made when first needed: the providers come from the configuration, which may be wrong and must then fail the call, not the object. */
  const current = (): Retriever => {
    if (retriever) return retriever;
    const config = host.config();
    const embedder = embedderFromConfig(config, host.env);
    const vectorIndex = embedder
      ? config.VECTOR_INDEX === 'vectorize' && host.env.VECTORIZE
        ? createVectorIndex({ provider: 'vectorize', binding: host.env.VECTORIZE, namespace: host.userId, dimensions: embedder.dimensions })
        : createVectorIndex({ provider: 'local', sql: host.sql })
      : undefined;
    if (!embedder) log.info('retrieval is lexical only', { userId: host.userId, reason: 'EMBEDDINGS_PROVIDER is none' });
    retriever = new Retriever({ index, embedder, vectorIndex });
    return retriever;
  };
  const readers = new Map<RetrievalKind, SourceReader>();
  const pendingWrites: (() => Promise<void>)[] = [];

  /** Ranked by the hybrid retriever, then opened only for the results returned, each by its owner. */
  const search = async (query: string, options: RetrievalSearchOptions): Promise<SearchResult[]> => {
    await Promise.all(pendingWrites.map((settled) => settled()));
    const results = await current().search(query, options);
    const kinds = [...new Set(results.map((result) => result.kind))];
    const opened = new Map(
      await Promise.all(kinds.map(async (kind) => [kind, (await readers.get(kind)?.(results.filter((result) => result.kind === kind))) ?? new Map()] as const)),
    );
    return results.flatMap((result) => {
      const source = opened.get(result.kind)?.get(result.id);
      if (!source) return [];
      return [
        {
          kind: result.kind,
          id: result.id,
          sourceId: result.sourceId,
          score: result.score,
          createdAt: new Date(result.createdAt).toISOString(),
          text: source.text,
          ...(source.externalId ? { externalId: source.externalId } : {}),
        },
      ];
    });
  };

  return {
    name: 'retrieval',
    schema: retrievalSchemaSteps,
    retriever: current,
    /** Each capability that indexes documents of a kind says how to open them for search results. */
    registerReader(kind: RetrievalKind, reader: SourceReader): void {
      readers.set(kind, reader);
    },
    /** A capability that indexes after the fact says how to wait for it, so a search sees what was just stored. */
    registerPendingWrites(settled: () => Promise<void>): void {
      pendingWrites.push(settled);
    },
    search,
    rpc: {
      /** One search over everything the user has: memories, conversation turns and file chunks. */
      async search(query: { query: string; limit: number; kinds?: RetrievalKind[] }): Promise<{ results: SearchResult[]; tookMs: number }> {
        const startedAt = performance.now();
        const results = await search(query.query, { limit: query.limit, kinds: query.kinds, now: host.now() });
        return { results, tookMs: Math.round((performance.now() - startedAt) * 100) / 100 };
      },
    },
    /** The user's key for hashing terms and paths: files hash their paths with it. */
    blindIndexKey,
    destroyExternalData: async () => {
      await current().removeAll();
    },
  } satisfies Capability;
}

export type RetrievalCapability = ReturnType<typeof createRetrievalCapability>;

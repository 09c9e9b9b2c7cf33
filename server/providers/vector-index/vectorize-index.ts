/**
 * The vector index over a Cloudflare Vectorize (V2) binding, scoped to one user by a namespace. Vectorize
 * keeps ids unique across the whole index and `deleteByIds` takes no namespace, so a namespace alone would
 * let one user's upsert or delete touch another's vector with the same id. Each id is therefore stored
 * with a tag of the namespace in front, and matches without this index's tag are never returned.
 */
import { bytesToBase64Url } from '../../crypto/encoding.ts';
import {
  type VectorIndex,
  VectorIndexError,
  type VectorMatch,
  type VectorQueryOptions,
  type VectorRecord,
  validateId,
  validateQuery,
  validateVectors,
} from './vector-index.ts';

/** The part of the Vectorize binding this adapter uses; the real `Vectorize` binding and the test fake both fit. */
export interface VectorizeBinding {
  upsert(vectors: VectorizeVector[]): Promise<unknown>;
  query(vector: number[], options?: VectorizeQueryOptions): Promise<VectorizeMatches>;
  deleteByIds(ids: string[]): Promise<unknown>;
}

/** Settings of the Vectorize adapter. */
export interface VectorizeIndexSettings {
  binding: VectorizeBinding;
  /** The user's namespace, at most 64 bytes: the user id. */
  namespace: string;
  /**
   * The index's configured dimensions (the embedder's). When given, a vector of another length is the
   * caller's `invalid-input` before any call; without it, Vectorize's own refusal arrives as `provider`.
   */
  dimensions?: number;
}

/** Vectorize's documented limits. */
export const maximumNamespaceBytes = 64;
const maximumVectorsPerUpsert = 1000;
const maximumIdsPerDelete = 1000;

/** Base64url characters of SHA-256(namespace) in each stored id: 60 bits, plus one separator. */
const namespaceTagLength = 10;

export function createVectorizeIndex(settings: VectorizeIndexSettings): VectorIndex {
  const { binding, namespace } = settings;
  const namespaceBytes = new TextEncoder().encode(namespace).length;
  if (namespaceBytes === 0 || namespaceBytes > maximumNamespaceBytes) {
    throw new VectorIndexError('invalid-input', `A Vectorize namespace must be 1 to ${maximumNamespaceBytes} bytes, not ${namespaceBytes}.`);
  }
  let prefix: Promise<string> | undefined;
  const storedIdPrefix = () => {
    prefix ??= crypto.subtle
      .digest('SHA-256', new TextEncoder().encode(namespace))
      .then((digest) => `${bytesToBase64Url(new Uint8Array(digest)).slice(0, namespaceTagLength)}:`);
    return prefix;
  };

  async function call<Result>(operation: string, run: () => Promise<Result>): Promise<Result> {
    try {
      return await run();
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new VectorIndexError('provider', `Vectorize could not ${operation}: ${detail}`, { cause: error });
    }
  }

  return {
    provider: 'vectorize',

    async upsert(vectors: readonly VectorRecord[]): Promise<void> {
      validateVectors(vectors, settings.dimensions);
      const idPrefix = await storedIdPrefix();
      for (let start = 0; start < vectors.length; start += maximumVectorsPerUpsert) {
        const batch = vectors.slice(start, start + maximumVectorsPerUpsert).map((vector) => ({
          id: idPrefix + vector.id,
          values: [...vector.values],
          namespace,
          ...(vector.metadata === undefined ? {} : { metadata: vector.metadata }),
        }));
        await call('upsert vectors', () => binding.upsert(batch));
      }
    },

    async query(values: readonly number[], options: VectorQueryOptions): Promise<VectorMatch[]> {
      validateQuery(values, options, settings.dimensions);
      const idPrefix = await storedIdPrefix();
      // Without values or metadata in the answer Vectorize allows its largest topK (100).
      const result = await call('query vectors', () =>
        binding.query([...values], {
          topK: options.topK,
          namespace,
          returnValues: false,
          returnMetadata: 'none',
          ...(options.filter === undefined ? {} : { filter: options.filter }),
        }),
      );
      return result.matches.flatMap((match) => (match.id.startsWith(idPrefix) ? [{ id: match.id.slice(idPrefix.length), score: match.score }] : []));
    },

    async deleteByIds(ids: readonly string[]): Promise<void> {
      for (const id of ids) validateId(id);
      const idPrefix = await storedIdPrefix();
      const storedIds = [...new Set(ids)].map((id) => idPrefix + id);
      for (let start = 0; start < storedIds.length; start += maximumIdsPerDelete) {
        const batch = storedIds.slice(start, start + maximumIdsPerDelete);
        await call('delete vectors', () => binding.deleteByIds(batch));
      }
    },
  };
}

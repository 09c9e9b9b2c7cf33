/**
 * Picks the vector index the configuration names (`VECTOR_INDEX`): Vectorize on Cloudflare, the in-object
 * exact search locally. Either way the index is one user's.
 */
import { createLocalVectorIndex } from './local-vector-index.ts';
import type { VectorIndex } from './vector-index.ts';
import { createVectorizeIndex, type VectorizeBinding } from './vectorize-index.ts';

/** The validated vector index configuration, one variant per adapter. */
export type VectorIndexSettings =
  | { provider: 'local'; sql: SqlStorage }
  | { provider: 'vectorize'; binding: VectorizeBinding; namespace: string; dimensions?: number };

export function createVectorIndex(settings: VectorIndexSettings): VectorIndex {
  switch (settings.provider) {
    case 'local':
      return createLocalVectorIndex({ sql: settings.sql });
    case 'vectorize':
      return createVectorizeIndex({ binding: settings.binding, namespace: settings.namespace, dimensions: settings.dimensions });
  }
}

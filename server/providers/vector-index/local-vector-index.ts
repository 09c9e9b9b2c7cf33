/**
 * Exact cosine search inside the user's own object SQLite: the vector index of local mode, where
 * Vectorize does not exist. Brute force over one user's vectors, which are few enough that an index
 * structure would cost more than it saves.
 */
import {
  matchesVectorFilter,
  type VectorIndex,
  VectorIndexError,
  type VectorMatch,
  type VectorMetadata,
  type VectorQueryOptions,
  type VectorRecord,
  validateQuery,
  validateVectors,
} from './vector-index.ts';

/** Settings of the in-object vector index. */
export interface LocalVectorIndexSettings {
  /** The object's SQLite, holding the `retrieval_vectors` table (the companion object's schema step 2). */
  sql: SqlStorage;
}

/** Durable Objects allow 100 bound parameters per statement; an upsert row takes 4. */
const rowsPerUpsert = 25;
const idsPerDelete = 100;

export function createLocalVectorIndex(settings: LocalVectorIndexSettings): VectorIndex {
  const { sql } = settings;

  function storedDimensions(): number | undefined {
    return sql.exec<{ dimensions: number }>('SELECT dimensions FROM retrieval_vectors LIMIT 1').toArray()[0]?.dimensions;
  }

  return {
    provider: 'local',

    async upsert(vectors: readonly VectorRecord[]): Promise<void> {
      if (vectors.length === 0) return;
      // One user's vectors all come from one model; a different length means a model change, which must
      // clear the old vectors first, exactly as a Vectorize index is fixed to its dimensions.
      const existing = storedDimensions();
      validateVectors(vectors, existing);
      for (let start = 0; start < vectors.length; start += rowsPerUpsert) {
        const batch = vectors.slice(start, start + rowsPerUpsert);
        const values = batch.flatMap((vector) => [
          vector.id,
          vector.values.length,
          unitFloat32(vector.values).buffer,
          vector.metadata === undefined ? null : JSON.stringify(vector.metadata),
        ]);
        sql.exec(
          `INSERT INTO retrieval_vectors (id, dimensions, vector, metadata) VALUES ${batch.map(() => '(?, ?, ?, ?)').join(', ')}
           ON CONFLICT (id) DO UPDATE SET dimensions = excluded.dimensions, vector = excluded.vector, metadata = excluded.metadata`,
          ...values,
        );
      }
    },

    async query(values: readonly number[], options: VectorQueryOptions): Promise<VectorMatch[]> {
      const dimensions = storedDimensions();
      validateQuery(values, options, dimensions);
      if (dimensions === undefined) return [];
      const query = unitFloat32(values);
      const best = new TopMatches(options.topK);
      const filter = options.filter;
      const columns = filter === undefined ? 'id, vector' : 'id, vector, metadata';
      // One pass over the rows, streamed from the cursor: only the current row's bytes and the top K are
      // held, so memory stays flat however many vectors the user has.
      for (const row of sql.exec<{ id: string; vector: ArrayBuffer; metadata?: string | null }>(`SELECT ${columns} FROM retrieval_vectors`)) {
        if (filter !== undefined && !matchesVectorFilter(parseMetadata(row.metadata), filter)) continue;
        const stored = new Float32Array(row.vector);
        let dot = 0;
        for (let index = 0; index < stored.length; index++) dot += (stored[index] as number) * (query[index] as number);
        best.offer(row.id, dot);
      }
      return best.sorted();
    },

    async deleteByIds(ids: readonly string[]): Promise<void> {
      const unique = [...new Set(ids)];
      for (let start = 0; start < unique.length; start += idsPerDelete) {
        const batch = unique.slice(start, start + idsPerDelete);
        sql.exec(`DELETE FROM retrieval_vectors WHERE id IN (${batch.map(() => '?').join(', ')})`, ...batch);
      }
    },
  };
}

/** The vector scaled to length 1 (an all-zero vector stays zero and matches nothing). */
function unitFloat32(values: readonly number[]): Float32Array<ArrayBuffer> {
  let squares = 0;
  for (const value of values) squares += value * value;
  const scale = squares === 0 ? 0 : 1 / Math.sqrt(squares);
  return Float32Array.from(values, (value) => value * scale);
}

function parseMetadata(text: string | null | undefined): VectorMetadata | undefined {
  if (text === null || text === undefined) return undefined;
  try {
    return JSON.parse(text) as VectorMetadata;
  } catch (error) {
    throw new VectorIndexError('provider', 'A stored vector has unreadable metadata.', { cause: error });
  }
}

/** The best `size` matches seen so far, kept sorted best first; most offers lose to the worst kept and cost one comparison. */
class TopMatches {
  readonly #matches: VectorMatch[] = [];

  constructor(private readonly size: number) {}

  offer(id: string, score: number): void {
    const matches = this.#matches;
    if (matches.length === this.size && score <= (matches[matches.length - 1]?.score ?? Number.NEGATIVE_INFINITY)) return;
    let position = matches.length;
    while (position > 0 && (matches[position - 1]?.score ?? 0) < score) position--;
    matches.splice(position, 0, { id, score });
    if (matches.length > this.size) matches.pop();
  }

  sorted(): VectorMatch[] {
    return [...this.#matches];
  }
}

/**
 * A fake of a Cloudflare Vectorize (V2) index binding, faithful to its documented contract and limits:
 * a fixed number of dimensions and a metric; ids unique across the whole index (a namespace is an
 * attribute of a vector, so `deleteByIds`, which takes no namespace, deletes wherever the id is); queries
 * confined to their namespace when they name one; ids and namespaces of at most 64 bytes; at most 1000
 * vectors per upsert; metadata of at most 10 KiB; topK at most 100, or 20 when values or all metadata are
 * returned. Unlike Vectorize, mutations apply at once rather than a few seconds later, and failures are
 * thrown `Error`s in the fake's own words (tests assert on the kind, not on Vectorize's wording). Runs
 * inside workerd and records every call.
 */

/** How to build the fake index. */
export interface FakeVectorizeOptions {
  dimensions: number;
  metric?: VectorizeDistanceMetric;
}

/** One recorded call, arguments deep-copied as they were at call time. */
export type FakeVectorizeCall =
  | { method: 'upsert' | 'insert'; vectors: VectorizeVector[] }
  | { method: 'query'; vector: number[]; options: VectorizeQueryOptions | undefined }
  | { method: 'deleteByIds' | 'getByIds'; ids: string[] };

interface StoredVector {
  id: string;
  values: number[];
  namespace: string | undefined;
  metadata: Record<string, VectorizeVectorMetadata> | undefined;
}

/** The fake binding, its record of calls and a view of what it stores. */
export interface FakeVectorize {
  upsert(vectors: VectorizeVector[]): Promise<VectorizeAsyncMutation>;
  insert(vectors: VectorizeVector[]): Promise<VectorizeAsyncMutation>;
  query(vector: number[] | Float32Array | Float64Array, options?: VectorizeQueryOptions): Promise<VectorizeMatches>;
  deleteByIds(ids: string[]): Promise<VectorizeAsyncMutation>;
  getByIds(ids: string[]): Promise<VectorizeVector[]>;
  describe(): Promise<VectorizeIndexInfo>;
  readonly calls: FakeVectorizeCall[];
  /** Every stored vector, by its stored id. */
  readonly stored: ReadonlyMap<string, StoredVector>;
}

const maximumIdBytes = 64;
const maximumNamespaceBytes = 64;
const maximumUpsertBatch = 1000;
const maximumMetadataBytes = 10_240;
const maximumTopKWithoutValues = 100;
const maximumTopKWithValues = 20;

const encoder = new TextEncoder();

export function createFakeVectorize(options: FakeVectorizeOptions): FakeVectorize {
  const metric = options.metric ?? 'cosine';
  const stored = new Map<string, StoredVector>();
  const calls: FakeVectorizeCall[] = [];
  let mutationCounter = 0;

  function mutation(): VectorizeAsyncMutation {
    mutationCounter++;
    return { mutationId: `fake-mutation-${mutationCounter}` };
  }

  function checkVector(vector: VectorizeVector): StoredVector {
    checkId(vector.id);
    if (vector.namespace !== undefined) checkNamespace(vector.namespace);
    const values = Array.from(vector.values);
    if (values.length !== options.dimensions) {
      throw new Error(`VECTOR_UPSERT_ERROR: vector ${vector.id} has ${values.length} dimensions, the index has ${options.dimensions}`);
    }
    if (!values.every(Number.isFinite)) throw new Error(`VECTOR_UPSERT_ERROR: vector ${vector.id} has a non-finite value`);
    if (vector.metadata !== undefined) checkMetadata(vector.id, vector.metadata);
    // Vectorize keeps float32 precision.
    return { id: vector.id, values: Array.from(Float32Array.from(values)), namespace: vector.namespace, metadata: structuredClone(vector.metadata) };
  }

  function write(method: 'upsert' | 'insert', vectors: VectorizeVector[]): VectorizeAsyncMutation {
    calls.push({ method, vectors: structuredClone(vectors.map((vector) => ({ ...vector, values: Array.from(vector.values) }))) });
    if (vectors.length === 0) throw new Error(`VECTOR_${method.toUpperCase()}_ERROR: no vectors given`);
    if (vectors.length > maximumUpsertBatch) throw new Error(`VECTOR_${method.toUpperCase()}_ERROR: at most ${maximumUpsertBatch} vectors per batch`);
    const checked = vectors.map(checkVector);
    for (const vector of checked) {
      if (method === 'insert' && stored.has(vector.id)) continue;
      stored.set(vector.id, vector);
    }
    return mutation();
  }

  function score(left: number[], right: number[]): number {
    let dot = 0;
    let leftNorm = 0;
    let rightNorm = 0;
    let squaredDistance = 0;
    left.forEach((value, index) => {
      const other = right[index] ?? 0;
      dot += value * other;
      leftNorm += value * value;
      rightNorm += other * other;
      squaredDistance += (value - other) ** 2;
    });
    if (metric === 'dot-product') return dot;
    if (metric === 'euclidean') return Math.sqrt(squaredDistance);
    return leftNorm === 0 || rightNorm === 0 ? 0 : dot / Math.sqrt(leftNorm * rightNorm);
  }

  return {
    calls,
    stored,
    upsert: async (vectors) => write('upsert', vectors),
    insert: async (vectors) => write('insert', vectors),

    async query(vector, queryOptions) {
      const values = Array.from(vector);
      calls.push({ method: 'query', vector: values, options: structuredClone(queryOptions) });
      if (values.length !== options.dimensions) {
        throw new Error(`VECTOR_QUERY_ERROR: query vector has ${values.length} dimensions, the index has ${options.dimensions}`);
      }
      const topK = queryOptions?.topK ?? 5;
      const returnsValues = queryOptions?.returnValues === true;
      const returnMetadata = queryOptions?.returnMetadata ?? 'none';
      const returnsAllMetadata = returnMetadata === true || returnMetadata === 'all';
      const topKLimit = returnsValues || returnsAllMetadata ? maximumTopKWithValues : maximumTopKWithoutValues;
      if (!Number.isInteger(topK) || topK < 1 || topK > topKLimit) {
        throw new Error(`VECTOR_QUERY_ERROR: topK must be from 1 to ${topKLimit} with these return options, not ${topK}`);
      }
      const namespace = queryOptions?.namespace;
      if (namespace !== undefined) checkNamespace(namespace);
      const candidates = [...stored.values()].filter(
        (candidate) =>
          (namespace === undefined || candidate.namespace === namespace) &&
          (queryOptions?.filter === undefined || passesFilter(candidate.metadata, queryOptions.filter)),
      );
      const ascending = metric === 'euclidean';
      const matches = candidates
        .map((candidate) => ({ candidate, score: score(values, candidate.values) }))
        .sort((left, right) => (ascending ? left.score - right.score : right.score - left.score))
        .slice(0, topK)
        .map(({ candidate, score: matchScore }) => ({
          id: candidate.id,
          score: matchScore,
          ...(candidate.namespace === undefined ? {} : { namespace: candidate.namespace }),
          ...(returnsValues ? { values: [...candidate.values] } : {}),
          ...(returnMetadata !== 'none' && returnMetadata !== false && candidate.metadata !== undefined
            ? { metadata: structuredClone(candidate.metadata) }
            : {}),
        }));
      return { matches, count: matches.length };
    },

    async deleteByIds(ids) {
      calls.push({ method: 'deleteByIds', ids: [...ids] });
      for (const id of ids) stored.delete(id);
      return mutation();
    },

    async getByIds(ids) {
      calls.push({ method: 'getByIds', ids: [...ids] });
      return ids.flatMap((id) => {
        const vector = stored.get(id);
        if (vector === undefined) return [];
        return [
          {
            id: vector.id,
            values: [...vector.values],
            ...(vector.namespace === undefined ? {} : { namespace: vector.namespace }),
            ...(vector.metadata === undefined ? {} : { metadata: structuredClone(vector.metadata) }),
          },
        ];
      });
    },

    async describe() {
      return { vectorCount: stored.size, dimensions: options.dimensions, processedUpToDatetime: Date.now(), processedUpToMutation: mutationCounter };
    },
  };
}

function checkId(id: string): void {
  const bytes = encoder.encode(id).length;
  if (bytes === 0 || bytes > maximumIdBytes) throw new Error(`VECTOR_UPSERT_ERROR: vector id must be 1 to ${maximumIdBytes} bytes, not ${bytes}`);
}

function checkNamespace(namespace: string): void {
  const bytes = encoder.encode(namespace).length;
  if (bytes === 0 || bytes > maximumNamespaceBytes) throw new Error(`VECTOR_ERROR: namespace must be 1 to ${maximumNamespaceBytes} bytes, not ${bytes}`);
}

function checkMetadata(id: string, metadata: Record<string, VectorizeVectorMetadata>): void {
  for (const key of Object.keys(metadata)) {
    if (key.length === 0 || key.includes('.') || key.includes('"') || key.startsWith('$')) {
      throw new Error(`VECTOR_UPSERT_ERROR: vector ${id} has an invalid metadata key "${key}"`);
    }
  }
  if (encoder.encode(JSON.stringify(metadata)).length > maximumMetadataBytes) {
    throw new Error(`VECTOR_UPSERT_ERROR: vector ${id} has more than ${maximumMetadataBytes} bytes of metadata`);
  }
}

type FilterOperand = string | number | boolean | null;

/** Every field must match; a bare value means `$eq`. */
function passesFilter(metadata: Record<string, VectorizeVectorMetadata> | undefined, filter: VectorizeVectorMetadataFilter): boolean {
  return Object.entries(filter).every(([field, condition]) => {
    const raw = metadata?.[field];
    const value: FilterOperand | undefined = typeof raw === 'object' && raw !== null ? undefined : (raw as FilterOperand | undefined);
    const operators: Record<string, FilterOperand | FilterOperand[] | undefined> =
      typeof condition === 'object' && condition !== null ? (condition as Record<string, FilterOperand | FilterOperand[]>) : { $eq: condition };
    return Object.entries(operators).every(([operator, operand]) => {
      switch (operator) {
        case '$eq':
          return value === operand;
        case '$ne':
          return value !== operand;
        case '$in':
          return Array.isArray(operand) && value !== undefined && operand.includes(value);
        case '$nin':
          return Array.isArray(operand) && (value === undefined || !operand.includes(value));
        case '$lt':
          return comparable(value, operand) && (value as number | string) < (operand as number | string);
        case '$lte':
          return comparable(value, operand) && (value as number | string) <= (operand as number | string);
        case '$gt':
          return comparable(value, operand) && (value as number | string) > (operand as number | string);
        case '$gte':
          return comparable(value, operand) && (value as number | string) >= (operand as number | string);
        default:
          throw new Error(`VECTOR_QUERY_ERROR: unknown filter operator ${operator}`);
      }
    });
  });
}

function comparable(value: unknown, operand: unknown): boolean {
  return (typeof value === 'number' || typeof value === 'string') && typeof value === typeof operand;
}

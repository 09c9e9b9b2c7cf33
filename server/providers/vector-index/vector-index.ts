/**
 * The vector index port: nearest-neighbour search over one user's vectors. Every instance is scoped to a
 * single user (a Vectorize namespace, or that user's own object SQLite), so no call can reach another
 * user's vectors. Adapters: Vectorize, and exact search inside the object for local mode.
 *
 * The adapters share one set of limits, Vectorize's documented ones, so code that works locally also
 * works on Cloudflare.
 */

/** A metadata value; never put a user's words here, since vectors and metadata are stored unencrypted. */
export type VectorMetadataValue = string | number | boolean;

export type VectorMetadata = Record<string, VectorMetadataValue>;

/** Comparison operators, as Vectorize documents them for metadata filters. */
export interface VectorFilterOperators {
  $eq?: VectorMetadataValue;
  $ne?: VectorMetadataValue;
  $in?: VectorMetadataValue[];
  $nin?: VectorMetadataValue[];
  $lt?: string | number;
  $lte?: string | number;
  $gt?: string | number;
  $gte?: string | number;
}

/** Every field must match: a bare value means `$eq`. */
export type VectorFilter = Record<string, VectorMetadataValue | VectorFilterOperators>;

export interface VectorRecord {
  /** At most `maximumVectorIdBytes` bytes of UTF-8. */
  id: string;
  values: readonly number[];
  metadata?: VectorMetadata;
}

export interface VectorQueryOptions {
  /** 1 to `maximumTopK`. */
  topK: number;
  filter?: VectorFilter;
}

/** A neighbour; `score` is the cosine similarity, higher is closer. */
export interface VectorMatch {
  id: string;
  score: number;
}

export interface VectorIndex {
  readonly provider: string;
  /** Adds vectors or replaces those with the same id (values and metadata in full). */
  upsert(vectors: readonly VectorRecord[]): Promise<void>;
  /** The `topK` nearest vectors by cosine similarity, closest first. */
  query(values: readonly number[], options: VectorQueryOptions): Promise<VectorMatch[]>;
  /** Removes the given ids; unknown ids are ignored. */
  deleteByIds(ids: readonly string[]): Promise<void>;
}

/** Vectorize's largest `topK` when neither values nor metadata are returned. */
export const maximumTopK = 100;

/**
 * Vectorize allows 64-byte ids. Its ids are unique across a whole index, not per namespace, and
 * `deleteByIds` takes no namespace, so the Vectorize adapter prefixes each id with an 11-byte tag of its
 * namespace; 53 bytes are left for the caller's id. The local adapter keeps the same limit.
 */
export const maximumVectorIdBytes = 53;

/** Vectorize's largest vector. */
export const maximumDimensions = 1536;

/** Vectorize's limit of metadata per vector, as JSON. */
export const maximumMetadataBytes = 10_240;

export type VectorIndexErrorKind = 'invalid-input' | 'provider';

/** A failure with a stable kind: `invalid-input` is a caller's mistake, `provider` the store's. */
export class VectorIndexError extends Error {
  override readonly name = 'VectorIndexError';
  constructor(
    readonly kind: VectorIndexErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const encoder = new TextEncoder();

/** Throws `invalid-input` for anything Vectorize would refuse, before any adapter stores a thing. */
export function validateVectors(vectors: readonly VectorRecord[], expectedDimensions?: number): void {
  const dimensions = expectedDimensions ?? vectors[0]?.values.length;
  for (const vector of vectors) {
    validateId(vector.id);
    validateValues(vector.values, dimensions);
    if (vector.metadata !== undefined) validateMetadata(vector.metadata);
  }
}

/** Throws `invalid-input` for a query Vectorize would refuse. */
export function validateQuery(values: readonly number[], options: VectorQueryOptions, expectedDimensions?: number): void {
  validateValues(values, expectedDimensions);
  if (!Number.isInteger(options.topK) || options.topK < 1 || options.topK > maximumTopK) {
    throw new VectorIndexError('invalid-input', `topK must be a whole number from 1 to ${maximumTopK}, not ${options.topK}.`);
  }
}

export function validateId(id: string): void {
  if (typeof id !== 'string' || id.length === 0) throw new VectorIndexError('invalid-input', 'A vector id must be a non-empty string.');
  const bytes = encoder.encode(id).length;
  if (bytes > maximumVectorIdBytes) {
    throw new VectorIndexError('invalid-input', `A vector id may be at most ${maximumVectorIdBytes} bytes; one is ${bytes}.`);
  }
}

function validateValues(values: readonly number[], expectedDimensions: number | undefined): void {
  if (values.length === 0 || values.length > maximumDimensions) {
    throw new VectorIndexError('invalid-input', `A vector must have 1 to ${maximumDimensions} dimensions, not ${values.length}.`);
  }
  if (expectedDimensions !== undefined && values.length !== expectedDimensions) {
    throw new VectorIndexError('invalid-input', `This index holds vectors of ${expectedDimensions} dimensions, not ${values.length}.`);
  }
  if (!values.every(Number.isFinite)) throw new VectorIndexError('invalid-input', 'A vector must contain only finite numbers.');
}

function validateMetadata(metadata: VectorMetadata): void {
  for (const key of Object.keys(metadata)) {
    // Vectorize's documented rule for metadata keys.
    if (key.length === 0 || key.includes('.') || key.includes('"') || key.startsWith('$')) {
      throw new VectorIndexError('invalid-input', `"${key}" is not a valid metadata key: it must be non-empty, without "." or '"', and not start with "$".`);
    }
  }
  if (encoder.encode(JSON.stringify(metadata)).length > maximumMetadataBytes) {
    throw new VectorIndexError('invalid-input', `A vector's metadata may be at most ${maximumMetadataBytes} bytes of JSON.`);
  }
}

/** Whether `metadata` passes `filter`: every field must match, and a field the vector lacks passes only `$ne` and `$nin`. */
export function matchesVectorFilter(metadata: VectorMetadata | undefined, filter: VectorFilter): boolean {
  for (const [field, condition] of Object.entries(filter)) {
    const value = metadata?.[field];
    const operators: VectorFilterOperators = typeof condition === 'object' && condition !== null ? condition : { $eq: condition };
    if (operators.$eq !== undefined && value !== operators.$eq) return false;
    if (operators.$ne !== undefined && value === operators.$ne) return false;
    if (operators.$in !== undefined && (value === undefined || !operators.$in.includes(value))) return false;
    if (operators.$nin !== undefined && value !== undefined && operators.$nin.includes(value)) return false;
    if (!matchesRange(value, operators)) return false;
  }
  return true;
}

function matchesRange(value: VectorMetadataValue | undefined, operators: VectorFilterOperators): boolean {
  const bounds = [operators.$lt, operators.$lte, operators.$gt, operators.$gte];
  if (bounds.every((bound) => bound === undefined)) return true;
  if (typeof value !== 'string' && typeof value !== 'number') return false;
  const comparable = (bound: string | number | undefined): bound is string | number => bound !== undefined && typeof bound === typeof value;
  if (operators.$lt !== undefined && !(comparable(operators.$lt) && value < operators.$lt)) return false;
  if (operators.$lte !== undefined && !(comparable(operators.$lte) && value <= operators.$lte)) return false;
  if (operators.$gt !== undefined && !(comparable(operators.$gt) && value > operators.$gt)) return false;
  if (operators.$gte !== undefined && !(comparable(operators.$gte) && value >= operators.$gte)) return false;
  return true;
}

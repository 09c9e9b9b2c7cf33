/**
 * The embedder port: text in, vectors out. Each provider (the Workers AI binding, any OpenAI-compatible
 * API) is an adapter made by a `createX(settings)` factory; retrieval only ever sees this interface.
 */

/** Per-call settings. */
export interface EmbedOptions {
  /** Aborts the provider call: the caller's timeout or a client that went away. */
  signal?: AbortSignal;
}

export interface Embedder {
  readonly provider: string;
  readonly modelId: string;
  /**
   * The length of every vector this embedder returns. Known up front for the models the adapters list;
   * for another model it is `undefined` until the first answer shows it.
   */
  readonly dimensions: number | undefined;
  /**
   * One vector per text, in the order of `texts`, all of `dimensions` numbers. Adapters split long lists
   * into the provider's batch size. An empty list answers `[]` without calling the provider. Throws
   * `EmbedderError` for provider failures; a caller's own cancellation is rethrown as its reason.
   */
  embed(texts: readonly string[], options?: EmbedOptions): Promise<number[][]>;
}

export type EmbedderErrorKind = 'timeout' | 'provider' | 'invalid-response';

/** A provider failure with a stable kind; retrieval falls back to lexical search on any of them. */
export class EmbedderError extends Error {
  override readonly name = 'EmbedderError';
  constructor(
    readonly kind: EmbedderErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A caller that gave up on time is a timeout; any other abort is a cancellation, passed through as is. */
export function callerAbortFailure(callerSignal: AbortSignal): unknown {
  const reason: unknown = callerSignal.reason;
  // `AbortSignal.timeout()` aborts with a DOMException named TimeoutError.
  if (typeof reason === 'object' && reason !== null && 'name' in reason && reason.name === 'TimeoutError') {
    return new EmbedderError('timeout', 'The embedding call ran out of time.', { cause: reason });
  }
  return reason ?? new DOMException('The embedding call was aborted.', 'AbortError');
}

/**
 * Checks a provider's vectors against what was asked: one per text, all of one finite length (the expected
 * one when known). Returns that length.
 */
export function checkVectors(
  vectors: readonly (readonly number[])[],
  textCount: number,
  expectedDimensions: number | undefined,
  describeProvider: string,
): number {
  if (vectors.length !== textCount) {
    throw new EmbedderError('invalid-response', `${describeProvider} returned ${vectors.length} vectors for ${textCount} texts.`);
  }
  const dimensions = expectedDimensions ?? vectors[0]?.length ?? 0;
  for (const vector of vectors) {
    if (vector.length !== dimensions || dimensions === 0) {
      throw new EmbedderError('invalid-response', `${describeProvider} returned a vector of ${vector.length} numbers where ${dimensions} were expected.`);
    }
    if (!vector.every(Number.isFinite)) throw new EmbedderError('invalid-response', `${describeProvider} returned a vector with a non-finite number.`);
  }
  return dimensions;
}

/** Splits `items` into runs of at most `size`. */
export function inBatches<Item>(items: readonly Item[], size: number): Item[][] {
  const batches: Item[][] = [];
  for (let start = 0; start < items.length; start += size) batches.push(items.slice(start, start + size));
  return batches;
}

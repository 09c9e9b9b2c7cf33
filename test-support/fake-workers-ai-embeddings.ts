/**
 * A fake of the Workers AI binding's `run(model, inputs, options)` for text-embedding models, faithful to
 * Cloudflare's documented contract: known model ids only, input `{ text: string | string[] }`, output
 * `{ shape: [count, dimensions], data: number[][] }`, and failures thrown as `Error`s whose message reads
 * `AiError: <code>: <description>`. Vectors are deterministic bags of words, so texts sharing words are
 * close. Runs inside workerd; scripted per call and recording every call.
 */
import type { WorkersAIEmbeddingBinding } from '../server/providers/embeddings/workers-ai.ts';

/** The text-embedding models the fake knows, with their documented output dimensions. */
export const fakeWorkersAIEmbeddingModels: Readonly<Record<string, number>> = {
  '@cf/baai/bge-small-en-v1.5': 384,
  '@cf/baai/bge-base-en-v1.5': 768,
  '@cf/baai/bge-large-en-v1.5': 1024,
};

/** How the next `run` goes wrong instead of answering. */
export type FakeEmbeddingFailure =
  /** The binding throws a documented capacity error. */
  | 'provider-error'
  /** The output breaks the documented shape. */
  | 'malformed'
  /** One vector fewer than texts. */
  | 'wrong-count'
  /** Never answers, until the call's signal aborts. */
  | 'hang';

/** One recorded `run` call. */
export interface FakeWorkersAIEmbeddingCall {
  model: string;
  inputs: Record<string, unknown>;
  options: Record<string, unknown> | undefined;
}

/** The fake binding plus its failure queue and its record of calls. */
export interface FakeWorkersAIEmbeddings extends WorkersAIEmbeddingBinding {
  /** Queues failures: each `run` consumes the next one; with none left it answers normally. */
  failNext(...failures: FakeEmbeddingFailure[]): void;
  /** Every `run` call, oldest first, inputs deep-copied as they were at call time. */
  readonly calls: FakeWorkersAIEmbeddingCall[];
}

export function createFakeWorkersAIEmbeddings(): FakeWorkersAIEmbeddings {
  const failures: FakeEmbeddingFailure[] = [];
  const calls: FakeWorkersAIEmbeddingCall[] = [];

  async function run(model: string, inputs: Record<string, unknown>, options?: Record<string, unknown>): Promise<unknown> {
    calls.push({ model, inputs: structuredClone(inputs), options });
    const dimensions = fakeWorkersAIEmbeddingModels[model];
    if (dimensions === undefined) throw new Error(`AiError: 5007: No such model ${model} or task`);
    const text = inputs.text;
    const texts = typeof text === 'string' ? [text] : text;
    if (!Array.isArray(texts) || texts.length === 0 || !texts.every((item) => typeof item === 'string')) {
      // Input validation failures carry no code the fake could vouch for, so the message only says what is wrong.
      throw new Error("AiError: invalid input: 'text' must be a string or a non-empty array of strings");
    }
    const failure = failures.shift();
    if (failure === 'hang') return hangUntilAborted(options?.signal);
    if (failure === 'provider-error') throw new Error('AiError: 3040: No more data centers to forward the request to');
    if (failure === 'malformed') return { shape: [texts.length, dimensions], data: 'not a list of vectors' };
    const data = texts.map((item) => bagOfWordsVector(item, dimensions));
    if (failure === 'wrong-count') data.pop();
    return { shape: [data.length, dimensions], data, pooling: 'mean' };
  }

  return {
    run,
    calls,
    failNext: (...next) => {
      failures.push(...next);
    },
  };
}

function hangUntilAborted(signal: unknown): Promise<never> {
  return new Promise((_resolve, reject) => {
    if (signal instanceof AbortSignal) signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/**
 * Each lower-cased word adds ±1 to a dimension chosen by a 32-bit string hash (Java's), then the vector is
 * scaled to unit length; an empty text gets the first axis.
 */
function bagOfWordsVector(text: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    let hash = 7;
    for (const character of word) hash = (Math.imul(hash, 31) + (character.codePointAt(0) ?? 0)) | 0;
    const slot = Math.abs(hash) % dimensions;
    vector[slot] = (vector[slot] ?? 0) + (hash < 0 ? -1 : 1);
  }
  const length = Math.hypot(...vector);
  if (length === 0) {
    vector[0] = 1;
    return vector;
  }
  return vector.map((value) => value / length);
}

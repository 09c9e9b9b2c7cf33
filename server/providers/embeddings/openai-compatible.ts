/**
 * The embedder for any server speaking OpenAI's embeddings protocol (OpenAI itself, Ollama, vLLM,
 * llama.cpp, LM Studio, the test fake...), through the `openai` SDK's `embeddings.create`.
 */
import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import { z } from 'zod';
import { createOpenAIClient, type OpenAICompatibleSettings, safeHost } from '../openai-client.ts';
import { callerAbortFailure, checkVectors, type Embedder, EmbedderError, type EmbedOptions, inBatches } from './embedder.ts';

/** Settings of an OpenAI-compatible embeddings provider. */
export interface OpenAICompatibleEmbedderSettings extends OpenAICompatibleSettings {
  /**
   * Asks the server for vectors of this length (OpenAI's `dimensions`, which its `text-embedding-3`
   * models honour by shortening). Leave it out for servers that do not know the parameter.
   */
  dimensions?: number;
  /** The longest one request may take (default 30 s). */
  timeoutMs?: number;
  /** Texts per request; OpenAI accepts up to 2048, local servers are happier with fewer. */
  batchSize?: number;
}

/** Vector lengths of well-known models, so `dimensions` is known before the first call. */
export const knownOpenAIEmbeddingDimensions: Readonly<Record<string, number>> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
};

const defaultTimeoutMs = 30_000;
const defaultBatchSize = 128;
const longestErrorDetail = 300;

/** OpenAI's documented response, kept loose: compatible servers add fields. */
const responseSchema = z.object({
  data: z.array(z.object({ index: z.number().int().nonnegative().optional(), embedding: z.array(z.number()) })),
});

export function createOpenAICompatibleEmbedder(settings: OpenAICompatibleEmbedderSettings): Embedder {
  const timeoutMs = settings.timeoutMs ?? defaultTimeoutMs;
  const batchSize = Math.max(1, settings.batchSize ?? defaultBatchSize);
  const client = createOpenAIClient({ ...settings, timeoutMs });
  const describeProvider = `the OpenAI-compatible embeddings provider at ${safeHost(settings.baseURL)}`;
  let dimensions = settings.dimensions ?? knownOpenAIEmbeddingDimensions[settings.model];

  function redact(text: string): string {
    const apiKey = settings.apiKey;
    const redacted = apiKey !== undefined && apiKey.length > 0 ? text.replaceAll(apiKey, '[redacted]') : text;
    return redacted.length > longestErrorDetail ? `${redacted.slice(0, longestErrorDetail)}…` : redacted;
  }

  function toFailure(error: unknown, callerSignal: AbortSignal | undefined): unknown {
    if (error instanceof EmbedderError) return error;
    if (callerSignal?.aborted === true) return callerAbortFailure(callerSignal);
    if (error instanceof APIConnectionTimeoutError) {
      return new EmbedderError('timeout', `${describeProvider} did not answer within ${timeoutMs} ms.`, { cause: error });
    }
    if (error instanceof APIConnectionError) {
      return new EmbedderError('provider', `Could not reach ${describeProvider}: ${redact(error.message)}`, { cause: error });
    }
    if (error instanceof APIError) {
      return new EmbedderError('provider', `${describeProvider} answered HTTP ${error.status ?? 'error'}: ${redact(apiErrorDetail(error))}`, { cause: error });
    }
    // The SDK throws SyntaxError for a body that is not JSON.
    if (error instanceof SyntaxError) {
      return new EmbedderError('invalid-response', `${describeProvider} answered with a body that is not an embeddings list.`, { cause: error });
    }
    const detail = error instanceof Error ? error.message : String(error);
    return new EmbedderError('provider', `${describeProvider} failed: ${redact(detail)}`, { cause: error });
  }

  async function embedBatch(texts: string[], signal: AbortSignal | undefined): Promise<number[][]> {
    let response: unknown;
    try {
      response = await client.embeddings.create(
        {
          model: settings.model,
          input: texts,
          // Plain floats rather than the SDK's default base64: every compatible server speaks them, and the
          // answer is validated as it arrived instead of after the SDK's decoding.
          encoding_format: 'float',
          ...(settings.dimensions === undefined ? {} : { dimensions: settings.dimensions }),
        },
        { signal },
      );
    } catch (error) {
      throw toFailure(error, signal);
    }
    const parsed = responseSchema.safeParse(response);
    if (!parsed.success) {
      throw new EmbedderError('invalid-response', `${describeProvider} answered with a body that is not an embeddings list.`, { cause: parsed.error });
    }
    // OpenAI documents `index` on each item; order by it rather than trusting the list order.
    const items = parsed.data.data.map((item, position) => ({ index: item.index ?? position, embedding: item.embedding }));
    items.sort((left, right) => left.index - right.index);
    const vectors = items.map((item) => item.embedding);
    dimensions = checkVectors(vectors, texts.length, dimensions, describeProvider);
    return vectors;
  }

  return {
    provider: 'openai-compatible',
    modelId: settings.model,
    get dimensions() {
      return dimensions;
    },
    async embed(texts: readonly string[], options: EmbedOptions = {}): Promise<number[][]> {
      if (options.signal?.aborted === true) throw callerAbortFailure(options.signal);
      const vectors: number[][] = [];
      for (const batch of inBatches(texts, batchSize)) vectors.push(...(await embedBatch(batch, options.signal)));
      return vectors;
    },
  };
}

/** The provider's own words from an OpenAI-style error body, else the SDK's message. */
function apiErrorDetail(error: APIError): string {
  const body: unknown = error.error;
  if (typeof body === 'object' && body !== null && 'message' in body && typeof body.message === 'string') return body.message;
  return error.message;
}

/**
 * The embedder over the Workers AI binding (`env.AI.run(model, inputs, options)`), following Cloudflare's
 * documented text-embedding input (`{ text: string | string[] }`) and output (`{ shape, data }`, one
 * vector per text in `data`).
 */
import { z } from 'zod';
import { callerAbortFailure, checkVectors, type Embedder, EmbedderError, type EmbedOptions, inBatches } from './embedder.ts';

/** The part of the Workers AI binding this adapter uses; the real `Ai` binding and the test fake both fit. */
export interface WorkersAIEmbeddingBinding {
  run(model: string, inputs: Record<string, unknown>, options?: Record<string, unknown>): Promise<unknown>;
}

/** Settings of the Workers AI embeddings provider. */
export interface WorkersAIEmbedderSettings {
  binding: WorkersAIEmbeddingBinding;
  /** A text-embedding model; defaults to `defaultWorkersAIEmbeddingModelId`. */
  model?: string;
  /** The vector length of a model not in `workersAIEmbeddingDimensions`. */
  dimensions?: number;
}

export const defaultWorkersAIEmbeddingModelId = '@cf/baai/bge-base-en-v1.5';

/** Output dimensions Cloudflare documents for its text-embedding models. */
export const workersAIEmbeddingDimensions: Readonly<Record<string, number>> = {
  '@cf/baai/bge-small-en-v1.5': 384,
  '@cf/baai/bge-base-en-v1.5': 768,
  '@cf/baai/bge-large-en-v1.5': 1024,
};

/** Texts per `run`: the BGE models take a list, and a hundred keeps each call's input modest. */
const batchSize = 100;

/** The documented synchronous output; `request_id` alone means the call went to the async queue, which Kindred never asks for. */
const outputSchema = z.object({
  shape: z.array(z.number()).optional(),
  data: z.array(z.array(z.number())),
});

export function createWorkersAIEmbedder(settings: WorkersAIEmbedderSettings): Embedder {
  const modelId = settings.model ?? defaultWorkersAIEmbeddingModelId;
  const describeProvider = `Workers AI (${modelId})`;
  let dimensions = settings.dimensions ?? workersAIEmbeddingDimensions[modelId];

  async function embedBatch(texts: string[], signal: AbortSignal | undefined): Promise<number[][]> {
    let output: unknown;
    try {
      output = await settings.binding.run(modelId, { text: texts }, signal === undefined ? undefined : { signal });
    } catch (error) {
      if (signal?.aborted === true) throw callerAbortFailure(signal);
      // The binding throws plain Errors such as `AiError: 3040: No more data centers to forward the request to`.
      const detail = error instanceof Error ? error.message : String(error);
      throw new EmbedderError('provider', `${describeProvider} failed: ${detail}`, { cause: error });
    }
    if (signal?.aborted === true) throw callerAbortFailure(signal);
    const parsed = outputSchema.safeParse(output);
    if (!parsed.success) {
      throw new EmbedderError('invalid-response', `${describeProvider} answered with output that is not its documented { shape, data }.`, {
        cause: parsed.error,
      });
    }
    dimensions = checkVectors(parsed.data.data, texts.length, dimensions, describeProvider);
    return parsed.data.data;
  }

  return {
    provider: 'workers-ai',
    modelId,
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

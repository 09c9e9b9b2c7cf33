/**
 * Picks the embedder the configuration names. `none` means no embedder: retrieval is lexical only, which
 * is a supported mode and never an error.
 */
import type { Embedder } from './embedder.ts';
import { createOpenAICompatibleEmbedder } from './openai-compatible.ts';
import { createWorkersAIEmbedder, type WorkersAIEmbeddingBinding } from './workers-ai.ts';

/** The validated embeddings configuration, one variant per provider. */
export type EmbedderSettings =
  | { provider: 'none' }
  | { provider: 'openai-compatible'; baseURL: string; apiKey?: string; model: string; dimensions?: number; timeoutMs?: number }
  | { provider: 'workers-ai'; binding: WorkersAIEmbeddingBinding; model?: string; dimensions?: number };

export function createEmbedder(settings: EmbedderSettings): Embedder | undefined {
  switch (settings.provider) {
    case 'none':
      return undefined;
    case 'openai-compatible':
      return createOpenAICompatibleEmbedder({
        baseURL: settings.baseURL,
        apiKey: settings.apiKey,
        model: settings.model,
        dimensions: settings.dimensions,
        timeoutMs: settings.timeoutMs,
      });
    case 'workers-ai':
      return createWorkersAIEmbedder({ binding: settings.binding, model: settings.model, dimensions: settings.dimensions });
  }
}

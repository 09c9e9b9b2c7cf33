import type { Config } from '../config/config.ts';
import type { Env } from '../env.ts';
import type { ChatModel } from './chat/chat-model.ts';
import { createChatModel } from './chat/create-chat-model.ts';
import { createEmbedder } from './embeddings/create-embedder.ts';
import type { Embedder } from './embeddings/embedder.ts';

/** The chat model the configuration names, or undefined when none is configured (`LLM_PROVIDER=none`, or Workers AI without its binding). */
export function chatModelFromConfig(config: Config, env: Env): ChatModel | undefined {
  return createChatModel(
    config.LLM_PROVIDER === 'openai-compatible'
      ? { provider: 'openai-compatible', baseURL: config.LLM_BASE_URL ?? '', apiKey: config.LLM_API_KEY, model: config.LLM_MODEL ?? 'gpt-4o-mini' }
      : config.LLM_PROVIDER === 'workers-ai' && env.AI
        ? { provider: 'workers-ai', binding: env.AI, model: config.LLM_MODEL }
        : { provider: 'none' },
  );
}

/** The embeddings provider the configuration names, or undefined: retrieval is then lexical only. */
export function embedderFromConfig(config: Config, env: Env): Embedder | undefined {
  return createEmbedder(
    config.EMBEDDINGS_PROVIDER === 'openai-compatible'
      ? {
          provider: 'openai-compatible',
          baseURL: config.EMBEDDINGS_BASE_URL ?? '',
          apiKey: config.EMBEDDINGS_API_KEY,
          model: config.EMBEDDINGS_MODEL ?? 'text-embedding-3-small',
        }
      : config.EMBEDDINGS_PROVIDER === 'workers-ai' && env.AI
        ? { provider: 'workers-ai', binding: env.AI, model: config.EMBEDDINGS_MODEL }
        : { provider: 'none' },
  );
}

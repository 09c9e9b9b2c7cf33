/**
 * Picks the chat model adapter the configuration names. `none` means no model is configured: the
 * caller answers `llm_not_configured` instead of calling one.
 */
import type { ChatModel } from './chat-model.ts';
import { createOpenAICompatibleChatModel } from './openai-compatible.ts';
import { createWorkersAIChatModel, type WorkersAIBinding } from './workers-ai.ts';

/** The validated chat model configuration, one variant per provider. */
export type ChatModelSettings =
  | { provider: 'none' }
  | { provider: 'openai-compatible'; baseURL: string; apiKey?: string; model: string }
  | { provider: 'workers-ai'; binding: WorkersAIBinding; model?: string };

export function createChatModel(settings: ChatModelSettings): ChatModel | undefined {
  switch (settings.provider) {
    case 'none':
      return undefined;
    case 'openai-compatible':
      return createOpenAICompatibleChatModel({
        baseURL: settings.baseURL,
        apiKey: settings.apiKey,
        model: settings.model,
      });
    case 'workers-ai':
      return createWorkersAIChatModel({ binding: settings.binding, model: settings.model });
  }
}

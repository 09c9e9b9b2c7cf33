/**
 * Picks the care classifier the configuration names. Like every provider, a classifier whose
 * dependency is missing (no `AI` binding, no chat model) is simply not configured: the screen alone runs.
 */
import type { Config } from '../config/config.ts';
import type { Env } from '../env.ts';
import type { ChatModel } from '../providers/chat/chat-model.ts';
import type { CareClassifier } from './classifier.ts';
import { createChatModelClassifier } from './classifier-chat-model.ts';
import { createLlamaGuardClassifier } from './classifier-llama-guard.ts';

/** The classifier `CARE_CLASSIFIER` names, or undefined for `none` or when what it needs is absent. */
export function createCareClassifier(
  config: Pick<Config, 'CARE_CLASSIFIER'>,
  env: Pick<Env, 'AI'>,
  chatModel: ChatModel | undefined,
): CareClassifier | undefined {
  switch (config.CARE_CLASSIFIER) {
    case 'none':
      return undefined;
    case 'llama-guard':
      return env.AI === undefined ? undefined : createLlamaGuardClassifier({ binding: env.AI });
    case 'chat-model':
      return chatModel === undefined ? undefined : createChatModelClassifier({ model: chatModel });
  }
}

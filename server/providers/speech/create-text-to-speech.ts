/**
 * Picks the speaker the configuration names. `none` means the server does not speak: clients use the
 * device's own voice, which is a supported mode and never an error.
 */
import { createElevenLabsTextToSpeech } from './elevenlabs-text-to-speech.ts';
import { createOpenAICompatibleTextToSpeech } from './openai-compatible-text-to-speech.ts';
import type { TextToSpeech } from './text-to-speech.ts';
import type { WorkersAISpeechBinding } from './workers-ai-speech-to-text.ts';
import { createWorkersAITextToSpeech } from './workers-ai-text-to-speech.ts';

/** The validated text-to-speech configuration, one variant per provider. */
export type TextToSpeechSettings =
  | { provider: 'none' }
  | { provider: 'openai-compatible'; baseURL: string; apiKey?: string; model: string; timeoutMs?: number }
  | { provider: 'elevenlabs'; baseURL?: string; apiKey: string; model?: string; timeoutMs?: number }
  | { provider: 'workers-ai'; binding: WorkersAISpeechBinding; model?: string; timeoutMs?: number };

export function createTextToSpeech(settings: TextToSpeechSettings): TextToSpeech | undefined {
  switch (settings.provider) {
    case 'none':
      return undefined;
    case 'openai-compatible':
      return createOpenAICompatibleTextToSpeech(settings);
    case 'elevenlabs':
      return createElevenLabsTextToSpeech(settings);
    case 'workers-ai':
      return createWorkersAITextToSpeech(settings);
  }
}

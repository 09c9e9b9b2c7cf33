/**
 * Picks the transcriber the configuration names. `none` means no transcriber: voice input and
 * `POST /transcriptions` are then not offered, which is a supported mode and never an error.
 */
import { createOpenAICompatibleSpeechToText } from './openai-compatible-speech-to-text.ts';
import type { SpeechToText } from './speech-to-text.ts';
import { createWorkersAISpeechToText, type WorkersAISpeechBinding } from './workers-ai-speech-to-text.ts';

/** The validated speech-to-text configuration, one variant per provider. */
export type SpeechToTextSettings =
  | { provider: 'none' }
  | { provider: 'openai-compatible'; baseURL: string; apiKey?: string; model: string; timeoutMs?: number }
  | { provider: 'workers-ai'; binding: WorkersAISpeechBinding; model?: string; timeoutMs?: number };

export function createSpeechToText(settings: SpeechToTextSettings): SpeechToText | undefined {
  switch (settings.provider) {
    case 'none':
      return undefined;
    case 'openai-compatible':
      return createOpenAICompatibleSpeechToText(settings);
    case 'workers-ai':
      return createWorkersAISpeechToText(settings);
  }
}

import type { Config } from '../config/config.ts';
import type { Env } from '../env.ts';
import type { ChatModel } from './chat/chat-model.ts';
import { createChatModel } from './chat/create-chat-model.ts';
import { createEmbedder } from './embeddings/create-embedder.ts';
import type { Embedder } from './embeddings/embedder.ts';
import { createSpeechToText } from './speech/create-speech-to-text.ts';
import { createTextToSpeech } from './speech/create-text-to-speech.ts';
import type { SpeechToText } from './speech/speech-to-text.ts';
import type { TextToSpeech } from './speech/text-to-speech.ts';

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

/** The transcriber the configuration names, or undefined: voice input is then not offered. */
export function speechToTextFromConfig(config: Config, env: Env): SpeechToText | undefined {
  return createSpeechToText(
    config.STT_PROVIDER === 'openai-compatible'
      ? { provider: 'openai-compatible', baseURL: config.STT_BASE_URL ?? '', apiKey: config.STT_API_KEY, model: config.STT_MODEL ?? 'whisper-1' }
      : config.STT_PROVIDER === 'workers-ai' && env.AI
        ? { provider: 'workers-ai', binding: env.AI, model: config.STT_MODEL }
        : { provider: 'none' },
  );
}

/**
 * The speaker the configuration names, or undefined: clients then speak with the device's voice.
 * ElevenLabs without a key is not configured, rather than a failure on every request.
 */
export function textToSpeechFromConfig(config: Config, env: Env): TextToSpeech | undefined {
  return createTextToSpeech(
    config.TTS_PROVIDER === 'openai-compatible'
      ? { provider: 'openai-compatible', baseURL: config.TTS_BASE_URL ?? '', apiKey: config.TTS_API_KEY, model: config.TTS_MODEL ?? 'gpt-4o-mini-tts' }
      : config.TTS_PROVIDER === 'elevenlabs' && config.TTS_API_KEY !== undefined
        ? { provider: 'elevenlabs', baseURL: config.TTS_BASE_URL, apiKey: config.TTS_API_KEY, model: config.TTS_MODEL }
        : config.TTS_PROVIDER === 'workers-ai' && env.AI
          ? { provider: 'workers-ai', binding: env.AI, model: config.TTS_MODEL }
          : { provider: 'none' },
  );
}

import { describe, expect, it } from 'vitest';
import { createFakeWorkersAI } from '../../../test-support/fake-workers-ai.ts';
import { readConfig } from '../../config/config.ts';
import type { Env } from '../../env.ts';
import { speechToTextFromConfig, textToSpeechFromConfig } from '../from-config.ts';
import { createSpeechToText } from './create-speech-to-text.ts';
import { createTextToSpeech } from './create-text-to-speech.ts';

const masterKey = btoa(String.fromCharCode(...new Uint8Array(32)));

function configOf(variables: Record<string, string>) {
  return readConfig({ MASTER_KEY: masterKey, ...variables } as unknown as Env);
}

describe('speech factories', () => {
  it('make nothing for `none` and the named adapter otherwise', () => {
    const binding = createFakeWorkersAI();
    expect(createSpeechToText({ provider: 'none' })).toBeUndefined();
    expect(createTextToSpeech({ provider: 'none' })).toBeUndefined();
    expect(createSpeechToText({ provider: 'workers-ai', binding })?.modelId).toBe('@cf/openai/whisper-large-v3-turbo');
    expect(createSpeechToText({ provider: 'openai-compatible', baseURL: 'http://127.0.0.1:9/v1', model: 'whisper-1' })?.provider).toBe('openai-compatible');
    expect(createTextToSpeech({ provider: 'workers-ai', binding })?.modelId).toBe('@cf/deepgram/aura-2-en');
    expect(createTextToSpeech({ provider: 'elevenlabs', apiKey: 'key' })?.provider).toBe('elevenlabs');
    expect(createTextToSpeech({ provider: 'openai-compatible', baseURL: 'http://127.0.0.1:9/v1', model: 'tts-1' })?.provider).toBe('openai-compatible');
  });

  it('read STT_ and TTS_ variables, and treat a missing binding or ElevenLabs key as not configured', () => {
    const withAI = { AI: createFakeWorkersAI() } as unknown as Env;
    const stt = speechToTextFromConfig(configOf({ STT_PROVIDER: 'workers-ai', STT_MODEL: '@cf/deepgram/nova-3' }), withAI);
    expect(stt?.modelId).toBe('@cf/deepgram/nova-3');
    expect(speechToTextFromConfig(configOf({ STT_PROVIDER: 'workers-ai' }), {} as Env)).toBeUndefined();
    expect(speechToTextFromConfig(configOf({}), withAI)).toBeUndefined();
    const tts = textToSpeechFromConfig(configOf({ TTS_PROVIDER: 'openai-compatible', TTS_BASE_URL: 'http://127.0.0.1:9/v1', TTS_MODEL: 'espeak-ng' }), withAI);
    expect(tts?.modelId).toBe('espeak-ng');
    expect(textToSpeechFromConfig(configOf({ TTS_PROVIDER: 'elevenlabs' }), withAI)).toBeUndefined();
    expect(textToSpeechFromConfig(configOf({ TTS_PROVIDER: 'elevenlabs', TTS_API_KEY: 'key' }), withAI)?.modelId).toBe('eleven_flash_v2_5');
    expect(textToSpeechFromConfig(configOf({ TTS_PROVIDER: 'workers-ai', TTS_MODEL: '@cf/myshell-ai/melotts' }), withAI)?.formats).toEqual(['mp3']);
  });
});

import { describe, expect, inject, it } from 'vitest';
import { failNextElevenLabs, recordedElevenLabsRequests, testElevenLabsApiKey } from '../../../test-support/fake-elevenlabs/control.ts';
import { voices } from '../../catalog/voices.ts';
import { createElevenLabsTextToSpeech, type ElevenLabsTextToSpeechSettings } from './elevenlabs-text-to-speech.ts';
import { collectAudio } from './speech-stream.ts';
import { expectSpeechError } from './speech-to-text.contract.ts';
import { runTextToSpeechContract, uniqueSpeech } from './text-to-speech.contract.ts';
import { parseWav } from './wav.ts';

const baseURL = inject('fakeElevenLabsUrl');
const voice = voices[1] ?? (undefined as never);

function makeTextToSpeech(settings: Partial<ElevenLabsTextToSpeechSettings> = {}) {
  return createElevenLabsTextToSpeech({ baseURL, apiKey: testElevenLabsApiKey, ...settings });
}

runTextToSpeechContract('elevenlabs', () => {
  let calls = 0;
  const countingFetch: typeof fetch = (input, init) => {
    calls++;
    return fetch(input, init);
  };
  return {
    textToSpeech: makeTextToSpeech({ fetch: countingFetch }),
    failNext: (failure) => failNextElevenLabs(baseURL, failure === 'hang' ? { hang: true } : { status: 500 }),
    callCount: () => calls,
    streams: true,
    aligns: true,
  };
});

describe('elevenlabs text-to-speech', () => {
  it('streams the voice id, the model, the key and `pcm_16000` for 16 kHz PCM', async () => {
    const text = uniqueSpeech('Request shape');

    const audio = await makeTextToSpeech().synthesize({ text, voice, format: 'pcm16', sampleRate: 16_000 });
    const bytes = await collectAudio(audio.chunks);

    expect(audio.sampleRate).toBe(16_000);
    expect(bytes.byteLength).toBeGreaterThan(16_000);
    const [request] = await recordedElevenLabsRequests(baseURL, text);
    expect(request?.path).toBe(`/v1/text-to-speech/${voice.providers.elevenLabs.voiceId}/stream`);
    expect(request?.query).toEqual({ output_format: 'pcm_16000' });
    expect(request?.headers['xi-api-key']).toBe(testElevenLabsApiKey);
    expect(request?.body).toEqual({ text, model_id: 'eleven_flash_v2_5' });
  });

  it('picks the nearest documented rate, and wraps PCM in a streaming WAV header for `wav`', async () => {
    const audio = await makeTextToSpeech().synthesize({ text: uniqueSpeech('Wav please'), voice, format: 'wav', sampleRate: 23_500 });

    expect(audio.sampleRate).toBe(24_000);
    const wav = parseWav(await collectAudio(audio.chunks));
    expect(wav?.sampleRate).toBe(24_000);
    expect(wav?.samples.byteLength).toBeGreaterThan(0);
  });

  it('turns the with-timestamps chunks into audio and an alignment in milliseconds', async () => {
    const text = uniqueSpeech('Hello there, how are you today?');

    const audio = await makeTextToSpeech().synthesize({ text, voice, format: 'pcm16', withTimestamps: true });
    const bytes = await collectAudio(audio.chunks);
    const alignment = await audio.alignment;

    expect(bytes.byteLength).toBeGreaterThan(0);
    expect(alignment?.characters.join('')).toBe(text);
    expect(alignment?.startMs[1]).toBe(70);
    expect(alignment?.endMs[0]).toBe(70);
    const [request] = await recordedElevenLabsRequests(baseURL, text);
    expect(request?.path).toMatch(/\/stream\/with-timestamps$/);
  });

  it.each([401, 422, 429])('reports ElevenLabs answering %i as a provider error with its words', async (status) => {
    await failNextElevenLabs(baseURL, { status });

    const failure = await makeTextToSpeech()
      .synthesize({ text: uniqueSpeech('Refused'), voice, format: 'mp3' })
      .catch((error: unknown) => error);

    expectSpeechError(failure, 'provider');
    expect((failure as Error).message).toContain(String(status));
  });

  it('reports a wrong key as a provider error without the key', async () => {
    const failure = await makeTextToSpeech({ apiKey: 'wrong-key' })
      .synthesize({ text: uniqueSpeech('Wrong key'), voice, format: 'mp3' })
      .catch((error: unknown) => error);

    expectSpeechError(failure, 'provider');
    expect((failure as Error).message).toContain('Invalid API key');
    expect((failure as Error).message).not.toContain('wrong-key');
  });
});

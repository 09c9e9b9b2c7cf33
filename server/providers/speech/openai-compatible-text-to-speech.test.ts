import { describe, expect, inject, it } from 'vitest';
import { recordedRequests, scriptFakeOpenAI } from '../../../test-support/fake-openai/control.ts';
import { voices } from '../../catalog/voices.ts';
import { createOpenAICompatibleTextToSpeech, type OpenAICompatibleTextToSpeechSettings, openAIVoiceOf } from './openai-compatible-text-to-speech.ts';
import { collectAudio } from './speech-stream.ts';
import { expectSpeechError, type SpeechContractFailure } from './speech-to-text.contract.ts';
import { runTextToSpeechContract, uniqueSpeech } from './text-to-speech.contract.ts';
import { parseWav } from './wav.ts';

const baseURL = inject('fakeOpenAIUrl');
const voice = voices[0] ?? (undefined as never);

function makeTextToSpeech(settings: Partial<OpenAICompatibleTextToSpeechSettings> = {}) {
  return createOpenAICompatibleTextToSpeech({ baseURL, apiKey: 'test-key', model: 'gpt-4o-mini-tts', ...settings });
}

/** Failures are scripted on the fake itself, keyed by the text the next request speaks. */
function harness() {
  const failures: SpeechContractFailure[] = [];
  let calls = 0;
  const countingFetch: typeof fetch = async (input, init) => {
    calls++;
    const failure = failures.shift();
    if (failure !== undefined) {
      const { input: text } = JSON.parse(String(init?.body)) as { input: string };
      if (failure === 'provider-error') await scriptFakeOpenAI(baseURL, text, [{ error: { status: 500, message: 'The server had an error.' } }]);
      if (failure === 'hang') await scriptFakeOpenAI(baseURL, text, [{ hang: true }]);
    }
    return fetch(input, init);
  };
  return {
    textToSpeech: makeTextToSpeech({ fetch: countingFetch }),
    failNext: (failure: SpeechContractFailure) => {
      failures.push(failure);
    },
    callCount: () => calls,
    streams: true,
    aligns: false,
  };
}

runTextToSpeechContract('openai-compatible', harness);

describe('openai-compatible text-to-speech', () => {
  it('posts the model, the text, the voice and `pcm` for pcm16, and answers 24 kHz PCM', async () => {
    const text = uniqueSpeech('Request shape');

    const audio = await makeTextToSpeech().synthesize({ text, voice, format: 'pcm16' });
    const bytes = await collectAudio(audio.chunks);

    expect(audio.sampleRate).toBe(24_000);
    expect(audio.contentType).toBe('audio/pcm;rate=24000');
    expect(bytes.byteLength).toBeGreaterThan(24_000);
    const [request] = await recordedRequests(baseURL, text);
    expect(request?.path).toBe('/v1/audio/speech');
    expect(request?.headers.authorization).toBe('Bearer test-key');
    expect(request?.body).toEqual({ model: 'gpt-4o-mini-tts', input: text, voice: voice.providers.openai.voice, response_format: 'pcm' });
  });

  it("asks Kindred's local eSpeak NG server for the catalog's eSpeak voice", async () => {
    const text = uniqueSpeech('Offline voice');

    const audio = await makeTextToSpeech({ model: 'espeak-ng' }).synthesize({ text, voice, format: 'wav' });

    expect(parseWav(await collectAudio(audio.chunks))?.sampleRate).toBe(24_000);
    const [request] = await recordedRequests(baseURL, text);
    expect(request?.body).toMatchObject({ voice: voice.espeak.voice, response_format: 'wav' });
    expect(openAIVoiceOf(voice, 'espeak-ng')).toBe(voice.espeak.voice);
  });

  it("puts the server's status and words in a provider error, never the key", async () => {
    const leaky: typeof fetch = async () => Response.json({ error: { message: 'Incorrect API key provided: test-key.' } }, { status: 401 });

    const failure = await makeTextToSpeech({ fetch: leaky })
      .synthesize({ text: 'hello', voice, format: 'mp3' })
      .catch((error: unknown) => error);

    expectSpeechError(failure, 'provider');
    expect((failure as Error).message).toContain('401');
    expect((failure as Error).message).toContain('Incorrect API key provided');
    expect((failure as Error).message).not.toContain('test-key');
  });

  it('times out when the stream falls silent halfway', async () => {
    const text = uniqueSpeech('Stalls midway');
    await scriptFakeOpenAI(baseURL, text, [{ hangAfterChunks: 1 }]);

    const audio = await makeTextToSpeech({ timeoutMs: 200 }).synthesize({ text, voice, format: 'pcm16' });
    const failure = await collectAudio(audio.chunks).catch((error: unknown) => error);

    expectSpeechError(failure, 'timeout');
  });
});

import { describe, expect, inject, it } from 'vitest';
import { recordedRequests } from '../../../test-support/fake-openai/control.ts';
import { sinePcm16 } from '../../../test-support/generated-audio.ts';
import { createOpenAICompatibleSpeechToText, type OpenAICompatibleSpeechToTextSettings } from './openai-compatible-speech-to-text.ts';
import { expectSpeechError, runSpeechToTextContract, type SpeechContractFailure } from './speech-to-text.contract.ts';
import { encodeWav } from './wav.ts';

const baseURL = inject('fakeOpenAIUrl');

/** Failures are made in the adapter's injected `fetch`, answering as a failing OpenAI server does. */
function scriptedFetch() {
  const failures: SpeechContractFailure[] = [];
  let calls = 0;
  const fetchThroughFake: typeof fetch = async (input, init) => {
    // The SDK fetches `data:,` once to learn whether this runtime's fetch sends FormData: not a call.
    if (String(input).startsWith('data:')) return fetch(input, init);
    calls++;
    const failure = failures.shift();
    if (failure === 'provider-error') {
      return Response.json({ error: { message: 'upstream exploded', type: 'server_error', param: null, code: null } }, { status: 500 });
    }
    if (failure === 'malformed') return Response.json({ transcript: 42 });
    if (failure === 'hang') {
      return new Promise<Response>((_resolve, reject) => {
        const signal = init?.signal;
        signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    }
    return fetch(input, init);
  };
  return { fetch: fetchThroughFake, failures, callCount: () => calls };
}

function makeSpeechToText(settings: Partial<OpenAICompatibleSpeechToTextSettings> = {}) {
  return createOpenAICompatibleSpeechToText({ baseURL, apiKey: 'test-key', model: 'whisper-1', ...settings });
}

runSpeechToTextContract('openai-compatible', () => {
  const scripted = scriptedFetch();
  return {
    speechToText: makeSpeechToText({ fetch: scripted.fetch }),
    failNext: (failure) => {
      scripted.failures.push(failure);
    },
    callCount: scripted.callCount,
  };
});

describe('openai-compatible speech-to-text', () => {
  it('uploads the audio as a multipart `file` with `model`, the key and the language as ISO 639-1', async () => {
    // 0.7 s at 22 050 Hz: a length and rate no other test sends, so the recording is this test's.
    const transcript = await makeSpeechToText().transcribe({ bytes: sinePcm16(0.7, 22_050), mimeType: 'audio/pcm', sampleRate: 22_050 }, { language: 'de-DE' });

    expect(transcript.text).toBe('I heard 0.7 seconds of sound at 22050 hertz.');
    expect(transcript.language).toBe('de');
    const [request] = await recordedRequests(baseURL, transcript.text);
    expect(request?.path).toBe('/v1/audio/transcriptions');
    expect(request?.headers.authorization).toBe('Bearer test-key');
    expect(request?.body).toMatchObject({ model: 'whisper-1', language: 'de', response_format: 'json' });
    expect((request?.body as Record<string, string> | undefined)?.file).toMatch(/^<file utterance\.wav audio\/wav \d+ bytes>$/);
  });

  it('passes whole files through with their own extension', async () => {
    const transcript = await makeSpeechToText().transcribe({ bytes: encodeWav(sinePcm16(0.3, 8_000), 8_000), mimeType: 'audio/wav' });
    expect(transcript.text).toBe('I heard 0.3 seconds of sound at 8000 hertz.');

    const ogg = await makeSpeechToText().transcribe({ bytes: new Uint8Array(1234).fill(7), mimeType: 'audio/ogg; codecs=opus' });
    expect(ogg.text).toBe('I heard 1234 bytes of ogg.');
  });

  it("reports the server's own refusal with its status, never the key", async () => {
    const leakyFetch: typeof fetch = async () =>
      Response.json({ error: { message: 'Incorrect API key provided: test-key.', type: 'invalid_request_error' } }, { status: 401 });

    const failure = await makeSpeechToText({ fetch: leakyFetch })
      .transcribe({ bytes: sinePcm16(0.1, 16_000), mimeType: 'audio/pcm', sampleRate: 16_000 })
      .catch((error: unknown) => error);

    expectSpeechError(failure, 'provider');
    expect((failure as Error).message).toContain('401');
    expect((failure as Error).message).not.toContain('test-key');
  });

  it('times out on its own after `timeoutMs`', async () => {
    const scripted = scriptedFetch();
    scripted.failures.push('hang');

    const failure = await makeSpeechToText({ fetch: scripted.fetch, timeoutMs: 150 })
      .transcribe({ bytes: sinePcm16(0.1, 16_000), mimeType: 'audio/pcm', sampleRate: 16_000 })
      .catch((error: unknown) => error);

    expectSpeechError(failure, 'timeout');
  });
});

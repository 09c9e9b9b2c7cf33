import { env, exports } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';
import { transcriptionAnswerSchema } from '../../common/voice.ts';
import { findVoice } from '../../server/catalog/catalog.ts';
import { AppError } from '../../server/errors/app-error.ts';
import { encodeWav, parseWav } from '../../server/providers/speech/wav.ts';
import { api, buildUser, expectError, origin, readJson } from '../../test-support/api.ts';
import { recordedRequests, scriptFakeOpenAI } from '../../test-support/fake-openai/control.ts';
import { silencePcm16, sinePcm16 } from '../../test-support/generated-audio.ts';
import { guardRequests } from '../auth/attempt-limits.ts';

const fakeOpenAIUrl = inject('fakeOpenAIUrl');
const worker = (exports as unknown as { default: Fetcher }).default;

function transcribe(token: string, form: FormData): Promise<Response> {
  return worker.fetch(new Request(`${origin}/api/v1/transcriptions`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form }));
}

function audioForm(bytes: Uint8Array, type: string, name = 'recording.wav', language?: string): FormData {
  const form = new FormData();
  form.set('file', new File([new Uint8Array(bytes)], name, { type }));
  if (language !== undefined) form.set('language', language);
  return form;
}

describe('POST /speech', () => {
  it("speaks in the person's companion voice as WAV by default", async () => {
    const { token } = await buildUser();
    const companion = (await (await api('/api/v1/companion', { token })).json()) as { voiceId: string };
    const text = `Good morning, sunshine ${crypto.randomUUID()}.`;

    const response = await api('/api/v1/speech', { token, body: { text } });

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('audio/wav');
    const wav = parseWav(new Uint8Array(await response.arrayBuffer()));
    expect(wav?.sampleRate).toBe(24_000);
    expect(wav?.samples.byteLength).toBeGreaterThan(1_000);
    const [request] = await recordedRequests(fakeOpenAIUrl, text);
    expect(request?.body).toMatchObject({ input: text, voice: findVoice(companion.voiceId)?.providers.openai.voice, response_format: 'wav' });
  });

  it('speaks a catalog voice asked for, in a format asked for', async () => {
    const { token } = await buildUser();
    const text = `Another voice ${crypto.randomUUID()}.`;

    const response = await api('/api/v1/speech?format=mp3', { token, body: { text, voiceId: 'soft-calm' } });

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('audio/mpeg');
    expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(100);
    const [request] = await recordedRequests(fakeOpenAIUrl, text);
    expect(request?.body).toMatchObject({ voice: findVoice('soft-calm')?.providers.openai.voice, response_format: 'mp3' });
  });

  it('refuses an unknown voice, an unknown format, an empty text, and anyone not signed in', async () => {
    const { token } = await buildUser();
    await expectError(await api('/api/v1/speech', { token, body: { text: 'hi', voiceId: 'no-such-voice' } }), 'unknown_voice');
    await expectError(await api('/api/v1/speech?format=flac', { token, body: { text: 'hi' } }), 'validation_failed');
    await expectError(await api('/api/v1/speech', { token, body: { text: '   ' } }), 'validation_failed');
    await expectError(await api('/api/v1/speech', { body: { text: 'hi' } }), 'unauthenticated');
  });

  it('answers a provider failure as speech_provider_error', async () => {
    const { token } = await buildUser();
    const text = `This will fail ${crypto.randomUUID()}.`;
    await scriptFakeOpenAI(fakeOpenAIUrl, text, [{ error: { status: 500, message: 'The server had an error.' } }]);

    await expectError(await api('/api/v1/speech', { token, body: { text } }), 'speech_provider_error');
  });
});

describe('POST /transcriptions', () => {
  it('answers the words in a WAV file, passing the language on', async () => {
    const { token } = await buildUser();

    const response = await transcribe(token, audioForm(encodeWav(sinePcm16(1.3, 16_000), 16_000), 'audio/wav', 'recording.wav', 'en-GB'));

    const answer = await readJson(response, transcriptionAnswerSchema);
    expect(answer.text).toBe('I heard 1.3 seconds of sound at 16000 hertz.');
    const [request] = await recordedRequests(fakeOpenAIUrl, answer.text);
    expect(request?.body).toMatchObject({ model: 'whisper-1', language: 'en' });
  });

  it('answers empty text for silence, and takes WebM with codec parameters', async () => {
    const { token } = await buildUser();

    const silent = await readJson(await transcribe(token, audioForm(encodeWav(silencePcm16(1, 16_000), 16_000), 'audio/wav')), transcriptionAnswerSchema);
    const webm = await readJson(
      await transcribe(token, audioForm(new Uint8Array(777).fill(3), 'audio/webm;codecs=opus', 'clip.webm')),
      transcriptionAnswerSchema,
    );

    expect(silent.text).toBe('');
    expect(webm.text).toBe('I heard 777 bytes of webm.');
  });

  it('refuses what is not audio, a form without a file, a JSON body, and an oversized file', async () => {
    const { token } = await buildUser();

    await expectError(await transcribe(token, audioForm(new TextEncoder().encode('hello'), 'text/plain', 'notes.txt')), 'unsupported_media_type');
    await expectError(await transcribe(token, new FormData()), 'validation_failed');
    await expectError(await api('/api/v1/transcriptions', { token, body: { file: 'x' } }), 'unsupported_media_type');
    await expectError(await transcribe(token, audioForm(new Uint8Array(4 * 1024 * 1024 + 1), 'audio/wav')), 'payload_too_large');
  });
});

describe('the speech allowance', () => {
  it('counts requests per key over two windows and answers rate_limited with Retry-After past the limit', async () => {
    const db = (env as unknown as { DB: D1Database }).DB;
    const key = `speech:test-${crypto.randomUUID()}`;
    const now = Date.UTC(2026, 10, 30, 12, 5);

    await guardRequests(db, key, 2, 'Too many speech requests.', now);
    await guardRequests(db, key, 2, 'Too many speech requests.', now + 1_000);
    const refused = await guardRequests(db, key, 2, 'Too many speech requests.', now + 2_000).catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).id).toBe('rate_limited');
    expect(Number((refused as AppError).headers['Retry-After'])).toBeGreaterThan(0);
    // Two windows on, the count has gone.
    await guardRequests(db, key, 2, 'Too many speech requests.', now + 31 * 60_000);
  });
});

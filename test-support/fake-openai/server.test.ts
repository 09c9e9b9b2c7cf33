/** The fake OpenAI server's own endpoints, exercised from workerd as the adapters reach it. */
import OpenAI from 'openai';
import { describe, expect, inject, it } from 'vitest';
import { recordedRequests, scriptFakeOpenAI } from './control.ts';

const baseURL = inject('fakeOpenAIUrl');
const client = new OpenAI({ baseURL, apiKey: 'test-key', maxRetries: 0, logLevel: 'off' });

function uniqueMatch(label: string): string {
  return `${label}-${crypto.randomUUID()}`;
}

function cosine(left: number[], right: number[]): number {
  return left.reduce((total, value, index) => total + value * (right[index] ?? 0), 0);
}

describe('fake OpenAI server', () => {
  it('answers a non-streaming completion with a chat.completion object carrying tool calls', async () => {
    const match = uniqueMatch('non-streaming');
    await scriptFakeOpenAI(baseURL, match, [{ toolCalls: [{ name: 'get_weather', arguments: { city: 'Bern' } }] }]);

    const completion = await client.chat.completions.create({
      model: 'fake-model',
      messages: [{ role: 'user', content: match }],
    });

    expect(completion.object).toBe('chat.completion');
    const [choice] = completion.choices;
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message.content).toBeNull();
    const toolCall = choice?.message.tool_calls?.[0];
    expect(toolCall?.type).toBe('function');
    if (toolCall?.type !== 'function') return;
    expect(toolCall.function.name).toBe('get_weather');
    expect(JSON.parse(toolCall.function.arguments)).toEqual({ city: 'Bern' });
  });

  it('streams usage last when asked with stream_options', async () => {
    const match = uniqueMatch('usage');
    await scriptFakeOpenAI(baseURL, match, [{ text: 'one two three' }]);

    const stream = await client.chat.completions.create({
      model: 'fake-model',
      messages: [{ role: 'user', content: match }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);

    expect(chunks.at(-1)?.choices).toEqual([]);
    expect(chunks.at(-1)?.usage).toEqual({ prompt_tokens: 1, completion_tokens: 3, total_tokens: 4 });
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
  });

  it('embeds deterministically, L2-normalised, in the requested dimensions', async () => {
    const match = uniqueMatch('embedding');
    const response = await client.embeddings.create({
      model: 'fake-embedding',
      input: [`the cat sat on the mat ${match}`, 'the cat sat on the mat', 'quantum chromodynamics lecture'],
      dimensions: 32,
    });

    const vectors = response.data.map((item) => item.embedding);
    expect(vectors.map((vector) => vector.length)).toEqual([32, 32, 32]);
    for (const vector of vectors) expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
    const [withMatch = [], cat = [], physics = []] = vectors;
    expect(cosine(withMatch, cat)).toBeGreaterThan(cosine(cat, physics));
    expect(response.usage).toEqual({ prompt_tokens: 16, total_tokens: 16 });

    const again = await client.embeddings.create({ model: 'fake-embedding', input: 'the cat sat on the mat', dimensions: 32 });
    expect(again.data[0]?.embedding).toEqual(cat);

    const [recorded] = await recordedRequests(baseURL, match);
    expect(recorded?.path).toBe('/v1/embeddings');
    expect(recorded?.body).toMatchObject({ model: 'fake-embedding', dimensions: 32 });
  });

  it('defaults embeddings to 64 dimensions', async () => {
    const response = await client.embeddings.create({ model: 'fake-embedding', input: 'hello' });

    expect(response.data[0]?.embedding).toHaveLength(64);
  });

  it('rejects a completion without messages the way OpenAI does', async () => {
    const failure = await client.chat.completions.create({ model: 'fake-model', messages: [] }).then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(OpenAI.BadRequestError);
  });
});

describe('fake OpenAI speech endpoints', () => {
  it('refuses a speech request without a voice, or with an undocumented format, as OpenAI does', async () => {
    const send = (body: unknown) =>
      fetch(`${baseURL}/audio/speech`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer test-key' },
        body: JSON.stringify(body),
      });

    const noVoice = await send({ model: 'tts-1', input: 'hello' });
    const badFormat = await send({ model: 'tts-1', input: 'hello', voice: 'alloy', response_format: 'midi' });
    const tooLong = await send({ model: 'tts-1', input: 'a'.repeat(4097), voice: 'alloy' });

    for (const response of [noVoice, badFormat, tooLong]) {
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
    }
  });

  it('answers mp3 by default, chunked, through the SDK', async () => {
    const response = await client.audio.speech.create({ model: 'tts-1', input: uniqueMatch('Default format'), voice: 'alloy' });

    expect(response.headers.get('content-type')).toBe('audio/mpeg');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(bytes.byteLength).toBeGreaterThan(500);
    // An ID3 tag or an MPEG frame sync: a real MP3, made by sox.
    expect(bytes[0] === 0xff || new TextDecoder().decode(bytes.subarray(0, 3)) === 'ID3').toBe(true);
  });

  it('refuses a transcription without a file, or of a file type OpenAI does not take', async () => {
    const withoutFile = new FormData();
    withoutFile.set('model', 'whisper-1');
    const wrongType = new FormData();
    wrongType.set('model', 'whisper-1');
    wrongType.set('file', new File([new Uint8Array(10)], 'notes.txt', { type: 'text/plain' }));

    for (const form of [withoutFile, wrongType]) {
      const response = await fetch(`${baseURL}/audio/transcriptions`, { method: 'POST', body: form });
      expect(response.status).toBe(400);
    }
  });
});

import { describe, expect, inject, it } from 'vitest';
import { recordedRequests } from '../../../test-support/fake-openai/control.ts';
import { type EmbedderContractFailure, runEmbedderContract, uniqueText } from './embedder.contract.ts';
import { EmbedderError } from './embedder.ts';
import { createOpenAICompatibleEmbedder, type OpenAICompatibleEmbedderSettings } from './openai-compatible.ts';

const baseURL = inject('fakeOpenAIUrl');
/** The fake server's vector length when a request names no `dimensions`. */
const fakeDefaultDimensions = 64;

/**
 * The fake server answers embeddings without a script, so failures are made one step earlier, in the
 * adapter's injected `fetch`: it answers the way a failing OpenAI server does and otherwise forwards to
 * the fake. It also counts the calls.
 */
function scriptedFetch() {
  const failures: EmbedderContractFailure[] = [];
  let calls = 0;
  const fetchThroughFake: typeof fetch = async (input, init) => {
    calls++;
    const failure = failures.shift();
    if (failure === 'provider-error') {
      return Response.json({ error: { message: 'upstream exploded', type: 'server_error', param: null, code: null } }, { status: 500 });
    }
    if (failure === 'malformed') return Response.json({ object: 'list', data: [{ index: 0, embedding: 'not numbers' }] });
    if (failure === 'hang') {
      return new Promise<Response>((_resolve, reject) => {
        const signal = init?.signal;
        signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    }
    const response = await fetch(input, init);
    if (failure !== 'wrong-count') return response;
    const body = (await response.json()) as { data: unknown[] };
    body.data.pop();
    return Response.json(body);
  };
  return { fetch: fetchThroughFake, failures, callCount: () => calls };
}

function makeEmbedder(settings: Partial<OpenAICompatibleEmbedderSettings> = {}) {
  return createOpenAICompatibleEmbedder({ baseURL, apiKey: 'test-key', model: 'fake-embedding-model', ...settings });
}

runEmbedderContract('openai-compatible', () => {
  const scripted = scriptedFetch();
  return {
    embedder: makeEmbedder({ fetch: scripted.fetch }),
    expectedDimensions: fakeDefaultDimensions,
    failNext: (failure) => {
      scripted.failures.push(failure);
    },
    callCount: scripted.callCount,
  };
});

runEmbedderContract('openai-compatible with requested dimensions', () => {
  const scripted = scriptedFetch();
  return {
    embedder: makeEmbedder({ fetch: scripted.fetch, dimensions: 24, batchSize: 50 }),
    expectedDimensions: 24,
    failNext: (failure) => {
      scripted.failures.push(failure);
    },
    callCount: scripted.callCount,
  };
});

describe('openai-compatible embedder', () => {
  it('names its provider and model, and knows the dimensions of OpenAI models before calling them', () => {
    const embedder = makeEmbedder();
    expect(embedder.provider).toBe('openai-compatible');
    expect(embedder.modelId).toBe('fake-embedding-model');
    expect(embedder.dimensions).toBeUndefined();
    expect(makeEmbedder({ model: 'text-embedding-3-small' }).dimensions).toBe(1536);
    expect(makeEmbedder({ model: 'text-embedding-3-small', dimensions: 256 }).dimensions).toBe(256);
  });

  it('posts the model, the texts, the requested dimensions and the API key to /v1/embeddings', async () => {
    const match = uniqueText('request shape');

    await makeEmbedder({ dimensions: 16 }).embed([`${match} first`, `${match} second`]);

    const [request] = await recordedRequests(baseURL, match);
    expect(request?.path).toBe('/v1/embeddings');
    expect(request?.headers.authorization).toBe('Bearer test-key');
    expect(request?.body).toMatchObject({
      model: 'fake-embedding-model',
      input: [`${match} first`, `${match} second`],
      dimensions: 16,
      encoding_format: 'float',
    });
  });

  it('leaves `dimensions` out of the request when it was not configured', async () => {
    const match = uniqueText('no dimensions');

    await makeEmbedder().embed([match]);

    const [request] = await recordedRequests(baseURL, match);
    expect(request?.body).not.toHaveProperty('dimensions');
  });

  it('sends at most `batchSize` texts per request', async () => {
    const match = uniqueText('batching');
    const texts = Array.from({ length: 7 }, (_, index) => `${match} ${index}`);

    const vectors = await makeEmbedder({ batchSize: 3 }).embed(texts);

    expect(vectors).toHaveLength(7);
    const requests = await recordedRequests(baseURL, match);
    expect(requests.map((request) => (request.body as { input: string[] }).input.length)).toEqual([3, 3, 1]);
  });

  it('puts the HTTP status in a provider error but never the API key', async () => {
    const leakyFetch: typeof fetch = async () =>
      Response.json({ error: { message: 'Incorrect API key provided: test-key.', type: 'invalid_request_error' } }, { status: 401 });

    const failure = await makeEmbedder({ fetch: leakyFetch })
      .embed(['anything'])
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(EmbedderError);
    expect((failure as EmbedderError).kind).toBe('provider');
    expect((failure as EmbedderError).message).toContain('401');
    expect((failure as EmbedderError).message).toContain('Incorrect API key provided');
    expect((failure as EmbedderError).message).not.toContain('test-key');
  });

  it('reports an unreachable server as a provider error', async () => {
    // workerd's own failure for a refused connection, injected so the runtime does not log the refusal.
    const refusingFetch: typeof fetch = async () => {
      throw new TypeError('Network connection lost.');
    };

    const failure = await createOpenAICompatibleEmbedder({ baseURL: 'http://127.0.0.1:9/v1', model: 'm', fetch: refusingFetch })
      .embed(['anyone there?'])
      .catch((error: unknown) => error);

    expect((failure as EmbedderError).kind).toBe('provider');
    expect((failure as EmbedderError).message).toContain('Could not reach');
    expect((failure as EmbedderError).message).toContain('127.0.0.1:9');
  });

  it('times out on its own after `timeoutMs`', async () => {
    const scripted = scriptedFetch();
    scripted.failures.push('hang');

    const failure = await makeEmbedder({ fetch: scripted.fetch, timeoutMs: 150 })
      .embed(['slow'])
      .catch((error: unknown) => error);

    expect((failure as EmbedderError).kind).toBe('timeout');
  });

  it('refuses vectors of another length than the configured dimensions', async () => {
    const scripted = scriptedFetch();
    const liar: typeof fetch = async (input, init) => {
      const body = JSON.parse(String(init?.body)) as Record<string, unknown>;
      return scripted.fetch(input, { ...init, body: JSON.stringify({ ...body, dimensions: 8 }) });
    };

    const failure = await makeEmbedder({ fetch: liar, dimensions: 16 })
      .embed(['mismatch'])
      .catch((error: unknown) => error);

    expect((failure as EmbedderError).kind).toBe('invalid-response');
  });
});

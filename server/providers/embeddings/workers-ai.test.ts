import { describe, expect, it } from 'vitest';
import { createFakeWorkersAIEmbeddings } from '../../../test-support/fake-workers-ai-embeddings.ts';
import { createEmbedder } from './create-embedder.ts';
import { runEmbedderContract } from './embedder.contract.ts';
import { EmbedderError } from './embedder.ts';
import { createWorkersAIEmbedder, defaultWorkersAIEmbeddingModelId } from './workers-ai.ts';

function harnessFor(model?: string, expectedDimensions = 768) {
  return () => {
    const fake = createFakeWorkersAIEmbeddings();
    return {
      embedder: createWorkersAIEmbedder({ binding: fake, model }),
      expectedDimensions,
      failNext: (failure: Parameters<typeof fake.failNext>[0]) => fake.failNext(failure),
      callCount: () => fake.calls.length,
    };
  };
}

runEmbedderContract('workers-ai', harnessFor());
runEmbedderContract('workers-ai with bge-small', harnessFor('@cf/baai/bge-small-en-v1.5', 384));

describe('workers-ai embedder', () => {
  it('defaults to bge-base-en-v1.5 with its 768 dimensions', () => {
    const embedder = createWorkersAIEmbedder({ binding: createFakeWorkersAIEmbeddings() });
    expect(embedder.provider).toBe('workers-ai');
    expect(embedder.modelId).toBe('@cf/baai/bge-base-en-v1.5');
    expect(defaultWorkersAIEmbeddingModelId).toBe('@cf/baai/bge-base-en-v1.5');
    expect(embedder.dimensions).toBe(768);
  });

  it('runs the model with the documented `{ text }` input and passes the signal', async () => {
    const fake = createFakeWorkersAIEmbeddings();
    const signal = new AbortController().signal;

    await createWorkersAIEmbedder({ binding: fake }).embed(['first', 'second'], { signal });

    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]?.model).toBe('@cf/baai/bge-base-en-v1.5');
    expect(fake.calls[0]?.inputs).toEqual({ text: ['first', 'second'] });
    expect(fake.calls[0]?.options?.signal).toBe(signal);
  });

  it('sends at most 100 texts per call', async () => {
    const fake = createFakeWorkersAIEmbeddings();

    await createWorkersAIEmbedder({ binding: fake }).embed(Array.from({ length: 250 }, (_, index) => `text ${index}`));

    expect(fake.calls.map((call) => (call.inputs.text as string[]).length)).toEqual([100, 100, 50]);
  });

  it('reports an unknown model as a provider error carrying the binding message', async () => {
    const failure = await createWorkersAIEmbedder({ binding: createFakeWorkersAIEmbeddings(), model: '@cf/nobody/no-such-model' })
      .embed(['hello'])
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(EmbedderError);
    expect((failure as EmbedderError).kind).toBe('provider');
    expect((failure as EmbedderError).message).toContain('AiError: 5007');
  });

  it('learns the dimensions of a model it does not list from the first answer', async () => {
    const embedder = createWorkersAIEmbedder({
      binding: { run: async () => ({ shape: [1, 3], data: [[0.1, 0.2, 0.3]] }) },
      model: '@cf/someone/new-embedding-model',
    });
    expect(embedder.dimensions).toBeUndefined();

    await embedder.embed(['x']);

    expect(embedder.dimensions).toBe(3);
  });

  it('treats an async-queue answer as invalid, since Kindred never queues embeddings', async () => {
    const embedder = createWorkersAIEmbedder({ binding: { run: async () => ({ request_id: 'queued-1' }) } });

    const failure = await embedder.embed(['x']).catch((error: unknown) => error);

    expect((failure as EmbedderError).kind).toBe('invalid-response');
  });
});

describe('createEmbedder', () => {
  it('returns no embedder for `none`, and the named adapter otherwise', () => {
    expect(createEmbedder({ provider: 'none' })).toBeUndefined();
    expect(createEmbedder({ provider: 'workers-ai', binding: createFakeWorkersAIEmbeddings() })?.provider).toBe('workers-ai');
    expect(createEmbedder({ provider: 'openai-compatible', baseURL: 'http://127.0.0.1:9/v1', model: 'm' })?.provider).toBe('openai-compatible');
  });
});

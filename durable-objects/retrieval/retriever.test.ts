import { describe, expect, it } from 'vitest';
import { type Embedder, EmbedderError } from '../../server/providers/embeddings/embedder.ts';
import { createWorkersAIEmbedder } from '../../server/providers/embeddings/workers-ai.ts';
import { createLocalVectorIndex } from '../../server/providers/vector-index/local-vector-index.ts';
import { createVectorizeIndex } from '../../server/providers/vector-index/vectorize-index.ts';
import { createFakeVectorize } from '../../test-support/fake-vectorize.ts';
import { createFakeWorkersAIEmbeddings } from '../../test-support/fake-workers-ai-embeddings.ts';
import type { RetrievalDocumentInput } from './retrieval-index.ts';
import { type RetrievalTestContext, uniqueUserId, withRetrieval } from './retrieval-test-support.ts';
import { Retriever, type RetrieverSettings } from './retriever.ts';

const now = Date.UTC(2026, 5, 1);
const day = 86_400_000;

function memory(id: string, text: string, overrides: Partial<RetrievalDocumentInput> = {}): RetrievalDocumentInput {
  return { id, kind: 'memory', sourceId: `source_${id}`, text, createdAt: now - day, ...overrides };
}

/**
 * A stand-in for a semantic model: one axis per topic, so "puppy" and "dog" are close although they share
 * no word. It can be told to fail, and counts its calls.
 */
function topicEmbedder(): Embedder & { calls: number; failing: boolean } {
  const topics = [
    ['dog', 'puppy', 'pet', 'cat', 'vet'],
    ['trip', 'travel', 'flight', 'holiday', 'lisbon'],
    ['work', 'job', 'office', 'boss'],
    ['food', 'bread', 'dinner', 'cook'],
  ];
  const embedder = {
    provider: 'topics',
    modelId: 'topics-v1',
    dimensions: topics.length + 1,
    calls: 0,
    failing: false,
    async embed(texts: readonly string[]) {
      embedder.calls++;
      if (embedder.failing) throw new EmbedderError('provider', 'The topic model is down.');
      return texts.map((text) => {
        const words = text.toLowerCase().match(/\p{L}+/gu) ?? [];
        const vector = topics.map((topic) => words.filter((word) => topic.includes(word)).length);
        // A constant last axis keeps every vector non-zero.
        return [...vector, 0.1];
      });
    },
  };
  return embedder;
}

function withRetriever<Result>(
  label: string,
  settings: (context: RetrievalTestContext) => Omit<RetrieverSettings, 'index'>,
  use: (retriever: Retriever, context: RetrievalTestContext) => Promise<Result>,
): Promise<Result> {
  return withRetrieval(uniqueUserId(label), (context) => use(new Retriever({ index: context.index, ...settings(context) }), context));
}

const lexicalOnly = () => ({});

describe('retriever', () => {
  it('searches lexically when no embedder is configured, without error', async () => {
    const outcome = await withRetriever('lexical-only', lexicalOnly, async (retriever) => {
      const indexed = await retriever.index([memory('memory_dog', 'Our dog Rex loves the beach'), memory('memory_job', 'My boss moved the meeting')]);
      return { indexed, semantic: retriever.semantic, results: await retriever.search('Rex at the beach', { limit: 5, now }) };
    });

    expect(outcome.indexed).toEqual({ indexed: 2, embedded: 0 });
    expect(outcome.semantic).toBe(false);
    expect(outcome.results).toEqual([
      {
        id: 'memory_dog',
        kind: 'memory',
        sourceId: 'source_memory_dog',
        score: expect.any(Number),
        createdAt: now - day,
        importance: 0.5,
        tokenCount: 7,
        matchedBy: ['lexical'],
      },
    ]);
  });

  it('embeds indexed documents and finds one by meaning when no word is shared', async () => {
    const embedder = topicEmbedder();
    const outcome = await withRetriever(
      'semantic',
      ({ sql }) => ({ embedder, vectorIndex: createLocalVectorIndex({ sql }) }),
      async (retriever, { sql, index }) => {
        const indexed = await retriever.index([memory('memory_dog', 'Our dog Rex loves the beach'), memory('memory_job', 'My boss moved the meeting')]);
        const results = await retriever.search('my puppy', { limit: 5, now });
        return {
          indexed,
          results,
          vectors: sql.exec('SELECT id FROM retrieval_vectors ORDER BY id').toArray(),
          missing: index.idsWithoutVector('topics-v1', 5),
        };
      },
    );

    expect(outcome.indexed).toEqual({ indexed: 2, embedded: 2 });
    expect(outcome.vectors).toEqual([{ id: 'memory_dog' }, { id: 'memory_job' }]);
    expect(outcome.missing).toEqual([]);
    expect(outcome.results[0]).toMatchObject({ id: 'memory_dog', matchedBy: ['vector'] });
    expect(embedder.calls).toBe(2);
  });

  it('leaves out vector neighbours below the similarity floor, so an unrelated memory is not found', async () => {
    const embedder = topicEmbedder();
    const outcome = await withRetriever(
      'vector-floor',
      ({ sql }) => ({ embedder, vectorIndex: createLocalVectorIndex({ sql }) }),
      async (retriever, { index, sql }) => {
        await retriever.index(memory('memory_tea', 'Likes jasmine tea'));
        const withoutFloor = new Retriever({ index, embedder, vectorIndex: createLocalVectorIndex({ sql }), tuning: { minimumVectorScore: -1 } });
        return {
          withFloor: await retriever.search('my puppy', { limit: 5, now }),
          withoutFloor: (await withoutFloor.search('my puppy', { limit: 5, now })).map((result) => result.id),
        };
      },
    );

    expect(outcome).toEqual({ withFloor: [], withoutFloor: ['memory_tea'] });
  });

  it('ranks a document found by both searches above one found by one', async () => {
    const results = await withRetriever(
      'fusion',
      ({ sql }) => ({ embedder: topicEmbedder(), vectorIndex: createLocalVectorIndex({ sql }) }),
      async (retriever) => {
        await retriever.index([
          memory('memory_both', 'The vet says the dog is healthy'),
          memory('memory_vector_only', 'We might get a puppy'),
          memory('memory_lexical_only', 'Healthy breakfast ideas'),
        ]);
        return retriever.search('is the dog healthy', { limit: 5, now });
      },
    );

    expect(results[0]).toMatchObject({ id: 'memory_both', matchedBy: ['lexical', 'vector'] });
    expect(results.map((result) => result.id)).toContain('memory_vector_only');
    expect(results.map((result) => result.id)).toContain('memory_lexical_only');
  });

  it('falls back to lexical results when the embedder fails at search time', async () => {
    const embedder = topicEmbedder();
    const results = await withRetriever(
      'search-degraded',
      ({ sql }) => ({ embedder, vectorIndex: createLocalVectorIndex({ sql }) }),
      async (retriever) => {
        await retriever.index(memory('memory_dog', 'Our dog Rex loves the beach'));
        embedder.failing = true;
        return retriever.search('Rex', { limit: 5, now });
      },
    );

    expect(results.map((result) => [result.id, result.matchedBy])).toEqual([['memory_dog', ['lexical']]]);
  });

  it('keeps a document lexical when embedding fails at indexing time, and lists it for re-embedding', async () => {
    const embedder = topicEmbedder();
    embedder.failing = true;
    const outcome = await withRetriever(
      'index-degraded',
      ({ sql }) => ({ embedder, vectorIndex: createLocalVectorIndex({ sql }) }),
      async (retriever, { index }) => {
        const indexed = await retriever.index(memory('memory_dog', 'Our dog Rex loves the beach'));
        return { indexed, found: await retriever.search('Rex', { limit: 5, now }), missing: index.idsWithoutVector('topics-v1', 5) };
      },
    );

    expect(outcome.indexed).toEqual({ indexed: 1, embedded: 0 });
    expect(outcome.found.map((result) => result.id)).toEqual(['memory_dog']);
    expect(outcome.missing).toEqual(['memory_dog']);
  });

  it("rethrows a caller's cancellation instead of degrading", async () => {
    const reason = new Error('the client went away');
    const failure = await withRetriever(
      'cancelled',
      ({ sql }) => ({ embedder: createWorkersAIEmbedder({ binding: createFakeWorkersAIEmbeddings() }), vectorIndex: createLocalVectorIndex({ sql }) }),
      async (retriever) => retriever.search('anything', { limit: 5, now, signal: AbortSignal.abort(reason) }).catch((error: unknown) => error),
    );

    expect(failure).toBe(reason);
  });

  it('removes documents and their vectors together, by id and by source', async () => {
    const outcome = await withRetriever(
      'removal',
      ({ sql }) => ({ embedder: topicEmbedder(), vectorIndex: createLocalVectorIndex({ sql }) }),
      async (retriever, { sql }) => {
        await retriever.index([
          memory('memory_dog', 'Our dog Rex'),
          memory('file_pets#0', 'Pet insurance for the dog', { kind: 'file-chunk', sourceId: 'file_pets' }),
          memory('file_pets#1', 'The cat needs a vet visit', { kind: 'file-chunk', sourceId: 'file_pets' }),
        ]);
        const removed = await retriever.remove('memory_dog');
        const bySource = (await retriever.removeBySource('file_pets')).sort();
        return {
          removed,
          bySource,
          results: await retriever.search('dog', { limit: 5, now }),
          vectors: sql.exec('SELECT count(*) AS total FROM retrieval_vectors').one().total,
        };
      },
    );

    expect(outcome).toEqual({ removed: true, bySource: ['file_pets#0', 'file_pets#1'], results: [], vectors: 0 });
  });

  it('leaves out expired documents and other kinds from both searches', async () => {
    const outcome = await withRetriever(
      'filters',
      ({ sql }) => ({ embedder: topicEmbedder(), vectorIndex: createLocalVectorIndex({ sql }) }),
      async (retriever) => {
        await retriever.index([
          memory('memory_old_dog', 'We had a dog called Max', { validTo: now - day }),
          memory('memory_dog', 'We have a dog called Rex'),
          { id: 'turn_dog', kind: 'turn', sourceId: 'message_1', text: 'The dog barked all night', createdAt: now },
        ]);
        retriever.setValidity('memory_dog', null);
        return {
          memories: (await retriever.search('puppy dog', { limit: 5, now, kinds: ['memory'] })).map((result) => result.id),
          withExpired: (await retriever.search('puppy dog', { limit: 5, now, kinds: ['memory'], includeExpired: true })).map((result) => result.id).sort(),
        };
      },
    );

    expect(outcome).toEqual({ memories: ['memory_dog'], withExpired: ['memory_dog', 'memory_old_dog'] });
  });

  it('leaves out excluded sources from both searches, and refuses to exclude more than a statement can bind', async () => {
    const outcome = await withRetriever(
      'excluded-sources',
      ({ sql }) => ({ embedder: topicEmbedder(), vectorIndex: createLocalVectorIndex({ sql }) }),
      async (retriever) => {
        await retriever.index([
          { id: 'message_1', kind: 'turn', sourceId: 'message_1', text: 'Our dog Rex chewed the sofa', createdAt: now },
          { id: 'message_2', kind: 'turn', sourceId: 'message_2', text: 'The dog Rex ate my sandwich', createdAt: now },
          { id: 'message_3', kind: 'turn', sourceId: 'message_3', text: 'Rex the dog goes to the vet', createdAt: now - day },
        ]);
        return {
          excluded: (await retriever.search('dog Rex', { limit: 2, now, excludeSourceIds: ['message_1', 'message_2'] })).map((result) => result.id),
          tooMany: await retriever
            .search('dog Rex', { limit: 2, now, excludeSourceIds: Array.from({ length: 65 }, (_, index) => `message_${index}`) })
            .catch((error: unknown) => (error instanceof RangeError ? 'refused' : error)),
        };
      },
    );

    expect(outcome).toEqual({ excluded: ['message_3'], tooMany: 'refused' });
  });

  it('fits results into the token budget, letting a smaller one take the place of one too large', async () => {
    const results = await withRetriever('budget', lexicalOnly, async (retriever) => {
      await retriever.index([
        memory('memory_long', `Garden ${'and the long story of the garden shed '.repeat(20)}`, { importance: 1 }),
        memory('memory_short', 'Garden gnome', { importance: 0.5 }),
        memory('memory_medium', 'The garden needs watering twice a week in summer', { importance: 0 }),
      ]);
      return retriever.search('garden', { limit: 5, now, tokenBudget: 20 });
    });

    expect(results.map((result) => result.id)).toEqual(['memory_short', 'memory_medium']);
    expect(results.reduce((total, result) => total + result.tokenCount, 0)).toBeLessThanOrEqual(20);
  });

  it('prefers the newer and the more important of equally relevant documents', async () => {
    const outcome = await withRetriever('recency', lexicalOnly, async (retriever) => {
      await retriever.index([
        memory('memory_old', 'Allergic to peanuts', { createdAt: now - 400 * day }),
        memory('memory_new', 'Allergic to peanuts', { createdAt: now - day }),
        memory('memory_minor', 'Likes peanuts, a bit', { importance: 0 }),
        memory('memory_major', 'Likes peanuts, a bit', { importance: 1 }),
      ]);
      return {
        byRecency: (await retriever.search('allergic', { limit: 2, now })).map((result) => result.id),
        byImportance: (await retriever.search('likes', { limit: 2, now })).map((result) => result.id),
      };
    });

    expect(outcome.byRecency).toEqual(['memory_new', 'memory_old']);
    expect(outcome.byImportance).toEqual(['memory_major', 'memory_minor']);
  });

  it('passes over near-duplicates for a different relevant document', async () => {
    const ids = await withRetriever('diversity', lexicalOnly, async (retriever) => {
      await retriever.index([
        memory('memory_a', 'Sister Ana lives in Porto near the river'),
        memory('memory_b', 'Sister Ana lives in Porto near the river bank'),
        memory('memory_c', 'Sister Ana lives in Porto by the river'),
        memory('memory_d', 'Ana, my sister, is a nurse'),
      ]);
      return (await retriever.search('sister Ana', { limit: 2, now })).map((result) => result.id);
    });

    expect(ids).toHaveLength(2);
    expect(ids).toContain('memory_d');
  });

  it("works over Vectorize, one namespace per user, and removes all of a user's vectors", async () => {
    const vectorize = createFakeVectorize({ dimensions: 768 });
    const ai = createFakeWorkersAIEmbeddings();
    const outcome = await withRetriever(
      'vectorize',
      ({ userId }) => ({
        embedder: createWorkersAIEmbedder({ binding: ai }),
        vectorIndex: createVectorizeIndex({ binding: vectorize, namespace: userId, dimensions: 768 }),
      }),
      async (retriever, { userId }) => {
        await retriever.index([memory('memory_1', 'Flight to Lisbon on Friday'), memory('memory_2', 'Dinner with Sam')]);
        const results = await retriever.search('Lisbon flight', { limit: 5, now });
        await retriever.search('Lisbon', { limit: 5, now, kinds: ['memory'] });
        const filters = vectorize.calls.flatMap((call) => (call.method === 'query' ? [call.options?.filter] : []));
        const namespaces = [...vectorize.stored.values()].map((vector) => vector.namespace);
        await retriever.removeAll();
        return { userId, results, filters, namespaces, left: vectorize.stored.size, after: await retriever.search('Lisbon', { limit: 5, now }) };
      },
    );

    expect(outcome.results[0]).toMatchObject({ id: 'memory_1', matchedBy: ['lexical', 'vector'] });
    expect(outcome.filters).toEqual([undefined, { kind: { $in: ['memory'] } }]);
    expect(outcome.namespaces).toEqual([outcome.userId, outcome.userId]);
    expect(outcome.left).toBe(0);
    expect(outcome.after).toEqual([]);
  });

  it('answers a limit below one with nothing, without calling the embedder', async () => {
    const embedder = topicEmbedder();
    const results = await withRetriever(
      'zero-limit',
      ({ sql }) => ({ embedder, vectorIndex: createLocalVectorIndex({ sql }) }),
      (retriever) => retriever.search('dog', { limit: 0, now }),
    );

    expect(results).toEqual([]);
    expect(embedder.calls).toBe(0);
  });
});

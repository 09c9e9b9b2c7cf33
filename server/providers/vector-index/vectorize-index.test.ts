import { describe, expect, it } from 'vitest';
import { createFakeVectorize } from '../../../test-support/fake-vectorize.ts';
import { createVectorIndex } from './create-vector-index.ts';
import { contractDimensions, runVectorIndexContract } from './vector-index.contract.ts';
import { VectorIndexError } from './vector-index.ts';
import { createVectorizeIndex } from './vectorize-index.ts';

runVectorIndexContract('vectorize', () => {
  // One fake index shared by every user, as production shares one Vectorize index.
  const fake = createFakeVectorize({ dimensions: contractDimensions });
  return { withIndex: (userId, use) => use(createVectorizeIndex({ binding: fake, namespace: userId, dimensions: contractDimensions })) };
});

describe('vectorize index', () => {
  it("upserts into the user's namespace, with ids tagged by the namespace", async () => {
    const fake = createFakeVectorize({ dimensions: 3 });
    const index = createVectorizeIndex({ binding: fake, namespace: 'user_alice' });

    await index.upsert([{ id: 'memory_1', values: [1, 2, 3], metadata: { kind: 'memory' } }]);

    const [call] = fake.calls;
    expect(call?.method).toBe('upsert');
    const [vector] = call?.method === 'upsert' ? call.vectors : [];
    expect(vector?.namespace).toBe('user_alice');
    expect(vector?.id).toMatch(/^[A-Za-z0-9_-]{10}:memory_1$/);
    expect(vector?.metadata).toEqual({ kind: 'memory' });
    expect(new TextEncoder().encode(vector?.id).length).toBeLessThanOrEqual(64);
  });

  it("queries only its namespace, without values or metadata, and hands back the caller's ids", async () => {
    const fake = createFakeVectorize({ dimensions: 3 });
    const index = createVectorizeIndex({ binding: fake, namespace: 'user_alice' });
    await index.upsert([{ id: 'memory_1', values: [1, 0, 0] }]);

    const matches = await index.query([1, 0, 0], { topK: 100 });

    expect(matches).toEqual([{ id: 'memory_1', score: expect.closeTo(1, 5) }]);
    const query = fake.calls.find((call) => call.method === 'query');
    expect(query?.method === 'query' ? query.options : undefined).toEqual({ topK: 100, namespace: 'user_alice', returnValues: false, returnMetadata: 'none' });
  });

  it('drops a match whose id lacks its tag, should one ever reach it', async () => {
    const fake = createFakeVectorize({ dimensions: 3 });
    await fake.upsert([{ id: 'untagged', values: [1, 0, 0], namespace: 'user_alice' }]);
    const index = createVectorizeIndex({ binding: fake, namespace: 'user_alice' });

    expect(await index.query([1, 0, 0], { topK: 5 })).toEqual([]);
  });

  it('splits large upserts and deletions into batches of 1000', async () => {
    const fake = createFakeVectorize({ dimensions: 2 });
    const index = createVectorizeIndex({ binding: fake, namespace: 'user_bulk' });
    const ids = Array.from({ length: 2300 }, (_, position) => `turn_${position}`);

    await index.upsert(ids.map((id, position) => ({ id, values: [1, position] })));
    await index.deleteByIds(ids);

    expect(fake.calls.map((call) => (call.method === 'upsert' ? call.vectors.length : call.method === 'deleteByIds' ? call.ids.length : 0))).toEqual([
      1000, 1000, 300, 1000, 1000, 300,
    ]);
    expect(fake.stored.size).toBe(0);
  });

  it('refuses a namespace over 64 bytes', () => {
    expect(() => createVectorizeIndex({ binding: createFakeVectorize({ dimensions: 2 }), namespace: 'n'.repeat(65) })).toThrow(VectorIndexError);
  });

  it('checks the configured dimensions before calling Vectorize', async () => {
    const fake = createFakeVectorize({ dimensions: 3 });
    const index = createVectorizeIndex({ binding: fake, namespace: 'user_alice', dimensions: 3 });

    const failure = await index.upsert([{ id: 'a', values: [1, 0] }]).catch((error: unknown) => error);

    expect((failure as VectorIndexError).kind).toBe('invalid-input');
    expect(fake.calls).toEqual([]);
  });

  it('reports a failing binding as a provider error', async () => {
    const broken = {
      upsert: async () => {
        throw new Error('VECTOR_UPSERT_ERROR: service unavailable');
      },
      query: async () => ({ matches: [], count: 0 }),
      deleteByIds: async () => ({}),
    };
    const index = createVectorizeIndex({ binding: broken, namespace: 'user_alice' });

    const failure = await index.upsert([{ id: 'a', values: [1] }]).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(VectorIndexError);
    expect((failure as VectorIndexError).kind).toBe('provider');
    expect((failure as VectorIndexError).message).toContain('service unavailable');
  });

  it('is what createVectorIndex makes for `vectorize`', () => {
    expect(createVectorIndex({ provider: 'vectorize', binding: createFakeVectorize({ dimensions: 2 }), namespace: 'user_a' }).provider).toBe('vectorize');
  });
});

describe('fake vectorize', () => {
  it('enforces the documented limits: id and namespace bytes, dimensions, batch size and topK', async () => {
    const fake = createFakeVectorize({ dimensions: 2 });
    await expect(fake.upsert([{ id: 'i'.repeat(65), values: [1, 0] }])).rejects.toThrow();
    await expect(fake.upsert([{ id: 'a', values: [1, 0], namespace: 'n'.repeat(65) }])).rejects.toThrow();
    await expect(fake.upsert([{ id: 'a', values: [1, 0, 0] }])).rejects.toThrow();
    await expect(fake.upsert(Array.from({ length: 1001 }, (_, position) => ({ id: `v${position}`, values: [1, 0] })))).rejects.toThrow();
    await expect(fake.query([1, 0], { topK: 101 })).rejects.toThrow();
    await expect(fake.query([1, 0], { topK: 21, returnValues: true })).rejects.toThrow();
    await expect(fake.query([1, 0], { topK: 21, returnMetadata: 'all' })).rejects.toThrow();
    expect((await fake.query([1, 0], { topK: 21, returnMetadata: 'indexed' })).count).toBe(0);
  });

  it('keeps ids unique across namespaces, as Vectorize does', async () => {
    const fake = createFakeVectorize({ dimensions: 2 });
    await fake.upsert([{ id: 'same', values: [1, 0], namespace: 'a' }]);
    await fake.upsert([{ id: 'same', values: [0, 1], namespace: 'b' }]);

    expect((await fake.query([1, 0], { topK: 5, namespace: 'a' })).matches).toEqual([]);
    expect((await fake.query([1, 0], { topK: 5, namespace: 'b' })).matches.map((match) => match.id)).toEqual(['same']);
  });
});

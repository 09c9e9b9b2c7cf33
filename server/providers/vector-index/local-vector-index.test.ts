import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createVectorIndex } from './create-vector-index.ts';
import { createLocalVectorIndex } from './local-vector-index.ts';
import { runVectorIndexContract } from './vector-index.contract.ts';
import type { VectorIndex } from './vector-index.ts';

const testEnv = env as unknown as { COMPANION: DurableObjectNamespace };

/** Runs `use` inside the user's own object, with the local index over its SQLite (whose schema the object created). */
function withLocalIndex<Result>(userId: string, use: (index: VectorIndex, sql: SqlStorage) => Promise<Result>): Promise<Result> {
  return runInDurableObject(testEnv.COMPANION.getByName(userId), async (_instance, state) => {
    return use(createLocalVectorIndex({ sql: state.storage.sql }), state.storage.sql);
  });
}

runVectorIndexContract('local', () => ({ withIndex: (userId, use) => withLocalIndex(userId, (index) => use(index)) }));

describe('local vector index', () => {
  it('stores each vector as a unit-length Float32 BLOB and its metadata as JSON', async () => {
    const userId = `local-storage-${crypto.randomUUID()}`;

    const rows = await withLocalIndex(userId, async (index, sql) => {
      await index.upsert([{ id: 'memory_1', values: [3, 4], metadata: { kind: 'memory' } }]);
      return sql.exec<{ id: string; dimensions: number; vector: ArrayBuffer; metadata: string }>('SELECT * FROM retrieval_vectors').toArray();
    });

    expect(rows).toHaveLength(1);
    expect(rows[0]?.dimensions).toBe(2);
    expect(rows[0]?.vector.byteLength).toBe(8);
    expect(Array.from(new Float32Array(rows[0]?.vector ?? new ArrayBuffer(0)))).toEqual([expect.closeTo(0.6, 6), expect.closeTo(0.8, 6)]);
    expect(JSON.parse(rows[0]?.metadata ?? '')).toEqual({ kind: 'memory' });
  });

  it('accepts a new dimension once the old vectors are gone, as after a model change', async () => {
    const userId = `local-model-change-${crypto.randomUUID()}`;

    const matches = await withLocalIndex(userId, async (index) => {
      await index.upsert([{ id: 'old', values: [1, 0] }]);
      await index.deleteByIds(['old']);
      await index.upsert([{ id: 'new', values: [0, 0, 1] }]);
      return index.query([0, 0, 1], { topK: 1 });
    });

    expect(matches.map((match) => match.id)).toEqual(['new']);
  });

  it('is what createVectorIndex makes for `local`', async () => {
    const provider = await withLocalIndex(
      `local-factory-${crypto.randomUUID()}`,
      async (_index, sql) => createVectorIndex({ provider: 'local', sql }).provider,
    );
    expect(provider).toBe('local');
  });
});

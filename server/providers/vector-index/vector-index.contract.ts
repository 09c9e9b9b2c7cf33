/**
 * The behaviour every `VectorIndex` adapter promises, as one shared suite: each adapter's test file calls
 * `runVectorIndexContract` with a harness that hands out one user's index at a time.
 */
import { describe, expect, it } from 'vitest';
import { type VectorIndex, VectorIndexError } from './vector-index.ts';

/** Hands out per-user indexes over one shared backing store. */
export interface VectorIndexContractHarness {
  /** Runs `use` with the index of `userId`; the same user id reaches the same stored vectors on every call. */
  withIndex<Result>(userId: string, use: (index: VectorIndex) => Promise<Result>): Promise<Result>;
}

/** The contract's vectors have this many dimensions; a harness configures its store for it. */
export const contractDimensions = 4;

/** A user id unique to one test, so tests sharing a store never see each other's vectors. */
function uniqueUser(label: string): string {
  return `user_${label}_${crypto.randomUUID().slice(0, 8)}`;
}

async function failureOf(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (failure) {
    return failure;
  }
  return undefined;
}

function expectInvalidInput(failure: unknown): void {
  expect(failure).toBeInstanceOf(VectorIndexError);
  expect((failure as VectorIndexError).kind).toBe('invalid-input');
}

const north = [1, 0, 0, 0];
const northEast = [1, 1, 0, 0];
const east = [0, 1, 0, 0];
const south = [-1, 0, 0, 0];
const up = [0, 0, 1, 0];

export function runVectorIndexContract(name: string, makeHarness: () => VectorIndexContractHarness): void {
  describe(`${name}: vector index contract`, () => {
    it('finds the nearest vectors first, scored by cosine similarity', async () => {
      const harness = makeHarness();
      const matches = await harness.withIndex(uniqueUser('nearest'), async (index) => {
        await index.upsert([
          { id: 'north', values: north },
          { id: 'north-east', values: northEast },
          { id: 'east', values: east },
          { id: 'south', values: south },
        ]);
        return index.query([2, 0.2, 0, 0], { topK: 4 });
      });

      expect(matches.map((match) => match.id)).toEqual(['north', 'north-east', 'east', 'south']);
      expect(matches[0]?.score).toBeCloseTo(0.995, 3);
      expect(matches[1]?.score).toBeCloseTo(Math.cos(Math.PI / 4 - Math.atan(0.1)), 3);
      expect(matches[3]?.score).toBeCloseTo(-0.995, 3);
    });

    it('returns at most topK matches, and all vectors when there are fewer', async () => {
      const harness = makeHarness();
      const userId = uniqueUser('top-k');
      await harness.withIndex(userId, (index) =>
        index.upsert([
          { id: 'a', values: north },
          { id: 'b', values: northEast },
          { id: 'c', values: east },
        ]),
      );

      expect(await harness.withIndex(userId, (index) => index.query(north, { topK: 2 }))).toHaveLength(2);
      expect(await harness.withIndex(userId, (index) => index.query(north, { topK: 100 }))).toHaveLength(3);
    });

    it('answers a query on an empty index with no matches', async () => {
      const harness = makeHarness();

      expect(await harness.withIndex(uniqueUser('empty'), (index) => index.query(north, { topK: 5 }))).toEqual([]);
    });

    it('replaces a vector upserted again under the same id', async () => {
      const harness = makeHarness();
      const userId = uniqueUser('replace');
      await harness.withIndex(userId, (index) =>
        index.upsert([
          { id: 'moving', values: north },
          { id: 'still', values: northEast },
        ]),
      );
      await harness.withIndex(userId, (index) => index.upsert([{ id: 'moving', values: up }]));

      const matches = await harness.withIndex(userId, (index) => index.query(up, { topK: 5 }));

      expect(matches).toHaveLength(2);
      expect(matches[0]?.id).toBe('moving');
      expect(matches[0]?.score).toBeCloseTo(1, 5);
    });

    it('deletes by id at once, ignoring ids it does not hold', async () => {
      const harness = makeHarness();
      const userId = uniqueUser('delete');
      await harness.withIndex(userId, (index) =>
        index.upsert([
          { id: 'keep', values: east },
          { id: 'drop', values: north },
        ]),
      );

      await harness.withIndex(userId, (index) => index.deleteByIds(['drop', 'never-stored']));

      const matches = await harness.withIndex(userId, (index) => index.query(north, { topK: 5 }));
      expect(matches.map((match) => match.id)).toEqual(['keep']);
    });

    it('accepts empty upserts and deletions as no-ops', async () => {
      const harness = makeHarness();

      await harness.withIndex(uniqueUser('no-op'), async (index) => {
        await index.upsert([]);
        await index.deleteByIds([]);
      });
    });

    it('filters by metadata with equality, $in and $ne', async () => {
      const harness = makeHarness();
      const userId = uniqueUser('filter');
      await harness.withIndex(userId, (index) =>
        index.upsert([
          { id: 'memory-1', values: north, metadata: { kind: 'memory' } },
          { id: 'turn-1', values: north, metadata: { kind: 'turn' } },
          { id: 'chunk-1', values: northEast, metadata: { kind: 'file-chunk' } },
        ]),
      );

      const idsFor = async (filter: Parameters<VectorIndex['query']>[1]['filter']) =>
        (await harness.withIndex(userId, (index) => index.query(north, { topK: 10, filter }))).map((match) => match.id).sort();

      expect(await idsFor({ kind: 'memory' })).toEqual(['memory-1']);
      expect(await idsFor({ kind: { $in: ['memory', 'file-chunk'] } })).toEqual(['chunk-1', 'memory-1']);
      expect(await idsFor({ kind: { $ne: 'turn' } })).toEqual(['chunk-1', 'memory-1']);
    });

    it("never returns one user's vectors to another, even under the same ids", async () => {
      const harness = makeHarness();
      const alice = uniqueUser('alice');
      const bob = uniqueUser('bob');
      await harness.withIndex(alice, (index) =>
        index.upsert([
          { id: 'shared-id', values: north },
          { id: 'alice-only', values: north },
        ]),
      );
      await harness.withIndex(bob, (index) => index.upsert([{ id: 'shared-id', values: south }]));

      const bobMatches = await harness.withIndex(bob, (index) => index.query(north, { topK: 10 }));
      expect(bobMatches.map((match) => match.id)).toEqual(['shared-id']);
      expect(bobMatches[0]?.score).toBeCloseTo(-1, 5);

      await harness.withIndex(bob, (index) => index.deleteByIds(['shared-id', 'alice-only']));

      const aliceMatches = await harness.withIndex(alice, (index) => index.query(north, { topK: 10 }));
      expect(aliceMatches.map((match) => match.id).sort()).toEqual(['alice-only', 'shared-id']);
      expect(aliceMatches[0]?.score).toBeCloseTo(1, 5);
      expect(await harness.withIndex(bob, (index) => index.query(north, { topK: 10 }))).toEqual([]);
    });

    it('refuses a topK outside 1 to 100 as "invalid-input"', async () => {
      const harness = makeHarness();
      const userId = uniqueUser('top-k-limits');
      await harness.withIndex(userId, (index) => index.upsert([{ id: 'a', values: north }]));

      expectInvalidInput(await failureOf(() => harness.withIndex(userId, (index) => index.query(north, { topK: 0 }))));
      expectInvalidInput(await failureOf(() => harness.withIndex(userId, (index) => index.query(north, { topK: 101 }))));
    });

    it('refuses vectors and queries whose dimensions differ from the stored ones as "invalid-input"', async () => {
      const harness = makeHarness();
      const userId = uniqueUser('dimensions');
      await harness.withIndex(userId, (index) => index.upsert([{ id: 'a', values: north }]));

      expectInvalidInput(await failureOf(() => harness.withIndex(userId, (index) => index.upsert([{ id: 'b', values: [1, 0, 0] }]))));
      expectInvalidInput(await failureOf(() => harness.withIndex(userId, (index) => index.query([1, 0, 0, 0, 0], { topK: 1 }))));
    });

    it('refuses empty ids, ids over 53 bytes and non-finite values as "invalid-input", storing nothing of the batch', async () => {
      const harness = makeHarness();
      const userId = uniqueUser('invalid');
      const longId = 'é'.repeat(27);

      expectInvalidInput(await failureOf(() => harness.withIndex(userId, (index) => index.upsert([{ id: '', values: north }]))));
      expectInvalidInput(
        await failureOf(() =>
          harness.withIndex(userId, (index) =>
            index.upsert([
              { id: 'fine', values: north },
              { id: longId, values: north },
            ]),
          ),
        ),
      );
      expectInvalidInput(await failureOf(() => harness.withIndex(userId, (index) => index.upsert([{ id: 'nan', values: [Number.NaN, 0, 0, 0] }]))));
      expect(await harness.withIndex(userId, (index) => index.query(north, { topK: 5 }))).toEqual([]);
      await harness.withIndex(userId, (index) => index.upsert([{ id: 'x'.repeat(53), values: north }]));
    });

    it('refuses metadata keys Vectorize does not allow as "invalid-input"', async () => {
      const harness = makeHarness();

      expectInvalidInput(
        await failureOf(() => harness.withIndex(uniqueUser('metadata'), (index) => index.upsert([{ id: 'a', values: north, metadata: { 'a.b': 1 } }]))),
      );
    });
  });
}

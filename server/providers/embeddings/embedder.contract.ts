/**
 * The behaviour every `Embedder` adapter promises, as one shared suite: each adapter's test file calls
 * `runEmbedderContract` with a harness that wires the adapter to its fake.
 */
import { describe, expect, it } from 'vitest';
import { type Embedder, EmbedderError } from './embedder.ts';

/** How the fake's next answer goes wrong. */
export type EmbedderContractFailure = 'provider-error' | 'malformed' | 'wrong-count' | 'hang';

/** An adapter wired to a fake provider, for one test. */
export interface EmbedderContractHarness {
  embedder: Embedder;
  /** The vector length the fake answers with for this adapter's settings. */
  expectedDimensions: number;
  /** Makes the fake's next answer fail this way. */
  failNext(failure: EmbedderContractFailure): Promise<void> | void;
  /** How many provider calls this harness's adapter has made so far. */
  callCount(): Promise<number> | number;
}

/** A text unique to one test, so tests sharing a fake never see each other's requests. */
export function uniqueText(label: string): string {
  return `${label} ${crypto.randomUUID()}`;
}

async function embedFailure(embedder: Embedder, texts: string[], signal?: AbortSignal): Promise<unknown> {
  try {
    await embedder.embed(texts, { signal });
  } catch (failure) {
    return failure;
  }
  return undefined;
}

function expectEmbedderError(failure: unknown, kind: EmbedderError['kind']): void {
  expect(failure).toBeInstanceOf(EmbedderError);
  expect((failure as EmbedderError).kind).toBe(kind);
  expect((failure as EmbedderError).message.length).toBeGreaterThan(0);
}

function cosine(left: number[], right: number[]): number {
  let dot = 0;
  let leftNorm = 0;
  let rightNorm = 0;
  left.forEach((value, index) => {
    const other = right[index] ?? 0;
    dot += value * other;
    leftNorm += value * value;
    rightNorm += other * other;
  });
  return dot / Math.sqrt(leftNorm * rightNorm);
}

export function runEmbedderContract(name: string, makeHarness: () => EmbedderContractHarness): void {
  describe(`${name}: embedder contract`, () => {
    it('names its provider and model', () => {
      const { embedder } = makeHarness();
      expect(embedder.provider.length).toBeGreaterThan(0);
      expect(embedder.modelId.length).toBeGreaterThan(0);
    });

    it('returns one vector of `dimensions` finite numbers per text, in the order of the texts', async () => {
      const harness = makeHarness();
      const texts = [uniqueText('my sister Ana lives in Porto'), uniqueText('the dentist appointment is on Friday'), uniqueText('I love hiking')];

      const vectors = await harness.embedder.embed(texts);

      expect(vectors).toHaveLength(3);
      for (const vector of vectors) {
        expect(vector).toHaveLength(harness.expectedDimensions);
        expect(vector.every(Number.isFinite)).toBe(true);
        expect(Array.isArray(vector)).toBe(true);
      }
      expect(harness.embedder.dimensions).toBe(harness.expectedDimensions);
      const oneByOne = [];
      for (const text of texts) oneByOne.push(...(await harness.embedder.embed([text])));
      oneByOne.forEach((vector, index) => {
        expect(cosine(vector, vectors[index] ?? [])).toBeCloseTo(1, 5);
      });
    });

    it('gives the same text the same vector and different texts different ones', async () => {
      const { embedder } = makeHarness();
      const text = uniqueText('we adopted a cat named Miso');

      const [first, second, other] = await embedder.embed([text, text, uniqueText('quarterly tax forms are due')]);

      expect(first).toEqual(second);
      expect(cosine(first ?? [], other ?? [])).toBeLessThan(0.99);
    });

    it('answers an empty list without calling the provider', async () => {
      const harness = makeHarness();
      const before = await harness.callCount();

      expect(await harness.embedder.embed([])).toEqual([]);
      expect(await harness.callCount()).toBe(before);
    });

    it('splits a long list into several provider calls and keeps the order across them', async () => {
      const harness = makeHarness();
      const texts = Array.from({ length: 260 }, (_, index) => uniqueText(`note number ${index}`));
      const before = await harness.callCount();

      const vectors = await harness.embedder.embed(texts);

      expect(vectors).toHaveLength(260);
      expect((await harness.callCount()) - before).toBeGreaterThan(1);
      const [last] = await harness.embedder.embed([texts[259] ?? '']);
      expect(cosine(last ?? [], vectors[259] ?? [])).toBeCloseTo(1, 5);
    });

    it('reports a provider failure as EmbedderError "provider"', async () => {
      const harness = makeHarness();
      await harness.failNext('provider-error');

      expectEmbedderError(await embedFailure(harness.embedder, [uniqueText('provider failure')]), 'provider');
    });

    it('reports output of the wrong shape as EmbedderError "invalid-response"', async () => {
      const harness = makeHarness();
      await harness.failNext('malformed');

      expectEmbedderError(await embedFailure(harness.embedder, [uniqueText('malformed output')]), 'invalid-response');
    });

    it('reports fewer vectors than texts as EmbedderError "invalid-response"', async () => {
      const harness = makeHarness();
      await harness.failNext('wrong-count');

      expectEmbedderError(await embedFailure(harness.embedder, [uniqueText('first of two'), uniqueText('second of two')]), 'invalid-response');
    });

    it('reports the caller\'s timeout signal firing as EmbedderError "timeout"', async () => {
      const harness = makeHarness();
      await harness.failNext('hang');

      expectEmbedderError(await embedFailure(harness.embedder, [uniqueText('hanging call')], AbortSignal.timeout(100)), 'timeout');
    });

    it("passes a caller's cancellation through instead of reporting a provider failure", async () => {
      const harness = makeHarness();
      await harness.failNext('hang');
      const controller = new AbortController();
      const reason = new Error('the client went away');
      setTimeout(() => controller.abort(reason), 50);

      expect(await embedFailure(harness.embedder, [uniqueText('cancelled call')], controller.signal)).toBe(reason);
    });

    it('does not call the provider when the caller already gave up', async () => {
      const harness = makeHarness();
      const reason = new Error('gone');
      const before = await harness.callCount();

      expect(await embedFailure(harness.embedder, [uniqueText('never sent')], AbortSignal.abort(reason))).toBe(reason);
      expect(await harness.callCount()).toBe(before);
    });
  });
}

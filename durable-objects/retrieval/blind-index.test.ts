import { afterEach, describe, expect, it, vi } from 'vitest';
import { blindTermLength, createBlindIndex } from './blind-index.ts';

function hmacKey(): Promise<CryptoKey> {
  return crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256', length: 256 }, false, ['sign']) as Promise<CryptoKey>;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('blind index', () => {
  it('turns a text into sorted, distinct, truncated hex HMACs of its stems', async () => {
    const blindIndex = createBlindIndex({ key: await hmacKey() });

    const terms = await blindIndex.blindTerms('Running, runs and run: my sister runs marathons');

    expect(terms).toHaveLength(3);
    for (const term of terms) expect(term).toMatch(new RegExp(`^[0-9a-f]{${blindTermLength}}$`));
    expect([...terms].sort()).toEqual(terms);
    expect(terms).toEqual(await blindIndex.blindTerms('marathon sister run'));
  });

  it('keeps none of the words or stems in its output', async () => {
    const blindIndex = createBlindIndex({ key: await hmacKey() });

    const joined = (await blindIndex.blindTerms('hippopotamuses')).join(' ');

    expect(joined).not.toContain('hippopotamus');
    expect(joined).not.toContain('hippopotamu');
  });

  it('gives the same word different blind terms under different keys', async () => {
    const alice = createBlindIndex({ key: await hmacKey() });
    const bob = createBlindIndex({ key: await hmacKey() });

    expect(await alice.blindTerms('wedding')).not.toEqual(await bob.blindTerms('wedding'));
  });

  it('maps terms one to one, in order, for queries', async () => {
    const blindIndex = createBlindIndex({ key: await hmacKey() });

    const [sister, wed, again] = await blindIndex.blindTermsOf(['sister', 'wed', 'sister']);

    expect(sister).toBe(again);
    expect(sister).not.toBe(wed);
    expect(await blindIndex.blindTerms('weddings')).toEqual([wed]);
  });

  it('hashes each stem once while it stays in its bounded cache', async () => {
    const sign = vi.spyOn(crypto.subtle, 'sign');
    const blindIndex = createBlindIndex({ key: await hmacKey(), cacheSize: 2 });

    await blindIndex.blindTermsOf(['alpha', 'beta']);
    await blindIndex.blindTermsOf(['alpha', 'beta', 'alpha']);
    expect(sign).toHaveBeenCalledTimes(2);

    // Least recently used first: gamma pushes out alpha, whose return costs another HMAC; beta stayed.
    await blindIndex.blindTermsOf(['gamma']);
    await blindIndex.blindTermsOf(['beta']);
    expect(sign).toHaveBeenCalledTimes(3);
    await blindIndex.blindTermsOf(['alpha']);
    expect(sign).toHaveBeenCalledTimes(4);
  });

  it('starts its cache over when the key it resolves changes', async () => {
    let key = await hmacKey();
    const blindIndex = createBlindIndex({ key: async () => key });
    const before = await blindIndex.blindTerms('garden');

    key = await hmacKey();

    expect(await blindIndex.blindTerms('garden')).not.toEqual(before);
  });

  it('answers many terms at once even when they outnumber the cache', async () => {
    const blindIndex = createBlindIndex({ key: await hmacKey(), cacheSize: 3 });
    const terms = Array.from({ length: 10 }, (_, index) => `term${index}`);

    const first = await blindIndex.blindTermsOf(terms);
    const second = await blindIndex.blindTermsOf(terms);

    expect(second).toEqual(first);
    expect(new Set(first).size).toBe(10);
  });
});

import { describe, expect, it } from 'vitest';
import {
  cosineSimilarity,
  estimateTokens,
  fitTokenBudget,
  jaccardSimilarity,
  maximalMarginalRelevance,
  reciprocalRankFusion,
  weighByRecencyAndImportance,
} from './hybrid.ts';

const day = 86_400_000;
const ids = (items: { id: string }[]) => items.map((item) => item.id);

describe('reciprocalRankFusion', () => {
  it('adds 1 / (k + rank) over the lists an item appears in', () => {
    const fused = reciprocalRankFusion(
      [
        [{ id: 'a' }, { id: 'b' }],
        [{ id: 'b' }, { id: 'c' }],
      ],
      { k: 60 },
    );

    expect(ids(fused)).toEqual(['b', 'a', 'c']);
    expect(fused[0]?.score).toBeCloseTo(1 / 62 + 1 / 61, 12);
    expect(fused[1]?.score).toBeCloseTo(1 / 61, 12);
    expect(fused[2]?.score).toBeCloseTo(1 / 62, 12);
  });

  it('scales each list by its weight', () => {
    const fused = reciprocalRankFusion([[{ id: 'lexical' }], [{ id: 'vector' }]], { weights: [1, 2] });

    expect(ids(fused)).toEqual(['vector', 'lexical']);
    expect(fused[0]?.score).toBeCloseTo(2 / 61, 12);
  });

  it('counts a repeated id only at its best rank within a list', () => {
    const fused = reciprocalRankFusion([[{ id: 'a' }, { id: 'a' }, { id: 'b' }]]);

    expect(fused.map((item) => [item.id, item.score])).toEqual([
      ['a', 1 / 61],
      ['b', 1 / 62],
    ]);
  });

  it("breaks ties by best rank, then by id, and keeps the first appearance's fields", () => {
    const fused = reciprocalRankFusion([
      [
        { id: 'z', source: 'first' },
        { id: 'y', source: 'first' },
      ],
      [
        { id: 'y', source: 'second' },
        { id: 'z', source: 'second' },
      ],
    ]);

    expect(fused.map((item) => [item.id, item.source])).toEqual([
      ['y', 'first'],
      ['z', 'first'],
    ]);
  });

  it('fuses nothing into nothing', () => {
    expect(reciprocalRankFusion([[], []])).toEqual([]);
  });
});

describe('weighByRecencyAndImportance', () => {
  const now = 1_000 * day;

  it('halves the recency share of the score every half-life and keeps the rest', () => {
    const weighed = weighByRecencyAndImportance(
      [
        { id: 'old', score: 1, createdAt: now - 30 * day, importance: 0 },
        { id: 'new', score: 1, createdAt: now, importance: 0 },
      ],
      { now, halfLifeDays: 30, importanceWeight: 0, recencyWeight: 0.5 },
    );

    expect(weighed.map((item) => [item.id, item.score])).toEqual([
      ['new', 1],
      ['old', 0.75],
    ]);
  });

  it('multiplies by 1 + importanceWeight × importance', () => {
    const [weighed] = weighByRecencyAndImportance([{ score: 2, createdAt: now, importance: 0.5 }], { now, halfLifeDays: 30, importanceWeight: 0.4 });

    expect(weighed?.score).toBeCloseTo(2 * 1.2, 12);
  });

  it('lets a much more relevant old memory outrank a barely relevant new one', () => {
    const weighed = weighByRecencyAndImportance(
      [
        { id: 'relevant-old', score: 1, createdAt: now - 3_650 * day, importance: 0.5 },
        { id: 'fresh-noise', score: 0.2, createdAt: now, importance: 0.5 },
      ],
      { now, halfLifeDays: 30, importanceWeight: 0.5 },
    );

    expect(ids(weighed)).toEqual(['relevant-old', 'fresh-noise']);
  });

  it('treats a date in the future as now and clamps importance to 0..1', () => {
    const [future] = weighByRecencyAndImportance([{ score: 1, createdAt: now + 10 * day, importance: 7 }], { now, halfLifeDays: 30, importanceWeight: 1 });

    expect(future?.score).toBe(2);
  });
});

describe('maximalMarginalRelevance', () => {
  const candidates = [
    { id: 'a', score: 1, terms: new Set(['x', 'y', 'z']) },
    { id: 'a-again', score: 0.95, terms: new Set(['x', 'y', 'z']) },
    { id: 'b', score: 0.8, terms: new Set(['p', 'q']) },
  ];
  const similarity = (left: (typeof candidates)[number], right: (typeof candidates)[number]) => jaccardSimilarity(left.terms, right.terms);

  it('passes over a near-duplicate for something new', () => {
    expect(ids(maximalMarginalRelevance(candidates, { lambda: 0.7, limit: 2, similarity }))).toEqual(['a', 'b']);
  });

  it('keeps the relevance order when lambda is 1', () => {
    expect(ids(maximalMarginalRelevance(candidates, { lambda: 1, limit: 3, similarity }))).toEqual(['a', 'a-again', 'b']);
  });

  it('returns at most limit, and no more than there are', () => {
    expect(maximalMarginalRelevance(candidates, { lambda: 0.5, limit: 1, similarity })).toHaveLength(1);
    expect(maximalMarginalRelevance(candidates, { lambda: 0.5, limit: 10, similarity })).toHaveLength(3);
    expect(maximalMarginalRelevance([], { lambda: 0.5, limit: 10, similarity })).toEqual([]);
  });
});

describe('similarities', () => {
  it('measures Jaccard overlap of term sets', () => {
    expect(jaccardSimilarity(new Set(['a', 'b', 'c']), new Set(['b', 'c', 'd']))).toBe(0.5);
    expect(jaccardSimilarity(new Set(), new Set())).toBe(0);
    expect(jaccardSimilarity(new Set(['a']), new Set(['a']))).toBe(1);
  });

  it('measures the cosine of two vectors', () => {
    expect(cosineSimilarity([1, 0], [0, 1])).toBe(0);
    expect(cosineSimilarity([2, 0], [1, 0])).toBe(1);
    expect(cosineSimilarity([1, 1], [-1, -1])).toBeCloseTo(-1, 12);
    expect(cosineSimilarity([0, 0], [1, 0])).toBe(0);
  });
});

describe('fitTokenBudget', () => {
  const items = [
    { id: 'first', tokens: 40 },
    { id: 'too-big', tokens: 70 },
    { id: 'small', tokens: 50 },
    { id: 'last', tokens: 20 },
  ];

  it('keeps items in order while they fit, skipping one that does not for smaller ones after it', () => {
    expect(ids(fitTokenBudget(items, 100, (item) => item.tokens))).toEqual(['first', 'small']);
    expect(ids(fitTokenBudget(items, 110, (item) => item.tokens))).toEqual(['first', 'too-big']);
    expect(ids(fitTokenBudget(items, 0, (item) => item.tokens))).toEqual([]);
  });
});

describe('estimateTokens', () => {
  it('counts about four ASCII characters per token and one per other character', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('abcd')).toBe(1);
    expect(estimateTokens('abcde')).toBe(2);
    expect(estimateTokens('The quick brown fox jumps over the lazy dog.')).toBe(11);
    expect(estimateTokens('我喜欢猫')).toBe(4);
    expect(estimateTokens('café')).toBe(2);
  });
});

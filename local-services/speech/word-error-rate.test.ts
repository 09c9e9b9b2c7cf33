import { describe, expect, it } from 'vitest';
import { countWordErrors, normalizeWords, wordEditDistance, wordErrorRate } from './word-error-rate.ts';

describe('word error rate', () => {
  it('compares words lower-case and without punctuation, keeping apostrophes inside words', () => {
    expect(normalizeWords("Good night, talk to you TOMORROW! Don't—forget.")).toEqual(['good', 'night', 'talk', 'to', 'you', 'tomorrow', "don't", 'forget']);
    expect(normalizeWords('  ')).toEqual([]);
  });

  it('counts substitutions, deletions and insertions as one edit each', () => {
    expect(wordEditDistance(['a', 'b', 'c'], ['a', 'b', 'c'])).toBe(0);
    expect(wordEditDistance(['a', 'b', 'c'], ['a', 'x', 'c'])).toBe(1);
    expect(wordEditDistance(['a', 'b', 'c'], ['a', 'c'])).toBe(1);
    expect(wordEditDistance(['a', 'b', 'c'], ['a', 'b', 'x', 'c'])).toBe(1);
    expect(wordEditDistance(['a', 'b'], [])).toBe(2);
    expect(wordEditDistance([], ['a', 'b'])).toBe(2);
    // Not a greedy alignment: dropping the first word then matching the rest costs 1, not 3.
    expect(wordEditDistance(['x', 'a', 'b', 'c'], ['a', 'b', 'c'])).toBe(1);
  });

  it('sums errors and words over sentences before dividing, so long sentences weigh more', () => {
    expect(countWordErrors('Remind me to call my sister', 'remind me to call my sister')).toEqual({ errors: 0, words: 6 });
    const rate = wordErrorRate([
      { reference: 'one two three four', hypothesis: 'one two three four' },
      { reference: 'five six', hypothesis: 'five seven eight' },
    ]);
    expect(rate).toBeCloseTo(2 / 6);
    expect(wordErrorRate([{ reference: 'hello there', hypothesis: 'oh hello out there friend' }])).toBe(1.5);
  });

  it('refuses to measure against nothing said', () => {
    expect(() => wordErrorRate([{ reference: '', hypothesis: 'words' }])).toThrow(/at least one reference word/);
  });
});

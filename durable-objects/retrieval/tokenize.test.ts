import { describe, expect, it } from 'vitest';
import { indexTerms, wordTokens } from './tokenize.ts';

describe('wordTokens', () => {
  it('lower-cases and splits on anything that is not a letter, mark or digit', () => {
    expect(wordTokens('Hello, World! It is 2024-06-01.')).toEqual(['hello', 'world', 'it', 'is', '2024', '06', '01']);
  });

  it("keeps words with inner apostrophes whole, drops possessive 's and other apostrophes", () => {
    expect(wordTokens("Maria's dog doesn't bark, it’s calm")).toEqual(['maria', 'dog', 'doesnt', 'bark', 'it', 'calm']);
  });

  it('drops accents from Latin letters but keeps marks that other scripts need', () => {
    expect(wordTokens('Café Crème São Paulo')).toEqual(['cafe', 'creme', 'sao', 'paulo']);
    expect(wordTokens('नमस्ते')).toEqual(['नमस्ते']);
  });

  it('folds compatibility forms such as full-width letters', () => {
    expect(wordTokens('ＫＩＮＤＲＥＤ')).toEqual(['kindred']);
  });

  it('makes each Chinese or Japanese character its own token', () => {
    expect(wordTokens('我喜欢猫 and カタカナ')).toEqual(['我', '喜', '欢', '猫', 'and', 'カ', 'タ', 'カ', 'ナ']);
  });

  it('leaves out very long runs such as pasted hashes', () => {
    expect(wordTokens(`token ${'a'.repeat(49)} ${'b'.repeat(48)}`)).toEqual(['token', 'b'.repeat(48)]);
  });
});

describe('indexTerms', () => {
  it('drops stop words and stems English words with Porter', () => {
    expect(indexTerms('I was running to the shops because they were closing')).toEqual(['run', 'shop', 'close']);
  });

  it('gives "run", "runs" and "running" the same term', () => {
    expect(new Set([...indexTerms('run'), ...indexTerms('runs'), ...indexTerms('running')])).toEqual(new Set(['run']));
  });

  it('keeps numbers and non-English words, drops lone Latin letters and digits', () => {
    expect(indexTerms('Flight 714 to Zürich, gate B 7')).toEqual(['flight', '714', 'zurich', 'gate']);
    expect(indexTerms('猫')).toEqual(['猫']);
  });

  it('yields nothing for a text of stop words only', () => {
    expect(indexTerms('What was it that you and I had?')).toEqual([]);
  });
});

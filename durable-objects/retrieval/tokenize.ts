/**
 * Text to index terms, the plain half of the blind index: lower-cased Unicode word tokens, English
 * stop words dropped, English words reduced to their Porter stem. The same function runs over stored
 * texts and over queries, so whatever it does consistently (even to non-English words) still matches.
 */
import { stemmer } from 'stemmer';

/**
 * Words too common to tell one memory from another. Kept small on purpose: BM25's inverse document
 * frequency already weighs common words down, and every word dropped here can never be searched for.
 */
export const englishStopWords: ReadonlySet<string> = new Set([
  'a',
  'about',
  'after',
  'again',
  'all',
  'am',
  'an',
  'and',
  'any',
  'are',
  'as',
  'at',
  'be',
  'because',
  'been',
  'before',
  'being',
  'both',
  'but',
  'by',
  'can',
  'could',
  'did',
  'do',
  'does',
  'doing',
  'dont',
  'down',
  'during',
  'each',
  'few',
  'for',
  'from',
  'further',
  'had',
  'has',
  'have',
  'having',
  'he',
  'her',
  'here',
  'hers',
  'herself',
  'him',
  'himself',
  'his',
  'how',
  'i',
  'if',
  'im',
  'in',
  'into',
  'is',
  'it',
  'its',
  'itself',
  'ive',
  'just',
  'me',
  'more',
  'most',
  'my',
  'myself',
  'no',
  'nor',
  'not',
  'now',
  'of',
  'off',
  'on',
  'once',
  'only',
  'or',
  'other',
  'our',
  'ours',
  'ourselves',
  'out',
  'over',
  'own',
  'same',
  'she',
  'should',
  'so',
  'some',
  'such',
  'than',
  'that',
  'the',
  'their',
  'theirs',
  'them',
  'themselves',
  'then',
  'there',
  'these',
  'they',
  'this',
  'those',
  'through',
  'to',
  'too',
  'under',
  'until',
  'up',
  'very',
  'was',
  'we',
  'were',
  'what',
  'when',
  'where',
  'which',
  'while',
  'who',
  'whom',
  'why',
  'will',
  'with',
  'would',
  'you',
  'your',
  'yours',
  'yourself',
  'yourselves',
]);

/** Runs of letters, marks and digits, with inner apostrophes kept so "don't" stays one word. */
const wordRunPattern = /[\p{L}\p{M}\p{N}]+(?:['’][\p{L}\p{M}\p{N}]+)*/gu;
/**
 * Chinese and Japanese write words without spaces, so a run of them would be one useless token.
 * Each character becomes its own token instead (unigrams), which still lets a query share terms with
 * the text it should find.
 */
const unspacedScriptPattern = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]|[^\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]+/gu;
const unspacedScriptCharacter = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]$/u;
const latinWord = /^[\p{Script=Latin}\p{M}\p{N}]+$/u;
const combiningMarks = /\p{M}+/gu;
const apostrophes = /['’]/g;
const englishLetters = /^[a-z]+$/;
/** Longer "words" are pasted ids, hashes or base64: never searched for, and they bloat the index. */
const longestIndexedWord = 48;

/** The words of `text`, lower-cased and normalised, in order, stop words included. */
export function wordTokens(text: string): string[] {
  const tokens: string[] = [];
  // NFKC folds compatibility forms (full-width letters, ligatures) so they match their plain spelling.
  for (const run of text.normalize('NFKC').toLowerCase().matchAll(wordRunPattern)) {
    for (const piece of run[0].matchAll(unspacedScriptPattern)) {
      const token = normaliseWord(piece[0]);
      if (token.length > 0 && token.length <= longestIndexedWord) tokens.push(token);
    }
  }
  return tokens;
}

/** The index terms of `text`: its words without stop words, stemmed, in order, repeats included. */
export function indexTerms(text: string): string[] {
  const terms: string[] = [];
  for (const token of wordTokens(text)) {
    if (englishStopWords.has(token)) continue;
    // A single Latin letter or digit says nothing on its own; a single ideograph is a whole word.
    if (token.length === 1 && !unspacedScriptCharacter.test(token)) continue;
    terms.push(englishLetters.test(token) ? stemmer(token) : token);
  }
  return terms;
}

function normaliseWord(word: string): string {
  // Possessives search as their noun ("Maria's" finds "Maria"); other apostrophes just go ("don't" → "dont").
  let token = word.replace(/['’]s$/u, '').replace(apostrophes, '');
  // Accents on Latin letters are dropped ("café" finds "cafe"); in other scripts marks carry meaning.
  if (latinWord.test(token)) token = token.normalize('NFD').replace(combiningMarks, '').normalize('NFC');
  return token;
}

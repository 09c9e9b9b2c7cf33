/**
 * Word error rate: the word-level edit distance (substitutions, deletions, insertions) between what
 * was said and what was heard, over the number of words said. Words are compared lower-case, without
 * punctuation, and with digits and contractions left as they are written.
 */

/** The words of a sentence as compared: lower-case, punctuation dropped (apostrophes inside words kept). */
export function normalizeWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/[^\p{L}\p{N}'\s-]/gu, ' ')
    .replace(/-/g, ' ')
    .split(/\s+/)
    .map((word) => word.replace(/^'+|'+$/g, ''))
    .filter((word) => word !== '');
}

/** The fewest substitutions, deletions and insertions that turn `reference` into `hypothesis`. */
export function wordEditDistance(reference: readonly string[], hypothesis: readonly string[]): number {
  // One row of the Levenshtein table at a time.
  let previous = Array.from({ length: hypothesis.length + 1 }, (_, index) => index);
  for (let row = 1; row <= reference.length; row += 1) {
    const current = [row];
    for (let column = 1; column <= hypothesis.length; column += 1) {
      const substitution = (previous[column - 1] ?? 0) + (reference[row - 1] === hypothesis[column - 1] ? 0 : 1);
      const deletion = (previous[column] ?? 0) + 1;
      const insertion = (current[column - 1] ?? 0) + 1;
      current.push(Math.min(substitution, deletion, insertion));
    }
    previous = current;
  }
  return previous[hypothesis.length] ?? 0;
}

/** Edits and reference words summed over many sentences: the corpus WER is `errors / words`. */
export interface WordErrorCount {
  errors: number;
  words: number;
}

/** The errors of one transcript against what was said. */
export function countWordErrors(reference: string, hypothesis: string): WordErrorCount {
  const said = normalizeWords(reference);
  return { errors: wordEditDistance(said, normalizeWords(hypothesis)), words: said.length };
}

/** The word error rate of one or more transcripts together (0 is perfect; it can exceed 1). */
export function wordErrorRate(pairs: ReadonlyArray<{ reference: string; hypothesis: string }>): number {
  let errors = 0;
  let words = 0;
  for (const pair of pairs) {
    const count = countWordErrors(pair.reference, pair.hypothesis);
    errors += count.errors;
    words += count.words;
  }
  if (words === 0) throw new Error('A word error rate needs at least one reference word.');
  return errors / words;
}

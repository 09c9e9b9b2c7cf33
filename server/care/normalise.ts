/**
 * Text normalisation for the care screen: done once per message so every rule is written against one
 * simple form (lowercase, no accents, words separated by single spaces, no punctuation).
 *
 * Accents are stripped because people type without them ("nao", "mude", "etrangle") and the rules are
 * written without them; no rule depends on an accent to tell two words apart.
 */

const apostrophes = /[\u2018\u2019\u201b\u2032\u00b4\u0060\u02bc]/g;
const combiningMarks = /[\u0300-\u036f]/g;
const nonAscii = /[\u0080-\uffff]/g;

/**
 * Each accented Latin letter (Latin-1 and Latin Extended-A, which cover the six languages) mapped to
 * its base letter once at load: normalising a long message character by character with NFD took most
 * of the screen's time. Other characters decompose with NFD as they come.
 */
const baseLetters = new Map<string, string>();
for (let code = 0xc0; code <= 0x17f; code += 1) {
  const letter = String.fromCharCode(code);
  baseLetters.set(letter, letter.normalize('NFD').replace(combiningMarks, ''));
}
baseLetters.set('\u00df', 'ss');

function baseLetter(character: string): string {
  return baseLetters.get(character) ?? character.normalize('NFD').replace(combiningMarks, '');
}
/** French and Italian elision ("j'ai", "m'a", "l'ho", "dell'amico"): the apostrophe separates two words. */
const elision = /\b(c|d|j|l|m|n|s|t|qu|dell|all|nell|sull|dall|un|quest|quell)'(?=[a-z])/g;
/** What is left of apostrophes are English contractions ("don't", "i'm"): dropped, so they match the unpunctuated spellings. */
const remainingApostrophes = /'/g;
const nonWord = /[^a-z0-9]+/g;

/** Lowercase, accents and punctuation removed, single spaces, padded with one space at each end so rules may anchor on ' '. */
export function normaliseForScreen(text: string): string {
  const lower = text.toLowerCase().replace(apostrophes, "'").replace(nonAscii, baseLetter);
  return ` ${lower.replace(elision, '$1 ').replace(remainingApostrophes, '').replace(nonWord, ' ').trim()} `;
}

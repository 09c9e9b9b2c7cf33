/**
 * The words that answer a request to approve a tool call without a tap: on WhatsApp, and aloud in
 * voice mode (the object hears them through its transcriber, the web client through the browser's
 * own recognition). Shared by both, so they take the same words.
 */

/** The answers a message or an utterance can give to a request to approve. */
export type ApprovalWord = 'yes' | 'no' | 'always';

/**
 * The words, lower case and without accents, in English and the main European languages the
 * personas speak (German, French, Spanish, Italian, Portuguese, Dutch, Polish). Only a message that
 * is one of these and nothing more answers: "yes, and also…" is a turn.
 */
const words: ReadonlyMap<string, ApprovalWord> = new Map([
  ...['yes', 'y', 'yep', 'yeah', 'ja', 'oui', 'si', 'sim', 'tak'].map((word) => [word, 'yes'] as const),
  ...['no', 'n', 'nope', 'nein', 'non', 'nao', 'nee', 'nie'].map((word) => [word, 'no'] as const),
  ...['always', 'immer', 'toujours', 'siempre', 'sempre', 'altijd', 'zawsze'].map((word) => [word, 'always'] as const),
]);

/** The answer a message gives, when it is just one of the words (any case, accents, surrounding punctuation); null otherwise. */
export function approvalWordOf(text: string): ApprovalWord | null {
  const bare = text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/^[\s\p{P}]+|[\s\p{P}]+$/gu, '');
  // A Map, not an object: "constructor" or "toString" must not read as an answer.
  return words.get(bare) ?? null;
}

/** Spoken answers add what people say aloud to the written words. */
const spokenWords: ReadonlyMap<string, ApprovalWord> = new Map([
  ...words,
  ...['sure', 'okay', 'ok', 'yup', 'allow', 'claro', 'vale', 'genau', 'bien'].map((word) => [word, 'yes'] as const),
  ...['nah', 'dont', 'stop', 'cancel', 'nicht', 'pas'].map((word) => [word, 'no'] as const),
]);
/** Words that may follow the answer without making it something else: "yes please", "no thanks". */
const courtesies = new Set([
  'please',
  'thanks',
  'thank',
  'you',
  'go',
  'ahead',
  'do',
  'it',
  'that',
  'merci',
  'danke',
  'bitte',
  'gracias',
  'grazie',
  'obrigado',
  'dziekuje',
]);

/**
 * The answer an utterance gives while the companion waits for one in voice mode. Speech is looser
 * than a typed word: the first word decides ("yes", "sure", "no", "always", "nope"), and it may be
 * followed only by courtesies ("yes please", "no thanks", "sure, go ahead"). "No, I want something
 * else" is not an answer: it is a new turn, and the request it talks over is declined.
 */
export function spokenApprovalWordOf(text: string): ApprovalWord | null {
  const spoken = text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/[’']/g, '')
    .split(/[\s\p{P}]+/u)
    .filter((word) => word !== '');
  // "Go ahead" and "do it" say yes in two words.
  const twoWordYes = ['go ahead', 'do it'].includes(spoken.slice(0, 2).join(' '));
  const answer = twoWordYes ? 'yes' : spokenWords.get(spoken[0] ?? '');
  const rest = spoken.slice(twoWordYes ? 2 : 1);
  if (answer === undefined || rest.length > 3 || !rest.every((word) => courtesies.has(word))) return null;
  return answer;
}

/** What a word answers, as a tap on the card would: allow (and stop asking, for "always") or decline. */
export function approvalAnswerOf(word: ApprovalWord): { approved: boolean; always?: true } {
  return { approved: word !== 'no', ...(word === 'always' ? { always: true } : {}) };
}

/** The question as the companion says it in voice mode, where the person answers aloud. */
export function spokenApprovalQuestion(approval: { toolTitle: string; reason: string }): string {
  return `May I use ${approval.toolTitle}? ${approval.reason} Say yes or no.`;
}

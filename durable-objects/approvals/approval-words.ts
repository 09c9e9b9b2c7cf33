/** The answers a WhatsApp message can give to a request to approve. */
export type ApprovalWord = 'yes' | 'no' | 'always';

/**
 * The words, lower case and without accents, in English and the main European languages the
 * personas speak (German, French, Spanish, Italian, Portuguese, Dutch, Polish). Only a message that
 * is one of these and nothing more answers: "yes, and also…" is a turn.
 */
const words: Readonly<Record<string, ApprovalWord>> = Object.fromEntries([
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
  return words[bare] ?? null;
}

import { AppError } from '../../server/errors/app-error.ts';

/**
 * NIST SP 800-63B §5.1.1.2 (memorized secrets): at least 8 characters, up to at least 64, every
 * printable character and space allowed, no composition rules — but refuse what attackers try first:
 * passwords from breach corpora, repetitive or sequential characters, and context-specific words
 * (the service's name, the person's email).
 *
 * The list is zxcvbn-ts's `passwords-common` (about 30,000 passwords ranked by frequency in leaked
 * corpora), a maintained package rather than a list pasted here. It is loaded on first use, so only
 * a Worker isolate that handles a sign-up pays for decompressing it.
 */
let commonPasswords: Promise<Set<string>> | undefined;

function loadCommonPasswords(): Promise<Set<string>> {
  commonPasswords ??= import('@zxcvbn-ts/language-common').then(({ dictionary }) => new Set(dictionary['passwords-common']));
  return commonPasswords;
}

const minimumLength = 8;
const serviceWords = ['kindred'];

/** Why a password is refused, in words the sign-up form shows as they are; undefined when it is fine. */
export async function passwordWeakness(password: string, email: string): Promise<string | undefined> {
  const normalized = password.normalize('NFKC');
  const folded = normalized.toLowerCase();
  const compact = folded.replace(/\s+/g, '');
  if ([...normalized].length < minimumLength) return `Use at least ${minimumLength} characters.`;
  if (compact.length === 0) return 'A password cannot be only spaces.';
  if (new Set(compact).size <= 2) return 'That password repeats the same characters; try a few words that mean something to you.';
  if (isSequence(compact)) return 'That password is a simple sequence; try a few words that mean something to you.';
  const emailAddress = email.trim().toLowerCase();
  const localPart = emailAddress.split('@')[0] ?? '';
  if (folded.includes(emailAddress) || (localPart.length >= 3 && compact.includes(localPart.replace(/\s+/g, '')))) {
    return 'Your password cannot contain your email address.';
  }
  if (serviceWords.some((word) => compact === word || compact.replace(/[^a-z]/g, '') === word)) return 'Your password cannot be the name of this app.';
  const common = await loadCommonPasswords();
  if (common.has(folded) || common.has(compact) || common.has(stripTrailingDigits(compact))) {
    return 'That password is one of the most common ones, which attackers try first. Choose another.';
  }
  return undefined;
}

/** Refuses a weak password with `weak_password` and the reason. */
export async function assertStrongPassword(password: string, email: string): Promise<void> {
  const weakness = await passwordWeakness(password, email);
  if (weakness) throw new AppError('weak_password', weakness);
}

/** `abcdefgh`, `12345678`, `87654321`: each character one step from the last. */
function isSequence(text: string): boolean {
  const codes = [...text].map((character) => character.codePointAt(0) ?? 0);
  const step = (codes[1] ?? 0) - (codes[0] ?? 0);
  if (Math.abs(step) !== 1) return false;
  return codes.every((code, index) => index === 0 || code - (codes[index - 1] ?? 0) === step);
}

/** `password1`, `letmein2024`: a common word with digits added is as guessable as the word. */
function stripTrailingDigits(text: string): string {
  const stripped = text.replace(/\d+$/, '');
  return stripped.length >= 4 ? stripped : text;
}

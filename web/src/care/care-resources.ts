// How the help a flagged reply carries is shown: which resource comes first, and the links made from
// the directory's words. Pure, so the order and the links are tested without a browser.
import type { CareResource } from '../../../common/client.ts';

/** The name screen readers give the card's region. */
export const careRegionLabel = 'Help you can reach now';

/** Announced after a reply that carries help, for people who hear the chat rather than see it. */
export const careAnnouncement = 'Below the reply: phone numbers and places where real people can help right now.';

/** The line above the resources: calm, and about people rather than about what went wrong. */
export const careIntroduction = "You don't have to go through this alone. Real people can help right now:";

/**
 * The emergency number first (when life is at risk the server sends one), then the others in the
 * directory's own order, which already puts the best-known line first.
 */
export function orderedResources(resources: readonly CareResource[]): CareResource[] {
  return [...resources.filter((resource) => resource.emergency === true), ...resources.filter((resource) => resource.emergency !== true)];
}

// Letters on a phone keypad, for numbers written as words ("1-800-SUICIDE").
const keypad: ReadonlyMap<string, string> = new Map(
  ['ABC', 'DEF', 'GHI', 'JKL', 'MNO', 'PQRS', 'TUV', 'WXYZ'].flatMap((letters, index) => [...letters].map((letter) => [letter, String(index + 2)] as const)),
);

/**
 * A `tel:` link for a number as the directory writes it for people ("116 123", "+1 (800) 273-8255"):
 * spaces and punctuation dropped, a leading + kept, capital letters of a vanity number
 * ("1-800-SUICIDE") turned into keypad digits; among words ("Call 999"), the first number. Undefined when no digit is left, so the card shows the
 * words without a link that would dial nothing.
 */
export function telephoneHref(phone: string): string | undefined {
  const trimmed = phone.trim();
  // Written among words ("Call 999", "988, call or text"): the first number in it.
  const number = /[a-z]/.test(trimmed) ? (trimmed.match(/\+?[0-9][0-9 ().-]*/)?.[0] ?? '') : trimmed;
  const digits = [...number].map((character) => (/[0-9]/.test(character) ? character : (keypad.get(character) ?? ''))).join('');
  if (!/[0-9]/.test(digits)) return undefined;
  return `tel:${number.trimStart().startsWith('+') ? '+' : ''}${digits}`;
}

/** The resource's web address when it is one a browser should open (http or https); anything else is not linked. */
export function webHref(url: string): URL | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The address as people read it on a button: the host without `www.`, and the path when there is one. */
export function webLabel(url: URL): string {
  const host = url.hostname.replace(/^www\./, '');
  const path = url.pathname.replace(/\/+$/, '');
  return `${host}${path}`;
}

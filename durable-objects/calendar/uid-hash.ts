import { bytesToBase64Url } from '../../server/crypto/encoding.ts';

/*
 * The user's blind-index HMAC key is reused, as file paths reuse it (`files/path-hash.ts`); the
 * label keeps UID hashes in their own domain, apart from search terms and file paths.
 */
const domainLabel = 'kindred/calendar-uid/v1\u0000';

/** A keyed hash (HMAC-SHA-256, base64url) of an iCalendar UID: equal UIDs match, and nobody without the key can test a guess. */
export function createUidHasher(key: () => Promise<CryptoKey>): (uid: string) => Promise<string> {
  return async (uid) => {
    const signature = await crypto.subtle.sign('HMAC', await key(), new TextEncoder().encode(`${domainLabel}${uid}`));
    return bytesToBase64Url(new Uint8Array(signature));
  };
}

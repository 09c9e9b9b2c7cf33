import { bytesToBase64Url } from '../../server/crypto/encoding.ts';

/** Turns a parsed file path into the opaque name it is stored under. */
export type PathHasher = (path: string) => Promise<string>;

/*
 * The user's blind-index HMAC key is reused rather than a new key derived, because the key
 * derivation lives in the shared crypto module; the label keeps file-path hashes in their own
 * domain, so no path hash can equal the hash of a search term.
 */
const domainLabel = 'kindred/file-path/v1\u0000';

/**
 * A keyed hash (HMAC-SHA-256, base64url) of a file path. R2 keys and the catalogue's lookup column
 * hold this instead of the path, which is the user's own words (`journal/diagnosis.md`). Without
 * the user's key nobody can test a guessed path against it, and destroying the key at account
 * deletion makes the hashes meaningless too. Pass the key lazily, e.g.
 * `createPathHasher(async () => (await vault.keys()).blindIndex)`, so nothing is unwrapped until a
 * file is touched.
 */
export function createPathHasher(key: CryptoKey | (() => Promise<CryptoKey>)): PathHasher {
  const loadKey = typeof key === 'function' ? key : async () => key;
  return async (path) => {
    const signature = await crypto.subtle.sign('HMAC', await loadKey(), new TextEncoder().encode(`${domainLabel}${path}`));
    return bytesToBase64Url(new Uint8Array(signature));
  };
}

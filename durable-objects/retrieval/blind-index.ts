/**
 * The blind index: each index term of a text is replaced by a keyed hash, so full-text search works over
 * texts stored only encrypted, and a dump of the index shows none of the user's words.
 */
import { indexTerms } from './tokenize.ts';

/**
 * Hex characters kept of each HMAC-SHA256: 12, i.e. 48 bits. Secrecy does not depend on the length (the
 * key does that); the length only sets how often two different stems share a blind term. One user has
 * perhaps 10^5 distinct stems, so the chance that any two collide is about n²/2^49 ≈ 2·10^-5, and a
 * collision costs no more than one spurious lexical match. Shorter terms keep the index small.
 */
export const blindTermLength = 12;

/** How many stem → blind term mappings one object keeps in memory by default. */
export const defaultBlindTermCacheSize = 20_000;

/**
 * Domain separation: the user's blind-index key may one day hash other kinds of values (exact-match
 * lookups, say), and a stem must never hash to the same value as one of those.
 */
const termDomain = 'kindred/term/v1\u0000';

/** Turns texts into blind terms under one user's HMAC key. */
export interface BlindIndex {
  /** The distinct blind terms of `text`, sorted: a set, so neither word order nor repetition is stored. */
  blindTerms(text: string): Promise<string[]>;
  /** The blind term of terms already produced by `indexTerms`, in the same order. */
  blindTermsOf(terms: readonly string[]): Promise<string[]>;
}

/** Settings of `createBlindIndex`. */
export interface BlindIndexSettings {
  /** The user's HMAC-SHA256 key (sign only), or a function that resolves it, e.g. from the `UserVault`. */
  key: CryptoKey | (() => Promise<CryptoKey>);
  /** The most mappings kept in memory; the oldest go first. */
  cacheSize?: number;
}

/**
 * One per object. HMAC is the hot path of indexing and search, and a person's vocabulary repeats, so
 * mappings are cached in a bounded map. The cache belongs to one key: when the resolver returns another
 * key (the old one was destroyed and replaced), the cache starts over.
 */
export function createBlindIndex(settings: BlindIndexSettings): BlindIndex {
  const resolveKey = typeof settings.key === 'function' ? settings.key : () => Promise.resolve(settings.key as CryptoKey);
  const cacheSize = Math.max(1, settings.cacheSize ?? defaultBlindTermCacheSize);
  const encoder = new TextEncoder();
  let cachedKey: CryptoKey | undefined;
  let cache = new Map<string, string>();

  async function blindTermsOf(terms: readonly string[]): Promise<string[]> {
    const key = await resolveKey();
    if (key !== cachedKey) {
      cachedKey = key;
      cache = new Map();
    }
    const known = new Map<string, string>();
    const missing: string[] = [];
    for (const term of new Set(terms)) {
      const blindTerm = cache.get(term);
      if (blindTerm === undefined) {
        missing.push(term);
      } else {
        known.set(term, blindTerm);
        remember(term, blindTerm);
      }
    }
    const digests = await Promise.all(missing.map((term) => crypto.subtle.sign('HMAC', key, encoder.encode(termDomain + term))));
    // Another call may have swapped the key while this one awaited; its results must not enter the new cache.
    const keyStillCurrent = key === cachedKey;
    missing.forEach((term, index) => {
      const digest = digests[index];
      if (digest === undefined) return;
      const blindTerm = toHex(new Uint8Array(digest, 0, blindTermLength / 2));
      known.set(term, blindTerm);
      if (keyStillCurrent) remember(term, blindTerm);
    });
    return terms.map((term) => {
      const blindTerm = known.get(term);
      if (blindTerm === undefined) throw new Error('A term was left without its blind term.');
      return blindTerm;
    });
  }

  function remember(term: string, blindTerm: string): void {
    // Re-inserting moves the entry to the end of the map's order, so eviction drops the least recently used.
    cache.delete(term);
    cache.set(term, blindTerm);
    if (cache.size > cacheSize) {
      const oldest = cache.keys().next();
      if (oldest.done !== true) cache.delete(oldest.value);
    }
  }

  return {
    blindTermsOf,
    async blindTerms(text) {
      const blindTerms = await blindTermsOf([...new Set(indexTerms(text))]);
      return [...new Set(blindTerms)].sort();
    },
  };
}

function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

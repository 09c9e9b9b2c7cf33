import { base64ToBytes, bytesToBase64, randomBytes } from './encoding.ts';

/** One of each, for every field: making them per call showed in the profile of a turn. */
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Texts already opened or sealed under a key, by their sealed form. A turn opens the same recent
 * messages every time (the prompt's window of 24), and each open is an AES-GCM decryption with its
 * base64 and text decoding, about 25 µs in workerd. Entries hang off the CryptoKey object itself (a
 * WeakMap: they go when the key goes), so only a holder of that same key gets a hit, and a hit means
 * this exact ciphertext was sealed here or already authenticated under the same context.
 *
 * Bounded by what it holds, not only by how many: each key keeps at most `keptCharactersPerKey`
 * characters (sealed and opened forms together), oldest dropped first, and no text longer than
 * `longestKeptText`. A count alone (512 texts) let one object keep about 5 MB of texts up to 4 kB and
 * their sealed forms (more outside Latin-1), in an isolate that on Cloudflare has 128 MB for every
 * object it hosts, and in the soak the heap grew by this cache all through a 5-minute run. 64 Ki
 * characters holds the prompt's window several times over at the length of ordinary messages.
 */
const openedByKey = new WeakMap<CryptoKey, { texts: Map<string, { context: string; plaintext: string }>; characters: number }>();
export const keptCharactersPerKey = 64 * 1024;
const longestKeptText = 4_096;

const sizeOf = (sealed: string, plaintext: string) => sealed.length + plaintext.length;

function remember(key: CryptoKey, sealed: string, context: string, plaintext: string): void {
  if (plaintext.length > longestKeptText) return;
  let opened = openedByKey.get(key);
  if (opened === undefined) {
    opened = { texts: new Map(), characters: 0 };
    openedByKey.set(key, opened);
  }
  const previous = opened.texts.get(sealed);
  if (previous !== undefined) opened.characters -= sizeOf(sealed, previous.plaintext);
  opened.texts.set(sealed, { context, plaintext });
  opened.characters += sizeOf(sealed, plaintext);
  for (const [oldest, { plaintext: oldestText }] of opened.texts) {
    if (opened.characters <= keptCharactersPerKey) break;
    opened.texts.delete(oldest);
    opened.characters -= sizeOf(oldest, oldestText);
  }
}

/** How many texts, and characters, are kept for `key`: for tests of the bound. */
export function keptUnder(key: CryptoKey): { texts: number; characters: number } {
  const opened = openedByKey.get(key);
  return { texts: opened?.texts.size ?? 0, characters: opened?.characters ?? 0 };
}

/**
 * AES-256-GCM for one field. The associated data names what the field is (for example
 * `message:<id>`), so a ciphertext copied into another row or column fails to decrypt.
 */
export async function encryptText(key: CryptoKey, plaintext: string, context: string): Promise<string> {
  const iv = randomBytes(12);
  const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: encoder.encode(context) }, key, encoder.encode(plaintext));
  const combined = new Uint8Array(iv.length + sealed.byteLength);
  combined.set(iv);
  combined.set(new Uint8Array(sealed), iv.length);
  const text = `v1.${bytesToBase64(combined)}`;
  remember(key, text, context, plaintext);
  return text;
}

export async function decryptText(key: CryptoKey, sealed: string, context: string): Promise<string> {
  const known = openedByKey.get(key)?.texts.get(sealed);
  if (known !== undefined && known.context === context) return known.plaintext;
  if (!sealed.startsWith('v1.')) throw new Error('Unknown ciphertext format');
  const combined = base64ToBytes(sealed.slice(3));
  const plaintext = decoder.decode(
    await crypto.subtle.decrypt({ name: 'AES-GCM', iv: combined.subarray(0, 12), additionalData: encoder.encode(context) }, key, combined.subarray(12)),
  );
  remember(key, sealed, context, plaintext);
  return plaintext;
}

/**
 * AES-256-GCM for bytes (a backup's chunks), bound to `context` like `encryptText`: twelve bytes of
 * IV, then the ciphertext and its tag. Nothing is cached: chunks are large and read once.
 */
export async function encryptBytes(key: CryptoKey, plaintext: Uint8Array<ArrayBuffer>, context: string): Promise<Uint8Array<ArrayBuffer>> {
  const iv = randomBytes(12);
  const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: encoder.encode(context) }, key, plaintext);
  const combined = new Uint8Array(iv.length + sealed.byteLength);
  combined.set(iv);
  combined.set(new Uint8Array(sealed), iv.length);
  return combined;
}

/** Opens what `encryptBytes` sealed under the same context; throws when a byte or the context differs. */
export async function decryptBytes(key: CryptoKey, sealed: Uint8Array<ArrayBuffer>, context: string): Promise<Uint8Array<ArrayBuffer>> {
  if (sealed.byteLength < 12 + 16) throw new Error('Sealed bytes too short');
  return new Uint8Array(
    await crypto.subtle.decrypt({ name: 'AES-GCM', iv: sealed.subarray(0, 12), additionalData: encoder.encode(context) }, key, sealed.subarray(12)),
  );
}

import { base64ToBytes, bytesToBase64, randomBytes } from './encoding.ts';

/** One of each, for every field: making them per call showed in the profile of a turn. */
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Texts already opened or sealed under a key, by their sealed form. A turn opens the same recent
 * messages every time (the prompt's window of 24), and each open is an AES-GCM decryption with its
 * base64 and text decoding, about 25 µs in workerd. Entries hang off the CryptoKey object itself (a
 * WeakMap: they go when the key goes), so only a holder of that same key gets a hit, and a hit means
 * this exact ciphertext was sealed here or already authenticated under the same context. Long texts
 * (file contents) are not kept, and each key keeps a bounded number, oldest dropped first.
 */
const openedByKey = new WeakMap<CryptoKey, Map<string, { context: string; plaintext: string }>>();
const openedPerKey = 512;
const longestKeptText = 4_096;

function remember(key: CryptoKey, sealed: string, context: string, plaintext: string): void {
  if (plaintext.length > longestKeptText) return;
  let opened = openedByKey.get(key);
  if (opened === undefined) {
    opened = new Map();
    openedByKey.set(key, opened);
  }
  if (opened.size >= openedPerKey) {
    const oldest = opened.keys().next().value;
    if (oldest !== undefined) opened.delete(oldest);
  }
  opened.set(sealed, { context, plaintext });
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
  const known = openedByKey.get(key)?.get(sealed);
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

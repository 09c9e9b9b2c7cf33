/**
 * Base64, base64url and hex for byte arrays. The runtime's own `toBase64`/`fromBase64`/`toHex` are used
 * where it has them (workerd does; Node only from 25): a sealed field is encoded on every write and
 * decoded on every read, and building a binary string a character at a time cost more than the cipher.
 */
interface NativeEncodings {
  toBase64(options?: { alphabet?: 'base64' | 'base64url'; omitPadding?: boolean }): string;
  toHex(): string;
}
const nativeFromBase64 = (Uint8Array as unknown as { fromBase64?: (text: string) => Uint8Array<ArrayBuffer> }).fromBase64;
const hasNativeEncodings = typeof (Uint8Array.prototype as Partial<NativeEncodings>).toBase64 === 'function';

export function bytesToBase64(bytes: Uint8Array): string {
  if (hasNativeEncodings) return (bytes as Uint8Array & NativeEncodings).toBase64();
  let binary = '';
  for (let index = 0; index < bytes.length; index += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(index, index + 0x8000));
  }
  return btoa(binary);
}

export function base64ToBytes(text: string): Uint8Array<ArrayBuffer> {
  if (nativeFromBase64 !== undefined) return nativeFromBase64(text);
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

export function bytesToBase64Url(bytes: Uint8Array): string {
  if (hasNativeEncodings) return (bytes as Uint8Array & NativeEncodings).toBase64({ alphabet: 'base64url', omitPadding: true });
  return bytesToBase64(bytes).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

export function randomBytes(length: number): Uint8Array<ArrayBuffer> {
  return crypto.getRandomValues(new Uint8Array(length));
}

export function bytesToHex(bytes: Uint8Array): string {
  if (hasNativeEncodings) return (bytes as Uint8Array & NativeEncodings).toHex();
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
export async function sha256Hex(text: string): Promise<string> {
  return bytesToHex(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))));
}

/** Sortable unique ids: a millisecond timestamp then randomness, so newest-first ordering needs no extra column. */
export function createId(prefix: string, now = Date.now()): string {
  return `${prefix}_${now.toString(36).padStart(9, '0')}${bytesToBase64Url(randomBytes(10))}`;
}

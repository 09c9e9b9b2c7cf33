import { base64ToBytes, bytesToBase64, randomBytes } from './encoding.ts';

/**
 * AES-256-GCM for one field. The associated data names what the field is (for example
 * `message:<id>`), so a ciphertext copied into another row or column fails to decrypt.
 */
export async function encryptText(key: CryptoKey, plaintext: string, context: string): Promise<string> {
  const iv = randomBytes(12);
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(context) },
    key,
    new TextEncoder().encode(plaintext),
  );
  const combined = new Uint8Array(iv.length + sealed.byteLength);
  combined.set(iv);
  combined.set(new Uint8Array(sealed), iv.length);
  return `v1.${bytesToBase64(combined)}`;
}

export async function decryptText(key: CryptoKey, sealed: string, context: string): Promise<string> {
  if (!sealed.startsWith('v1.')) throw new Error('Unknown ciphertext format');
  const combined = base64ToBytes(sealed.slice(3));
  const plaintext = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: combined.subarray(0, 12), additionalData: new TextEncoder().encode(context) },
    key,
    combined.subarray(12),
  );
  return new TextDecoder().decode(plaintext);
}

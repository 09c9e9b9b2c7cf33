import { base64ToBytes, bytesToBase64, randomBytes } from './encoding.ts';

/**
 * Envelope encryption. Each user has a 32-byte root secret (their data key), stored only wrapped by
 * the master key (AES-256-GCM). From it, HKDF derives the AES-256-GCM key for content and the HMAC
 * key for blind-index terms, so destroying the one wrapped secret crypto-shreds everything.
 */
export interface UserKeys {
  encryption: CryptoKey;
  blindIndex: CryptoKey;
}

const wrapLabel = new TextEncoder().encode('kindred/data-key/v1');

export async function importMasterKey(masterKeyBase64: string): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', base64ToBytes(masterKeyBase64), 'AES-GCM', false, ['encrypt', 'decrypt']);
}

/** A new data key, returned wrapped (for storage) together with the keys derived from it. */
export async function createUserKeys(masterKey: CryptoKey, userId: string): Promise<{ wrapped: string; keys: UserKeys }> {
  const secret = randomBytes(32);
  const iv = randomBytes(12);
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: bindTo(userId) }, masterKey, secret));
  const wrapped = `v1.${bytesToBase64(iv)}.${bytesToBase64(sealed)}`;
  return { wrapped, keys: await deriveUserKeys(secret) };
}

export async function unwrapUserKeys(masterKey: CryptoKey, userId: string, wrapped: string): Promise<UserKeys> {
  const [version, ivText, sealedText] = wrapped.split('.');
  if (version !== 'v1' || !ivText || !sealedText) throw new Error('Unknown data key format');
  const secret = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: base64ToBytes(ivText), additionalData: bindTo(userId) },
    masterKey,
    base64ToBytes(sealedText),
  );
  return deriveUserKeys(new Uint8Array(secret));
}

async function deriveUserKeys(secret: Uint8Array<ArrayBuffer>): Promise<UserKeys> {
  const root = await crypto.subtle.importKey('raw', secret, 'HKDF', false, ['deriveKey']);
  const derive = (info: string, algorithm: AesKeyGenParams | HmacKeyGenParams, usages: KeyUsage[]) =>
    crypto.subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(32), info: new TextEncoder().encode(info) }, root, algorithm, false, usages);
  const [encryption, blindIndex] = await Promise.all([
    derive('kindred/content/v1', { name: 'AES-GCM', length: 256 }, ['encrypt', 'decrypt']),
    derive('kindred/blind-index/v1', { name: 'HMAC', hash: 'SHA-256', length: 256 }, ['sign']),
  ]);
  return { encryption, blindIndex };
}

function bindTo(userId: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(`${new TextDecoder().decode(wrapLabel)}:${userId}`);
}

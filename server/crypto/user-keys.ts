import { base64ToBytes, bytesToBase64, bytesToHex, randomBytes } from './encoding.ts';

/**
 * Envelope encryption. Each user has a 32-byte root secret (their data key), stored only wrapped by
 * the master key (AES-256-GCM). From it, HKDF derives the AES-256-GCM key for content and the HMAC
 * key for blind-index terms, so destroying the one wrapped secret crypto-shreds everything.
 *
 * A wrapped key names the master key that wrapped it (`v2.<key id>.<iv>.<sealed>`), so during a
 * rotation the old and new master keys work side by side: a key wrapped by the old one is opened with
 * it and wrapped again by the new one, touching only the 32-byte secret, never a byte of content.
 * Keys wrapped before ids existed (`v1.<iv>.<sealed>`) are tried against each configured master key.
 */
export interface UserKeys {
  encryption: CryptoKey;
  blindIndex: CryptoKey;
}

/** One master key: its AES-GCM key and a public id (never the key) recorded with what it wraps. */
export interface MasterKey {
  id: string;
  key: CryptoKey;
}

/** The master key in use and, during a rotation, the ones it replaces. */
export interface MasterKeyRing {
  current: MasterKey;
  previous: readonly MasterKey[];
}

const wrapLabel = new TextEncoder().encode('kindred/data-key/v1');
const keyIdLabel = new TextEncoder().encode('kindred/master-key-id/v1:');

export async function importMasterKey(masterKeyBase64: string): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', base64ToBytes(masterKeyBase64), 'AES-GCM', false, ['encrypt', 'decrypt']);
}

/** A master key's id: the first 8 bytes of a labelled SHA-256 of it, in hex. It identifies, it does not reveal. */
export async function masterKeyId(masterKeyBase64: string): Promise<string> {
  const raw = base64ToBytes(masterKeyBase64);
  const labelled = new Uint8Array(keyIdLabel.length + raw.length);
  labelled.set(keyIdLabel);
  labelled.set(raw, keyIdLabel.length);
  return bytesToHex(new Uint8Array(await crypto.subtle.digest('SHA-256', labelled)).slice(0, 8));
}

/** The ring from the configuration's base64 keys. */
export async function masterKeyRing(currentBase64: string, previousBase64: readonly string[] = []): Promise<MasterKeyRing> {
  const load = async (base64: string): Promise<MasterKey> => ({ id: await masterKeyId(base64), key: await importMasterKey(base64) });
  const [current, ...previous] = await Promise.all([currentBase64, ...previousBase64].map(load));
  if (!current) throw new Error('No master key');
  return { current, previous: previous.filter((key) => key.id !== current.id) };
}

/** A new data key, returned wrapped by the current master key (for storage) together with the keys derived from it. */
export async function createUserKeys(ring: MasterKeyRing, userId: string): Promise<{ wrapped: string; keys: UserKeys }> {
  const secret = randomBytes(32);
  return { wrapped: await wrapSecret(ring.current, userId, secret), keys: await deriveUserKeys(secret) };
}

/** Opens a wrapped data key with whichever configured master key wrapped it; `wrappedBy` says which. */
export async function unwrapUserKeys(ring: MasterKeyRing, userId: string, wrapped: string): Promise<{ keys: UserKeys; wrappedBy: MasterKey }> {
  const { secret, wrappedBy } = await unwrapSecret(ring, userId, wrapped);
  return { keys: await deriveUserKeys(secret), wrappedBy };
}

/**
 * The same data key wrapped by the current master key, or null when it already is. Only the secret
 * is decrypted and encrypted again: the content sealed with it stays exactly as it is.
 */
export async function rewrapUserKey(ring: MasterKeyRing, userId: string, wrapped: string): Promise<string | null> {
  const { secret, wrappedBy } = await unwrapSecret(ring, userId, wrapped);
  if (wrappedBy.id === ring.current.id && wrapped.startsWith('v2.')) return null;
  return wrapSecret(ring.current, userId, secret);
}

async function wrapSecret(masterKey: MasterKey, userId: string, secret: Uint8Array<ArrayBuffer>): Promise<string> {
  const iv = randomBytes(12);
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: bindTo(userId) }, masterKey.key, secret));
  return `v2.${masterKey.id}.${bytesToBase64(iv)}.${bytesToBase64(sealed)}`;
}

async function unwrapSecret(ring: MasterKeyRing, userId: string, wrapped: string): Promise<{ secret: Uint8Array<ArrayBuffer>; wrappedBy: MasterKey }> {
  const parts = wrapped.split('.');
  const decrypt = async (masterKey: MasterKey, ivText: string, sealedText: string) =>
    new Uint8Array(
      await crypto.subtle.decrypt({ name: 'AES-GCM', iv: base64ToBytes(ivText), additionalData: bindTo(userId) }, masterKey.key, base64ToBytes(sealedText)),
    );
  const all = [ring.current, ...ring.previous];
  if (parts[0] === 'v2' && parts.length === 4) {
    const [, keyId, ivText = '', sealedText = ''] = parts;
    const masterKey = all.find((candidate) => candidate.id === keyId);
    // Never guessed: a key wrapped by a master key that is not configured cannot be opened by another.
    if (!masterKey) throw new Error(`The data key was wrapped by master key ${keyId}, which is not configured (MASTER_KEY, MASTER_KEY_PREVIOUS)`);
    return { secret: await decrypt(masterKey, ivText, sealedText), wrappedBy: masterKey };
  }
  if (parts[0] === 'v1' && parts.length === 3) {
    const [, ivText = '', sealedText = ''] = parts;
    // Before ids: AES-GCM's tag tells the right key from the wrong ones.
    for (const masterKey of all) {
      try {
        return { secret: await decrypt(masterKey, ivText, sealedText), wrappedBy: masterKey };
      } catch {}
    }
    throw new Error('The data key was wrapped by none of the configured master keys (MASTER_KEY, MASTER_KEY_PREVIOUS)');
  }
  throw new Error('Unknown data key format');
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

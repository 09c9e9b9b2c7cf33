import { base64UrlToBytes, concatBytes } from './base64url.ts';

/**
 * Web Push message encryption (RFC 8291) in the aes128gcm content coding (RFC 8188), on WebCrypto
 * alone so it runs in workerd.
 *
 * Our own rather than `@block65/webcrypto-web-push`'s `encryptNotification`: that function draws its
 * salt and its ephemeral key pair inside itself with no way to pass them in, so it cannot be checked
 * against RFC 8291's worked example (section 5), which fixes both. Here both can be given, and
 * `message-encryption.test.ts` checks the exact body the RFC prints.
 */

/** A subscription's keys, as a browser's `PushSubscription.toJSON()` gives them (base64url). */
export interface PushSubscriptionKeys {
  /** The user agent's P-256 public key, uncompressed (65 bytes). */
  p256dh: string;
  /** The 16-byte authentication secret. */
  auth: string;
}

export interface EncryptOptions {
  /** 16 random bytes unless given (tests give RFC 8291's). */
  salt?: Uint8Array<ArrayBuffer>;
  /** The sender's ephemeral ECDH key pair, new for every message unless given (tests give RFC 8291's). */
  senderKeys?: { privateKey: CryptoKey; publicKey: Uint8Array<ArrayBuffer> };
}

/**
 * One record of 4096 octets, as RFC 8291 section 4 requires. The push service need accept no more than
 * 4096 octets of body, header included, so the plaintext may be at most 4096 - 86 (header) - 16 (tag)
 * - 1 (delimiter) = 3993 octets.
 */
const recordSize = 4096;
export const maxPlaintextBytes = recordSize - 86 - 16 - 1;

const encoder = new TextEncoder();

/** Encrypts `plaintext` for the subscription: the whole request body, header and single record. */
export async function encryptPushMessage(
  plaintext: Uint8Array | string,
  keys: PushSubscriptionKeys,
  options: EncryptOptions = {},
): Promise<Uint8Array<ArrayBuffer>> {
  const plaintextBytes = typeof plaintext === 'string' ? encoder.encode(plaintext) : plaintext;
  if (plaintextBytes.length > maxPlaintextBytes) throw new RangeError(`A push message holds at most ${maxPlaintextBytes} bytes.`);
  const receiverPublic = base64UrlToBytes(keys.p256dh);
  const authSecret = base64UrlToBytes(keys.auth);
  if (receiverPublic.length !== 65 || receiverPublic[0] !== 4) throw new RangeError('The p256dh key is not an uncompressed P-256 point.');
  if (authSecret.length !== 16) throw new RangeError('The auth secret is not 16 bytes.');

  const salt = options.salt ?? crypto.getRandomValues(new Uint8Array(16));
  const sender = options.senderKeys ?? (await newSenderKeys());
  const receiverKey = await crypto.subtle.importKey('raw', receiverPublic, { name: 'ECDH', namedCurve: 'P-256' }, false, []);
  const sharedSecret = new Uint8Array(await crypto.subtle.deriveBits({ name: 'ECDH', public: receiverKey }, sender.privateKey, 256));

  // RFC 8291 section 3.4: the input keying material mixes in the auth secret and both public keys.
  const keyInfo = concatBytes(encoder.encode('WebPush: info\0'), receiverPublic, sender.publicKey);
  const inputKeyingMaterial = await hkdf(authSecret, sharedSecret, keyInfo, 32);
  // RFC 8188 section 2.2 and 2.3: the content-encryption key and the nonce of the one record (sequence 0).
  const contentKeyBytes = await hkdf(salt, inputKeyingMaterial, encoder.encode('Content-Encoding: aes128gcm\0'), 16);
  const nonce = await hkdf(salt, inputKeyingMaterial, encoder.encode('Content-Encoding: nonce\0'), 12);

  const contentKey = await crypto.subtle.importKey('raw', contentKeyBytes, 'AES-GCM', false, ['encrypt']);
  // The last (here the only) record ends with the delimiter 0x02 and no padding.
  const record = concatBytes(plaintextBytes, new Uint8Array([2]));
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: nonce }, contentKey, record));

  // RFC 8188 section 2.1 header: salt, record size (uint32), key id length, key id (the sender's public key).
  const header = new Uint8Array(16 + 4 + 1);
  header.set(salt, 0);
  new DataView(header.buffer).setUint32(16, recordSize);
  header[20] = sender.publicKey.length;
  return concatBytes(header, sender.publicKey, ciphertext);
}

async function newSenderKeys(): Promise<{ privateKey: CryptoKey; publicKey: Uint8Array<ArrayBuffer> }> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits'])) as CryptoKeyPair;
  return { privateKey: pair.privateKey, publicKey: new Uint8Array((await crypto.subtle.exportKey('raw', pair.publicKey)) as ArrayBuffer) };
}

/** HKDF-SHA-256 (RFC 5869), extract then expand to `length` bytes (at most 32: one block). */
async function hkdf(
  salt: Uint8Array<ArrayBuffer>,
  secret: Uint8Array<ArrayBuffer>,
  info: Uint8Array<ArrayBuffer>,
  length: number,
): Promise<Uint8Array<ArrayBuffer>> {
  const key = await crypto.subtle.importKey('raw', secret, 'HKDF', false, ['deriveBits']);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info }, key, length * 8));
}

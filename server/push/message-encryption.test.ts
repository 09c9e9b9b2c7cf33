import { describe, expect, it } from 'vitest';
import { base64UrlToBytes, bytesToBase64Url } from './base64url.ts';
import { encryptPushMessage, maxPlaintextBytes } from './message-encryption.ts';
import { vapidJsonWebKey } from './vapid.ts';

/** RFC 8291 section 5 ("Push Message Encryption Example") and Appendix A: every input fixed, so the body is too. */
const example = {
  plaintext: 'When I grow up, I want to be a watermelon',
  senderPublic: 'BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8',
  senderPrivate: 'yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw',
  receiverPublic: 'BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4',
  receiverPrivate: 'q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94',
  authSecret: 'BTBZMqHH6r4Tts7J_aSIgg',
  salt: 'DGv6ra1nlYgDCS1FRnbzlw',
  body: 'DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN',
};

const importEcdhPrivate = (publicKey: string, privateKey: string) =>
  crypto.subtle.importKey('jwk', vapidJsonWebKey({ publicKey, privateKey }), { name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']);

/** Decrypts as a browser would (RFC 8291 section 3.4 from the receiver's side), to check a round trip with random salt and keys. */
async function decryptAsReceiver(body: Uint8Array<ArrayBuffer>, receiverPublic: string, receiverPrivate: string, authSecret: string): Promise<string> {
  const salt = body.slice(0, 16);
  const keyIdLength = body[20] ?? 0;
  const senderPublic = body.slice(21, 21 + keyIdLength);
  const ciphertext = body.slice(21 + keyIdLength);
  const receiverKey = await importEcdhPrivate(receiverPublic, receiverPrivate);
  const senderKey = await crypto.subtle.importKey('raw', senderPublic, { name: 'ECDH', namedCurve: 'P-256' }, false, []);
  const shared = new Uint8Array(await crypto.subtle.deriveBits({ name: 'ECDH', public: senderKey }, receiverKey, 256));
  const encoder = new TextEncoder();
  const derive = async (saltBytes: Uint8Array<ArrayBuffer>, secret: Uint8Array<ArrayBuffer>, info: Uint8Array<ArrayBuffer>, length: number) =>
    new Uint8Array(
      await crypto.subtle.deriveBits(
        { name: 'HKDF', hash: 'SHA-256', salt: saltBytes, info },
        await crypto.subtle.importKey('raw', secret, 'HKDF', false, ['deriveBits']),
        length * 8,
      ),
    );
  const receiverPoint = base64UrlToBytes(receiverPublic);
  const keyInfo = new Uint8Array([...encoder.encode('WebPush: info\0'), ...receiverPoint, ...senderPublic]);
  const ikm = await derive(base64UrlToBytes(authSecret), shared, keyInfo, 32);
  const cek = await derive(salt, ikm, encoder.encode('Content-Encoding: aes128gcm\0'), 16);
  const nonce = await derive(salt, ikm, encoder.encode('Content-Encoding: nonce\0'), 12);
  const key = await crypto.subtle.importKey('raw', cek, 'AES-GCM', false, ['decrypt']);
  const record = new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: nonce }, key, ciphertext));
  expect(record.at(-1)).toBe(2);
  return new TextDecoder().decode(record.subarray(0, -1));
}

describe('Web Push message encryption (RFC 8291, aes128gcm)', () => {
  it('encrypts RFC 8291 section 5 example to exactly the body the RFC gives', async () => {
    const body = await encryptPushMessage(
      example.plaintext,
      { p256dh: example.receiverPublic, auth: example.authSecret },
      {
        salt: base64UrlToBytes(example.salt),
        senderKeys: { privateKey: await importEcdhPrivate(example.senderPublic, example.senderPrivate), publicKey: base64UrlToBytes(example.senderPublic) },
      },
    );
    expect(bytesToBase64Url(body)).toBe(example.body);
  });

  it('decrypts with the receiver key to the same text when salt and sender keys are fresh', async () => {
    const keys = { p256dh: example.receiverPublic, auth: example.authSecret };
    const first = await encryptPushMessage('{"text":"Call mum"}', keys);
    const second = await encryptPushMessage('{"text":"Call mum"}', keys);
    expect(bytesToBase64Url(first)).not.toBe(bytesToBase64Url(second));
    expect(await decryptAsReceiver(first, example.receiverPublic, example.receiverPrivate, example.authSecret)).toBe('{"text":"Call mum"}');
  });

  it('refuses a message too long for one 4096-byte record, and keys of the wrong shape', async () => {
    const keys = { p256dh: example.receiverPublic, auth: example.authSecret };
    await expect(encryptPushMessage('x'.repeat(maxPlaintextBytes), keys)).resolves.toHaveLength(4096);
    await expect(encryptPushMessage('x'.repeat(maxPlaintextBytes + 1), keys)).rejects.toThrow(RangeError);
    await expect(encryptPushMessage('hi', { p256dh: 'AAAA', auth: example.authSecret })).rejects.toThrow(/p256dh/);
    await expect(encryptPushMessage('hi', { p256dh: example.receiverPublic, auth: 'AAAA' })).rejects.toThrow(/auth/);
  });
});

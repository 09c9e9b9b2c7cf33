import { describe, expect, it } from 'vitest';
import { base64UrlToBytes, bytesToBase64Url } from './base64url.ts';
import { vapidAuthorization } from './vapid.ts';

async function newVapidKeys(subject: string) {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const publicKey = bytesToBase64Url(new Uint8Array((await crypto.subtle.exportKey('raw', pair.publicKey)) as ArrayBuffer));
  const privateKey = ((await crypto.subtle.exportKey('jwk', pair.privateKey)) as JsonWebKey).d ?? '';
  return { publicKey, privateKey, subject };
}

const decodeJson = (part: string) => JSON.parse(new TextDecoder().decode(base64UrlToBytes(part)));

describe('VAPID (RFC 8292)', () => {
  it('signs an ES256 JWT that verifies with the public key in k=, for the endpoint origin, valid under 24 hours', async () => {
    const keys = await newVapidKeys('mailto:ops@kindred.test');
    const now = Date.UTC(2026, 10, 30, 12);
    const header = await vapidAuthorization('https://push.example.net:8443/wpush/v2/abc?x=1', keys, now);
    const match = /^vapid t=([\w-]+)\.([\w-]+)\.([\w-]+), k=([\w-]+)$/.exec(header);
    expect(match).not.toBeNull();
    const [, encodedHeader = '', encodedClaims = '', signature = '', k = ''] = match ?? [];
    expect(k).toBe(keys.publicKey);
    expect(decodeJson(encodedHeader)).toEqual({ typ: 'JWT', alg: 'ES256' });
    const claims = decodeJson(encodedClaims);
    expect(claims.aud).toBe('https://push.example.net:8443');
    expect(claims.sub).toBe('mailto:ops@kindred.test');
    expect(claims.exp).toBeGreaterThan(now / 1000);
    expect(claims.exp - now / 1000).toBeLessThanOrEqual(24 * 3600);

    const verifyKey = await crypto.subtle.importKey('raw', base64UrlToBytes(k), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
    const signed = new TextEncoder().encode(`${encodedHeader}.${encodedClaims}`);
    const algorithm = { name: 'ECDSA', hash: 'SHA-256' };
    expect(await crypto.subtle.verify(algorithm, verifyKey, base64UrlToBytes(signature), signed)).toBe(true);
    // The same signature over other claims does not verify: the check above can fail.
    const tampered = new TextEncoder().encode(
      `${encodedHeader}.${bytesToBase64Url(new TextEncoder().encode(JSON.stringify({ ...claims, sub: 'mailto:x@y' })))}`,
    );
    expect(await crypto.subtle.verify(algorithm, verifyKey, base64UrlToBytes(signature), tampered)).toBe(false);
  });

  it('refuses keys of the wrong shape with a message naming which', async () => {
    const keys = await newVapidKeys('mailto:ops@kindred.test');
    await expect(vapidAuthorization('https://push.example.net/x', { ...keys, publicKey: 'AAAA' })).rejects.toThrow(/public key/);
    await expect(vapidAuthorization('https://push.example.net/x', { ...keys, privateKey: 'AAAA' })).rejects.toThrow(/private key/);
  });
});

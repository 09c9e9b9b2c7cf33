import { base64UrlToBytes, bytesToBase64Url } from './base64url.ts';

/**
 * Voluntary Application Server Identification (RFC 8292): every push request carries a short-lived
 * ES256 JWT signed with the server's key, and the public key itself, so the push service can tie a
 * subscription (made with that public key as `applicationServerKey`) to the server allowed to use it.
 */

/** The server's VAPID key pair, as `npm run vapid-keys` prints it (base64url, no padding). */
export interface VapidKeys {
  /** The uncompressed P-256 public point, 65 bytes: what browsers take as `applicationServerKey`. */
  publicKey: string;
  /** The private scalar `d`, 32 bytes. */
  privateKey: string;
  /** A `mailto:` or `https:` URL the push service may contact about this sender. */
  subject: string;
}

/** Push services refuse tokens valid for more than 24 hours (RFC 8292 section 2); 12 leaves room for clock skew. */
export const vapidTokenLifetimeSeconds = 12 * 3600;

/** Turns the base64url key pair into a JWK, the one form WebCrypto imports a bare P-256 private scalar from. */
export function vapidJsonWebKey(keys: Pick<VapidKeys, 'publicKey' | 'privateKey'>): JsonWebKey {
  const point = base64UrlToBytes(keys.publicKey);
  const scalar = base64UrlToBytes(keys.privateKey);
  if (point.length !== 65 || point[0] !== 4) throw new RangeError('The VAPID public key is not an uncompressed P-256 point (65 bytes, base64url).');
  if (scalar.length !== 32) throw new RangeError('The VAPID private key is not a 32-byte P-256 scalar (base64url).');
  return {
    kty: 'EC',
    crv: 'P-256',
    x: bytesToBase64Url(point.subarray(1, 33)),
    y: bytesToBase64Url(point.subarray(33, 65)),
    d: bytesToBase64Url(scalar),
  };
}

const encoder = new TextEncoder();
const signingKeys = new Map<string, Promise<CryptoKey>>();

function signingKey(keys: VapidKeys): Promise<CryptoKey> {
  let key = signingKeys.get(keys.publicKey);
  if (!key) {
    key = crypto.subtle.importKey('jwk', vapidJsonWebKey(keys), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
    signingKeys.set(keys.publicKey, key);
  }
  return key;
}

/**
 * The `Authorization` header value for a push to `endpoint`: `vapid t=<JWT>, k=<public key>`. The
 * audience is the endpoint's origin, as RFC 8292 section 2 requires.
 */
export async function vapidAuthorization(endpoint: string, keys: VapidKeys, now = Date.now()): Promise<string> {
  const header = { typ: 'JWT', alg: 'ES256' };
  const claims = { aud: new URL(endpoint).origin, exp: Math.floor(now / 1000) + vapidTokenLifetimeSeconds, sub: keys.subject };
  const signingInput = `${encodePart(header)}.${encodePart(claims)}`;
  // WebCrypto's ECDSA signature is r and s side by side (IEEE P1363), which is exactly JWS's ES256 form.
  const signature = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, await signingKey(keys), encoder.encode(signingInput)));
  return `vapid t=${signingInput}.${bytesToBase64Url(signature)}, k=${keys.publicKey}`;
}

const encodePart = (value: object) => bytesToBase64Url(encoder.encode(JSON.stringify(value)));

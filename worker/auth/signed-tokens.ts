import { base64ToBytes, bytesToBase64Url } from '../../server/crypto/encoding.ts';

/**
 * Session tokens and realtime tickets that name their user and are signed, so the Worker refuses a
 * forged, garbled or expired one with WebCrypto alone, before any storage is touched, and knows which
 * user's object to ask whether it is still live (docs/decisions/0008-sessions-in-the-users-object.md).
 *
 * A token is `<kind>.<userId>.<id>.<expiry, base36 ms>.<secret>.<signature>`: the signature is an
 * HMAC-SHA-256 over everything before it, with a key HKDF derives from the master key for this purpose
 * alone ("kindred/session-tokens/v1"), so it never doubles as the key that wraps data keys. The secret
 * is what the user's object keeps the hash of: the signature proves the Worker made the token, the
 * secret that this exact session was opened, so neither alone is enough to act as the user.
 *
 * During a master key rotation new tokens are signed with `MASTER_KEY`'s key while those signed with a
 * `MASTER_KEY_PREVIOUS` key still verify; once the previous key is removed, the sessions it signed end
 * (people sign in again), which is why docs/operations.md says to keep it a session lifetime.
 */
export type SignedTokenKind = 'v2' | 'rt2';

/** What a verified token says: its user, the session (or ticket) id, its secret and when it expires. */
export interface SignedToken {
  kind: SignedTokenKind;
  userId: string;
  id: string;
  secret: string;
  expiresAt: number;
}

/** The signing keys from the configured master keys: the current one signs, any verifies. */
export interface TokenSigningKeys {
  current: CryptoKey;
  all: readonly CryptoKey[];
}

const purpose = new TextEncoder().encode('kindred/session-tokens/v1');
/** Ids and secrets are base64url or `prefix_base64url`; the dot only ever separates the parts. */
const partPattern = /^[A-Za-z0-9_-]{1,200}$/;

/**
 * Derived keys by master key, kept as finished values for the isolate's life: deriving costs two
 * WebCrypto calls, and a promise made in one request cannot be awaited from another in Workers.
 */
const derivedKeys = new Map<string, CryptoKey>();

async function signingKeyFor(masterKeyBase64: string): Promise<CryptoKey> {
  const cached = derivedKeys.get(masterKeyBase64);
  if (cached) return cached;
  const root = await crypto.subtle.importKey('raw', base64ToBytes(masterKeyBase64), 'HKDF', false, ['deriveKey']);
  const key = await crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(32), info: purpose },
    root,
    { name: 'HMAC', hash: 'SHA-256', length: 256 },
    false,
    ['sign', 'verify'],
  );
  derivedKeys.set(masterKeyBase64, key);
  return key;
}

/** The signing keys of `MASTER_KEY` and of each key in `MASTER_KEY_PREVIOUS`. */
export async function tokenSigningKeys(masterKeys: { current: string; previous?: readonly string[] }): Promise<TokenSigningKeys> {
  const [current, ...previous] = await Promise.all([masterKeys.current, ...(masterKeys.previous ?? [])].map(signingKeyFor));
  if (!current) throw new Error('No master key');
  return { current, all: [current, ...previous] };
}

/** A signed token for these values (each part base64url, never containing a dot). */
export async function signToken(keys: TokenSigningKeys, token: SignedToken): Promise<string> {
  const parts = [token.kind, token.userId, token.id, token.expiresAt.toString(36), token.secret];
  if (!parts.slice(1).every((part) => partPattern.test(part))) throw new Error('A token part holds characters a token cannot carry');
  const body = parts.join('.');
  const signature = new Uint8Array(await crypto.subtle.sign('HMAC', keys.current, new TextEncoder().encode(body)));
  return `${body}.${bytesToBase64Url(signature)}`;
}

/**
 * The token's values when it is of `kind`, well formed, signed by one of the keys and not expired at
 * `now`; otherwise undefined. Touches no storage: a refusal here costs at most one HMAC per key.
 */
export async function verifyToken(keys: TokenSigningKeys, kind: SignedTokenKind, text: string, now = Date.now()): Promise<SignedToken | undefined> {
  const parts = text.split('.');
  if (parts.length !== 6 || parts[0] !== kind) return undefined;
  const [, userId = '', id = '', expiryText = '', secret = '', signatureText = ''] = parts;
  if (![userId, id, expiryText, secret, signatureText].every((part) => partPattern.test(part))) return undefined;
  const expiresAt = Number.parseInt(expiryText, 36);
  if (!Number.isSafeInteger(expiresAt) || expiresAt.toString(36) !== expiryText || expiresAt <= now) return undefined;
  let signature: Uint8Array<ArrayBuffer>;
  try {
    signature = base64UrlToBytes(signatureText);
  } catch {
    return undefined;
  }
  const body = new TextEncoder().encode(text.slice(0, text.length - signatureText.length - 1));
  for (const key of keys.all) {
    // crypto.subtle.verify compares in constant time.
    if (await crypto.subtle.verify('HMAC', key, signature, body)) return { kind, userId, id, secret, expiresAt };
  }
  return undefined;
}

function base64UrlToBytes(text: string): Uint8Array<ArrayBuffer> {
  const padded = text.replaceAll('-', '+').replaceAll('_', '/');
  return base64ToBytes(padded + '='.repeat((4 - (padded.length % 4)) % 4));
}

/** Tokens of the old, opaque format (base64url of 32 random bytes, looked up in D1) carry no dot. */
export const isSignedTokenText = (text: string) => text.includes('.');

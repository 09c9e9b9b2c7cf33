/**
 * Native push through Firebase Cloud Messaging's HTTP v1 API, which reaches Android devices and, with
 * the project's APNs key uploaded to Firebase, iPhones too: the mobile app registers the token the
 * platform gives it. Google's SDKs do not run in Workers, so the two calls are written here on
 * WebCrypto: the OAuth 2.0 service-account grant (RFC 7523: an RS256 JWT signed with the service
 * account's key, exchanged for an access token, kept until a minute before it expires) and
 * `projects.messages.send`. Errors follow FCM's documented codes: UNREGISTERED (404) means the
 * token is gone for good, INVALID_ARGUMENT (400) is refused, QUOTA_EXCEEDED (429) and UNAVAILABLE /
 * INTERNAL (5xx) are retried, and a 401 gets a fresh access token once.
 */
import { bytesToBase64Url } from '../crypto/encoding.ts';

export interface FcmSettings {
  projectId: string;
  clientEmail: string;
  /** The service account's private key, PKCS #8 PEM, as Google's JSON key file holds it. */
  privateKeyPem: string;
  /** `https://fcm.googleapis.com` unless a test points elsewhere. */
  apiUrl: string;
  /** `https://oauth2.googleapis.com/token` unless a test points elsewhere. */
  tokenUrl: string;
}

/** One native notification. `data` values are strings, as FCM requires. */
export interface FcmMessage {
  title: string;
  body: string;
  data: Record<string, string>;
  /** How long FCM keeps it for a device that is off. */
  ttlSeconds: number;
  urgent: boolean;
}

export type FcmResult = { result: 'accepted'; name: string } | { result: 'gone' } | { result: 'retryable' | 'refused'; detail: string };

export interface FcmSender {
  send(token: string, message: FcmMessage): Promise<FcmResult>;
}

const scope = 'https://www.googleapis.com/auth/firebase.messaging';

export function createFcmSender(settings: FcmSettings, options: { fetch?: typeof fetch; now?: () => number } = {}): FcmSender {
  const fetchFunction = options.fetch ?? ((input, init) => fetch(input, init));
  const now = options.now ?? Date.now;
  let signingKey: Promise<CryptoKey> | undefined;
  let accessToken: { value: string; expiresAt: number } | undefined;
  let pendingToken: Promise<string> | undefined;

  async function assertion(): Promise<string> {
    signingKey ??= importPrivateKey(settings.privateKeyPem);
    const issuedAt = Math.floor(now() / 1000);
    const encode = (value: object) => bytesToBase64Url(new TextEncoder().encode(JSON.stringify(value)));
    const unsigned = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode({ iss: settings.clientEmail, scope, aud: settings.tokenUrl, iat: issuedAt, exp: issuedAt + 3600 })}`;
    const signature = await crypto.subtle.sign('RSASSA-PKCS1-v1_5', await signingKey, new TextEncoder().encode(unsigned));
    return `${unsigned}.${bytesToBase64Url(new Uint8Array(signature))}`;
  }

  /** The access token, asked for once however many sends want it at the same moment. */
  function token(): Promise<string> {
    if (accessToken && accessToken.expiresAt - 60_000 > now()) return Promise.resolve(accessToken.value);
    pendingToken ??= (async () => {
      const response = await fetchFunction(settings.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: await assertion() }),
      });
      if (!response.ok) {
        await response.body?.cancel();
        throw new FcmTokenError(response.status);
      }
      const granted = (await response.json()) as { access_token?: unknown; expires_in?: unknown };
      if (typeof granted.access_token !== 'string') throw new FcmTokenError(502);
      accessToken = { value: granted.access_token, expiresAt: now() + (typeof granted.expires_in === 'number' ? granted.expires_in : 3600) * 1000 };
      return accessToken.value;
    })().finally(() => {
      pendingToken = undefined;
    });
    return pendingToken;
  }

  async function post(deviceToken: string, message: FcmMessage): Promise<Response> {
    const body = {
      message: {
        token: deviceToken,
        notification: { title: message.title, body: message.body },
        data: message.data,
        android: { priority: message.urgent ? 'HIGH' : 'NORMAL', ttl: `${message.ttlSeconds}s` },
        apns: {
          headers: {
            'apns-priority': message.urgent ? '10' : '5',
            'apns-expiration': String(Math.floor(now() / 1000) + message.ttlSeconds),
          },
        },
      },
    };
    return fetchFunction(`${settings.apiUrl}/v1/projects/${encodeURIComponent(settings.projectId)}/messages:send`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await token()}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  return {
    async send(deviceToken, message) {
      let response: Response;
      try {
        response = await post(deviceToken, message);
        if (response.status === 401) {
          // The access token was revoked or expired early: one fresh token, once.
          await response.body?.cancel();
          accessToken = undefined;
          response = await post(deviceToken, message);
        }
      } catch (error) {
        if (error instanceof FcmTokenError)
          return error.status >= 500 || error.status === 429
            ? { result: 'retryable', detail: `Google's token endpoint answered ${error.status}` }
            : { result: 'refused', detail: `Google refused the service account (${error.status})` };
        return { result: 'retryable', detail: `network: ${error instanceof Error ? error.name : 'unknown'}` };
      }
      const answer = (await response.json().catch(() => ({}))) as { name?: unknown; error?: { status?: unknown; details?: { errorCode?: unknown }[] } };
      if (response.ok) return { result: 'accepted', name: typeof answer.name === 'string' ? answer.name : '' };
      const errorCode = answer.error?.details?.find((detail) => typeof detail.errorCode === 'string')?.errorCode;
      if (response.status === 404 || errorCode === 'UNREGISTERED') return { result: 'gone' };
      if (response.status === 429 || response.status >= 500) return { result: 'retryable', detail: `FCM answered ${response.status}` };
      return { result: 'refused', detail: `FCM answered ${response.status}${typeof errorCode === 'string' ? ` ${errorCode}` : ''}` };
    },
  };
}

class FcmTokenError extends Error {
  constructor(readonly status: number) {
    super(`token endpoint ${status}`);
  }
}

async function importPrivateKey(pem: string): Promise<CryptoKey> {
  // A key pasted into a secret often keeps its line breaks as `\n`.
  const base64 = pem
    .replaceAll('\\n', '\n')
    .replace(/-----(BEGIN|END) PRIVATE KEY-----/g, '')
    .replace(/\s+/g, '');
  const der = Uint8Array.from(atob(base64), (character) => character.charCodeAt(0));
  return crypto.subtle.importKey('pkcs8', der, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
}

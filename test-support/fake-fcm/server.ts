/**
 * A fake of Firebase Cloud Messaging's HTTP v1 API and Google's OAuth 2.0 token endpoint, faithful to
 * what they document and checked with node:crypto rather than Kindred's own code:
 * - `POST /token` takes the service-account grant (RFC 7523: `grant_type=urn:ietf:params:oauth:
 *   grant-type:jwt-bearer`, `assertion` = an RS256 JWT with `iss`, `scope`, `aud` = this URL, `iat`,
 *   `exp` at most an hour later), verifies its signature with the service account's public key and
 *   answers `{ access_token, expires_in, token_type }`;
 * - `POST /v1/projects/<project>/messages:send` needs `Authorization: Bearer <a granted token>` and a
 *   `message` with a `token`; answers `{ name: "projects/<project>/messages/<id>" }`, or the documented
 *   errors: 404 NOT_FOUND with errorCode UNREGISTERED, 400 INVALID_ARGUMENT, 503 UNAVAILABLE, 429
 *   QUOTA_EXCEEDED (RESOURCE_EXHAUSTED), 401 UNAUTHENTICATED.
 *
 * Runs in Node (Vitest global setup) with native type stripping: erasable TypeScript only.
 */
import { createPublicKey, randomUUID, verify } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { closeServer, listen, readBodyText, sendJson } from '../fake-http.ts';
import type { FcmFailure, ReceivedFcmMessage } from './control.ts';

export interface FakeFcm {
  url: string;
  close(): Promise<void>;
}

const failures: Record<FcmFailure, { status: number; status_text: string; errorCode?: string }> = {
  unregistered: { status: 404, status_text: 'NOT_FOUND', errorCode: 'UNREGISTERED' },
  'invalid-argument': { status: 400, status_text: 'INVALID_ARGUMENT', errorCode: 'INVALID_ARGUMENT' },
  unavailable: { status: 503, status_text: 'UNAVAILABLE', errorCode: 'UNAVAILABLE' },
  'quota-exceeded': { status: 429, status_text: 'RESOURCE_EXHAUSTED', errorCode: 'QUOTA_EXCEEDED' },
  unauthenticated: { status: 401, status_text: 'UNAUTHENTICATED' },
};

export async function startFakeFcm(options: { port?: number; projectId: string; clientEmail: string; publicKeyPem: string }): Promise<FakeFcm> {
  const publicKey = createPublicKey(options.publicKeyPem);
  const granted = new Set<string>();
  let tokensGranted = 0;
  const received = new Map<string, ReceivedFcmMessage[]>();
  const failNext = new Map<string, FcmFailure[]>();
  let origin = '';

  const googleError = (response: ServerResponse, status: number, statusText: string, message: string, errorCode?: string) =>
    sendJson(response, status, {
      error: {
        code: status,
        message,
        status: statusText,
        ...(errorCode ? { details: [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode }] } : {}),
      },
    });

  function checkAssertion(assertion: string): string | null {
    const [header, claims, signature] = assertion.split('.');
    if (!header || !claims || !signature) return 'the assertion is not a JWT';
    const decoded = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (decoded(header).alg !== 'RS256') return 'alg must be RS256';
    if (!verify('sha256', Buffer.from(`${header}.${claims}`), publicKey, Buffer.from(signature, 'base64url'))) return 'bad signature';
    const payload = decoded(claims);
    const nowSeconds = Math.floor(Date.now() / 1000);
    if (payload.iss !== options.clientEmail) return 'iss is not the service account';
    if (payload.aud !== `${origin}/token`) return 'aud is not this token endpoint';
    if (payload.scope !== 'https://www.googleapis.com/auth/firebase.messaging') return 'scope is not firebase.messaging';
    if (
      typeof payload.iat !== 'number' ||
      typeof payload.exp !== 'number' ||
      payload.exp - payload.iat > 3600 ||
      payload.exp < nowSeconds ||
      payload.iat > nowSeconds + 60
    )
      return 'iat/exp are not a valid hour';
    return null;
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', origin);
    const body = await readBodyText(request);
    if (request.method === 'GET' && url.pathname === '/__control/received') {
      return sendJson(response, 200, { messages: received.get(url.searchParams.get('token') ?? '') ?? [], tokensGranted });
    }
    if (request.method === 'POST' && url.pathname === '/__control/fail-next') {
      const { token, failure } = JSON.parse(body) as { token: string; failure: FcmFailure };
      failNext.set(token, [...(failNext.get(token) ?? []), failure]);
      return sendJson(response, 201, {});
    }
    if (request.method === 'POST' && url.pathname === '/token') {
      const form = new URLSearchParams(body);
      if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') return sendJson(response, 400, { error: 'unsupported_grant_type' });
      const problem = checkAssertion(form.get('assertion') ?? '');
      if (problem) return sendJson(response, 400, { error: 'invalid_grant', error_description: problem });
      const accessToken = `ya29.fake-${randomUUID()}`;
      granted.add(accessToken);
      tokensGranted += 1;
      return sendJson(response, 200, { access_token: accessToken, expires_in: 3599, token_type: 'Bearer' });
    }
    const send = /^\/v1\/projects\/([^/]+)\/messages:send$/.exec(url.pathname);
    if (request.method === 'POST' && send) {
      const bearer = (request.headers.authorization ?? '').replace(/^Bearer /, '');
      if (!granted.has(bearer)) return googleError(response, 401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.');
      if (decodeURIComponent(send[1] ?? '') !== options.projectId) return googleError(response, 403, 'PERMISSION_DENIED', 'Wrong project.');
      const parsed = JSON.parse(body) as { message?: ReceivedFcmMessage['message'] & { token?: string } };
      const token = parsed.message?.token;
      if (!token) return googleError(response, 400, 'INVALID_ARGUMENT', 'message.token is required', 'INVALID_ARGUMENT');
      const data = parsed.message?.data ?? {};
      if (Object.values(data).some((value) => typeof value !== 'string'))
        return googleError(response, 400, 'INVALID_ARGUMENT', 'data values must be strings', 'INVALID_ARGUMENT');
      const failure = failNext.get(token)?.shift();
      if (failure) {
        const documented = failures[failure];
        if (failure === 'unauthenticated') granted.delete(bearer);
        return googleError(response, documented.status, documented.status_text, `Scripted ${failure}.`, documented.errorCode);
      }
      const { token: _token, ...message } = parsed.message ?? {};
      received.set(token, [...(received.get(token) ?? []), { token, message, receivedAt: Date.now() }]);
      return sendJson(response, 200, { name: `projects/${options.projectId}/messages/${randomUUID()}` });
    }
    sendJson(response, 404, { error: 'not found' });
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => sendJson(response, 500, { error: String(error) }));
  });
  const port = await listen(server, options.port ?? 0, '127.0.0.1', 'fake FCM');
  origin = `http://127.0.0.1:${port}`;
  return { url: origin, close: () => closeServer(server) };
}

import { z } from 'zod';
import type { Config } from '../../../server/config/config.ts';
import { base64ToBytes, bytesToBase64Url, randomBytes } from '../../../server/crypto/encoding.ts';
import { AppError } from '../../../server/errors/app-error.ts';

/**
 * Google's OAuth 2.0 for a web server application (authorization code with PKCE, offline access):
 * the address to send a person to, the exchange of the code Google sends back, and the `state` that
 * ties the answer to the person who asked, without storing anything between the two requests.
 */

/** Google's endpoints and Kindred's OAuth client, from the configuration. */
export interface GoogleConnectionSettings {
  clientId: string;
  clientSecret: string;
  authUrl: string;
  tokenUrl: string;
  apiUrl: string;
}

/** Google as configured, or undefined when it is not (both client values are needed): the routes answer `feature_not_configured`. */
export function googleSettingsOf(
  config: Pick<Config, 'GOOGLE_CLIENT_ID' | 'GOOGLE_CLIENT_SECRET' | 'GOOGLE_OAUTH_URL' | 'GOOGLE_TOKEN_URL' | 'GOOGLE_CALENDAR_URL'>,
): GoogleConnectionSettings | undefined {
  if (config.GOOGLE_CLIENT_ID === undefined || config.GOOGLE_CLIENT_SECRET === undefined) return undefined;
  return {
    clientId: config.GOOGLE_CLIENT_ID,
    clientSecret: config.GOOGLE_CLIENT_SECRET,
    authUrl: config.GOOGLE_OAUTH_URL,
    tokenUrl: config.GOOGLE_TOKEN_URL,
    apiUrl: config.GOOGLE_CALENDAR_URL,
  };
}

/** Full read and write access to the person's calendars: the sync writes events back. */
export const googleCalendarScope = 'https://www.googleapis.com/auth/calendar';

/** What the token endpoint needs: the OAuth client and where the endpoint is (Google's, or the fake's). */
export interface GoogleClientSettings {
  clientId: string;
  clientSecret: string;
  tokenUrl: string;
  fetch?: typeof fetch;
  /** Milliseconds since the epoch; injected by tests. */
  now?: () => number;
}

/** Tokens granted for one person's Google calendar, sealed by the caller wherever it keeps them. */
export interface GoogleCredentials {
  accessToken: string;
  refreshToken: string;
  /** When the access token stops working, milliseconds since the epoch. */
  expiresAt: number;
}

/** PKCE (RFC 7636): 32 random bytes, base64url, which is 43 characters of the allowed alphabet. */
export function createCodeVerifier(): string {
  return bytesToBase64Url(randomBytes(32));
}

async function codeChallengeOf(codeVerifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(codeVerifier));
  return bytesToBase64Url(new Uint8Array(digest));
}

/**
 * Where to send the person to grant Kindred access to their calendar. `access_type=offline` and
 * `prompt=consent` make Google issue a refresh token every time, even to someone who granted access
 * before (without `consent`, a second grant comes with no refresh token and the sync could not last).
 * The code verifier is returned for the exchange; pass one in (e.g. from `issueOAuthState`) to use it.
 */
export async function googleAuthorizationUrl(
  settings: { clientId: string; authUrl: string },
  state: string,
  redirectUri: string,
  codeVerifier: string = createCodeVerifier(),
): Promise<{ authorizationUrl: string; codeVerifier: string }> {
  const url = new URL(settings.authUrl);
  url.searchParams.set('client_id', settings.clientId);
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', googleCalendarScope);
  url.searchParams.set('access_type', 'offline');
  url.searchParams.set('prompt', 'consent');
  url.searchParams.set('include_granted_scopes', 'true');
  url.searchParams.set('state', state);
  url.searchParams.set('code_challenge', await codeChallengeOf(codeVerifier));
  url.searchParams.set('code_challenge_method', 'S256');
  return { authorizationUrl: url.toString(), codeVerifier };
}

/** Google's token answer (https://developers.google.com/identity/protocols/oauth2/web-server#exchange-authorization-code). */
const tokenAnswerSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().positive(),
  refresh_token: z.string().min(1).optional(),
  scope: z.string().optional(),
  token_type: z.string().optional(),
});
export type GoogleTokenAnswer = z.infer<typeof tokenAnswerSchema>;

const tokenErrorSchema = z.object({ error: z.string(), error_description: z.string().optional() });

/**
 * One request to the token endpoint, its answer checked. `invalid_grant` (a code used twice or too
 * late, a refresh token revoked or expired) and the client's own errors mean Google will not grant
 * access: `source_auth_failed`. A 5xx or a network failure is `source_unreachable`; anything that is
 * not Google's documented answer is `source_invalid`.
 */
export async function requestGoogleToken(settings: GoogleClientSettings, parameters: Record<string, string>): Promise<GoogleTokenAnswer> {
  const fetchImplementation = settings.fetch ?? fetch;
  const body = new URLSearchParams({ ...parameters, client_id: settings.clientId, client_secret: settings.clientSecret });
  let response: Response;
  try {
    response = await fetchImplementation(settings.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body,
    });
  } catch (error) {
    throw new AppError('source_unreachable', 'Google could not be reached to grant access.', { cause: error });
  }
  if (response.status === 429 || response.status >= 500) {
    throw new AppError('source_unreachable', `Google's token endpoint answered ${response.status}.`);
  }
  let payload: unknown;
  try {
    payload = await response.json();
  } catch (error) {
    throw new AppError('source_invalid', `Google's token endpoint answered ${response.status} with something that is not JSON.`, { cause: error });
  }
  if (!response.ok) {
    const problem = tokenErrorSchema.safeParse(payload);
    // The error code is safe to log; the description can quote the request, so it stays out of the message.
    const code = problem.success ? problem.data.error : `HTTP ${response.status}`;
    throw new AppError('source_auth_failed', `Google refused to grant access (${code}): connect the calendar again.`);
  }
  const answer = tokenAnswerSchema.safeParse(payload);
  if (!answer.success) throw new AppError('source_invalid', "Google's token endpoint answered without a usable access token.");
  return answer.data;
}

/**
 * Trades the code Google sent back to `redirectUri` for tokens. `redirectUri` must be the one the
 * authorization used, and `codeVerifier` the one its challenge was made from.
 */
export async function exchangeGoogleCode(settings: GoogleClientSettings, code: string, redirectUri: string, codeVerifier: string): Promise<GoogleCredentials> {
  const now = settings.now ?? Date.now;
  const answer = await requestGoogleToken(settings, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectUri,
    code_verifier: codeVerifier,
  });
  if (answer.refresh_token === undefined) {
    // Only offline access lasts beyond an hour; `prompt=consent` should always yield one.
    throw new AppError('source_auth_failed', 'Google granted no lasting access (no refresh token): connect the calendar again.');
  }
  return { accessToken: answer.access_token, refreshToken: answer.refresh_token, expiresAt: now() + answer.expires_in * 1000 };
}

// --- state -------------------------------------------------------------------------------------

/** How long a person has to finish granting access before the state stops being accepted. */
export const oauthStateLifetimeMs = 15 * 60 * 1000;

const stateKeyLabel = new TextEncoder().encode('kindred/google-oauth-state/v1');

/**
 * The HMAC key states are signed with, derived from the master key (HKDF) so no other secret needs
 * configuring and a state signed for this purpose can be nothing else.
 */
export async function deriveOAuthStateKey(masterKeyBase64: string): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey('raw', base64ToBytes(masterKeyBase64), 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(32), info: stateKeyLabel },
    material,
    { name: 'HMAC', hash: 'SHA-256', length: 256 },
    false,
    ['sign', 'verify'],
  );
}

async function sign(key: CryptoKey, text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(text)));
}

/** Any state refused: not issued here, altered, expired, or for someone else. */
const invalidOAuthState = () => new AppError('invalid_oauth_state', 'This calendar connection was not started here, or was started too long ago: start again.');

/** `googleCompletionBodySchema` takes a state of at most this many characters. */
const longestState = 512;

const base64UrlToBytes = (text: string) =>
  base64ToBytes(
    text
      .replaceAll('-', '+')
      .replaceAll('_', '/')
      .padEnd(Math.ceil(text.length / 4) * 4, '='),
  );

/** The person's id is signed over but not written into the state, which travels through Google and the browser. */
const signedText = (purpose: 'state' | 'verifier' | 'app-verifier', userId: string, nonce: string, expiresAt: number, redirectUri: string) =>
  `${purpose}\n${userId}\n${nonce}\n${expiresAt}\n${redirectUri}`;

/**
 * A state for one authorization: a random nonce, an expiry and the redirect URI (which the exchange
 * must repeat), signed together with the person's id; and the PKCE code verifier derived from the
 * same values, so the completion rebuilds everything from the state alone and nothing is stored in
 * between. A redirect URI too long to fit in a state is refused as `validation_failed`.
 */
export async function issueOAuthState(key: CryptoKey, userId: string, redirectUri: string, now: number): Promise<{ state: string; codeVerifier: string }> {
  const nonce = bytesToBase64Url(randomBytes(16));
  const expiresAt = now + oauthStateLifetimeMs;
  const signature = bytesToBase64Url(await sign(key, signedText('state', userId, nonce, expiresAt, redirectUri)));
  const state = `${nonce}.${expiresAt.toString(36)}.${bytesToBase64Url(new TextEncoder().encode(redirectUri))}.${signature}`;
  if (state.length > longestState) throw new AppError('validation_failed', 'redirectUri is too long to carry through Google.');
  return { state, codeVerifier: bytesToBase64Url(await sign(key, signedText('verifier', userId, nonce, expiresAt, redirectUri))) };
}

/**
 * Checks a state Google sent back: signed by this key, for this person, not expired. Answers the
 * code verifier and redirect URI of its authorization; anything else is `invalid_oauth_state`.
 */
export async function verifyOAuthState(key: CryptoKey, userId: string, state: string, now: number): Promise<{ codeVerifier: string; redirectUri: string }> {
  const [nonce, expiresText, redirectText, signatureText, ...rest] = state.split('.');
  if (!nonce || !expiresText || !redirectText || !signatureText || rest.length > 0 || !/^[0-9a-z]+$/.test(expiresText)) throw invalidOAuthState();
  const expiresAt = Number.parseInt(expiresText, 36);
  let signature: Uint8Array<ArrayBuffer>;
  let redirectUri: string;
  try {
    signature = base64UrlToBytes(signatureText);
    redirectUri = new TextDecoder('utf-8', { fatal: true }).decode(base64UrlToBytes(redirectText));
  } catch {
    throw invalidOAuthState();
  }
  // `verify` compares in constant time.
  const valid = await crypto.subtle.verify('HMAC', key, signature, new TextEncoder().encode(signedText('state', userId, nonce, expiresAt, redirectUri)));
  if (!valid || now > expiresAt) throw invalidOAuthState();
  return { codeVerifier: bytesToBase64Url(await sign(key, signedText('verifier', userId, nonce, expiresAt, redirectUri))), redirectUri };
}

// --- the two steps the routes take -----------------------------------------------------------------

/** `POST /calendar/sources` with `kind: 'google'`: where to send the person, with a state bound to them. */
export async function beginGoogleConnection(
  settings: { clientId: string; authUrl: string },
  stateKey: CryptoKey,
  userId: string,
  redirectUri: string,
  now: number,
): Promise<{ authorizationUrl: string }> {
  const { state, codeVerifier } = await issueOAuthState(stateKey, userId, redirectUri, now);
  const { authorizationUrl } = await googleAuthorizationUrl(settings, state, redirectUri, codeVerifier);
  return { authorizationUrl };
}

/**
 * `POST /calendar/sources/google/complete`: checks the state is this person's and fresh, then trades
 * the code for credentials, proving the PKCE verifier and repeating the redirect URI the state
 * recorded. Both kinds of state come here: the web's (signed, back at the page's `redirectUri`) and
 * the app's (sealed, back at Kindred's callback, which only bounced the code to the app). Either way
 * the signed-in person must be the one who started the connection, or nothing is exchanged
 * (`invalid_oauth_state`), so a consent link sent to someone else connects nothing for its sender.
 */
export async function completeGoogleConnection(
  settings: GoogleClientSettings,
  keys: OAuthStateKeys,
  userId: string,
  completion: { code: string; state: string },
  now: number,
): Promise<GoogleCredentials> {
  const { codeVerifier, redirectUri } = isAppOAuthState(completion.state)
    ? await openAppOAuthStateOf(keys, userId, completion.state, now)
    : await verifyOAuthState(keys.signing, userId, completion.state, now);
  return exchangeGoogleCode(settings, completion.code, redirectUri, codeVerifier);
}

// --- a connection started in the mobile app ---------------------------------------------------------
//
// Google refuses its consent page inside an embedded web view, so the app opens it in the system
// browser, which has no Kindred session. Google therefore sends that browser back to Kindred's own
// callback (`GET /calendar/sources/google/callback`), which does nothing with the code but bounce it
// to the app (`kindred://calendar/google-return`); the app then finishes at
// `POST /calendar/sources/google/complete` with its own session, as the web page does (RFC 8252's
// pattern for native apps). The state is sealed (AES-GCM) rather than only signed, so the callback
// can tell a state Kindred issued from any other before bouncing it, and the person's id inside is
// not readable on the way through Google and the browser. The state says nothing about where to go
// afterwards: a state of this form always ends at the app's fixed `kindred://calendar/` links.

const appStateKeyLabel = new TextEncoder().encode('kindred/google-oauth-app-state/v1');

/** Marks a state issued for the app, so neither route mistakes one kind of state for the other. */
const appStatePrefix = 'app.';

/** The keys an app-started connection's state needs: the HMAC key of `deriveOAuthStateKey` and a sealing key. */
export interface OAuthStateKeys {
  /** Derives the PKCE code verifier (and signs the web flow's states). */
  signing: CryptoKey;
  /** Seals the app flow's states. */
  sealing: CryptoKey;
}

/** Both state keys, derived from the master key (HKDF, a label each). */
export async function deriveOAuthStateKeys(masterKeyBase64: string): Promise<OAuthStateKeys> {
  const material = await crypto.subtle.importKey('raw', base64ToBytes(masterKeyBase64), 'HKDF', false, ['deriveKey']);
  const sealing = await crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(32), info: appStateKeyLabel },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
  return { signing: await deriveOAuthStateKey(masterKeyBase64), sealing };
}

/** What an app-started connection's state carries back: checked by the callback, used by the completion. */
export interface AppOAuthState {
  /** Who started the connection: the only person whose session may complete it. */
  userId: string;
  /** Kindred's own callback address, which the exchange must repeat. */
  redirectUri: string;
  codeVerifier: string;
}

const appVerifierOf = async (keys: OAuthStateKeys, userId: string, nonce: string, expiresAt: number, redirectUri: string) =>
  bytesToBase64Url(await sign(keys.signing, signedText('app-verifier', userId, nonce, expiresAt, redirectUri)));

/**
 * A state for an authorization started by the app: the person's id, a nonce, the expiry and the
 * callback address sealed together; the PKCE verifier is derived from them, as for the web's states.
 */
export async function issueAppOAuthState(
  keys: OAuthStateKeys,
  userId: string,
  redirectUri: string,
  now: number,
): Promise<{ state: string; codeVerifier: string }> {
  const nonce = bytesToBase64Url(randomBytes(16));
  const expiresAt = now + oauthStateLifetimeMs;
  const iv = randomBytes(12);
  const plaintext = new TextEncoder().encode(JSON.stringify([userId, nonce, expiresAt, redirectUri]));
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, keys.sealing, plaintext));
  const joined = new Uint8Array(iv.length + sealed.length);
  joined.set(iv);
  joined.set(sealed, iv.length);
  const state = `${appStatePrefix}${bytesToBase64Url(joined)}`;
  if (state.length > longestState) throw new AppError('validation_failed', "This server's address is too long to carry through Google.");
  return { state, codeVerifier: await appVerifierOf(keys, userId, nonce, expiresAt, redirectUri) };
}

/** Whether a state is of the app's kind (its form only; `openAppOAuthState` says whether it is genuine). */
export const isAppOAuthState = (state: string): boolean => state.startsWith(appStatePrefix);

/**
 * Opens a state that came back to the callback or the completion: sealed here, unaltered, an app state, not expired.
 * Anything else (a web flow's state, a forged or stale one) is `invalid_oauth_state`.
 */
export async function openAppOAuthState(keys: OAuthStateKeys, state: string, now: number): Promise<AppOAuthState> {
  if (!state.startsWith(appStatePrefix) || state.length > longestState) throw invalidOAuthState();
  const sealedText = state.slice(appStatePrefix.length);
  if (!/^[A-Za-z0-9_-]{40,}$/.test(sealedText)) throw invalidOAuthState();
  let fields: unknown;
  try {
    const bytes = base64UrlToBytes(sealedText);
    const plaintext = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: bytes.slice(0, 12) }, keys.sealing, bytes.slice(12));
    fields = JSON.parse(new TextDecoder().decode(plaintext));
  } catch {
    throw invalidOAuthState();
  }
  const parsed = z.tuple([z.string().min(1), z.string().min(1), z.number(), z.string().url()]).safeParse(fields);
  if (!parsed.success) throw invalidOAuthState();
  const [userId, nonce, expiresAt, redirectUri] = parsed.data;
  if (now > expiresAt) throw invalidOAuthState();
  return { userId, redirectUri, codeVerifier: await appVerifierOf(keys, userId, nonce, expiresAt, redirectUri) };
}

/** An app state opened for the completion: also refused (`invalid_oauth_state`) when `userId` did not start it. */
async function openAppOAuthStateOf(keys: OAuthStateKeys, userId: string, state: string, now: number): Promise<AppOAuthState> {
  const opened = await openAppOAuthState(keys, state, now);
  if (opened.userId !== userId) throw invalidOAuthState();
  return opened;
}

/** `POST /calendar/sources` with `returnTo: 'app'`: Google's address, coming back to Kindred's callback, which bounces to the app. */
export async function beginGoogleAppConnection(
  settings: { clientId: string; authUrl: string },
  keys: OAuthStateKeys,
  userId: string,
  callbackUrl: string,
  now: number,
): Promise<{ authorizationUrl: string }> {
  const { state, codeVerifier } = await issueAppOAuthState(keys, userId, callbackUrl, now);
  const { authorizationUrl } = await googleAuthorizationUrl(settings, state, callbackUrl, codeVerifier);
  return { authorizationUrl };
}

/**
 * Google's `error` parameter (https://developers.google.com/identity/protocols/oauth2/web-server#handlingresponse)
 * as Kindred's stable id: the person said no, Google could not answer, or the request was refused.
 */
export function errorIdOfGoogleRefusal(googleError: string): 'source_access_denied' | 'source_unreachable' | 'source_auth_failed' {
  if (googleError === 'access_denied') return 'source_access_denied';
  if (googleError === 'server_error' || googleError === 'temporarily_unavailable') return 'source_unreachable';
  return 'source_auth_failed';
}

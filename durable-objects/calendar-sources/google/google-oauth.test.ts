import { describe, expect, inject, it } from 'vitest';
import { bytesToBase64 } from '../../../server/crypto/encoding.ts';
import { AppError } from '../../../server/errors/app-error.ts';
import { fakeGoogleEndpoints, fakeGoogleRequests } from '../../../test-support/fake-google-calendar/control.ts';
import {
  beginGoogleAppConnection,
  beginGoogleConnection,
  completeGoogleConnection,
  deriveOAuthStateKey,
  deriveOAuthStateKeys,
  errorIdOfGoogleRefusal,
  exchangeGoogleCode,
  googleAuthorizationUrl,
  googleSettingsOf,
  issueAppOAuthState,
  issueOAuthState,
  oauthStateLifetimeMs,
  openAppOAuthState,
  verifyOAuthState,
} from './google-oauth.ts';

const fakeUrl = inject('fakeGoogleUrl');
const endpoints = fakeGoogleEndpoints(fakeUrl);
const masterKey = bytesToBase64(new Uint8Array(32).fill(7));

async function expectAppError(promise: Promise<unknown>, id: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).id).toBe(id);
}

/** Plays the browser: opens the authorization URL and reads the code from where Google sends it back. */
async function consent(authorizationUrl: string): Promise<URL> {
  const response = await fetch(authorizationUrl, { redirect: 'manual' });
  expect(response.status).toBe(302);
  return new URL(response.headers.get('location') ?? '');
}

describe('Google OAuth', () => {
  it('sends the person to Google with the calendar scope, offline access, a PKCE S256 challenge and the state', async () => {
    const { authorizationUrl, codeVerifier } = await googleAuthorizationUrl(
      { clientId: 'client-a', authUrl: endpoints.authUrl },
      'state-123',
      'https://app.example/back',
    );
    const url = new URL(authorizationUrl);
    expect(url.origin + url.pathname).toBe(endpoints.authUrl);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: 'client-a',
      redirect_uri: 'https://app.example/back',
      response_type: 'code',
      scope: 'https://www.googleapis.com/auth/calendar',
      access_type: 'offline',
      prompt: 'consent',
      state: 'state-123',
      code_challenge_method: 'S256',
    });
    expect(codeVerifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(codeVerifier)));
    const expected = bytesToBase64(digest).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
    expect(url.searchParams.get('code_challenge')).toBe(expected);
  });

  it('exchanges the code Google sends back for lasting credentials, proving the verifier', async () => {
    const redirectUri = 'https://app.example/exchange';
    const { authorizationUrl, codeVerifier } = await googleAuthorizationUrl(
      { clientId: 'client-exchange', authUrl: endpoints.authUrl },
      'state-x',
      redirectUri,
    );
    const back = await consent(authorizationUrl);
    expect(back.searchParams.get('state')).toBe('state-x');
    const code = back.searchParams.get('code') ?? '';
    const settings = { clientId: 'client-exchange', clientSecret: 'secret', tokenUrl: endpoints.tokenUrl, now: () => 1_000_000 };
    const credentials = await exchangeGoogleCode(settings, code, redirectUri, codeVerifier);
    expect(credentials.accessToken).not.toBe('');
    expect(credentials.refreshToken).not.toBe('');
    expect(credentials.expiresAt).toBe(1_000_000 + 3599 * 1000);
    const [exchange] = (await fakeGoogleRequests(fakeUrl, '/token')).filter((request) => (request.body as Record<string, string>).code === code);
    expect(exchange?.body).toMatchObject({
      grant_type: 'authorization_code',
      client_id: 'client-exchange',
      client_secret: 'secret',
      redirect_uri: redirectUri,
      code_verifier: codeVerifier,
    });
    // A code works once.
    await expectAppError(exchangeGoogleCode(settings, code, redirectUri, codeVerifier), 'source_auth_failed');
  });

  it('is refused by Google with another code verifier', async () => {
    const redirectUri = 'https://app.example/verifier';
    const { authorizationUrl } = await googleAuthorizationUrl({ clientId: 'client-verifier', authUrl: endpoints.authUrl }, 'state-v', redirectUri);
    const code = (await consent(authorizationUrl)).searchParams.get('code') ?? '';
    const settings = { clientId: 'client-verifier', clientSecret: 'secret', tokenUrl: endpoints.tokenUrl };
    await expectAppError(exchangeGoogleCode(settings, code, redirectUri, 'a'.repeat(43)), 'source_auth_failed');
  });
});

describe('Google settings', () => {
  it('are there only when both the client id and secret are configured', () => {
    const urls = { GOOGLE_OAUTH_URL: endpoints.authUrl, GOOGLE_TOKEN_URL: endpoints.tokenUrl, GOOGLE_CALENDAR_URL: endpoints.apiUrl };
    expect(googleSettingsOf({ ...urls, GOOGLE_CLIENT_ID: 'id', GOOGLE_CLIENT_SECRET: undefined })).toBeUndefined();
    expect(googleSettingsOf({ ...urls, GOOGLE_CLIENT_ID: 'id', GOOGLE_CLIENT_SECRET: 'secret' })).toEqual({
      clientId: 'id',
      clientSecret: 'secret',
      authUrl: endpoints.authUrl,
      tokenUrl: endpoints.tokenUrl,
      apiUrl: endpoints.apiUrl,
    });
  });
});

describe('OAuth state', () => {
  const redirectUri = 'https://app.example/settings/calendars';

  it('round-trips for the same person and gives back the code verifier and redirect URI the authorization used', async () => {
    const key = await deriveOAuthStateKey(masterKey);
    const { state, codeVerifier } = await issueOAuthState(key, 'user-1', redirectUri, 5_000);
    expect(state).not.toContain('user-1');
    expect(state.length).toBeLessThanOrEqual(512);
    expect(codeVerifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await expect(verifyOAuthState(key, 'user-1', state, 5_000 + oauthStateLifetimeMs)).resolves.toEqual({ codeVerifier, redirectUri });
    const other = await issueOAuthState(key, 'user-1', redirectUri, 5_000);
    expect(other.state).not.toBe(state);
    expect(other.codeVerifier).not.toBe(codeVerifier);
  });

  it('is refused for another person, after it expires, when altered, or signed by another key', async () => {
    const key = await deriveOAuthStateKey(masterKey);
    const { state } = await issueOAuthState(key, 'user-1', redirectUri, 5_000);
    await expectAppError(verifyOAuthState(key, 'user-2', state, 5_000), 'invalid_oauth_state');
    await expectAppError(verifyOAuthState(key, 'user-1', state, 5_001 + oauthStateLifetimeMs), 'invalid_oauth_state');
    const [nonce, expires, redirect, signature] = state.split('.');
    const later = (Number.parseInt(expires ?? '', 36) + 3_600_000).toString(36);
    await expectAppError(verifyOAuthState(key, 'user-1', `${nonce}.${later}.${redirect}.${signature}`, 5_000), 'invalid_oauth_state');
    await expectAppError(verifyOAuthState(key, 'user-1', `${nonce}x.${expires}.${redirect}.${signature}`, 5_000), 'invalid_oauth_state');
    const elsewhere = btoa('https://evil.example/').replaceAll('=', '');
    await expectAppError(verifyOAuthState(key, 'user-1', `${nonce}.${expires}.${elsewhere}.${signature}`, 5_000), 'invalid_oauth_state');
    await expectAppError(verifyOAuthState(key, 'user-1', 'garbage', 5_000), 'invalid_oauth_state');
    const otherKey = await deriveOAuthStateKey(bytesToBase64(new Uint8Array(32).fill(8)));
    await expectAppError(verifyOAuthState(otherKey, 'user-1', state, 5_000), 'invalid_oauth_state');
  });

  it('refuses a redirect URI too long to fit in a state', async () => {
    const key = await deriveOAuthStateKey(masterKey);
    await expectAppError(issueOAuthState(key, 'user-1', `https://app.example/${'a'.repeat(400)}`, 5_000), 'validation_failed');
  });
});

describe('OAuth state of a connection started in the app', () => {
  const callbackUrl = 'https://kindred.example/api/v1/calendar/sources/google/callback';

  it('names the person only sealed, and opens to who started it, the callback address and the verifier', async () => {
    const keys = await deriveOAuthStateKeys(masterKey);
    const { state, codeVerifier } = await issueAppOAuthState(keys, 'user-app-1', callbackUrl, 5_000);
    expect(state).toMatch(/^app\.[A-Za-z0-9_-]+$/);
    expect(atob(state.slice(4).replaceAll('-', '+').replaceAll('_', '/'))).not.toContain('user-app-1');
    expect(codeVerifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await expect(openAppOAuthState(keys, state, 5_000 + oauthStateLifetimeMs)).resolves.toEqual({
      userId: 'user-app-1',
      redirectUri: callbackUrl,
      codeVerifier,
    });
  });

  it('is refused after it expires, when altered, sealed by another key, or issued for the web', async () => {
    const keys = await deriveOAuthStateKeys(masterKey);
    const { state } = await issueAppOAuthState(keys, 'user-app-1', callbackUrl, 5_000);
    await expectAppError(openAppOAuthState(keys, state, 5_001 + oauthStateLifetimeMs), 'invalid_oauth_state');
    const flipped = `${state.slice(0, 10)}${state[10] === 'A' ? 'B' : 'A'}${state.slice(11)}`;
    await expectAppError(openAppOAuthState(keys, flipped, 5_000), 'invalid_oauth_state');
    await expectAppError(openAppOAuthState(await deriveOAuthStateKeys(bytesToBase64(new Uint8Array(32).fill(8))), state, 5_000), 'invalid_oauth_state');
    const web = await issueOAuthState(keys.signing, 'user-app-1', callbackUrl, 5_000);
    await expectAppError(openAppOAuthState(keys, web.state, 5_000), 'invalid_oauth_state');
    await expectAppError(verifyOAuthState(keys.signing, 'user-app-1', state, 5_000), 'invalid_oauth_state');
    await expectAppError(openAppOAuthState(keys, 'app.', 5_000), 'invalid_oauth_state');
  });

  it("turns Google's error parameter into a stable id", () => {
    expect(errorIdOfGoogleRefusal('access_denied')).toBe('source_access_denied');
    expect(errorIdOfGoogleRefusal('temporarily_unavailable')).toBe('source_unreachable');
    expect(errorIdOfGoogleRefusal('server_error')).toBe('source_unreachable');
    expect(errorIdOfGoogleRefusal('invalid_scope')).toBe('source_auth_failed');
  });
});

describe('connecting a Google calendar, start to finish', () => {
  const settings = { clientId: 'client-flow', clientSecret: 'secret', tokenUrl: endpoints.tokenUrl, authUrl: endpoints.authUrl };
  const redirectUri = 'https://app.example/settings/calendars';

  it('begins with a URL for this person and completes with the code and state Google sends back', async () => {
    const keys = await deriveOAuthStateKeys(masterKey);
    const { authorizationUrl } = await beginGoogleConnection(settings, keys.signing, 'user-flow', redirectUri, Date.now());
    const back = await consent(authorizationUrl);
    expect(back.origin + back.pathname).toBe(redirectUri);
    const completion = { code: back.searchParams.get('code') ?? '', state: back.searchParams.get('state') ?? '' };
    // Someone else signed in cannot finish this person's connection, and their attempt does not use the code up.
    await expectAppError(completeGoogleConnection(settings, keys, 'user-other', completion, Date.now()), 'invalid_oauth_state');
    const credentials = await completeGoogleConnection(settings, keys, 'user-flow', completion, Date.now());
    expect(credentials.refreshToken).not.toBe('');
    expect(credentials.expiresAt).toBeGreaterThan(Date.now());
  });

  it('completes an app-started connection only for the person who started it, with the callback as redirect URI', async () => {
    const keys = await deriveOAuthStateKeys(masterKey);
    const callbackUrl = 'https://kindred.example/api/v1/calendar/sources/google/callback';
    const { authorizationUrl } = await beginGoogleAppConnection(settings, keys, 'user-app-flow', callbackUrl, Date.now());
    const back = await consent(authorizationUrl);
    expect(back.origin + back.pathname).toBe(callbackUrl);
    const completion = { code: back.searchParams.get('code') ?? '', state: back.searchParams.get('state') ?? '' };
    // Whoever granted access, a session of anyone but the starter is refused before Google is asked.
    await expectAppError(completeGoogleConnection(settings, keys, 'user-who-granted', completion, Date.now()), 'invalid_oauth_state');
    expect((await fakeGoogleRequests(fakeUrl, '/token')).filter((request) => (request.body as Record<string, string>).code === completion.code)).toEqual([]);
    // An app state expires like the web's.
    await expectAppError(completeGoogleConnection(settings, keys, 'user-app-flow', completion, Date.now() + oauthStateLifetimeMs + 1), 'invalid_oauth_state');
    const credentials = await completeGoogleConnection(settings, keys, 'user-app-flow', completion, Date.now());
    expect(credentials.refreshToken).not.toBe('');
    const [exchange] = (await fakeGoogleRequests(fakeUrl, '/token')).filter((request) => (request.body as Record<string, string>).code === completion.code);
    expect(exchange?.body).toMatchObject({ redirect_uri: callbackUrl });
  });
});

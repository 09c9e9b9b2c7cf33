import { runInDurableObject } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';
import { readCalendarAppLink } from '../../common/calendar-app-links.ts';
import { calendarSourceSchema, calendarSourcesAnswerSchema, googleAuthorizationAnswerSchema } from '../../common/calendar-sources.ts';
import { eventsAnswerSchema } from '../../common/protocol.ts';
import type { CompanionAgent } from '../../durable-objects/companion-agent.ts';
import { api, buildUser, expectError, origin, randomAddress, readJson, uniqueText } from '../../test-support/api.ts';
import { fakeGoogleEvents, fakeGoogleRequests, putFakeGoogleEvent } from '../../test-support/fake-google-calendar/control.ts';
import { runScheduledWork, waitingJobs } from '../../test-support/scheduled-work.ts';

const fakeGoogleUrl = inject('fakeGoogleUrl');
const testEnv = env as unknown as { COMPANION: DurableObjectNamespace<CompanionAgent> };
const redirectUri = 'https://kindred.test/today/google-callback';

/** Starts the connection and follows Google's consent page back to Kindred, as the browser would. */
async function authorize(token: string): Promise<{ code: string; state: string }> {
  const begun = await readJson(await api('/api/v1/calendar/sources', { token, body: { kind: 'google', redirectUri } }), googleAuthorizationAnswerSchema);
  const authorization = new URL(begun.authorizationUrl);
  expect(authorization.searchParams.get('code_challenge_method')).toBe('S256');
  expect(authorization.searchParams.get('redirect_uri')).toBe(redirectUri);
  const consent = await fetch(authorization, { redirect: 'manual' });
  const back = new URL(consent.headers.get('location') ?? '');
  expect(`${back.origin}${back.pathname}`).toBe(redirectUri);
  return { code: back.searchParams.get('code') ?? '', state: back.searchParams.get('state') ?? '' };
}

describe('connecting Google Calendar', () => {
  it('sends the person to Google, keeps the tokens it gets back, and syncs both ways', async () => {
    const { token } = await buildUser();
    const title = uniqueText('Quarterly review');
    const eventId = `kindred${crypto.randomUUID().replaceAll('-', '').slice(0, 20)}`;
    const day = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    await putFakeGoogleEvent(fakeGoogleUrl, 'primary', eventId, {
      summary: title,
      start: { dateTime: `${day}T10:00:00`, timeZone: 'Europe/Paris' },
      end: { dateTime: `${day}T11:00:00`, timeZone: 'Europe/Paris' },
    });

    const source = await readJson(await api('/api/v1/calendar/sources/google/complete', { token, body: await authorize(token) }), calendarSourceSchema, 201);
    expect(source).toMatchObject({ kind: 'google', status: 'ok' });
    const events = await readJson(
      await api(`/api/v1/events?${new URLSearchParams({ from: `${day}T00:00:00Z`, to: `${day}T23:59:59Z` })}`, { token }),
      eventsAnswerSchema,
    );
    expect(events.events.find((event) => event.title === title)).toMatchObject({ start: `${day}T10:00:00+01:00`, timezone: 'Europe/Paris' });

    // A new event in Kindred goes to the connected calendar.
    const mine = uniqueText('Lunch with Sam');
    expect((await api('/api/v1/events', { token, body: { title: mine, start: `${day}T12:30`, end: `${day}T13:30`, timezone: 'Europe/Paris' } })).status).toBe(
      201,
    );
    await api(`/api/v1/calendar/sources/${source.id}/sync`, { method: 'POST', token });
    expect((await fakeGoogleEvents(fakeGoogleUrl, 'primary')).some((event) => event.summary === mine)).toBe(true);

    // The tokens never appear in what the person's data lists or exports.
    const listed = await readJson(await api('/api/v1/calendar/sources', { token }), calendarSourcesAnswerSchema);
    expect(JSON.stringify(listed)).not.toMatch(/token/i);
  });

  it('lets outreach plan the heads-up of an event the first sync brings in, less than an hour ahead', async () => {
    const { token, user } = await buildUser();
    const startsAt = Math.floor((Date.now() + 45 * 60_000) / 60_000) * 60_000;
    const wallClock = (instant: number) => new Date(instant).toISOString().slice(0, 19);
    const eventId = `kindred${crypto.randomUUID().replaceAll('-', '').slice(0, 20)}`;
    await putFakeGoogleEvent(fakeGoogleUrl, 'primary', eventId, {
      summary: uniqueText('Standup'),
      start: { dateTime: wallClock(startsAt), timeZone: 'UTC' },
      end: { dateTime: wallClock(startsAt + 15 * 60_000), timeZone: 'UTC' },
    });
    await readJson(await api('/api/v1/calendar/sources/google/complete', { token, body: await authorize(token) }), calendarSourceSchema, 201);
    expect(await waitingJobs(user.id, 'outreach', 'planAfterCalendarChange')).toHaveLength(1);
    // Only the plan the sync scheduled, a few seconds ahead: not the hourly one, nor the next sync.
    await runScheduledWork(user.id, { dueWithinMs: 10_000 });
    // Outreach's default: 30 minutes before.
    expect((await waitingJobs(user.id, 'outreach', 'eventSoon')).map((job) => job.time)).toEqual([startsAt - 30 * 60_000]);
  });

  it('refuses a state made for someone else, or tampered with', async () => {
    const first = await buildUser();
    const second = await buildUser();
    const grant = await authorize(first.token);
    await expectError(await api('/api/v1/calendar/sources/google/complete', { token: second.token, body: grant }), 'invalid_oauth_state');
    await expectError(
      await api('/api/v1/calendar/sources/google/complete', { token: first.token, body: { ...grant, state: `${grant.state}x` } }),
      'invalid_oauth_state',
    );
    expect((await readJson(await api('/api/v1/calendar/sources', { token: second.token }), calendarSourcesAnswerSchema)).sources).toEqual([]);
  });

  it('refuses a code Google does not know, keeping nothing', async () => {
    const { token } = await buildUser();
    const grant = await authorize(token);
    await expectError(await api('/api/v1/calendar/sources/google/complete', { token, body: { ...grant, code: '4/not-a-code' } }), 'source_auth_failed');
    expect((await readJson(await api('/api/v1/calendar/sources', { token }), calendarSourcesAnswerSchema)).sources).toEqual([]);
  });
});

/** Kindred's own callback, where Google sends the system browser back when the app started the connection. */
const appCallback = `${origin}/api/v1/calendar/sources/google/callback`;

/** The system browser opening a Kindred address: no session, and a redirect is reported, not followed (it leads out of the browser). */
function systemBrowserVisit(pathAndQuery: string): Promise<Response> {
  const worker = (exports as unknown as { default: Fetcher }).default;
  return worker.fetch(new Request(`${origin}${pathAndQuery}`, { redirect: 'manual', headers: { 'cf-connecting-ip': randomAddress() } }));
}

/** Starts a connection as the mobile app does, with extra `body` fields a client might add. */
async function beginFromApp(token: string, body: Record<string, unknown> = {}): Promise<URL> {
  const begun = await readJson(
    await api('/api/v1/calendar/sources', { token, body: { kind: 'google', returnTo: 'app', ...body } }),
    googleAuthorizationAnswerSchema,
  );
  return new URL(begun.authorizationUrl);
}

/** Plays the system browser: Google's consent page, then Kindred's callback, whose redirect it returns. */
async function consentInSystemBrowser(authorization: URL, tamper: (back: URL) => void = () => {}): Promise<string> {
  const consent = await fetch(authorization, { redirect: 'manual' });
  const back = new URL(consent.headers.get('location') ?? '');
  expect(`${back.origin}${back.pathname}`).toBe(appCallback);
  tamper(back);
  const answer = await systemBrowserVisit(`${back.pathname}${back.search}`);
  expect(answer.status).toBe(302);
  expect(answer.headers.get('cache-control')).toBe('no-store');
  expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
  const link = answer.headers.get('location') ?? '';
  // The same link as a page, for a browser that asks for a tap before leaving for an app.
  expect(await answer.text()).toContain(`<a href="${link.replaceAll('&', '&amp;')}">`);
  return link;
}

/** The `kindred://calendar/google-return` link the callback bounced to, read as the app reads it. */
function googleReturnOf(link: string): { code: string; state: string } {
  const read = readCalendarAppLink(link);
  if (read?.outcome !== 'google-return') throw new Error(`Expected a google-return link, got ${link}`);
  return { code: read.code, state: read.state };
}

const sourcesOf = async (token: string) => (await readJson(await api('/api/v1/calendar/sources', { token }), calendarSourcesAnswerSchema)).sources;

/** Token exchanges Google's fake saw for this code: the callback must never make one. */
const exchangesOf = async (code: string) =>
  (await fakeGoogleRequests(fakeGoogleUrl, '/token')).filter((request) => (request.body as Record<string, string>).code === code);

/** The app finishing with its own session, as `completeGoogleConnection` does. */
const completeInApp = (token: string, grant: { code: string; state: string }) => api('/api/v1/calendar/sources/google/complete', { token, body: grant });

describe('connecting Google Calendar from the mobile app', () => {
  it('bounces the code to the app, which completes it with its session: then connected and synced', async () => {
    const { token } = await buildUser();
    const title = uniqueText('Dentist');
    const day = new Date(Date.now() + 4 * 86_400_000).toISOString().slice(0, 10);
    await putFakeGoogleEvent(fakeGoogleUrl, 'primary', `kindred${crypto.randomUUID().replaceAll('-', '').slice(0, 20)}`, {
      summary: title,
      start: { dateTime: `${day}T09:00:00Z` },
      end: { dateTime: `${day}T09:30:00Z` },
    });

    const authorization = await beginFromApp(token);
    expect(authorization.searchParams.get('redirect_uri')).toBe(appCallback);
    // The state is sealed: the person's id does not travel through Google in the clear.
    const state = authorization.searchParams.get('state') ?? '';
    expect(state).toMatch(/^app\.[A-Za-z0-9_-]+$/);
    const link = await consentInSystemBrowser(authorization);
    expect(link.startsWith('kindred://calendar/google-return?')).toBe(true);
    const grant = googleReturnOf(link);
    expect(grant.state).toBe(state);

    // The callback, which has no session, exchanged nothing and connected nothing.
    expect(await exchangesOf(grant.code)).toEqual([]);
    expect(await sourcesOf(token)).toEqual([]);

    const source = await readJson(await completeInApp(token, grant), calendarSourceSchema, 201);
    expect(source).toMatchObject({ kind: 'google', status: 'ok' });
    expect((await sourcesOf(token)).map((listed) => listed.id)).toEqual([source.id]);
    // Google's token exchange repeated the address the authorization used: the server's callback.
    const [exchange] = await exchangesOf(grant.code);
    expect(exchange?.body).toMatchObject({ redirect_uri: appCallback });
    const events = await readJson(
      await api(`/api/v1/events?${new URLSearchParams({ from: `${day}T00:00:00Z`, to: `${day}T23:59:59Z` })}`, { token }),
      eventsAnswerSchema,
    );
    expect(events.events.some((event) => event.title === title)).toBe(true);
  });

  it("refuses another person's session completing a connection it did not start, connecting nothing anywhere", async () => {
    // The attacker starts a connection in their own app and sends Google's consent link to the victim.
    const attacker = await buildUser();
    const victim = await buildUser();
    const authorization = await beginFromApp(attacker.token);
    // The victim grants access; their browser is bounced to their own app, signed in as them.
    const grant = googleReturnOf(await consentInSystemBrowser(authorization));
    await expectError(await completeInApp(victim.token, grant), 'invalid_oauth_state');
    expect(await sourcesOf(victim.token)).toEqual([]);
    expect(await sourcesOf(attacker.token)).toEqual([]);
    // Refused before Google was asked: no tokens for the victim's calendar were ever obtained.
    expect(await exchangesOf(grant.code)).toEqual([]);
    // Without a session the completion is refused too.
    await expectError(await api('/api/v1/calendar/sources/google/complete', { body: grant }), 'unauthenticated');
    expect(await exchangesOf(grant.code)).toEqual([]);
  });

  it('ends at kindred://calendar/connect-failed when Google refuses, and the app is told when the code is refused, keeping nothing', async () => {
    const { token } = await buildUser();
    // The person pressed "Cancel" on Google's consent page: Google sends `error` and the state, no code.
    const declined = await consentInSystemBrowser(await beginFromApp(token), (back) => {
      back.searchParams.delete('code');
      back.searchParams.set('error', 'access_denied');
    });
    expect(declined).toBe('kindred://calendar/connect-failed?error=source_access_denied');
    expect(readCalendarAppLink(declined)).toEqual({ outcome: 'failed', errorId: 'source_access_denied' });
    // No code at all, or one no app would read back, is no answer from Google.
    const noCode = await consentInSystemBrowser(await beginFromApp(token), (back) => back.searchParams.delete('code'));
    expect(noCode).toBe('kindred://calendar/connect-failed?error=source_auth_failed');
    const unreadable = await consentInSystemBrowser(await beginFromApp(token), (back) => back.searchParams.set('code', 'not a code'));
    expect(unreadable).toBe('kindred://calendar/connect-failed?error=source_auth_failed');

    // A code Google does not know is bounced as it came; Google refuses it at the completion.
    const unknown = googleReturnOf(await consentInSystemBrowser(await beginFromApp(token), (back) => back.searchParams.set('code', '4/not-a-code')));
    expect(unknown.code).toBe('4/not-a-code');
    await expectError(await completeInApp(token, unknown), 'source_auth_failed');
    expect(await sourcesOf(token)).toEqual([]);
  });

  it('bounces only states it sealed for the app and that are still fresh', async () => {
    const { token } = await buildUser();
    const authorization = await beginFromApp(token);
    const appState = authorization.searchParams.get('state') ?? '';
    const callbackWith = async (query: Record<string, string>) => {
      const answer = await systemBrowserVisit(`/api/v1/calendar/sources/google/callback?${new URLSearchParams(query)}`);
      expect(answer.status).toBe(302);
      return answer.headers.get('location');
    };
    const failed = 'kindred://calendar/connect-failed?error=invalid_oauth_state';
    expect(await callbackWith({ code: '4/anything' })).toBe(failed);
    expect(await callbackWith({ code: '4/anything', state: 'app.forged-state-that-nobody-sealed-0123456789abcdef' })).toBe(failed);
    // One character changed in the sealed part: AES-GCM's tag no longer matches.
    const altered = `${appState.slice(0, -2)}${appState.at(-2) === 'A' ? 'B' : 'A'}${appState.at(-1)}`;
    expect(await callbackWith({ code: '4/anything', state: altered })).toBe(failed);
    // A state the web flow issued never passes the app's callback.
    const web = await authorize(token);
    expect(await callbackWith({ code: web.code, state: web.state })).toBe(failed);
    // Nor does an altered app state pass the completion.
    await expectError(await completeInApp(token, { code: web.code, state: altered }), 'invalid_oauth_state');
    expect(await sourcesOf(token)).toEqual([]);
  });

  it('connects nothing for an account deleted while the person was at Google', async () => {
    const { token, user } = await buildUser();
    const authorization = await beginFromApp(token);
    expect((await api('/api/v1/me', { method: 'DELETE', token })).status).toBe(204);
    // The callback only bounces; the deleted account's session can no longer complete.
    const grant = googleReturnOf(await consentInSystemBrowser(authorization));
    await expectError(await completeInApp(token, grant), 'unauthenticated');
    expect(await exchangesOf(grant.code)).toEqual([]);
    // The deleted person's object was not woken to keep tokens: it still holds no calendar.
    const stored = await runInDurableObject(testEnv.COMPANION.getByName(user.id), (_instance, state) =>
      state.storage.sql.exec('SELECT COUNT(*) AS count FROM calendar_sources').one(),
    );
    expect(stored.count).toBe(0);
  });

  it('takes its return address from nothing in a request', async () => {
    const { token } = await buildUser();
    // The start refuses an address next to returnTo 'app', and any field the schema does not know.
    await expectError(
      await api('/api/v1/calendar/sources', { token, body: { kind: 'google', returnTo: 'app', redirectUri: 'https://attacker.example/steal' } }),
      'validation_failed',
    );
    for (const field of ['returnUrl', 'redirect', 'target', 'next']) {
      await expectError(
        await api('/api/v1/calendar/sources', { token, body: { kind: 'google', returnTo: 'app', [field]: 'https://attacker.example/steal' } }),
        'validation_failed',
      );
    }
    // The callback ignores whatever else arrives with Google's answer: its link is the fixed one, carrying only the code and state.
    const authorization = await beginFromApp(token);
    let code = '';
    const link = await consentInSystemBrowser(authorization, (back) => {
      code = back.searchParams.get('code') ?? '';
      for (const field of ['redirect_uri', 'returnTo', 'redirect', 'next', 'target']) back.searchParams.set(field, 'https://attacker.example/steal');
    });
    expect(link).toBe(`kindred://calendar/google-return?${new URLSearchParams({ code, state: authorization.searchParams.get('state') ?? '' })}`);
  });

  it('leaves the web-started flow as it was: back to the page at redirectUri, finished with the session', async () => {
    const { token } = await buildUser();
    const authorization = new URL(
      (
        await readJson(
          await api('/api/v1/calendar/sources', { token, body: { kind: 'google', returnTo: 'web', redirectUri } }),
          googleAuthorizationAnswerSchema,
        )
      ).authorizationUrl,
    );
    expect(authorization.searchParams.get('redirect_uri')).toBe(redirectUri);
    expect(authorization.searchParams.get('state')).not.toMatch(/^app\./);
    const source = await readJson(await api('/api/v1/calendar/sources/google/complete', { token, body: await authorize(token) }), calendarSourceSchema, 201);
    expect(source).toMatchObject({ kind: 'google', status: 'ok' });
    // A web start without an address is refused, as it always was.
    await expectError(await api('/api/v1/calendar/sources', { token, body: { kind: 'google' } }), 'validation_failed');
  });
});

import { describe, expect, inject, it } from 'vitest';
import { calendarSourceSchema, calendarSourcesAnswerSchema, googleAuthorizationAnswerSchema } from '../../common/calendar-sources.ts';
import { eventsAnswerSchema } from '../../common/protocol.ts';
import { api, buildUser, expectError, readJson, uniqueText } from '../../test-support/api.ts';
import { fakeGoogleEvents, putFakeGoogleEvent } from '../../test-support/fake-google-calendar/control.ts';
import { runScheduledWork, waitingJobs } from '../../test-support/scheduled-work.ts';

const fakeGoogleUrl = inject('fakeGoogleUrl');
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

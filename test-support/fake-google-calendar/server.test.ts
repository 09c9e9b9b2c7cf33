import { describe, expect, inject, it } from 'vitest';
import { fakeGoogleEndpoints, grantFakeGoogleAccess, invalidateFakeGoogleSyncTokens, revokeFakeGoogleGrant } from './control.ts';

/**
 * The fake against Google's documented answers (Calendar API v3 errors guide, events reference, OAuth
 * 2.0 for web server applications), so the adapter's tests test against Google's behaviour, not the fake's.
 */
const fakeUrl = inject('fakeGoogleUrl');
const { apiUrl, tokenUrl } = fakeGoogleEndpoints(fakeUrl);

async function session() {
  const calendarId = `fake-${crypto.randomUUID()}`;
  const grant = await grantFakeGoogleAccess(fakeUrl, 'fake-test-client');
  const events = `${apiUrl}/calendars/${calendarId}/events`;
  const send = (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(url, {
      method,
      headers: { authorization: `Bearer ${grant.accessToken}`, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  return { calendarId, grant, events, send };
}

const meeting = {
  summary: 'Meeting',
  start: { dateTime: '2026-12-01T09:00:00', timeZone: 'Europe/Paris' },
  end: { dateTime: '2026-12-01T10:00:00', timeZone: 'Europe/Paris' },
};

describe('fake Google Calendar', () => {
  it('answers 410 with reason fullSyncRequired, in Google error shape, for a sync token it invalidated', async () => {
    const { calendarId, events, send } = await session();
    const first = (await (await send('GET', events)).json()) as { nextSyncToken: string };
    await invalidateFakeGoogleSyncTokens(fakeUrl, calendarId);
    const gone = await send('GET', `${events}?syncToken=${encodeURIComponent(first.nextSyncToken)}`);
    expect(gone.status).toBe(410);
    expect(await gone.json()).toEqual({
      error: {
        code: 410,
        message: 'Sync token is no longer valid, a full sync is required.',
        errors: [{ domain: 'global', reason: 'fullSyncRequired', message: 'Sync token is no longer valid, a full sync is required.' }],
      },
    });
  });

  it('refuses a sync token together with iCalUID, as Google does', async () => {
    const { events, send } = await session();
    const first = (await (await send('GET', events)).json()) as { nextSyncToken: string };
    expect((await send('GET', `${events}?syncToken=${encodeURIComponent(first.nextSyncToken)}&iCalUID=x`)).status).toBe(400);
  });

  it('answers 412 conditionNotMet to a stale If-Match, and 410 to deleting a deleted event', async () => {
    const { events, send } = await session();
    const created = (await (await send('POST', events, meeting)).json()) as { id: string; etag: string };
    const stale = await send('PUT', `${events}/${created.id}`, meeting, { 'if-match': '"0"' });
    expect(stale.status).toBe(412);
    expect(((await stale.json()) as { error: { errors: { reason: string }[] } }).error.errors[0]?.reason).toBe('conditionNotMet');
    expect((await send('DELETE', `${events}/${created.id}`, undefined, { 'if-match': created.etag })).status).toBe(204);
    expect((await send('DELETE', `${events}/${created.id}`)).status).toBe(410);
  });

  it('refuses a recurring event whose start has no time zone, and an id outside base32hex', async () => {
    const { events, send } = await session();
    const noZone = { ...meeting, start: { dateTime: '2026-12-01T09:00:00Z' }, end: { dateTime: '2026-12-01T10:00:00Z' }, recurrence: ['RRULE:FREQ=DAILY'] };
    expect((await send('POST', events, noZone)).status).toBe(400);
    expect((await send('POST', events, { ...meeting, id: 'Not_Valid' })).status).toBe(400);
  });

  it('answers 401 authError to an unknown token and invalid_grant to a revoked refresh token', async () => {
    const { grant, events } = await session();
    const unknown = await fetch(events, { headers: { authorization: 'Bearer nope' } });
    expect(unknown.status).toBe(401);
    expect(((await unknown.json()) as { error: { errors: { reason: string }[] } }).error.errors[0]?.reason).toBe('authError');
    await revokeFakeGoogleGrant(fakeUrl, grant.refreshToken);
    const refresh = await fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: grant.refreshToken, client_id: 'fake-test-client', client_secret: 's' }),
    });
    expect(refresh.status).toBe(400);
    expect(await refresh.json()).toEqual({ error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
  });
});

import ICAL from 'ical.js';
import { describe, expect, inject, it } from 'vitest';
import { AppError } from '../../../server/errors/app-error.ts';
import {
  deleteFakeGoogleEvent,
  expireFakeGoogleAccessTokens,
  failFakeGoogle,
  fakeGoogleEndpoints,
  fakeGoogleEvents,
  fakeGoogleRequests,
  grantFakeGoogleAccess,
  invalidateFakeGoogleSyncTokens,
  putFakeGoogleEvent,
  revokeFakeGoogleGrant,
  setFakeGoogleCalendarZone,
} from '../../../test-support/fake-google-calendar/control.ts';
import { describeEvent, occurrencesBetween, parseEventCalendar } from '../../calendar/ical-event.ts';
import type { RemoteConflict, RemoteEvent } from '../source-adapter.ts';
import { createGoogleAdapter, type GoogleCredentials } from './google-adapter.ts';

const fakeUrl = inject('fakeGoogleUrl');
const endpoints = fakeGoogleEndpoints(fakeUrl);
const clientId = 'kindred-test-client';

/** A calendar and a grant of its own, and an adapter over them whose waits and stored tokens the test can see. */
async function connect(options: { credentials?: Partial<GoogleCredentials>; timeZone?: string } = {}) {
  const calendarId = `cal-${crypto.randomUUID()}`;
  if (options.timeZone) await setFakeGoogleCalendarZone(fakeUrl, calendarId, options.timeZone);
  const grant = await grantFakeGoogleAccess(fakeUrl, clientId);
  let stored: GoogleCredentials = { ...grant, ...options.credentials };
  const written: GoogleCredentials[] = [];
  const waits: number[] = [];
  const adapter = createGoogleAdapter(
    {
      clientId,
      clientSecret: 'test-secret',
      tokenUrl: endpoints.tokenUrl,
      apiUrl: endpoints.apiUrl,
      calendarId,
      sleep: async (milliseconds) => {
        waits.push(milliseconds);
      },
    },
    {
      get: async () => stored,
      set: async (credentials) => {
        stored = credentials;
        written.push(credentials);
      },
    },
  );
  const apiRequests = () => fakeGoogleRequests(fakeUrl, `/calendars/${calendarId}/`);
  return { adapter, calendarId, grant, written, waits, apiRequests, stored: () => stored };
}

async function expectAppError(promise: Promise<unknown>, id: string): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).id).toBe(id);
  return error as AppError;
}

const timed = (dateTime: string, timeZone = 'Europe/Paris') => ({ dateTime, timeZone });

function event(summary: string, day: string, extra: Record<string, unknown> = {}) {
  return { summary, start: timed(`${day}T09:00:00`), end: timed(`${day}T10:00:00`), ...extra };
}

function describeIcs(remote: RemoteEvent) {
  return describeEvent(parseEventCalendar(remote.remoteId, remote.ics));
}

const dentistIcs = (uid: string, summary: string) =>
  [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Kindred//Calendar//EN',
    'BEGIN:VEVENT',
    `UID:${uid}`,
    'DTSTAMP:20261130T120000Z',
    'DTSTART;TZID=Europe/Paris:20261201T090000',
    'DTEND;TZID=Europe/Paris:20261201T100000',
    `SUMMARY:${summary}`,
    'LOCATION:12 rue des Lilas',
    'DESCRIPTION:Bring the card',
    'X-KINDRED-TIMEZONE:Europe/Paris',
    'END:VEVENT',
    'END:VCALENDAR',
  ].join('\r\n');

describe('Google adapter: access tokens', () => {
  it('refreshes an access token that has expired before calling, and keeps the new one', async () => {
    const { adapter, grant, written, apiRequests } = await connect({ credentials: { expiresAt: 0 } });
    await adapter.pull(null);
    expect(written).toHaveLength(1);
    expect(written[0]?.refreshToken).toBe(grant.refreshToken);
    expect(written[0]?.accessToken).not.toBe(grant.accessToken);
    expect(written[0]?.expiresAt).toBeGreaterThan(Date.now());
    const refreshes = (await fakeGoogleRequests(fakeUrl, '/token')).filter(
      (request) => (request.body as Record<string, string>).refresh_token === grant.refreshToken,
    );
    expect(refreshes.map((request) => request.body)).toEqual([
      { grant_type: 'refresh_token', refresh_token: grant.refreshToken, client_id: clientId, client_secret: 'test-secret' },
    ]);
    const requests = await apiRequests();
    expect(requests.map((request) => request.headers.authorization)).toEqual([`Bearer ${written[0]?.accessToken}`]);
  });

  it('refreshes once and retries when Google answers 401 to a token it thinks has expired', async () => {
    const { adapter, grant, written, apiRequests } = await connect();
    await expireFakeGoogleAccessTokens(fakeUrl, grant.refreshToken);
    const changes = await adapter.pull(null);
    expect(changes.changed).toEqual([]);
    expect(written).toHaveLength(1);
    const requests = await apiRequests();
    expect(requests.map((request) => request.headers.authorization)).toEqual([`Bearer ${grant.accessToken}`, `Bearer ${written[0]?.accessToken}`]);
  });

  it('fails with source_auth_failed when the person revoked access (invalid_grant)', async () => {
    const { adapter, grant, written } = await connect();
    await revokeFakeGoogleGrant(fakeUrl, grant.refreshToken);
    await expectAppError(adapter.pull(null), 'source_auth_failed');
    expect(written).toEqual([]);
  });

  it('fails with source_auth_failed when Google still answers 401 after a refresh, without refreshing again', async () => {
    const { adapter, calendarId, written } = await connect();
    await failFakeGoogle(fakeUrl, { match: `/calendars/${calendarId}/`, status: 401, times: 3 });
    await expectAppError(adapter.pull(null), 'source_auth_failed');
    expect(written).toHaveLength(1);
  });

  it('fails with source_auth_failed on a 403 that is a refusal, not a quota', async () => {
    const { adapter, calendarId } = await connect();
    await failFakeGoogle(fakeUrl, { match: `/calendars/${calendarId}/`, status: 403, reason: 'forbidden' });
    await expectAppError(adapter.pull(null), 'source_auth_failed');
  });
});

describe('Google adapter: pulling changes', () => {
  it('lists everything first, then only what changed since the sync token, deletions included', async () => {
    const { adapter, calendarId } = await connect();
    await putFakeGoogleEvent(fakeUrl, calendarId, 'firstevent1', event('Dentist', '2026-12-01'));
    await putFakeGoogleEvent(fakeUrl, calendarId, 'secondevent2', event('Piano', '2026-12-02'));
    const first = await adapter.pull(null);
    expect(first.fullResync).toBe(true);
    expect(first.cursor).toEqual(expect.any(String));
    expect(first.changed.map((remote) => describeIcs(remote).title).sort()).toEqual(['Dentist', 'Piano']);

    await putFakeGoogleEvent(fakeUrl, calendarId, 'firstevent1', {
      summary: 'Dentist (moved)',
      start: timed('2026-12-03T14:00:00'),
      end: timed('2026-12-03T15:00:00'),
    });
    await deleteFakeGoogleEvent(fakeUrl, calendarId, 'secondevent2');
    await putFakeGoogleEvent(fakeUrl, calendarId, 'thirdevent3', event('Yoga', '2026-12-04'));
    const second = await adapter.pull(first.cursor);
    expect(second.fullResync).toBe(false);
    expect(second.deleted).toEqual(['secondevent2']);
    const moved = second.changed.find((remote) => remote.remoteId === 'firstevent1');
    expect(second.changed.map((remote) => remote.remoteId).sort()).toEqual(['firstevent1', 'thirdevent3']);
    expect(moved && describeIcs(moved)).toMatchObject({ title: 'Dentist (moved)', start: '2026-12-03T14:00:00+01:00', timezone: 'Europe/Paris' });
    expect(moved?.etag).not.toBe(first.changed.find((remote) => remote.remoteId === 'firstevent1')?.etag);

    const third = await adapter.pull(second.cursor);
    expect(third).toMatchObject({ changed: [], deleted: [], fullResync: false });
  });

  it('leaves out an event it cannot read, and still answers the others', async () => {
    const { adapter, calendarId } = await connect();
    await putFakeGoogleEvent(fakeUrl, calendarId, 'readable1', event('Readable', '2026-12-01'));
    await putFakeGoogleEvent(fakeUrl, calendarId, 'unreadable1', { ...event('Unreadable', '2026-12-02'), recurrence: ['RRULE:FREQ=SOMETIMES'] });
    const changes = await adapter.pull(null);
    expect(changes.changed.map((remote) => remote.remoteId)).toEqual(['readable1']);
    expect(changes.cursor).toEqual(expect.any(String));
  });

  it('reads every page of a long list', async () => {
    const { adapter, calendarId, apiRequests } = await connect();
    for (let index = 0; index < 252; index += 1)
      await putFakeGoogleEvent(fakeUrl, calendarId, `bulk${String(index).padStart(4, '0')}`, event(`Event ${index}`, '2026-12-05'));
    const changes = await adapter.pull(null);
    expect(changes.changed).toHaveLength(252);
    expect(changes.cursor).toEqual(expect.any(String));
    const requests = await apiRequests();
    expect(requests).toHaveLength(2);
    expect(requests[1]?.path).toContain('pageToken=');
  });

  it('starts over with a full resync when Google answers 410 to an expired sync token', async () => {
    const { adapter, calendarId, apiRequests } = await connect();
    await putFakeGoogleEvent(fakeUrl, calendarId, 'keptevent1', event('Kept', '2026-12-01'));
    const first = await adapter.pull(null);
    await invalidateFakeGoogleSyncTokens(fakeUrl, calendarId);
    await putFakeGoogleEvent(fakeUrl, calendarId, 'newevent2', event('New', '2026-12-02'));
    const second = await adapter.pull(first.cursor);
    expect(second.fullResync).toBe(true);
    expect(second.changed.map((remote) => remote.remoteId).sort()).toEqual(['keptevent1', 'newevent2']);
    expect(second.cursor).not.toBe(first.cursor);
    const paths = (await apiRequests()).map((request) => new URL(request.path, fakeUrl).searchParams);
    expect(paths.at(-2)?.get('syncToken')).toBe(first.cursor);
    expect(paths.at(-1)?.has('syncToken')).toBe(false);
    // The new cursor works incrementally again.
    await expect(adapter.pull(second.cursor)).resolves.toMatchObject({ changed: [], fullResync: false });
  });

  it('converts all-day events and the zone of events that name none from the calendar', async () => {
    const { adapter, calendarId } = await connect({ timeZone: 'America/New_York' });
    await putFakeGoogleEvent(fakeUrl, calendarId, 'holiday1', { summary: 'Holiday', start: { date: '2026-12-24' }, end: { date: '2026-12-26' } });
    await putFakeGoogleEvent(fakeUrl, calendarId, 'call1', {
      summary: 'Call',
      start: { dateTime: '2026-12-01T15:00:00Z' },
      end: { dateTime: '2026-12-01T15:30:00Z' },
    });
    const changes = await adapter.pull(null);
    const byId = Object.fromEntries(changes.changed.map((remote) => [remote.remoteId, describeIcs(remote)]));
    expect(byId.holiday1).toMatchObject({ allDay: true, title: 'Holiday' });
    expect(changes.changed.find((remote) => remote.remoteId === 'holiday1')?.ics).toContain('DTSTART;VALUE=DATE:20261224');
    expect(byId.call1).toMatchObject({ allDay: false, start: '2026-12-01T10:00:00-05:00', end: '2026-12-01T10:30:00-05:00', timezone: 'America/New_York' });
  });
});

describe('Google adapter: recurring events', () => {
  async function recurringSeries(calendarId: string) {
    await putFakeGoogleEvent(fakeUrl, calendarId, 'weekly1', {
      ...event('Team sync', '2026-12-01'),
      // Google keeps the lines as given; this EXDATE is in UTC, as Google's own UI writes them.
      recurrence: ['RRULE:FREQ=WEEKLY;COUNT=5', 'EXDATE:20261222T080000Z'],
    });
    await putFakeGoogleEvent(fakeUrl, calendarId, 'weekly1_20261208T080000Z', {
      summary: 'Team sync (late)',
      start: timed('2026-12-08T11:00:00'),
      end: timed('2026-12-08T12:00:00'),
      recurringEventId: 'weekly1',
      originalStartTime: timed('2026-12-08T09:00:00'),
    });
    await putFakeGoogleEvent(fakeUrl, calendarId, 'weekly1_20261215T080000Z', {
      ...event('Team sync', '2026-12-15'),
      status: 'cancelled',
      recurringEventId: 'weekly1',
      originalStartTime: timed('2026-12-15T09:00:00'),
    });
  }

  it('reads an overridden instance as RECURRENCE-ID and a cancelled one as EXDATE', async () => {
    const { adapter, calendarId } = await connect();
    await recurringSeries(calendarId);
    const changes = await adapter.pull(null);
    expect(changes.changed.map((remote) => remote.remoteId)).toEqual(['weekly1']);
    const remote = changes.changed[0] as RemoteEvent;
    const described = describeIcs(remote);
    expect(described.recurrence).toEqual({ rrule: 'FREQ=WEEKLY;COUNT=5', exdates: ['2026-12-22T09:00:00', '2026-12-15T09:00:00'], rdates: [] });
    expect(described.overrides).toEqual([
      {
        recurrenceId: '2026-12-08T09:00:00',
        start: '2026-12-08T11:00:00+01:00',
        end: '2026-12-08T12:00:00+01:00',
        title: 'Team sync (late)',
        location: null,
        notes: null,
      },
    ]);
    const occurrences = occurrencesBetween(parseEventCalendar('weekly1', remote.ics), Date.UTC(2026, 10, 1), Date.UTC(2027, 1, 1));
    expect(occurrences.map((occurrence) => [occurrence.start, occurrence.title])).toEqual([
      ['2026-12-01T09:00:00+01:00', 'Team sync'],
      ['2026-12-08T11:00:00+01:00', 'Team sync (late)'],
      ['2026-12-29T09:00:00+01:00', 'Team sync'],
    ]);
  });

  it('answers the whole event again when only one of its instances changed', async () => {
    const { adapter, calendarId } = await connect();
    await recurringSeries(calendarId);
    const first = await adapter.pull(null);
    await putFakeGoogleEvent(fakeUrl, calendarId, 'weekly1_20261208T080000Z', { summary: 'Team sync (later)' });
    const second = await adapter.pull(first.cursor);
    expect(second.changed.map((remote) => remote.remoteId)).toEqual(['weekly1']);
    const remote = second.changed[0] as RemoteEvent;
    expect(remote.etag).not.toBe(first.changed[0]?.etag);
    const described = describeIcs(remote);
    expect(described.overrides.map((override) => override.title)).toEqual(['Team sync (later)']);
    expect(described.recurrence?.exdates).toContain('2026-12-15T09:00:00');
  });

  it('writes a recurring event and its overridden instance as Google keeps them', async () => {
    const { adapter, calendarId } = await connect();
    await recurringSeries(calendarId);
    const ics = ((await adapter.pull(null)).changed[0] as RemoteEvent).ics.replaceAll('weekly1@google.com', 'copy-of-weekly@kindred');
    const created = await adapter.create('copy-of-weekly@kindred', ics);
    const stored = (await fakeGoogleEvents(fakeUrl, calendarId)).filter((item) => item.iCalUID === 'copy-of-weekly@kindred');
    const master = stored.find((item) => item.id === created.remoteId);
    expect(master).toMatchObject({ summary: 'Team sync', start: { dateTime: '2026-12-01T09:00:00+01:00', timeZone: 'Europe/Paris' } });
    expect(master?.recurrence).toEqual(['RRULE:FREQ=WEEKLY;COUNT=5', 'EXDATE;TZID=Europe/Paris:20261222T090000', 'EXDATE;TZID=Europe/Paris:20261215T090000']);
    const instance = stored.find((item) => item.id === `${created.remoteId}_20261208T080000Z`);
    expect(instance).toMatchObject({
      summary: 'Team sync (late)',
      recurringEventId: created.remoteId,
      originalStartTime: { dateTime: '2026-12-08T09:00:00+01:00', timeZone: 'Europe/Paris' },
      start: { dateTime: '2026-12-08T11:00:00+01:00' },
    });
    // What was written reads back as the same event, under the version `create` answered.
    const again = (await adapter.pull(null)).changed.find((remote) => remote.remoteId === created.remoteId) as RemoteEvent;
    expect(again.etag).toBe(created.etag);
    const original = describeIcs((await adapter.pull(null)).changed.find((remote) => remote.remoteId === 'weekly1') as RemoteEvent);
    const copy = describeIcs(again);
    expect({ ...copy, id: 'weekly1', recurrence: { ...copy.recurrence, exdates: [...(copy.recurrence?.exdates ?? [])].sort() } }).toEqual({
      ...original,
      recurrence: { ...original.recurrence, exdates: [...(original.recurrence?.exdates ?? [])].sort() },
    });
  });
});

describe('Google adapter: all-day recurring events', () => {
  it('writes dates, not times, for the rule, its exceptions and its changed instance, and reads them back the same', async () => {
    const { adapter, calendarId } = await connect();
    const ics = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Kindred//Calendar//EN',
      'BEGIN:VEVENT',
      'UID:bins@kindred',
      'DTSTAMP:20261130T120000Z',
      'DTSTART;VALUE=DATE:20261201',
      'DTEND;VALUE=DATE:20261202',
      'SUMMARY:Bins out',
      'RRULE:FREQ=WEEKLY;COUNT=4',
      'EXDATE;VALUE=DATE:20261215',
      'X-KINDRED-TIMEZONE:Europe/London',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:bins@kindred',
      'DTSTAMP:20261130T120000Z',
      'RECURRENCE-ID;VALUE=DATE:20261208',
      'DTSTART;VALUE=DATE:20261209',
      'DTEND;VALUE=DATE:20261210',
      'SUMMARY:Bins out (holiday week)',
      'END:VEVENT',
      'END:VCALENDAR',
    ].join('\r\n');
    const created = await adapter.create('bins@kindred', ics);
    const stored = await fakeGoogleEvents(fakeUrl, calendarId);
    expect(stored.find((item) => item.id === created.remoteId)).toMatchObject({
      start: { date: '2026-12-01' },
      end: { date: '2026-12-02' },
      recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4', 'EXDATE;VALUE=DATE:20261215'],
    });
    expect(stored.find((item) => item.id === `${created.remoteId}_20261208`)).toMatchObject({
      summary: 'Bins out (holiday week)',
      originalStartTime: { date: '2026-12-08' },
      start: { date: '2026-12-09' },
    });
    const read = describeIcs((await adapter.pull(null)).changed[0] as RemoteEvent);
    expect(read).toMatchObject({ allDay: true, title: 'Bins out', recurrence: { rrule: 'FREQ=WEEKLY;COUNT=4', exdates: ['2026-12-15'], rdates: [] } });
    expect(read.overrides.map((override) => [override.recurrenceId, override.title])).toEqual([['2026-12-08', 'Bins out (holiday week)']]);
  });
});

describe('Google adapter: writing', () => {
  it('creates with the iCalendar UID, updates and deletes under the etag, and reads what it wrote', async () => {
    const { adapter, calendarId, apiRequests } = await connect();
    const created = await adapter.create('dentist-1@kindred', dentistIcs('dentist-1@kindred', 'Dentist'));
    const [stored] = await fakeGoogleEvents(fakeUrl, calendarId);
    expect(stored).toMatchObject({
      id: created.remoteId,
      etag: created.etag,
      iCalUID: 'dentist-1@kindred',
      summary: 'Dentist',
      location: '12 rue des Lilas',
      description: 'Bring the card',
      start: { dateTime: '2026-12-01T09:00:00+01:00', timeZone: 'Europe/Paris' },
      end: { dateTime: '2026-12-01T10:00:00+01:00', timeZone: 'Europe/Paris' },
    });
    const pulled = (await adapter.pull(null)).changed[0] as RemoteEvent;
    expect(pulled.etag).toBe(created.etag);
    expect(describeIcs(pulled)).toMatchObject({
      title: 'Dentist',
      start: '2026-12-01T09:00:00+01:00',
      end: '2026-12-01T10:00:00+01:00',
      location: '12 rue des Lilas',
      notes: 'Bring the card',
    });
    expect(new ICAL.Component(ICAL.parse(pulled.ics)).getFirstSubcomponent('vevent')?.getFirstPropertyValue('uid')).toBe('dentist-1@kindred');

    const updated = await adapter.update(created.remoteId, dentistIcs('dentist-1@kindred', 'Dentist (new time)'), created.etag);
    expect(updated).toEqual({ remoteId: created.remoteId, etag: expect.any(String) });
    expect('etag' in updated && updated.etag).not.toBe(created.etag);
    expect((await fakeGoogleEvents(fakeUrl, calendarId))[0]?.summary).toBe('Dentist (new time)');
    const put = (await apiRequests()).find((request) => request.method === 'PATCH');
    expect(put?.headers['if-match']).toBe(created.etag);

    await expect(adapter.delete(created.remoteId, 'etag' in updated ? updated.etag : '')).resolves.toEqual({ deleted: true });
    expect((await fakeGoogleEvents(fakeUrl, calendarId))[0]?.status).toBe('cancelled');
    // Deleting it again (Google answers 410) or an event Google never had (404) counts as done.
    await expect(adapter.delete(created.remoteId, 'etag' in updated ? updated.etag : '')).resolves.toEqual({ deleted: true });
    await expect(adapter.delete('neverthere1', '"1"')).resolves.toEqual({ deleted: true });
  });

  it('changes only what Kindred models, keeping attendees and reminders set on Google, and clears a removed field', async () => {
    const { adapter, calendarId, apiRequests } = await connect();
    const attendees = [{ email: 'sam@example.com', responseStatus: 'accepted' }];
    await putFakeGoogleEvent(fakeUrl, calendarId, 'withguests1', {
      ...event('Lunch', '2026-12-02'),
      description: 'Old notes',
      attendees,
      reminders: { useDefault: false },
    });
    const [pulled] = (await adapter.pull(null)).changed;
    const withoutNotes = (pulled as RemoteEvent).ics.replace(/DESCRIPTION:Old notes\r\n/, '').replace('SUMMARY:Lunch', 'SUMMARY:Lunch with Sam');
    await adapter.update('withguests1', withoutNotes, (pulled as RemoteEvent).etag);
    const [stored] = await fakeGoogleEvents(fakeUrl, calendarId);
    expect(stored).toMatchObject({ summary: 'Lunch with Sam', attendees, reminders: { useDefault: false } });
    expect(stored?.description).toBeUndefined();
    expect((await apiRequests()).map((request) => request.method)).toContain('PATCH');
  });

  it('writes a create repeated after a lost answer over the first, rather than failing as a duplicate', async () => {
    const { adapter, calendarId } = await connect();
    const first = await adapter.create('twice-1@kindred', dentistIcs('twice-1@kindred', 'Dentist'));
    const second = await adapter.create('twice-1@kindred', dentistIcs('twice-1@kindred', 'Dentist again'));
    expect(second.remoteId).toBe(first.remoteId);
    const stored = await fakeGoogleEvents(fakeUrl, calendarId);
    expect(stored.map((item) => item.summary)).toEqual(['Dentist again']);
  });

  it('answers the remote version when the event changed on Google since the etag (412)', async () => {
    const { adapter, calendarId } = await connect();
    const created = await adapter.create('conflict-1@kindred', dentistIcs('conflict-1@kindred', 'Dentist'));
    const remote = await putFakeGoogleEvent(fakeUrl, calendarId, created.remoteId, { summary: 'Changed on the phone' });
    const answer = (await adapter.update(created.remoteId, dentistIcs('conflict-1@kindred', 'Changed in Kindred'), created.etag)) as RemoteConflict;
    expect('conflict' in answer).toBe(true);
    const conflict = answer.conflict as RemoteEvent;
    expect(conflict.etag).toBe(remote.etag);
    expect(describeIcs(conflict).title).toBe('Changed on the phone');
    expect((await fakeGoogleEvents(fakeUrl, calendarId))[0]?.summary).toBe('Changed on the phone');

    const deleteAnswer = (await adapter.delete(created.remoteId, created.etag)) as RemoteConflict;
    expect((deleteAnswer.conflict as RemoteEvent).etag).toBe(remote.etag);
    expect((await fakeGoogleEvents(fakeUrl, calendarId))[0]?.status).toBe('confirmed');

    await deleteFakeGoogleEvent(fakeUrl, calendarId, created.remoteId);
    await expect(adapter.update(created.remoteId, dentistIcs('conflict-1@kindred', 'Too late'), String(remote.etag))).resolves.toEqual({
      conflict: { deleted: true },
    });
  });
});

describe('Google adapter: failures', () => {
  it('waits and retries once after a 429, honouring Retry-After', async () => {
    const { adapter, calendarId, waits } = await connect();
    await failFakeGoogle(fakeUrl, { match: `/calendars/${calendarId}/`, status: 429, retryAfterSeconds: 2 });
    await expect(adapter.pull(null)).resolves.toMatchObject({ fullResync: true });
    expect(waits).toEqual([2_000]);
  });

  it('retries a quota 403 like a 429', async () => {
    const { adapter, calendarId, waits } = await connect();
    await failFakeGoogle(fakeUrl, { match: `/calendars/${calendarId}/`, status: 403, reason: 'userRateLimitExceeded' });
    await expect(adapter.pull(null)).resolves.toMatchObject({ fullResync: true });
    expect(waits).toEqual([1_000]);
  });

  it('gives up with source_unreachable when Google keeps answering 500 or 429', async () => {
    const { adapter, calendarId, waits } = await connect();
    await failFakeGoogle(fakeUrl, { match: `/calendars/${calendarId}/`, status: 500, times: 3 });
    await expectAppError(adapter.pull(null), 'source_unreachable');
    expect(waits).toEqual([1_000, 4_000]);
    await failFakeGoogle(fakeUrl, { match: `/calendars/${calendarId}/`, status: 429, times: 3 });
    await expectAppError(adapter.create('x@kindred', dentistIcs('x@kindred', 'X')), 'source_unreachable');
    expect(await fakeGoogleEvents(fakeUrl, calendarId)).toEqual([]);
  });

  it('does not wait out a Retry-After longer than a call should take', async () => {
    const { adapter, calendarId, waits } = await connect();
    await failFakeGoogle(fakeUrl, { match: `/calendars/${calendarId}/`, status: 503, retryAfterSeconds: 3600 });
    await expectAppError(adapter.pull(null), 'source_unreachable');
    expect(waits).toEqual([]);
  });

  it('fails with source_unreachable when Google cannot be reached at all, after its retries', async () => {
    const waits: number[] = [];
    const adapter = createGoogleAdapter(
      {
        clientId,
        clientSecret: 'test-secret',
        tokenUrl: endpoints.tokenUrl,
        apiUrl: endpoints.apiUrl,
        // What workerd's fetch throws when the connection fails (a real refused port also floods the log).
        fetch: async () => {
          throw new TypeError('Network connection lost.');
        },
        sleep: async (milliseconds) => {
          waits.push(milliseconds);
        },
      },
      { get: async () => ({ accessToken: 'a', refreshToken: 'r', expiresAt: Date.now() + 3_600_000 }), set: async () => {} },
    );
    await expectAppError(adapter.pull(null), 'source_unreachable');
    expect(waits).toEqual([1_000, 4_000]);
  });

  it('fails with source_invalid when Google answers something that is not its JSON', async () => {
    const { adapter, calendarId } = await connect();
    await failFakeGoogle(fakeUrl, { match: `/calendars/${calendarId}/`, garbage: true });
    await expectAppError(adapter.pull(null), 'source_invalid');
  });

  it('fails with source_unreachable when the token endpoint is down while refreshing', async () => {
    const { adapter, grant } = await connect({ credentials: { expiresAt: 0 } });
    await failFakeGoogle(fakeUrl, { match: encodeURIComponent(grant.refreshToken), status: 503 });
    await expectAppError(adapter.pull(null), 'source_unreachable');
    // The grant itself still works once Google is back.
    await expect(adapter.pull(null)).resolves.toMatchObject({ fullResync: true });
  });
});

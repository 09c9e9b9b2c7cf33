import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { calendarEventSchema, type EventsAnswer, eventsAnswerSchema, exportDocumentSchema, importCalendarAnswerSchema } from '../../common/protocol.ts';
import { api, buildUser, expectError, readJson } from '../../test-support/api.ts';
import type { CompanionAgent } from '../companion-agent.ts';

const testEnv = env as unknown as { COMPANION: DurableObjectNamespace<CompanionAgent> };

const createEvent = async (token: string, body: Record<string, unknown>) =>
  readJson(await api('/api/v1/events', { token, body: { timezone: 'Europe/Berlin', ...body } }), calendarEventSchema, 201);

const listEvents = async (token: string, from: string, to: string): Promise<EventsAnswer['events']> =>
  (await readJson(await api(`/api/v1/events?${new URLSearchParams({ from, to })}`, { token }), eventsAnswerSchema)).events;

const importIcs = (token: string, text: string) => api('/api/v1/calendar/import', { token, body: text, headers: { 'content-type': 'text/calendar' } });

/** ICS lines joined with CRLF, as the format asks. */
const ics = (...lines: string[]) => [...lines, ''].join('\r\n');

const weeklyWithExceptions = ics(
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//Test//EN',
  'BEGIN:VEVENT',
  'UID:standup-1@example.com',
  'DTSTAMP:20260101T000000Z',
  'DTSTART;TZID=Europe/Berlin:20260302T090000',
  'DTEND;TZID=Europe/Berlin:20260302T093000',
  'RRULE:FREQ=WEEKLY;COUNT=5',
  'EXDATE;TZID=Europe/Berlin:20260309T090000',
  'RDATE;TZID=Europe/Berlin:20260311T140000',
  'SUMMARY:Team standup',
  'LOCATION:Room 4',
  'DESCRIPTION:Bring the numbers',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:standup-1@example.com',
  'DTSTAMP:20260101T000000Z',
  'RECURRENCE-ID;TZID=Europe/Berlin:20260316T090000',
  'DTSTART;TZID=Europe/Berlin:20260316T110000',
  'DTEND;TZID=Europe/Berlin:20260316T113000',
  'SUMMARY:Team standup (moved)',
  'END:VEVENT',
  'END:VCALENDAR',
);

describe('the calendar', () => {
  it('keeps a weekly 09:00 in Berlin at 09:00 across the March change to summer time', async () => {
    const { token } = await buildUser({ timezone: 'Europe/Berlin' });
    const event = await createEvent(token, { title: 'Piano lesson', start: '2026-03-16T09:00', end: '2026-03-16T10:00', recurrence: { rrule: 'FREQ=WEEKLY' } });
    expect(event.start).toBe('2026-03-16T09:00:00+01:00');
    expect(event.recurrence).toEqual({ rrule: 'FREQ=WEEKLY', exdates: [], rdates: [] });

    const occurrences = await listEvents(token, '2026-03-15T00:00:00Z', '2026-04-07T00:00:00Z');
    expect(occurrences.map((occurrence) => occurrence.start)).toEqual([
      '2026-03-16T09:00:00+01:00',
      '2026-03-23T09:00:00+01:00',
      // Clocks went forward on 29 March: the same wall-clock time, a new offset.
      '2026-03-30T09:00:00+02:00',
      '2026-04-06T09:00:00+02:00',
    ]);
    // And back on 25 October.
    const autumn = await listEvents(token, '2026-10-18T00:00:00Z', '2026-11-01T00:00:00Z');
    expect(autumn.map((occurrence) => occurrence.start)).toEqual(['2026-10-19T09:00:00+02:00', '2026-10-26T09:00:00+01:00']);
    expect(occurrences[2]).toEqual({
      id: event.id,
      occurrenceId: `${event.id}:20260330T090000`,
      start: '2026-03-30T09:00:00+02:00',
      end: '2026-03-30T10:00:00+02:00',
      timezone: 'Europe/Berlin',
      allDay: false,
      title: 'Piano lesson',
      location: null,
      notes: null,
      recurrence: 'FREQ=WEEKLY',
    });
  });

  it('expands EXDATE, RDATE and an overridden instance', async () => {
    const { token } = await buildUser();
    await createEvent(token, {
      title: 'Yoga',
      start: '2026-05-04T18:00',
      end: '2026-05-04T19:00',
      recurrence: { rrule: 'FREQ=DAILY;COUNT=4', exdates: ['2026-05-05T18:00'], rdates: ['2026-05-10T08:00'] },
    });
    const occurrences = await listEvents(token, '2026-05-01T00:00:00+02:00', '2026-06-01T00:00:00+02:00');
    expect(occurrences.map((occurrence) => occurrence.start)).toEqual([
      '2026-05-04T18:00:00+02:00',
      '2026-05-06T18:00:00+02:00',
      '2026-05-07T18:00:00+02:00',
      '2026-05-10T08:00:00+02:00',
    ]);

    expect((await readJson(await importIcs(token, weeklyWithExceptions), importCalendarAnswerSchema)).imported).toBe(1);
    const imported = (await listEvents(token, '2026-03-01T00:00:00Z', '2026-04-15T00:00:00Z')).filter((occurrence) =>
      occurrence.title.startsWith('Team standup'),
    );
    expect(imported.map((occurrence) => [occurrence.start, occurrence.end, occurrence.title])).toEqual([
      ['2026-03-02T09:00:00+01:00', '2026-03-02T09:30:00+01:00', 'Team standup'],
      // 9 March is excluded; 11 March is added.
      ['2026-03-11T14:00:00+01:00', '2026-03-11T14:30:00+01:00', 'Team standup'],
      // 16 March was moved to 11:00 and renamed.
      ['2026-03-16T11:00:00+01:00', '2026-03-16T11:30:00+01:00', 'Team standup (moved)'],
      ['2026-03-23T09:00:00+01:00', '2026-03-23T09:30:00+01:00', 'Team standup'],
      ['2026-03-30T09:00:00+02:00', '2026-03-30T09:30:00+02:00', 'Team standup'],
    ]);
    expect(imported[2]?.occurrenceId.endsWith(':20260316T090000')).toBe(true);
    expect(imported[0]).toMatchObject({ location: 'Room 4', notes: 'Bring the numbers', recurrence: 'FREQ=WEEKLY;COUNT=5' });
    // A range that starts after the rule's last occurrence finds nothing of it.
    const later = await listEvents(token, '2026-04-01T00:00:00Z', '2026-12-01T00:00:00Z');
    expect(later.filter((occurrence) => occurrence.title.startsWith('Team standup'))).toEqual([]);
  });

  it('lists all-day events from midnight to midnight in their zone', async () => {
    const { token } = await buildUser();
    const holiday = await createEvent(token, { title: 'Holiday', start: '2026-07-01', end: '2026-07-03', allDay: true, timezone: 'America/New_York' });
    expect(holiday).toMatchObject({ allDay: true, start: '2026-07-01T00:00:00-04:00', end: '2026-07-03T00:00:00-04:00' });
    const [occurrence, ...rest] = await listEvents(token, '2026-07-02T12:00:00Z', '2026-07-02T13:00:00Z');
    expect(rest).toEqual([]);
    expect(occurrence).toMatchObject({ id: holiday.id, allDay: true, start: '2026-07-01T00:00:00-04:00', timezone: 'America/New_York' });
    // A yearly birthday, all day.
    await createEvent(token, { title: 'Birthday', start: '2026-02-10', end: '2026-02-11', allDay: true, recurrence: { rrule: 'FREQ=YEARLY' } });
    const birthdays = await listEvents(token, '2027-01-01T00:00:00Z', '2027-12-31T00:00:00Z');
    expect(birthdays.map((entry) => [entry.title, entry.start])).toEqual([['Birthday', '2027-02-10T00:00:00+01:00']]);
  });

  it('imports an ICS file, lists it and exports it back', async () => {
    const { token } = await buildUser({ timezone: 'Europe/London' });
    const file = ics(
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Test//EN',
      'BEGIN:VEVENT',
      'UID:dentist@example.com',
      'DTSTART:20260610T080000Z',
      'DTEND:20260610T090000Z',
      'SUMMARY:Dentist',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:trip@example.com',
      'DTSTART;VALUE=DATE:20260801',
      'DTEND;VALUE=DATE:20260805',
      'SUMMARY:Trip to the coast',
      'END:VEVENT',
      'END:VCALENDAR',
    );
    expect((await readJson(await importIcs(token, file), importCalendarAnswerSchema)).imported).toBe(2);
    const listed = await listEvents(token, '2026-06-01T00:00:00Z', '2026-09-01T00:00:00Z');
    // A UTC time is shown in the person's own zone.
    expect(listed.map((entry) => [entry.title, entry.start, entry.end, entry.timezone, entry.allDay])).toEqual([
      ['Dentist', '2026-06-10T09:00:00+01:00', '2026-06-10T10:00:00+01:00', 'Europe/London', false],
      ['Trip to the coast', '2026-08-01T00:00:00+01:00', '2026-08-05T00:00:00+01:00', 'Europe/London', true],
    ]);

    const exported = await api('/api/v1/calendar/export.ics', { token });
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toContain('text/calendar');
    const exportedText = await exported.text();
    expect(exportedText).toContain('SUMMARY:Dentist');
    expect(exportedText).toContain('DTSTART;VALUE=DATE:20260801');

    // Imported again, the calendar's own export replaces its events rather than doubling them.
    expect((await readJson(await importIcs(token, exportedText), importCalendarAnswerSchema)).imported).toBe(2);
    expect(await listEvents(token, '2026-06-01T00:00:00Z', '2026-09-01T00:00:00Z')).toEqual(listed);

    // The exported file, imported into another account, lists the same occurrences.
    const other = await buildUser({ timezone: 'Europe/London' });
    expect((await readJson(await importIcs(other.token, exportedText), importCalendarAnswerSchema)).imported).toBe(2);
    const relisted = await listEvents(other.token, '2026-06-01T00:00:00Z', '2026-09-01T00:00:00Z');
    expect(relisted.map(({ id: _id, occurrenceId: _occurrenceId, ...rest }) => rest)).toEqual(
      listed.map(({ id: _id, occurrenceId: _occurrenceId, ...rest }) => rest),
    );

    // The account export carries the events, decrypted.
    const document = await readJson(await api('/api/v1/me/export', { token }), exportDocumentSchema);
    expect(document.calendar.events.map((event) => [event.title, event.start, event.allDay])).toEqual([
      ['Dentist', '2026-06-10T09:00:00+01:00', false],
      ['Trip to the coast', '2026-08-01T00:00:00+01:00', true],
    ]);
  });

  it('reads zones a file defines itself, and floating times in the person’s zone', async () => {
    const { token } = await buildUser({ timezone: 'Europe/London' });
    const file = ics(
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN',
      'BEGIN:VTIMEZONE',
      'TZID:W. Europe Standard Time',
      'BEGIN:STANDARD',
      'DTSTART:16011028T030000',
      'RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10',
      'TZOFFSETFROM:+0200',
      'TZOFFSETTO:+0100',
      'END:STANDARD',
      'BEGIN:DAYLIGHT',
      'DTSTART:16010325T020000',
      'RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3',
      'TZOFFSETFROM:+0100',
      'TZOFFSETTO:+0200',
      'END:DAYLIGHT',
      'END:VTIMEZONE',
      'BEGIN:VEVENT',
      'UID:outlook-1',
      'DTSTART;TZID=W. Europe Standard Time:20260601T100000',
      'DTEND;TZID=W. Europe Standard Time:20260601T110000',
      'SUMMARY:Call with Berlin',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:floating-1',
      'DTSTART:20260602T073000',
      'DURATION:PT45M',
      'SUMMARY:Run',
      'END:VEVENT',
      'END:VCALENDAR',
    );
    expect((await readJson(await importIcs(token, file), importCalendarAnswerSchema)).imported).toBe(2);
    const listed = await listEvents(token, '2026-06-01T00:00:00Z', '2026-06-03T00:00:00Z');
    expect(listed.map((entry) => [entry.title, entry.start, entry.end, entry.timezone])).toEqual([
      // 10:00 in Berlin is 09:00 in London, through the file's own VTIMEZONE.
      ['Call with Berlin', '2026-06-01T09:00:00+01:00', '2026-06-01T10:00:00+01:00', 'Europe/London'],
      ['Run', '2026-06-02T07:30:00+01:00', '2026-06-02T08:15:00+01:00', 'Europe/London'],
    ]);
  });

  it('answers bad input with a stable error, never a 500', async () => {
    const { token } = await buildUser();
    const base = { title: 'Check-up', start: '2026-03-02T09:00', end: '2026-03-02T10:00', timezone: 'Europe/Berlin' };
    const post = (body: Record<string, unknown>) => api('/api/v1/events', { token, body: { ...base, ...body } });
    await expectError(await post({ start: '2026-02-30T09:00' }), 'invalid_event');
    await expectError(await post({ start: '2026-03-02T25:00' }), 'invalid_event');
    await expectError(await post({ end: '2026-03-02T08:00' }), 'invalid_event');
    await expectError(await post({ timezone: 'Mars/Olympus' }), 'validation_failed');
    await expectError(await post({ allDay: true }), 'invalid_event');
    await expectError(await post({ recurrence: { rrule: 'FREQ=SOMETIMES' } }), 'invalid_event');
    await expectError(await post({ recurrence: { rrule: 'FREQ=MINUTELY' } }), 'invalid_event');
    await expectError(await post({ recurrence: { rrule: 'FREQ=WEEKLY;BYDAY=XX' } }), 'invalid_event');
    await expectError(await post({ recurrence: { rrule: 'FREQ=DAILY', exdates: ['2026-03-03'] } }), 'invalid_event');
    await expectError(await post({ recurrence: { rrule: 'FREQ=DAILY;UNTIL=20250101T000000Z' } }), 'invalid_event');
    await expectError(await post({ title: '' }), 'validation_failed');

    await expectError(
      await api(`/api/v1/events?${new URLSearchParams({ from: '2026-01-01T00:00:00Z', to: '2027-06-01T00:00:00Z' })}`, { token }),
      'range_too_wide',
    );
    await expectError(
      await api(`/api/v1/events?${new URLSearchParams({ from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' })}`, { token }),
      'validation_failed',
    );
    await expectError(await api('/api/v1/events?from=yesterday&to=tomorrow', { token }), 'validation_failed');

    await expectError(await importIcs(token, 'this is not a calendar'), 'invalid_calendar');
    await expectError(await importIcs(token, ics('BEGIN:VCALENDAR', 'BEGIN:VEVENT', 'SUMMARY:Unfinished', 'END:VCALENDAR')), 'invalid_calendar');
    await expectError(await importIcs(token, ics('BEGIN:VCALENDAR', 'BEGIN:VEVENT', 'SUMMARY:No start', 'END:VEVENT', 'END:VCALENDAR')), 'invalid_calendar');
    const eventWith = (...lines: string[]) => ics('BEGIN:VCALENDAR', 'BEGIN:VEVENT', 'UID:bad', ...lines, 'SUMMARY:Bad', 'END:VEVENT', 'END:VCALENDAR');
    await expectError(await importIcs(token, eventWith('DTSTART:2026')), 'invalid_calendar');
    await expectError(await importIcs(token, eventWith('DTSTART:20260230T090000')), 'invalid_calendar');
    await expectError(await importIcs(token, eventWith('DTSTART:20260302T090000', 'RRULE:FREQ=BOGUS')), 'invalid_calendar');
    await expectError(await api('/api/v1/calendar/import', { token, body: { not: 'ics' } }), 'unsupported_media_type');
    // Nothing of a refused file was kept.
    expect(await listEvents(token, '2026-01-01T00:00:00Z', '2026-12-31T00:00:00Z')).toEqual([]);
  });

  it("changes and deletes an event, and answers 404 for another user's", async () => {
    const owner = await buildUser();
    const stranger = await buildUser();
    const event = await createEvent(owner.token, { title: 'Call Mum', start: '2026-04-04T17:00', end: '2026-04-04T17:30' });

    const moved = await readJson(
      await api(`/api/v1/events/${event.id}`, {
        method: 'PATCH',
        token: owner.token,
        body: { start: '2026-04-05T17:00', end: '2026-04-05T17:45', location: 'Phone' },
      }),
      calendarEventSchema,
    );
    expect(moved).toMatchObject({ id: event.id, title: 'Call Mum', start: '2026-04-05T17:00:00+02:00', end: '2026-04-05T17:45:00+02:00', location: 'Phone' });
    await expectError(await api(`/api/v1/events/${event.id}`, { method: 'PATCH', token: owner.token, body: { end: '2026-04-01T00:00' } }), 'invalid_event');

    await expectError(await api(`/api/v1/events/${event.id}`, { method: 'PATCH', token: stranger.token, body: { title: 'Mine now' } }), 'not_found');
    await expectError(await api(`/api/v1/events/${event.id}`, { method: 'DELETE', token: stranger.token }), 'not_found');
    expect(await listEvents(stranger.token, '2026-04-01T00:00:00Z', '2026-04-30T00:00:00Z')).toEqual([]);

    expect((await api(`/api/v1/events/${event.id}`, { method: 'DELETE', token: owner.token })).status).toBe(204);
    await expectError(await api(`/api/v1/events/${event.id}`, { method: 'DELETE', token: owner.token }), 'not_found');
    expect(await listEvents(owner.token, '2026-04-01T00:00:00Z', '2026-04-30T00:00:00Z')).toEqual([]);
  });

  it("keeps no title, place or notes in the clear in the object's SQLite", async () => {
    const secret = `Zanzibar${crypto.randomUUID().slice(0, 6)}`;
    const user = await buildUser({ timezone: 'America/Chicago' });
    await createEvent(user.token, {
      title: `Appointment ${secret}Title`,
      start: '2026-03-02T09:00',
      end: '2026-03-02T10:00',
      location: `${secret}Place`,
      notes: `${secret}Notes about the diagnosis`,
      recurrence: { rrule: 'FREQ=WEEKLY;COUNT=3' },
    });
    await importIcs(user.token, weeklyWithExceptions.replace('Team standup', `${secret}Imported`));
    const dump = await runInDurableObject(testEnv.COMPANION.getByName(user.user.id), (_instance, state) => {
      const tables = state.storage.sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '_cf_%'").toArray();
      return tables.map(({ name }) => JSON.stringify(state.storage.sql.exec(`SELECT * FROM "${name}"`).toArray())).join('\n');
    });
    expect(dump).toContain('calendar_sealed');
    expect(dump).not.toContain(secret);
    expect(dump.toLowerCase()).not.toContain('diagnosis');
    expect(dump).not.toContain('FREQ=');
    expect(dump).not.toContain('Europe/Berlin');
  });
});

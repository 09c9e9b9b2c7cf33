import { describe, expect, it } from 'vitest';
import { calendarSourceSchema, calendarSourcesAnswerSchema } from '../../common/calendar-sources.ts';
import { outreachLogAnswerSchema } from '../../common/outreach.ts';
import { calendarEventSchema, type EventsAnswer, eventsAnswerSchema } from '../../common/protocol.ts';
import { api, buildUser, readJson } from '../../test-support/api.ts';
import { createRadicaleAccount, icsOf, type RadicaleAccount } from '../../test-support/radicale-account.ts';
import { runScheduledWork, waitingJobs } from '../../test-support/scheduled-work.ts';
import { conflictCopyMarker } from './calendar-sources-capability.ts';

const listEvents = async (token: string, from = '2026-12-01T00:00:00Z', to = '2027-01-31T00:00:00Z'): Promise<EventsAnswer['events']> =>
  (await readJson(await api(`/api/v1/events?${new URLSearchParams({ from, to })}`, { token }), eventsAnswerSchema)).events;

const connect = async (token: string, account: RadicaleAccount, url = account.serverUrl) =>
  readJson(
    await api('/api/v1/calendar/sources', { token, body: { kind: 'caldav', url, username: account.username, password: account.password } }),
    calendarSourceSchema,
    201,
  );

const sync = async (token: string, sourceId: string) =>
  readJson(await api(`/api/v1/calendar/sources/${sourceId}/sync`, { method: 'POST', token }), calendarSourceSchema);

const dinner = (summary = 'Dinner with Sam', extra: string[] = []) =>
  icsOf(
    'UID:dinner-1@other.example',
    'DTSTAMP:20261101T000000Z',
    'DTSTART;TZID=Europe/Berlin:20261210T190000',
    'DTEND;TZID=Europe/Berlin:20261210T210000',
    `SUMMARY:${summary}`,
    ...extra,
  );

/** A user of Kindred with a Radicale calendar connected, holding one event made on the remote side. */
async function connectedUser() {
  const user = await buildUser({ timezone: 'Europe/Berlin' });
  const account = await createRadicaleAccount();
  expect((await account.put('dinner-1.ics', dinner())).status).toBe(201);
  const source = await connect(user.token, account);
  return { ...user, account, source };
}

const eventText = (events: Map<string, string>) => [...events.values()].join('\n');

// Each test signs people up (deliberately slow hashing) and talks to Radicale: more than the default allowance.
describe('a CalDAV calendar, synced with Radicale', { timeout: 120_000 }, () => {
  it('connects through discovery from the server address and brings in the events already there', async () => {
    const { token, account, source } = await connectedUser();
    expect(source).toMatchObject({ kind: 'caldav', name: 'Family', status: 'ok' });
    expect(source.lastSyncedAt).toBeDefined();
    const listed = await readJson(await api('/api/v1/calendar/sources', { token }), calendarSourcesAnswerSchema);
    expect(listed.sources.map((entry) => entry.id)).toEqual([source.id]);
    const events = await listEvents(token);
    expect(events).toMatchObject([{ title: 'Dinner with Sam', start: '2026-12-10T19:00:00+01:00', end: '2026-12-10T21:00:00+01:00' }]);
    // The collection's own address connects too, named as the person asks.
    const other = await buildUser();
    const direct = await readJson(
      await api('/api/v1/calendar/sources', {
        token: other.token,
        body: { kind: 'caldav', url: account.calendarUrl, username: account.username, password: account.password, name: 'Home' },
      }),
      calendarSourceSchema,
      201,
    );
    expect(direct.name).toBe('Home');
    expect((await listEvents(other.token)).map((event) => event.title)).toEqual(['Dinner with Sam']);
  });

  it('sends events created, changed and deleted in Kindred to the calendar', async () => {
    const { token, user, account } = await connectedUser();
    const created = await readJson(
      await api('/api/v1/events', { token, body: { title: 'Dentist', start: '2026-12-14T08:30', end: '2026-12-14T09:00', timezone: 'Europe/Berlin' } }),
      calendarEventSchema,
      201,
    );
    expect(await runScheduledWork(user.id)).toBe(true);
    let remote = await account.events();
    expect(remote.size).toBe(2);
    expect(eventText(remote)).toContain('SUMMARY:Dentist');
    expect(eventText(remote)).toContain('DTSTART;TZID=Europe/Berlin:20261214T083000');

    await readJson(await api(`/api/v1/events/${created.id}`, { method: 'PATCH', token, body: { title: 'Dentist (Dr. Weber)' } }), calendarEventSchema);
    await runScheduledWork(user.id);
    remote = await account.events();
    expect(eventText(remote)).toContain('SUMMARY:Dentist (Dr. Weber)');
    expect(remote.size).toBe(2);

    expect((await api(`/api/v1/events/${created.id}`, { method: 'DELETE', token })).status).toBe(204);
    await runScheduledWork(user.id);
    remote = await account.events();
    expect([...remote.keys()]).toEqual(['dinner-1.ics']);
  });

  it('brings in events created, changed and deleted on the calendar', async () => {
    const { token, user, account, source } = await connectedUser();
    await account.put(
      'walk.ics',
      icsOf('UID:walk@other.example', 'DTSTAMP:20261101T000000Z', 'DTSTART:20261212T090000Z', 'DTEND:20261212T100000Z', 'SUMMARY:Walk'),
    );
    const { etag } = await account.get('dinner-1.ics');
    expect((await account.put('dinner-1.ics', dinner('Dinner with Sam and Alex'), { ifMatch: etag ?? '' })).status).toBe(201);
    // The 15-minute sync armed when the calendar was connected.
    expect(await runScheduledWork(user.id)).toBe(true);
    expect((await listEvents(token)).map((event) => [event.title, event.start])).toEqual([
      ['Dinner with Sam and Alex', '2026-12-10T19:00:00+01:00'],
      ['Walk', '2026-12-12T10:00:00+01:00'],
    ]);

    expect(await account.delete('dinner-1.ics')).toBe(200);
    await sync(token, source.id);
    expect((await listEvents(token)).map((event) => event.title)).toEqual(['Walk']);
  });

  it('lets outreach plan heads-ups for the events a sync brings in, once per sync, and none for one deleted there', async () => {
    const { token, user, account, source } = await connectedUser();
    // Whatever connecting left waiting (the plan after its first sync, the periodic sync) runs first.
    await runScheduledWork(user.id);
    // Outreach's default: a heads-up 30 minutes before an event.
    const leadMs = 30 * 60_000;
    const icsTime = (instant: number) =>
      new Date(instant)
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d{3}/, '');
    const minuteIn = (minutes: number) => Math.floor((Date.now() + minutes * 60_000) / 60_000) * 60_000;
    const starts = [minuteIn(32), minuteIn(50), minuteIn(70)];
    for (const [index, start] of starts.entries()) {
      const event = icsOf(
        `UID:soon-${index}@other.example`,
        'DTSTAMP:20261101T000000Z',
        `DTSTART:${icsTime(start)}`,
        `DTEND:${icsTime(start + 30 * 60_000)}`,
        `SUMMARY:Soon ${index}`,
      );
      expect((await account.put(`soon-${index}.ics`, event)).status).toBe(201);
    }
    await sync(token, source.id);
    expect(await waitingJobs(user.id, 'outreach', 'planAfterCalendarChange')).toHaveLength(1);
    // Only what is due in the next seconds: the plan after the sync, not the hourly one or the next periodic sync.
    await runScheduledWork(user.id, { dueWithinMs: 10_000 });
    const planned = await waitingJobs(user.id, 'outreach', 'eventSoon');
    expect(planned.map((job) => job.time)).toEqual(starts.map((start) => start - leadMs));

    // Deleted on the other side just before its heads-up: the sync plans again, and the heads-up due now says nothing.
    expect(await account.delete('soon-0.ics')).toBe(200);
    await sync(token, source.id);
    expect(await waitingJobs(user.id, 'outreach', 'planAfterCalendarChange')).toHaveLength(1);
    await runScheduledWork(user.id, { dueWithinMs: 3 * 60_000 });
    const log = await readJson(await api('/api/v1/outreach/log', { token }), outreachLogAnswerSchema);
    expect(log.entries.filter((entry) => entry.kind === 'event-soon')).toEqual([]);
    expect((await waitingJobs(user.id, 'outreach', 'eventSoon')).map((job) => job.time)).toEqual(starts.slice(1).map((start) => start - leadMs));
  });

  it('merges a change made on each side to different fields, keeping both', async () => {
    const { token, user, account } = await connectedUser();
    const [event] = await listEvents(token);
    const { etag } = await account.get('dinner-1.ics');
    await account.put(
      'dinner-1.ics',
      dinner('Dinner with Sam', [
        'LOCATION:Trattoria Luigi',
        'STATUS:CONFIRMED',
        'BEGIN:VALARM',
        'ACTION:DISPLAY',
        'DESCRIPTION:Leave now',
        'TRIGGER:-PT30M',
        'END:VALARM',
      ]),
      { ifMatch: etag ?? '' },
    );
    await readJson(await api(`/api/v1/events/${event?.id}`, { method: 'PATCH', token, body: { title: 'Dinner with Sam and Kim' } }), calendarEventSchema);
    // The push finds the remote changed (412), merges, and sends the merged event.
    await runScheduledWork(user.id);
    expect(await listEvents(token)).toMatchObject([{ id: event?.id, title: 'Dinner with Sam and Kim', location: 'Trattoria Luigi' }]);
    const remote = (await account.get('dinner-1.ics')).ics;
    expect(remote).toContain('SUMMARY:Dinner with Sam and Kim');
    expect(remote).toContain('LOCATION:Trattoria Luigi');
    // What Kindred does not keep stays on the remote.
    expect(remote).toContain('STATUS:CONFIRMED');
    expect(remote).toContain('TRIGGER:-PT30M');
    expect((await account.events()).size).toBe(1);
  });

  it('keeps both versions when each side changed the same field, the local one as a marked copy', async () => {
    const { token, user, account } = await connectedUser();
    const [event] = await listEvents(token);
    const { etag } = await account.get('dinner-1.ics');
    await account.put('dinner-1.ics', dinner('Dinner at Luigi'), { ifMatch: etag ?? '' });
    await readJson(await api(`/api/v1/events/${event?.id}`, { method: 'PATCH', token, body: { title: 'Dinner at home' } }), calendarEventSchema);
    await runScheduledWork(user.id);
    const titles = (await listEvents(token)).map((entry) => entry.title).sort();
    expect(titles).toEqual(['Dinner at Luigi', `Dinner at home ${conflictCopyMarker}`]);
    const remote = eventText(await account.events());
    expect(remote).toContain('SUMMARY:Dinner at Luigi');
    expect(remote).toContain(`SUMMARY:Dinner at home ${conflictCopyMarker}`);
    // Pulled again, nothing changes: the copy is not doubled.
    await sync(token, (await readJson(await api('/api/v1/calendar/sources', { token }), calendarSourcesAnswerSchema)).sources[0]?.id ?? '');
    expect((await listEvents(token)).length).toBe(2);
    expect((await account.events()).size).toBe(2);
  });

  it('keeps a change over a deletion on the other side', async () => {
    const { token, user, account, source } = await connectedUser();
    const [event] = await listEvents(token);
    // Deleted remotely, changed here: the change wins and the event is made again remotely.
    await account.delete('dinner-1.ics');
    await readJson(await api(`/api/v1/events/${event?.id}`, { method: 'PATCH', token, body: { notes: 'Bring wine' } }), calendarEventSchema);
    await runScheduledWork(user.id);
    await sync(token, source.id);
    expect(await listEvents(token)).toMatchObject([{ title: 'Dinner with Sam', notes: 'Bring wine' }]);
    expect(eventText(await account.events())).toContain('DESCRIPTION:Bring wine');
  });

  it('round-trips a repeating event with a moved instance both ways', async () => {
    const { token, user, account, source } = await connectedUser();
    await account.put(
      'standup.ics',
      [
        'BEGIN:VCALENDAR',
        'VERSION:2.0',
        'PRODID:-//Other client//EN',
        'BEGIN:VEVENT',
        'UID:standup@other.example',
        'DTSTAMP:20261101T000000Z',
        'DTSTART;TZID=Europe/Berlin:20261201T090000',
        'DTEND;TZID=Europe/Berlin:20261201T093000',
        'RRULE:FREQ=WEEKLY;COUNT=3',
        'SUMMARY:Standup',
        'END:VEVENT',
        'BEGIN:VEVENT',
        'UID:standup@other.example',
        'DTSTAMP:20261101T000000Z',
        'RECURRENCE-ID;TZID=Europe/Berlin:20261208T090000',
        'DTSTART;TZID=Europe/Berlin:20261208T110000',
        'DTEND;TZID=Europe/Berlin:20261208T113000',
        'SUMMARY:Standup (moved)',
        'END:VEVENT',
        'END:VCALENDAR',
        '',
      ].join('\r\n'),
    );
    await sync(token, source.id);
    const standups = (await listEvents(token)).filter((entry) => entry.title.startsWith('Standup'));
    expect(standups.map((entry) => [entry.title, entry.start])).toEqual([
      ['Standup', '2026-12-01T09:00:00+01:00'],
      ['Standup (moved)', '2026-12-08T11:00:00+01:00'],
      ['Standup', '2026-12-15T09:00:00+01:00'],
    ]);
    // Renamed here: the rule and the moved instance stay as they were remotely.
    await readJson(await api(`/api/v1/events/${standups[0]?.id}`, { method: 'PATCH', token, body: { title: 'Daily standup' } }), calendarEventSchema);
    await runScheduledWork(user.id);
    const remote = (await account.get('standup.ics')).ics;
    expect(remote).toContain('SUMMARY:Daily standup');
    expect(remote).toContain('RRULE:FREQ=WEEKLY;COUNT=3');
    expect(remote).toMatch(/RECURRENCE-ID;TZID=Europe\/Berlin:20261208T090000/);
    expect(remote).toContain('SUMMARY:Standup (moved)');

    // Made in Kindred (imported), with a moved instance: it reaches the calendar whole.
    const imported = await api('/api/v1/calendar/import', {
      token,
      headers: { 'content-type': 'text/calendar' },
      body: [
        'BEGIN:VCALENDAR',
        'VERSION:2.0',
        'PRODID:-//Test//EN',
        'BEGIN:VEVENT',
        'UID:yoga@kindred.example',
        'DTSTAMP:20261101T000000Z',
        'DTSTART;TZID=Europe/Berlin:20261202T180000',
        'DTEND;TZID=Europe/Berlin:20261202T190000',
        'RRULE:FREQ=WEEKLY;COUNT=2',
        'SUMMARY:Yoga',
        'END:VEVENT',
        'BEGIN:VEVENT',
        'UID:yoga@kindred.example',
        'DTSTAMP:20261101T000000Z',
        'RECURRENCE-ID;TZID=Europe/Berlin:20261209T180000',
        'DTSTART;TZID=Europe/Berlin:20261209T200000',
        'DTEND;TZID=Europe/Berlin:20261209T210000',
        'SUMMARY:Yoga (late)',
        'END:VEVENT',
        'END:VCALENDAR',
        '',
      ].join('\r\n'),
    });
    expect(imported.status).toBe(200);
    await runScheduledWork(user.id);
    const yoga = (await account.get('yoga%40kindred.example.ics')).ics;
    expect(yoga).toContain('RRULE:FREQ=WEEKLY;COUNT=2');
    expect(yoga).toContain('RECURRENCE-ID;TZID=Europe/Berlin:20261209T180000');
    expect(yoga).toContain('SUMMARY:Yoga (late)');
  });
});

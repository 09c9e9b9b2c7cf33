import { describe, expect, it } from 'vitest';
import { calendarSourcesAnswerSchema } from '../../common/calendar-sources.ts';
import { eventsAnswerSchema } from '../../common/protocol.ts';
import { api, buildUser, expectError, readJson } from '../../test-support/api.ts';
import { createRadicaleAccount, icsOf } from '../../test-support/radicale-account.ts';
import { exportOf, importInto } from '../../test-support/round-trip/move-account.ts';

type User = Awaited<ReturnType<typeof buildUser>>;

async function occurrences(token: string, from: string, to: string) {
  return (await readJson(await api(`/api/v1/events?${new URLSearchParams({ from, to })}`, { token }), eventsAnswerSchema)).events;
}

const created = async (response: Promise<Response>) => expect((await response).status).toBeLessThan(300);

describe('importing into an account with a life of its own', () => {
  /** One thing of each capability's own, each in a fresh account that refuses an import because of it. */
  const ownData: Record<string, (user: User) => Promise<void>> = {
    calendar: (user) =>
      created(api('/api/v1/events', { token: user.token, body: { title: 'Mine', start: '2027-01-01T10:00', end: '2027-01-01T11:00', timezone: 'UTC' } })),
    reminders: (user) => created(api('/api/v1/reminders', { token: user.token, body: { text: 'Mine', dueAt: new Date(Date.now() + 3600_000).toISOString() } })),
    goals: (user) => created(api('/api/v1/goals', { token: user.token, body: { area: 'other', title: 'Mine', checkIn: { every: 'off' } } })),
    moods: (user) => created(api('/api/v1/moods', { token: user.token, body: { score: 3 } })),
  };

  for (const [capability, fill] of Object.entries(ownData)) {
    it(`is refused when the person already has ${capability} of their own`, async () => {
      const user = await buildUser();
      await fill(user);
      await expectError(
        await api('/api/v1/me/import', { token: user.token, body: { formatVersion: 2, user: { displayName: null, timezone: 'UTC' } } }),
        'account_not_empty',
      );
    });
  }

  it('is not refused for settings changed from their defaults: an import replaces them', async () => {
    const user = await buildUser();
    await created(api('/api/v1/outreach', { method: 'PUT', token: user.token, body: { dailyCap: 1 } }));
    await created(api('/api/v1/reflection', { method: 'PUT', token: user.token, body: { enabled: true } }));
    const report = await importInto(user.token, {
      formatVersion: 2,
      user: { displayName: null, timezone: 'UTC' },
      reflection: { settings: { enabled: false, weekday: 'sunday', time: '18:00' } },
    });
    expect(report.imported).toMatchObject({ reflection: 1 });
  });
});

describe('imported calendar events', () => {
  it('list the same occurrences as before: a series across a change to summer time, its dates left out and added, an all-day event (a moved instance is in the round trip)', async () => {
    const before = await buildUser({ timezone: 'Europe/Vienna' });
    await created(
      api('/api/v1/events', {
        token: before.token,
        body: {
          title: 'Pottery',
          start: '2027-03-20T17:00',
          end: '2027-03-20T19:00',
          timezone: 'Europe/Vienna',
          recurrence: { rrule: 'FREQ=WEEKLY;UNTIL=20270425T000000Z', exdates: ['2027-04-03T17:00'], rdates: ['2027-04-07T18:30'] },
        },
      }),
    );
    await created(
      api('/api/v1/events', {
        token: before.token,
        body: { title: 'Holiday', start: '2027-03-26', end: '2027-03-30', timezone: 'Europe/Vienna', allDay: true },
      }),
    );
    const from = '2027-03-01T00:00:00+01:00';
    const to = '2027-05-01T00:00:00+02:00';
    const listed = await occurrences(before.token, from, to);
    expect(listed.map((occurrence) => occurrence.start)).toContain('2027-03-27T17:00:00+01:00');
    expect(listed.map((occurrence) => occurrence.start)).toContain('2027-04-10T17:00:00+02:00');

    const after = await buildUser();
    expect((await importInto(after.token, await exportOf(before.token))).imported).toMatchObject({ calendar: 2 });
    expect(await occurrences(after.token, from, to)).toEqual(listed);
    // The ICS download carries them too, in the person's zone.
    const ics = await (await api('/api/v1/calendar/export.ics', { token: after.token })).text();
    expect(ics).toContain('SUMMARY:Pottery');
    expect(ics).toContain('RDATE;TZID=Europe/Vienna:20270407T183000');
  });
});

describe('events that came from a connected calendar', { timeout: 120_000 }, () => {
  it('come back as the person’s own: listed the same, linked to no calendar, and a change to them stays in Kindred', async () => {
    const before = await buildUser({ timezone: 'Europe/Berlin' });
    const account = await createRadicaleAccount();
    const remote = icsOf(
      'UID:concert-1@other.example',
      'DTSTAMP:20261101T000000Z',
      'DTSTART;TZID=Europe/Berlin:20270115T200000',
      'DTEND;TZID=Europe/Berlin:20270115T223000',
      'SUMMARY:Concert with Ana',
    );
    expect((await account.put('concert-1.ics', remote)).status).toBe(201);
    await created(
      api('/api/v1/calendar/sources', {
        token: before.token,
        body: { kind: 'caldav', url: account.serverUrl, username: account.username, password: account.password },
      }),
    );
    const from = '2027-01-01T00:00:00+01:00';
    const to = '2027-02-01T00:00:00+01:00';
    const listed = await occurrences(before.token, from, to);
    expect(listed).toMatchObject([{ title: 'Concert with Ana', start: '2027-01-15T20:00:00+01:00' }]);

    const after = await buildUser();
    expect((await importInto(after.token, await exportOf(before.token))).imported).toMatchObject({ calendar: 1 });
    expect(await occurrences(after.token, from, to)).toEqual(listed);
    expect((await readJson(await api('/api/v1/calendar/sources', { token: after.token }), calendarSourcesAnswerSchema)).sources).toEqual([]);
    // Renamed in the new account: the calendar it came from keeps its own version.
    await created(api(`/api/v1/events/${listed[0]?.id}`, { method: 'PATCH', token: after.token, body: { title: 'Concert (moved account)' } }));
    expect((await account.get('concert-1.ics')).ics).toContain('SUMMARY:Concert with Ana');
  });
});

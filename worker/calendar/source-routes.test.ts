import { describe, expect, it } from 'vitest';
import { calendarSourceSchema, calendarSourcesAnswerSchema } from '../../common/calendar-sources.ts';
import { calendarEventSchema, eventsAnswerSchema, exportDocumentSchema } from '../../common/protocol.ts';
import { api, buildUser, expectError, readJson } from '../../test-support/api.ts';
import { createRadicaleAccount, icsOf, radicaleUrl } from '../../test-support/radicale-account.ts';
import { runScheduledWork } from '../../test-support/scheduled-work.ts';

const listEvents = async (token: string) =>
  (
    await readJson(
      await api(`/api/v1/events?${new URLSearchParams({ from: '2026-12-01T00:00:00Z', to: '2027-01-31T00:00:00Z' })}`, { token }),
      eventsAnswerSchema,
    )
  ).events;
const listSources = async (token: string) => (await readJson(await api('/api/v1/calendar/sources', { token }), calendarSourcesAnswerSchema)).sources;
const caldavBody = (url: string, username: string, password: string) => ({ kind: 'caldav', url, username, password });

const lunch = icsOf('UID:lunch@other.example', 'DTSTAMP:20261101T000000Z', 'DTSTART:20261211T120000Z', 'DTEND:20261211T130000Z', 'SUMMARY:Lunch with Ana');

// Each test signs people up (deliberately slow hashing) and talks to Radicale: more than the default allowance.
describe('the connected calendars API', { timeout: 120_000 }, () => {
  it('refuses a server that cannot be reached, a wrong password and an address that is not a calendar, keeping nothing', async () => {
    const { token } = await buildUser();
    const account = await createRadicaleAccount();
    // Nothing listens on port 1 of the loopback: a server that is not running.
    await expectError(
      await api('/api/v1/calendar/sources', { token, body: caldavBody('http://127.0.0.1:1/', account.username, account.password) }),
      'source_unreachable',
    );
    await expectError(
      await api('/api/v1/calendar/sources', { token, body: caldavBody(account.serverUrl, account.username, 'not-the-password') }),
      'source_auth_failed',
    );
    await expectError(
      await api('/api/v1/calendar/sources', { token, body: caldavBody(`${radicaleUrl()}/__control/garbage/`, account.username, account.password) }),
      'source_invalid',
    );
    expect(await listSources(token)).toEqual([]);
  });

  it('keeps everything through an outage, reports it on the source, and catches up after', async () => {
    const { token, user } = await buildUser();
    const account = await createRadicaleAccount();
    await account.put('lunch.ics', lunch);
    const source = await readJson(
      await api('/api/v1/calendar/sources', { token, body: caldavBody(account.serverUrl, account.username, account.password) }),
      calendarSourceSchema,
      201,
    );
    const [event] = await listEvents(token);

    await account.outage(true);
    await expectError(await api(`/api/v1/calendar/sources/${source.id}/sync`, { method: 'POST', token }), 'source_unreachable');
    expect(await listSources(token)).toMatchObject([{ id: source.id, status: 'error', errorId: 'source_unreachable' }]);
    // A change made while the server is down waits; the scheduled push fails quietly.
    await readJson(await api(`/api/v1/events/${event?.id}`, { method: 'PATCH', token, body: { title: 'Lunch with Ana and Bo' } }), calendarEventSchema);
    await runScheduledWork(user.id);
    expect((await listEvents(token)).map((entry) => entry.title)).toEqual(['Lunch with Ana and Bo']);

    await account.outage(false);
    const synced = await readJson(await api(`/api/v1/calendar/sources/${source.id}/sync`, { method: 'POST', token }), calendarSourceSchema);
    expect(synced.status).toBe('ok');
    expect(synced.errorId).toBeUndefined();
    expect((await account.get('lunch.ics')).ics).toContain('SUMMARY:Lunch with Ana and Bo');
  });

  it('never shows one person another person’s calendar or its events', async () => {
    const owner = await buildUser();
    const stranger = await buildUser();
    const account = await createRadicaleAccount();
    await account.put('lunch.ics', lunch);
    const source = await readJson(
      await api('/api/v1/calendar/sources', { token: owner.token, body: caldavBody(account.serverUrl, account.username, account.password) }),
      calendarSourceSchema,
      201,
    );
    expect(await listSources(stranger.token)).toEqual([]);
    expect(await listEvents(stranger.token)).toEqual([]);
    await expectError(await api(`/api/v1/calendar/sources/${source.id}/sync`, { method: 'POST', token: stranger.token }), 'not_found');
    await expectError(await api(`/api/v1/calendar/sources/${source.id}`, { method: 'DELETE', token: stranger.token }), 'not_found');
    expect(await listSources(owner.token)).toHaveLength(1);
    await expectError(await api('/api/v1/calendar/sources'), 'unauthenticated');
  });

  it('exports the calendars without their passwords, and disconnecting forgets their events but not the remote', async () => {
    const { token } = await buildUser();
    const account = await createRadicaleAccount();
    await account.put('lunch.ics', lunch);
    const source = await readJson(
      await api('/api/v1/calendar/sources', { token, body: caldavBody(account.serverUrl, account.username, account.password) }),
      calendarSourceSchema,
      201,
    );
    const exported = await api('/api/v1/me/export', { token });
    const text = await exported.text();
    expect(exportDocumentSchema.parse(JSON.parse(text)).calendarSources).toEqual([source]);
    expect(text).not.toContain(account.password);

    expect((await api(`/api/v1/calendar/sources/${source.id}`, { method: 'DELETE', token })).status).toBe(204);
    expect(await listSources(token)).toEqual([]);
    expect(await listEvents(token)).toEqual([]);
    expect((await account.get('lunch.ics')).status).toBe(200);
    await expectError(await api(`/api/v1/calendar/sources/${source.id}`, { method: 'DELETE', token }), 'not_found');
  });
});

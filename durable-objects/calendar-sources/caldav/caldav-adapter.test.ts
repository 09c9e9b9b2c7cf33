import { describe, expect, it } from 'vitest';
import { createRadicaleAccount, icsOf } from '../../../test-support/radicale-account.ts';
import { createCalDavAdapter, discoverCalDavCalendar } from './caldav-adapter.ts';

const event = (uid: string, summary: string) =>
  icsOf(`UID:${uid}`, 'DTSTAMP:20261101T000000Z', 'DTSTART:20261210T180000Z', 'DTEND:20261210T190000Z', `SUMMARY:${summary}`);

async function adapterFor(options: { supportsSyncCollection?: boolean } = {}) {
  const account = await createRadicaleAccount();
  const found = await discoverCalDavCalendar({ url: account.serverUrl, username: account.username, password: account.password });
  const adapter = createCalDavAdapter({
    calendarUrl: found.calendarUrl,
    username: account.username,
    password: account.password,
    supportsSyncCollection: options.supportsSyncCollection ?? found.supportsSyncCollection,
  });
  return { account, found, adapter };
}

describe('the CalDAV adapter, against Radicale', () => {
  it('finds the calendar from the server address, and sees that Radicale offers sync-collection', async () => {
    const { account, found } = await adapterFor();
    expect(found).toEqual({ calendarUrl: account.calendarUrl, name: 'Family', supportsSyncCollection: true });
  });

  it('pulls changes since a sync token: created, changed and deleted events', async () => {
    const { account, adapter } = await adapterFor();
    const first = await adapter.pull(null);
    expect(first).toMatchObject({ changed: [], deleted: [], fullResync: true });
    expect(first.cursor).toBeTruthy();
    const created = await adapter.create('party@kindred', event('party@kindred', 'Party'));
    await account.put('other.ics', event('other@elsewhere', 'Other'));
    const second = await adapter.pull(first.cursor);
    expect(second.fullResync).toBe(false);
    expect(second.changed.map((change) => change.remoteId).sort()).toEqual([created.remoteId, `${account.calendarUrl}other.ics`].sort());
    expect(second.changed.find((change) => change.remoteId === created.remoteId)?.etag).toBe(created.etag);
    await account.delete('other.ics');
    const third = await adapter.pull(second.cursor);
    expect(third).toMatchObject({ changed: [], deleted: [`${account.calendarUrl}other.ics`], fullResync: false });
  });

  it('lists the whole calendar with ETags when the server has no sync-collection', async () => {
    const { account, adapter } = await adapterFor({ supportsSyncCollection: false });
    await account.put('one.ics', event('one@elsewhere', 'One'));
    const changes = await adapter.pull(null);
    expect(changes.fullResync).toBe(true);
    expect(changes.cursor).toBeNull();
    expect(changes.changed).toMatchObject([{ remoteId: `${account.calendarUrl}one.ics` }]);
    expect(changes.changed[0]?.ics).toContain('SUMMARY:One');
  });

  it('refuses to overwrite or delete a version it has not seen, answering the current one', async () => {
    const { account, adapter } = await adapterFor();
    const created = await adapter.create('talk@kindred', event('talk@kindred', 'Talk'));
    const name = created.remoteId.slice(account.calendarUrl.length);
    const changedThere = await account.put(name, event('talk@kindred', 'Talk (room 2)'), { ifMatch: created.etag });
    expect(changedThere.status).toBe(201);
    const update = await adapter.update(created.remoteId, event('talk@kindred', 'Talk (cancelled?)'), created.etag);
    expect(update).toMatchObject({ conflict: { remoteId: created.remoteId, etag: changedThere.etag } });
    expect('conflict' in update && 'ics' in update.conflict && update.conflict.ics).toContain('SUMMARY:Talk (room 2)');
    const deletion = await adapter.delete(created.remoteId, created.etag);
    expect(deletion).toMatchObject({ conflict: { etag: changedThere.etag } });
    expect((await account.get(name)).status).toBe(200);
    expect(await adapter.delete(created.remoteId, changedThere.etag ?? '')).toEqual({ deleted: true });
    expect((await account.get(name)).status).toBe(404);
    // Already gone counts as deleted.
    expect(await adapter.delete(created.remoteId, changedThere.etag ?? '')).toEqual({ deleted: true });
  });

  it('names its failures with the source error ids', async () => {
    const account = await createRadicaleAccount();
    await expect(discoverCalDavCalendar({ url: account.serverUrl, username: account.username, password: 'wrong' })).rejects.toMatchObject({
      id: 'source_auth_failed',
    });
    await expect(discoverCalDavCalendar({ url: 'http://127.0.0.1:1/', username: account.username, password: account.password })).rejects.toMatchObject({
      id: 'source_unreachable',
    });
    await expect(
      discoverCalDavCalendar({ url: `${account.serverUrl}/__control/garbage/`, username: account.username, password: account.password }),
    ).rejects.toMatchObject({ id: 'source_invalid' });
    const adapter = createCalDavAdapter({
      calendarUrl: account.calendarUrl,
      username: account.username,
      password: account.password,
      supportsSyncCollection: true,
    });
    await account.outage(true);
    await expect(adapter.pull(null)).rejects.toMatchObject({ id: 'source_unreachable' });
    await account.outage(false);
  });
});

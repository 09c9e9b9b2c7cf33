import type { CalendarSource, CalendarSourceBody } from '../../common/calendar-sources.ts';
import type { ImportDocument } from '../../common/import.ts';
import { AppError, notFound } from '../../server/errors/app-error.ts';
import { log } from '../../server/logging/log.ts';
import type { CalendarCapability, LocalEventChange } from '../calendar/calendar-capability.ts';
import type { Capability, CapabilityHost } from '../host/capability.ts';
import type { ImportPlan } from '../host/import-document.ts';
import { SingleFlight } from '../host/single-flight.ts';
import { createCalDavAdapter, discoverCalDavCalendar } from './caldav/caldav-adapter.ts';
import { changedFields, conflictCopyOf, mergeEvent, uidOfText, withFieldsFrom } from './event-merge.ts';
import { createGoogleAdapter, type GoogleCredentials } from './google/google-adapter.ts';
import { googleSettingsOf } from './google/google-oauth.ts';
import { calendarSourcesSchemaSteps } from './schema.ts';
import type { CalendarSourceAdapter, RemoteEvent, SourceErrorId } from './source-adapter.ts';
import { type EventLink, presentSource, type SourceSettings, SourceStore, type StoredSource } from './source-store.ts';

/** How often each connected calendar is pulled when nothing else asks for it. */
const periodicSyncSeconds = 15 * 60;
/** A local change is pushed this long after it, so a burst of edits goes out in one sync. */
const syncAfterChangeSeconds = 5;
/** What marks the copy that keeps one side of a conflict that could not be merged. */
export const conflictCopyMarker = '(conflicting copy)';

const sourceErrorIds: ReadonlySet<string> = new Set<SourceErrorId>(['source_unreachable', 'source_auth_failed', 'source_invalid']);

/**
 * Connected calendars, synced both ways with the person's calendar.
 *
 * - Remote changes are pulled into the calendar (sync-collection when the server has it), every 15
 *   minutes, on `POST /calendar/sources/:id/sync`, and right before every push.
 * - A change to an event that came from a source goes back to that source a few seconds later.
 *   Events created in Kindred while a calendar is connected go to the first connected calendar, as a
 *   calendar app's "default calendar" does; events made before any was connected stay in Kindred.
 * - When both sides changed an event: different fields are merged; the same field changed two ways
 *   keeps the remote version as the event and the Kindred version as a copy marked "(conflicting
 *   copy)", in both places. A deletion on one side and a change on the other keeps the change.
 * - Disconnecting forgets the source and its events in Kindred, and leaves the remote untouched.
 */
export function createCalendarSourcesCapability(host: CapabilityHost, dependencies: { calendar: CalendarCapability }) {
  const store = new SourceStore(host.sql, host.vault);
  const scheduler = host.scheduler('calendarSources');
  const calendar = dependencies.calendar.sync;
  const syncs = new SingleFlight();

  function adapterFor(source: StoredSource): CalendarSourceAdapter {
    const settings = source.settings;
    if (settings.kind === 'caldav') return createCalDavAdapter(settings);
    const google = googleSettingsOf(host.config());
    if (!google) throw new AppError('feature_not_configured', 'Google Calendar is not configured on this server.');
    // A refreshed token replaces the old one at once: Google may stop honouring the previous one.
    let current = settings;
    return createGoogleAdapter(
      { clientId: google.clientId, clientSecret: google.clientSecret, tokenUrl: google.tokenUrl, apiUrl: google.apiUrl, calendarId: settings.calendarId },
      {
        get: async () => current.credentials,
        async set(credentials) {
          current = { ...current, credentials };
          await store.updateSettings(source.id, current);
        },
      },
    );
  }

  // --- pull --------------------------------------------------------------------------------------

  async function linkRemote(source: StoredSource, eventId: string, remote: RemoteEvent, syncedText: string): Promise<void> {
    await store.saveLink({ sourceId: source.id, eventId, remoteId: remote.remoteId, etag: remote.etag, remoteText: remote.ics, syncedText, state: 'synced' });
  }

  /** Writes the remote version over the local event (or as a new one), and records it as agreed. */
  async function takeRemote(source: StoredSource, remote: RemoteEvent, eventId?: string): Promise<void> {
    const written = await calendar.write(remote.ics, eventId);
    await linkRemote(source, written.id, remote, written.text);
  }

  /**
   * Both sides changed the event since they last agreed: merged when they changed different fields;
   * otherwise the remote version stays the event and the local one is kept as a marked copy.
   */
  async function resolveBothChanged(source: StoredSource, adapter: CalendarSourceAdapter, link: EventLink, remote: RemoteEvent): Promise<void> {
    const local = await calendar.readText(link.eventId);
    if (!local) return takeRemote(source, remote, link.eventId);
    const remoteStored = await calendar.normalize(remote.ics);
    const merged = link.syncedText ? mergeEvent(link.syncedText, local, remoteStored) : undefined;
    if (merged !== undefined && link.syncedText) {
      const pushed = withFieldsFrom(remote.ics, local, changedFields(link.syncedText, local));
      const result = await adapter.update(remote.remoteId, pushed, remote.etag);
      // Changed again meanwhile: the next sync merges against that version.
      if ('conflict' in result) return;
      const written = await calendar.write(pushed, link.eventId);
      await store.saveLink({ ...link, remoteId: result.remoteId, etag: result.etag, remoteText: pushed, syncedText: written.text, state: 'synced' });
      log.info('calendar source conflict merged', { userId: host.userId, sourceId: source.id });
      return;
    }
    const copy = await calendar.write(conflictCopyOf(local, `${crypto.randomUUID()}@kindred`, conflictCopyMarker));
    await store.saveLink({ sourceId: source.id, eventId: copy.id, remoteId: null, etag: null, remoteText: null, syncedText: null, state: 'pending_create' });
    await takeRemote(source, remote, link.eventId);
    log.info('calendar source conflict kept both', { userId: host.userId, sourceId: source.id });
  }

  async function applyRemoteChange(source: StoredSource, adapter: CalendarSourceAdapter, remote: RemoteEvent): Promise<void> {
    const link = await store.linkOfRemote(source.id, remote.remoteId);
    if (link?.etag === remote.etag) return;
    try {
      if (link?.state === 'pending_update') await resolveBothChanged(source, adapter, link, remote);
      // Deleted here, changed there: the change wins, and the event comes back.
      else await takeRemote(source, remote, link?.eventId);
    } catch (error) {
      // One event the calendar cannot read must not stop the others: it is left out and logged.
      if (error instanceof AppError && (error.id === 'invalid_calendar' || error.id === 'invalid_event')) {
        log.warn('calendar source event skipped', { userId: host.userId, sourceId: source.id, errorId: error.id });
        return;
      }
      throw error;
    }
  }

  async function applyRemoteDeletion(link: EventLink): Promise<void> {
    if (link.state === 'pending_update') {
      // Changed here, deleted there: the change wins, and the event is made again remotely.
      await store.saveLink({ ...link, remoteId: null, etag: null, remoteText: null, state: 'pending_create' });
      return;
    }
    await calendar.remove(link.eventId);
    store.removeLink(link.sourceId, link.eventId);
  }

  async function pull(source: StoredSource, adapter: CalendarSourceAdapter): Promise<string | null> {
    const changes = await adapter.pull(source.cursor);
    const listed = new Set<string>();
    for (const remote of changes.changed) {
      listed.add(remote.remoteId);
      await applyRemoteChange(source, adapter, remote);
    }
    for (const remoteId of changes.deleted) {
      const link = await store.linkOfRemote(source.id, remoteId);
      if (link) await applyRemoteDeletion(link);
    }
    if (changes.fullResync) {
      for (const link of await store.linksOf(source.id)) {
        if (link.remoteId && !listed.has(link.remoteId)) await applyRemoteDeletion(link);
      }
    }
    return changes.cursor;
  }

  // --- push --------------------------------------------------------------------------------------

  async function pushCreate(adapter: CalendarSourceAdapter, link: EventLink): Promise<void> {
    const text = await calendar.readText(link.eventId);
    if (!text) return store.removeLink(link.sourceId, link.eventId);
    const created = await adapter.create(uidOfText(text) ?? `${link.eventId}@kindred`, text);
    await store.saveLink({ ...link, remoteId: created.remoteId, etag: created.etag, remoteText: text, syncedText: text, state: 'synced' });
  }

  async function pushUpdate(source: StoredSource, adapter: CalendarSourceAdapter, link: EventLink): Promise<void> {
    const text = await calendar.readText(link.eventId);
    if (!text) return pushDelete(source, adapter, { ...link, state: 'pending_delete' });
    if (!link.remoteId || !link.etag) return pushCreate(adapter, link);
    // Only what changed here is laid over the remote's own text, so what Kindred does not keep
    // (alarms, attendees, time zone definitions) stays on the remote.
    const pushed = link.remoteText && link.syncedText ? withFieldsFrom(link.remoteText, text, changedFields(link.syncedText, text)) : text;
    const result = await adapter.update(link.remoteId, pushed, link.etag);
    if (!('conflict' in result)) {
      await store.saveLink({ ...link, remoteId: result.remoteId, etag: result.etag, remoteText: pushed, syncedText: text, state: 'synced' });
      return;
    }
    if ('deleted' in result.conflict) return pushCreate(adapter, { ...link, remoteId: null, etag: null });
    await resolveBothChanged(source, adapter, link, result.conflict);
  }

  async function pushDelete(source: StoredSource, adapter: CalendarSourceAdapter, link: EventLink): Promise<void> {
    if (!link.remoteId || !link.etag) return store.removeLink(link.sourceId, link.eventId);
    const result = await adapter.delete(link.remoteId, link.etag);
    if ('conflict' in result && !('deleted' in result.conflict)) {
      // Changed there since: the change wins over the deletion, and the event comes back here.
      await takeRemote(source, result.conflict, link.eventId);
      return;
    }
    store.removeLink(link.sourceId, link.eventId);
  }

  /** Pushes every pending change; a conflict resolved on the way may leave a copy to create, which a second pass sends. */
  async function push(source: StoredSource, adapter: CalendarSourceAdapter): Promise<void> {
    for (let pass = 0; pass < 3; pass += 1) {
      const pending = await store.linksOf(source.id, ['pending_create', 'pending_update', 'pending_delete']);
      if (pending.length === 0) return;
      for (const link of pending) {
        if (link.state === 'pending_create') await pushCreate(adapter, link);
        else if (link.state === 'pending_update') await pushUpdate(source, adapter, link);
        else await pushDelete(source, adapter, link);
      }
    }
  }

  // --- sync --------------------------------------------------------------------------------------

  /** Pulls, then pushes. A source failure is recorded on the source (its status and error id) and thrown. */
  async function syncNow(sourceId: string): Promise<void> {
    await syncs.run(sourceId, async () => {
      const source = await store.get(sourceId);
      if (!source) return;
      try {
        const adapter = adapterFor(source);
        const cursor = await pull(source, adapter);
        await push(source, adapter);
        await store.markSynced(source.id, cursor, host.now());
      } catch (error) {
        if (error instanceof AppError && (sourceErrorIds.has(error.id) || error.id === 'feature_not_configured')) {
          store.markFailed(source.id, error.id);
          log.warn('calendar source sync failed', { userId: host.userId, sourceId: source.id, errorId: error.id });
        }
        throw error;
      }
    });
  }

  /** A scheduled sync: a failure is already recorded on the source, and is not retried before the next one. */
  async function syncInBackground(sourceId: string): Promise<void> {
    try {
      await syncNow(sourceId);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
    }
  }

  async function onLocalChange(change: LocalEventChange): Promise<void> {
    const link = await store.linkOfEvent(change.eventId);
    let sourceId = link?.sourceId;
    if (!link) {
      sourceId = change.kind === 'created' ? store.defaultSourceId() : undefined;
      if (!sourceId) return;
      await store.saveLink({ sourceId, eventId: change.eventId, remoteId: null, etag: null, remoteText: null, syncedText: null, state: 'pending_create' });
    } else if (change.kind === 'deleted' && link.state === 'pending_create') {
      store.removeLink(link.sourceId, link.eventId);
      return;
    } else {
      store.setState(change.eventId, change.kind === 'deleted' ? 'pending_delete' : 'pending_update');
    }
    if (sourceId) await scheduler.schedule(syncAfterChangeSeconds, 'syncAfterChange', { sourceId }, { idempotent: true });
  }
  calendar.onLocalChange(onLocalChange);

  async function present(sourceId: string): Promise<CalendarSource> {
    const source = await store.get(sourceId);
    if (!source) throw notFound('calendar source');
    return presentSource(source);
  }

  /**
   * Stores a source whose remote was found, syncs it once and arms its periodic sync; when that first
   * sync fails, nothing is kept. The Google completion (`POST /calendar/sources/google/complete`)
   * calls this with a `GoogleSourceSettings` holding the tokens it obtained.
   */
  async function connectSource(kind: SourceSettings['kind'], name: string, settings: SourceSettings): Promise<CalendarSource> {
    const now = host.now();
    const id = store.newId(now);
    await store.insert({ id, kind, name, settings, createdAt: now });
    try {
      await syncNow(id);
    } catch (error) {
      await forget(id);
      throw error;
    }
    await scheduler.schedule(periodicSyncSeconds, 'syncPeriodically', { sourceId: id, round: 1 }, { idempotent: true });
    return present(id);
  }

  /** Connects a CalDAV calendar: found from the address given, then stored and synced once. */
  async function connectCalDav(body: Extract<CalendarSourceBody, { kind: 'caldav' }>): Promise<CalendarSource> {
    const found = await discoverCalDavCalendar({ url: body.url, username: body.username, password: body.password });
    return connectSource('caldav', body.name || found.name, {
      kind: 'caldav',
      calendarUrl: found.calendarUrl,
      username: body.username,
      password: body.password,
      supportsSyncCollection: found.supportsSyncCollection,
    });
  }

  async function forget(sourceId: string): Promise<boolean> {
    const eventIds = store.remove(sourceId);
    if (!eventIds) return false;
    for (const eventId of eventIds) await calendar.remove(eventId);
    return true;
  }

  return {
    // The name is the key in `capabilities.ts`: the Worker's RPC client and the scheduler find the capability by it.
    name: 'calendarSources',
    schema: calendarSourcesSchemaSteps,
    connectSource,
    rpc: {
      list: async (): Promise<CalendarSource[]> => (await store.list()).map(presentSource),
      async connect(body: CalendarSourceBody): Promise<CalendarSource> {
        if (body.kind === 'caldav') return connectCalDav(body);
        // Google connects through OAuth: the Worker sends the person to Google, then calls `connectGoogle`.
        throw new AppError('validation_failed', 'Google Calendar connects through POST /calendar/sources/google/complete.');
      },
      /** Keeps the tokens the Worker obtained from Google (sealed), and syncs the primary calendar once. */
      connectGoogle: (credentials: GoogleCredentials): Promise<CalendarSource> =>
        connectSource('google', 'Google Calendar', { kind: 'google', calendarId: 'primary', credentials }),
      /** Forgets the source and the events that came from it; the remote calendar is left as it is. */
      async disconnect(sourceId: string): Promise<null> {
        if (!(await forget(sourceId))) throw notFound('calendar source');
        return null;
      },
      async sync(sourceId: string): Promise<CalendarSource> {
        if (!(await store.get(sourceId))) throw notFound('calendar source');
        await syncNow(sourceId);
        return present(sourceId);
      },
    },
    jobs: {
      syncAfterChange: (payload: { sourceId: string }): Promise<void> => syncInBackground(payload.sourceId),
      /**
       * Each run arms the next. The round number keeps the chain single: a retried run arms the same
       * next round, which the scheduler keeps once, and never matches the run still in progress.
       */
      async syncPeriodically(payload: { sourceId: string; round: number }): Promise<void> {
        if (!(await store.get(payload.sourceId))) return;
        try {
          await syncInBackground(payload.sourceId);
        } finally {
          if (await store.get(payload.sourceId)) {
            await scheduler.schedule(periodicSyncSeconds, 'syncPeriodically', { sourceId: payload.sourceId, round: payload.round + 1 }, { idempotent: true });
          }
        }
      },
    },
    exportData: async () => ({ calendarSources: (await store.list()).map(presentSource) }),
    holdsData: async (): Promise<boolean> => (await store.list()).length > 0,
    /**
     * Never brought back: the export holds no password or token. The events that came from a source are
     * in the calendar section, which the calendar capability imports as the person's own.
     */
    async importData(document: ImportDocument): Promise<ImportPlan> {
      const count = document.calendarSources?.length ?? 0;
      return {
        imported: document.calendarSources && count === 0 ? { calendarSources: 0 } : {},
        notImported:
          count > 0
            ? [{ section: 'calendarSources', count, reason: 'Passwords and sign-ins are never exported: connect each calendar again in Settings.' }]
            : [],
        write: () => {},
      };
    },
  } satisfies Capability;
}

export type CalendarSourcesCapability = ReturnType<typeof createCalendarSourcesCapability>;

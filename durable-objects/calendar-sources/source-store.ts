import type { CalendarSource } from '../../common/calendar-sources.ts';
import { bytesToBase64Url, createId } from '../../server/crypto/encoding.ts';
import type { UserVault } from '../host/user-vault.ts';
import type { CalendarSourceKind } from './source-adapter.ts';

/** What a CalDAV source needs to reach its collection. */
export interface CalDavSourceSettings {
  kind: 'caldav';
  calendarUrl: string;
  username: string;
  password: string;
  supportsSyncCollection: boolean;
}

/** What a Google source needs: its calendar and the OAuth tokens, rewritten whenever they are refreshed. */
export interface GoogleSourceSettings {
  kind: 'google';
  calendarId: string;
  credentials: { accessToken: string; refreshToken: string; expiresAt: number };
}

export type SourceSettings = CalDavSourceSettings | GoogleSourceSettings;

export type SourceStatus = CalendarSource['status'];
export type LinkState = 'synced' | 'pending_create' | 'pending_update' | 'pending_delete';

type SourceRow = {
  id: string;
  kind: CalendarSourceKind;
  name_sealed: string;
  settings_sealed: string;
  cursor_sealed: string | null;
  status: SourceStatus;
  error_id: string | null;
  last_synced_at: number | null;
  created_at: number;
};

type LinkRow = {
  source_id: string;
  event_id: string;
  remote_id_sealed: string | null;
  etag: string | null;
  remote_sealed: string | null;
  synced_sealed: string | null;
  state: LinkState;
};

/** A source as the engine uses it, opened. */
export interface StoredSource {
  id: string;
  kind: CalendarSourceKind;
  name: string;
  settings: SourceSettings;
  cursor: string | null;
  status: SourceStatus;
  errorId: string | null;
  lastSyncedAt: number | null;
  createdAt: number;
}

/** How one event is tied to its source, opened: its remote id and ETag, the remote text last seen and the local text last agreed. */
export interface EventLink {
  sourceId: string;
  eventId: string;
  remoteId: string | null;
  etag: string | null;
  remoteText: string | null;
  syncedText: string | null;
  state: LinkState;
}

const domainLabel = 'kindred/calendar-source-remote-id/v1\u0000';

/** Connected calendars and the events they hold, in the user's object. */
export class SourceStore {
  constructor(
    private readonly sql: SqlStorage,
    private readonly vault: UserVault,
  ) {}

  newId(now: number): string {
    return createId('src', now);
  }

  async insert(source: { id: string; kind: CalendarSourceKind; name: string; settings: SourceSettings; createdAt: number }): Promise<void> {
    this.sql.exec(
      `INSERT INTO calendar_sources (id, kind, name_sealed, settings_sealed, status, created_at) VALUES (?, ?, ?, ?, 'connecting', ?)`,
      source.id,
      source.kind,
      await this.vault.seal(source.name, `calendar-source:${source.id}:name`),
      await this.vault.seal(JSON.stringify(source.settings), `calendar-source:${source.id}:settings`),
      source.createdAt,
    );
  }

  /** Rewrites a source's settings: a Google source's refreshed tokens. */
  async updateSettings(id: string, settings: SourceSettings): Promise<void> {
    this.sql.exec(
      'UPDATE calendar_sources SET settings_sealed = ? WHERE id = ?',
      await this.vault.seal(JSON.stringify(settings), `calendar-source:${id}:settings`),
      id,
    );
  }

  async get(id: string): Promise<StoredSource | undefined> {
    const row = this.sql.exec<SourceRow>('SELECT * FROM calendar_sources WHERE id = ?', id).toArray()[0];
    return row ? this.#openSource(row) : undefined;
  }

  async list(): Promise<StoredSource[]> {
    const rows = this.sql.exec<SourceRow>('SELECT * FROM calendar_sources ORDER BY created_at, id').toArray();
    return Promise.all(rows.map((row) => this.#openSource(row)));
  }

  /** The source new events go to: the first one connected that is still there. */
  defaultSourceId(): string | undefined {
    return this.sql.exec<{ id: string }>('SELECT id FROM calendar_sources ORDER BY created_at, id LIMIT 1').toArray()[0]?.id;
  }

  async markSynced(id: string, cursor: string | null, now: number): Promise<void> {
    this.sql.exec(
      `UPDATE calendar_sources SET cursor_sealed = ?, status = 'ok', error_id = NULL, last_synced_at = ? WHERE id = ?`,
      cursor === null ? null : await this.vault.seal(cursor, `calendar-source:${id}:cursor`),
      now,
      id,
    );
  }

  markFailed(id: string, errorId: string): void {
    this.sql.exec(`UPDATE calendar_sources SET status = 'error', error_id = ? WHERE id = ?`, errorId, id);
  }

  /** Forgets the source; answers the local events that came from it, for the calendar to drop. */
  remove(id: string): string[] | undefined {
    const eventIds = this.sql
      .exec<{ event_id: string }>('SELECT event_id FROM calendar_source_events WHERE source_id = ?', id)
      .toArray()
      .map((row) => row.event_id);
    this.sql.exec('DELETE FROM calendar_source_events WHERE source_id = ?', id);
    const removed = this.sql.exec('DELETE FROM calendar_sources WHERE id = ?', id).rowsWritten > 0;
    return removed ? eventIds : undefined;
  }

  // --- links between events and sources ---------------------------------------------------------

  async hashRemoteId(remoteId: string): Promise<string> {
    const key = (await this.vault.keys()).blindIndex;
    const signature = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${domainLabel}${remoteId}`));
    return bytesToBase64Url(new Uint8Array(signature));
  }

  async linkOfEvent(eventId: string): Promise<EventLink | undefined> {
    const row = this.sql.exec<LinkRow>('SELECT * FROM calendar_source_events WHERE event_id = ?', eventId).toArray()[0];
    return row ? this.#openLink(row) : undefined;
  }

  async linkOfRemote(sourceId: string, remoteId: string): Promise<EventLink | undefined> {
    const row = this.sql
      .exec<LinkRow>('SELECT * FROM calendar_source_events WHERE source_id = ? AND remote_id_hash = ?', sourceId, await this.hashRemoteId(remoteId))
      .toArray()[0];
    return row ? this.#openLink(row) : undefined;
  }

  async linksOf(sourceId: string, states?: LinkState[]): Promise<EventLink[]> {
    const rows = this.sql.exec<LinkRow>('SELECT * FROM calendar_source_events WHERE source_id = ? ORDER BY rowid', sourceId).toArray();
    return Promise.all(rows.filter((row) => !states || states.includes(row.state)).map((row) => this.#openLink(row)));
  }

  /** Stores (or replaces) the link of an event. */
  async saveLink(link: EventLink): Promise<void> {
    const context = `calendar-source:${link.sourceId}:${link.eventId}`;
    this.sql.exec(
      `INSERT INTO calendar_source_events (source_id, event_id, remote_id_hash, remote_id_sealed, etag, remote_sealed, synced_sealed, state)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (source_id, event_id) DO UPDATE SET remote_id_hash = excluded.remote_id_hash, remote_id_sealed = excluded.remote_id_sealed,
         etag = excluded.etag, remote_sealed = excluded.remote_sealed, synced_sealed = excluded.synced_sealed, state = excluded.state`,
      link.sourceId,
      link.eventId,
      link.remoteId === null ? null : await this.hashRemoteId(link.remoteId),
      await this.vault.sealOptional(link.remoteId, `${context}:remote-id`),
      link.etag,
      await this.vault.sealOptional(link.remoteText, `${context}:remote`),
      await this.vault.sealOptional(link.syncedText, `${context}:synced`),
      link.state,
    );
  }

  /** Marks a local change to push; an event not yet created remotely stays a creation. */
  setState(eventId: string, state: LinkState): void {
    this.sql.exec(
      `UPDATE calendar_source_events SET state = CASE WHEN state = 'pending_create' AND ? = 'pending_update' THEN 'pending_create' ELSE ? END WHERE event_id = ?`,
      state,
      state,
      eventId,
    );
  }

  removeLink(sourceId: string, eventId: string): void {
    this.sql.exec('DELETE FROM calendar_source_events WHERE source_id = ? AND event_id = ?', sourceId, eventId);
  }

  async #openSource(row: SourceRow): Promise<StoredSource> {
    return {
      id: row.id,
      kind: row.kind,
      name: await this.vault.open(row.name_sealed, `calendar-source:${row.id}:name`),
      settings: JSON.parse(await this.vault.open(row.settings_sealed, `calendar-source:${row.id}:settings`)) as SourceSettings,
      cursor: await this.vault.openOptional(row.cursor_sealed, `calendar-source:${row.id}:cursor`),
      status: row.status,
      errorId: row.error_id,
      lastSyncedAt: row.last_synced_at,
      createdAt: row.created_at,
    };
  }

  async #openLink(row: LinkRow): Promise<EventLink> {
    const context = `calendar-source:${row.source_id}:${row.event_id}`;
    return {
      sourceId: row.source_id,
      eventId: row.event_id,
      remoteId: await this.vault.openOptional(row.remote_id_sealed, `${context}:remote-id`),
      etag: row.etag,
      remoteText: await this.vault.openOptional(row.remote_sealed, `${context}:remote`),
      syncedText: await this.vault.openOptional(row.synced_sealed, `${context}:synced`),
      state: row.state,
    };
  }
}

/** A source as the API shows it: never its settings. */
export function presentSource(source: StoredSource): CalendarSource {
  return {
    id: source.id,
    kind: source.kind,
    name: source.name,
    status: source.status,
    ...(source.errorId ? { errorId: source.errorId } : {}),
    ...(source.lastSyncedAt === null ? {} : { lastSyncedAt: new Date(source.lastSyncedAt).toISOString() }),
    createdAt: new Date(source.createdAt).toISOString(),
  };
}

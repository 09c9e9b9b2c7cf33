/**
 * A calendar kept somewhere else (a CalDAV collection, a Google calendar) that Kindred syncs both
 * ways. The sync engine (`calendar-sources-capability.ts`) speaks only this interface; each kind of
 * source is an adapter made by a `createX(settings)` factory, tested against a real server (Radicale)
 * or a fake that follows the provider's documented API.
 *
 * Events cross this interface as iCalendar text (one VCALENDAR holding one event and its overridden
 * instances), the same form the calendar capability stores: an adapter whose service speaks JSON
 * (Google) converts at its edge.
 */
export interface CalendarSourceAdapter {
  readonly kind: CalendarSourceKind;
  /**
   * What changed remotely since `cursor` (null: everything). `fullResync` says the answer is the
   * whole calendar, so events the engine holds from this source and not listed were deleted remotely
   * (Google's 410 on an expired sync token; a CalDAV server without sync-collection).
   */
  pull(cursor: string | null): Promise<SourceChanges>;
  /** Creates the event remotely; `uid` is the iCalendar UID, which the remote keeps. */
  create(uid: string, ics: string): Promise<RemoteVersion>;
  /** Changes the event if its remote version is still `etag`; otherwise answers the remote's current version, to merge. */
  update(remoteId: string, ics: string, etag: string): Promise<RemoteVersion | RemoteConflict>;
  /** Deletes the event if its remote version is still `etag`; a missing event counts as deleted. */
  delete(remoteId: string, etag: string): Promise<{ deleted: true } | RemoteConflict>;
}

export type CalendarSourceKind = 'caldav' | 'google';

/** Where the event lives remotely, and the version it has there. */
export interface RemoteVersion {
  remoteId: string;
  etag: string;
}

export interface RemoteEvent extends RemoteVersion {
  ics: string;
}

export interface RemoteConflict {
  conflict: RemoteEvent | { deleted: true };
}

export interface SourceChanges {
  changed: RemoteEvent[];
  /** Remote ids deleted since the cursor. */
  deleted: string[];
  /** What to pass next time; null when the source has no incremental sync. */
  cursor: string | null;
  fullResync: boolean;
}

/**
 * Expected failures of a source, as stable error ids the routes and the sync job report:
 * `source_unreachable` (network, 5xx, garbage), `source_auth_failed` (401/403, a refresh token
 * revoked), `source_invalid` (not a calendar, a malformed answer).
 */
export type SourceErrorId = 'source_unreachable' | 'source_auth_failed' | 'source_invalid';

import type { SchemaStep } from '../host/schema/schema-step.ts';

/** The calendar sources capability's schema steps. Never edit a landed step; add one. */
export const calendarSourcesSchemaSteps: readonly SchemaStep[] = [
  {
    version: 9,
    description: 'calendar sources: connected calendars (settings and credentials sealed) and which event came from which',
    // A source's name, settings (server URL, username, password; or Google's tokens) and sync cursor are
    // sealed together in one JSON text, so refreshed OAuth tokens are a rewrite of that one column.
    // An event's remote id (a URL holding the account name) is sealed, and found by its keyed hash; the
    // remote text last seen and the local text last agreed are sealed, kept so a later change can be
    // merged field by field against what both sides last agreed on.
    statements: [
      `CREATE TABLE IF NOT EXISTS calendar_sources (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('caldav', 'google')),
    name_sealed TEXT NOT NULL,
    settings_sealed TEXT NOT NULL,
    cursor_sealed TEXT,
    status TEXT NOT NULL CHECK (status IN ('connecting', 'ok', 'error')),
    error_id TEXT,
    last_synced_at INTEGER,
    created_at INTEGER NOT NULL
  )`,
      `CREATE TABLE IF NOT EXISTS calendar_source_events (
    source_id TEXT NOT NULL REFERENCES calendar_sources (id) ON DELETE CASCADE,
    event_id TEXT NOT NULL,
    remote_id_hash TEXT,
    remote_id_sealed TEXT,
    etag TEXT,
    remote_sealed TEXT,
    synced_sealed TEXT,
    state TEXT NOT NULL CHECK (state IN ('synced', 'pending_create', 'pending_update', 'pending_delete')),
    PRIMARY KEY (source_id, event_id)
  )`,
      'CREATE UNIQUE INDEX IF NOT EXISTS calendar_source_events_remote ON calendar_source_events (source_id, remote_id_hash)',
      'CREATE INDEX IF NOT EXISTS calendar_source_events_event ON calendar_source_events (event_id)',
    ],
  },
];

import type { SchemaStep } from '../host/schema/schema-step.ts';

/** The calendar capability's schema steps. Never edit a landed step; add one. */
export const calendarSchemaSteps: readonly SchemaStep[] = [
  {
    version: 4,
    description: 'calendar events: the sealed iCalendar text and the plain range each event spans',
    // Only what a range query needs is plain: when the event first starts and last ends (NULL for a
    // rule without end). Title, place, notes, zone and the rule itself are inside the sealed text.
    // The iCalendar UID is kept as a keyed hash, so importing a file again updates its events
    // instead of doubling them, without the UID (often an email address) in the clear.
    statements: [
      `CREATE TABLE IF NOT EXISTS calendar_events (
    id TEXT PRIMARY KEY,
    uid_hash TEXT NOT NULL UNIQUE,
    calendar_sealed TEXT NOT NULL,
    first_start INTEGER NOT NULL,
    last_end INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  )`,
      'CREATE INDEX IF NOT EXISTS calendar_events_span ON calendar_events (first_start, last_end)',
    ],
  },
];

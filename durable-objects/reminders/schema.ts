import type { SchemaStep } from '../host/schema/schema-step.ts';

/**
 * The reminders capability's schema steps. Never edit a landed step; add one.
 *
 * Numbered 4 on this branch because the migrator refuses gaps; the calendar capability, built at the
 * same time, also claims 4, so whichever merges second renumbers its step (and its digest) to 5.
 */
export const remindersSchemaSteps: readonly SchemaStep[] = [
  {
    version: 5,
    description: 'reminders: sealed text, due time, delivery status and the schedule that fires each',
    statements: [
      `CREATE TABLE IF NOT EXISTS reminders (
        id TEXT PRIMARY KEY,
        text_sealed TEXT NOT NULL,
        due_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('scheduled', 'delivered', 'done', 'cancelled')),
        delivered_at INTEGER,
        schedule_id TEXT
      )`,
      'CREATE INDEX IF NOT EXISTS reminders_by_status_due ON reminders (status, due_at)',
    ],
  },
  {
    version: 12,
    description: 'reminders: when the frame of a delivered reminder reached an open client, so one that reached none is sent on the next connection',
    statements: ['ALTER TABLE reminders ADD COLUMN notified_at INTEGER'],
  },
];

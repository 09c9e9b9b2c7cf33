import type { SchemaStep } from '../host/schema/schema-step.ts';

/**
 * The weekly reflection's schema step. No personal text is kept here: the reflection itself is a
 * message in the conversation (sealed there) and an entry in the outreach log.
 */
export const reflectionSchemaSteps: readonly SchemaStep[] = [
  {
    version: 19,
    description: 'reflection: its settings and planned job, and the weeks already reflected on',
    statements: [
      `CREATE TABLE IF NOT EXISTS reflection_settings (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
        weekday TEXT NOT NULL,
        time TEXT NOT NULL,
        schedule_id TEXT,
        updated_at INTEGER NOT NULL
      )`,
      // One row per reflection day (the person's local date): a job that runs twice finds it and does nothing.
      `CREATE TABLE IF NOT EXISTS reflection_weeks (
        reflection_date TEXT PRIMARY KEY,
        outcome TEXT NOT NULL CHECK (outcome IN ('handed-to-outreach', 'not-written', 'quiet-week')),
        ran_at INTEGER NOT NULL
      )`,
    ],
  },
];

import type { SchemaStep } from '../host/schema/schema-step.ts';

/**
 * The weekly reflection's schema step. Numbered 20, after goals (18) and moods (19), built beside it;
 * the migrator refuses gaps and repeats. No personal text is kept here: the reflection itself is a message in the
 * conversation (sealed there) and an entry in the outreach log.
 *
 * It also gives messages a `proactive_kind` column: the `proactive` column's CHECK (step 6) predates
 * the goal check-in and the reflection, and rebuilding `messages` would rewrite every conversation.
 * The conversations store keeps those kinds as `check-in` in the old column and their own name here.
 */
export const reflectionSchemaSteps: readonly SchemaStep[] = [
  {
    version: 20,
    description: 'reflection: its settings and planned job, the weeks already reflected on, and the finer kind of a proactive message',
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
      'ALTER TABLE messages ADD COLUMN proactive_kind TEXT',
    ],
  },
];

import type { SchemaStep } from '../host/schema/schema-step.ts';

/**
 * The care capability's schema step. Numbered 17 on this branch (the last landed step is 16); renumbered
 * at merge. It also gives messages a sealed `care` column: the stored reply to a flagged message
 * carries its resources, and the conversations store writes and reads that column.
 */
export const careSchemaSteps: readonly SchemaStep[] = [
  {
    version: 17,
    description: 'care: the person’s country for crisis resources, the record of flagged conversations for the follow-up, and the care a reply carries',
    statements: [
      `CREATE TABLE IF NOT EXISTS care_settings (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        country TEXT,
        updated_at INTEGER NOT NULL
      )`,
      `CREATE TABLE IF NOT EXISTS care_flags (
        id TEXT PRIMARY KEY,
        conversation_id TEXT NOT NULL,
        category_sealed TEXT NOT NULL,
        channel TEXT NOT NULL,
        flagged_at INTEGER NOT NULL,
        follow_up_at INTEGER,
        followed_up_at INTEGER
      )`,
      'CREATE INDEX IF NOT EXISTS care_flags_by_time ON care_flags (flagged_at)',
      'ALTER TABLE messages ADD COLUMN care_sealed TEXT',
    ],
  },
];

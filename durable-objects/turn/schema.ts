import type { SchemaStep } from '../host/schema/schema-step.ts';

/** The turn capability's schema steps. Never edit a landed step; add one. */
export const turnSchemaSteps: readonly SchemaStep[] = [
  {
    version: 22,
    // Only ids and times: the reply's words are in `messages`, sealed, once the turn ends.
    description: 'turns in flight: a reply being written, so one cut off by a restart is stored as failed when the object starts again',
    statements: [
      `CREATE TABLE IF NOT EXISTS turns_in_flight (
        assistant_message_id TEXT PRIMARY KEY,
        conversation_id TEXT NOT NULL,
        channel TEXT NOT NULL,
        started_at INTEGER NOT NULL
      )`,
    ],
  },
];

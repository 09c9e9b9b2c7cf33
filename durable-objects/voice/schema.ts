import type { SchemaStep } from '../host/schema/schema-step.ts';

/** The voice capability's schema steps. Never edit a landed step; add one. */
export const voiceSchemaSteps: readonly SchemaStep[] = [
  {
    version: 13,
    description: 'voice: whether spoken audio is kept (off by default), and the utterances kept while it was on (sealed in R2)',
    statements: [
      `CREATE TABLE IF NOT EXISTS voice_settings (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        keep_audio INTEGER NOT NULL DEFAULT 0,
        updated_at INTEGER NOT NULL
      )`,
      `CREATE TABLE IF NOT EXISTS voice_recordings (
        id TEXT PRIMARY KEY,
        message_id TEXT,
        object_key TEXT NOT NULL,
        duration_ms INTEGER NOT NULL,
        created_at INTEGER NOT NULL
      )`,
    ],
  },
];

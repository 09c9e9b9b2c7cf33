import type { SchemaStep } from '../host/schema/schema-step.ts';

/**
 * The moods capability's schema steps. Never edit a landed step; add one.
 *
 * Numbered 19: built beside goals, which took 18 when both were merged, and the migrator refuses
 * gaps and repeats (its digest in migrate.test.ts moved with it).
 */
export const moodsSchemaSteps: readonly SchemaStep[] = [
  {
    version: 19,
    description: 'mood check-ins: score and note sealed; the instant, the local day (for ranges) and the source plain',
    statements: [
      `CREATE TABLE IF NOT EXISTS mood_entries (
        id TEXT PRIMARY KEY,
        at INTEGER NOT NULL,
        local_date TEXT NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('app', 'conversation')),
        score_sealed TEXT NOT NULL,
        note_sealed TEXT
      )`,
      'CREATE INDEX IF NOT EXISTS mood_entries_by_local_date ON mood_entries (local_date, at)',
      'CREATE INDEX IF NOT EXISTS mood_entries_by_at ON mood_entries (at)',
    ],
  },
];

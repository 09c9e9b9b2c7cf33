import type { SchemaStep } from '../host/schema/schema-step.ts';

/** The confirmations capability's schema steps. Never edit a landed step; add one. */
export const confirmationsSchemaSteps: readonly SchemaStep[] = [
  {
    version: 10,
    description: 'confirmations: actions the companion proposed, waiting for the person to accept or decline them',
    // The action's payload and what the card shows are sealed: both carry the person's event titles,
    // places and times. Plain are only what the check-and-set and the listing need.
    statements: [
      `CREATE TABLE IF NOT EXISTS confirmations (
        id TEXT PRIMARY KEY,
        action TEXT NOT NULL,
        payload_sealed TEXT NOT NULL,
        summary_sealed TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'declined', 'expired', 'failed')),
        conversation_id TEXT NOT NULL,
        message_id TEXT,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        answered_at INTEGER,
        schedule_id TEXT
      )`,
      'CREATE INDEX IF NOT EXISTS confirmations_by_status ON confirmations (status, created_at)',
    ],
  },
];

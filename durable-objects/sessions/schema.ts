import type { SchemaStep } from '../host/schema/schema-step.ts';

/**
 * The sessions capability's schema steps. Never edit a landed step; add one.
 *
 * Step 24.
 */
export const sessionsSchemaSteps: readonly SchemaStep[] = [
  {
    version: 24,
    description:
      'sessions: the user’s live sessions (hash of each secret, never a token; the device label sealed), their single-use realtime tickets, and the account identity the Worker shows',
    statements: [
      `CREATE TABLE IF NOT EXISTS sessions (
        id TEXT PRIMARY KEY,
        secret_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        label_sealed TEXT
      )`,
      'CREATE INDEX IF NOT EXISTS sessions_by_expiry ON sessions (expires_at)',
      `CREATE TABLE IF NOT EXISTS session_tickets (
        id TEXT PRIMARY KEY,
        secret_hash TEXT NOT NULL,
        session_id TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      )`,
      'CREATE INDEX IF NOT EXISTS session_tickets_by_expiry ON session_tickets (expires_at)',
      `CREATE TABLE IF NOT EXISTS session_account (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        email_sealed TEXT NOT NULL,
        created_at INTEGER NOT NULL
      )`,
    ],
  },
];

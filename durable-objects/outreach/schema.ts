import type { SchemaStep } from '../host/schema/schema-step.ts';

/** The outreach capability's schema steps. Never edit a landed step; add one. */
export const outreachSchemaSteps: readonly SchemaStep[] = [
  {
    version: 7,
    description: 'outreach: settings, the log of every proactive message with its delivery attempts, and what each channel delivered',
    statements: [
      `CREATE TABLE IF NOT EXISTS outreach_settings (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        settings TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      )`,
      // source_key names what the message is about (a reminder, a day's check-in, an event's
      // start, a memory): unique, so a job that runs twice finds its entry instead of sending again.
      `CREATE TABLE IF NOT EXISTS outreach_log (
        id TEXT PRIMARY KEY,
        source_key TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL CHECK (kind IN ('reminder', 'event-soon', 'check-in', 'follow-up')),
        reason_sealed TEXT NOT NULL,
        text_sealed TEXT,
        message_id TEXT,
        conversation_id TEXT,
        local_date TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('planned', 'sending', 'sent', 'failed', 'skipped')),
        status_detail TEXT
      )`,
      'CREATE INDEX IF NOT EXISTS outreach_log_by_time ON outreach_log (created_at DESC, id DESC)',
      'CREATE INDEX IF NOT EXISTS outreach_log_by_day ON outreach_log (local_date, kind, status)',
      `CREATE TABLE IF NOT EXISTS outreach_attempts (
        sequence INTEGER PRIMARY KEY AUTOINCREMENT,
        log_id TEXT NOT NULL REFERENCES outreach_log (id) ON DELETE CASCADE,
        channel TEXT NOT NULL,
        at INTEGER NOT NULL,
        outcome TEXT NOT NULL,
        detail TEXT,
        provider_id TEXT
      )`,
      'CREATE INDEX IF NOT EXISTS outreach_attempts_by_log ON outreach_attempts (log_id, sequence)',
      `CREATE TABLE IF NOT EXISTS channel_deliveries (
        channel TEXT NOT NULL,
        message_id TEXT NOT NULL,
        delivered_at INTEGER NOT NULL,
        PRIMARY KEY (channel, message_id)
      )`,
    ],
  },
];

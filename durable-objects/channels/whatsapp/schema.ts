import type { SchemaStep } from '../../host/schema/schema-step.ts';

/**
 * The WhatsApp channel's schema steps. Never edit a landed step; add one. Step 9 in the issue's
 * order (outreach, push and calendars take the steps between).
 */
export const whatsAppSchemaSteps: readonly SchemaStep[] = [
  {
    version: 11,
    description: 'whatsapp: the link (number sealed, pending code), inbound message ids seen, sent messages and their statuses',
    statements: [
      `CREATE TABLE IF NOT EXISTS whatsapp_link (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        status TEXT NOT NULL CHECK (status IN ('pending', 'linked')),
        phone_number_sealed TEXT NOT NULL,
        code_digest TEXT,
        code_expires_at INTEGER,
        attempts_left INTEGER NOT NULL DEFAULT 0,
        last_inbound_at INTEGER,
        updated_at INTEGER NOT NULL
      )`,
      `CREATE TABLE IF NOT EXISTS whatsapp_inbound (
        message_id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('text', 'audio', 'other')),
        text_sealed TEXT,
        media_id TEXT,
        received_at INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('received', 'answering', 'answered'))
      )`,
      `CREATE TABLE IF NOT EXISTS whatsapp_outbound (
        message_id TEXT PRIMARY KEY,
        wamid TEXT UNIQUE,
        form TEXT CHECK (form IN ('text', 'template')),
        status TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'delivered', 'read', 'failed')),
        detail TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      )`,
      `CREATE TABLE IF NOT EXISTS whatsapp_outbound_statuses (
        message_id TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('sent', 'delivered', 'read', 'failed')),
        at INTEGER NOT NULL,
        detail TEXT,
        PRIMARY KEY (message_id, status)
      )`,
    ],
  },
];

import type { SchemaStep } from './schema-step.ts';

/** Frozen. The user's key, profile, companion choice, conversations and messages, tool switches. */
export const initialStep: SchemaStep = {
  version: 1,
  description: 'keys, profile, companion, conversations, messages, summaries, tool switches',
  statements: [
    `CREATE TABLE IF NOT EXISTS user_keys (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      wrapped_key TEXT NOT NULL,
      created_at INTEGER NOT NULL
    )`,
    `CREATE TABLE IF NOT EXISTS profile (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      display_name_sealed TEXT,
      timezone TEXT NOT NULL,
      updated_at INTEGER NOT NULL
    )`,
    `CREATE TABLE IF NOT EXISTS companion (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      name_sealed TEXT NOT NULL,
      persona_id TEXT NOT NULL,
      voice_id TEXT NOT NULL,
      avatar_id TEXT NOT NULL,
      updated_at INTEGER NOT NULL
    )`,
    `CREATE TABLE IF NOT EXISTS conversations (
      id TEXT PRIMARY KEY,
      title_sealed TEXT,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    )`,
    `CREATE INDEX IF NOT EXISTS conversations_updated ON conversations (updated_at DESC)`,
    `CREATE TABLE IF NOT EXISTS messages (
      sequence INTEGER PRIMARY KEY AUTOINCREMENT,
      id TEXT NOT NULL UNIQUE,
      conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
      role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
      text_sealed TEXT NOT NULL,
      tools_sealed TEXT,
      speaker_sealed TEXT,
      external_id TEXT,
      memory_ids TEXT NOT NULL DEFAULT '[]',
      status TEXT NOT NULL CHECK (status IN ('complete', 'failed')),
      error_id TEXT,
      created_at INTEGER NOT NULL
    )`,
    `CREATE INDEX IF NOT EXISTS messages_conversation ON messages (conversation_id, sequence)`,
    `CREATE TABLE IF NOT EXISTS conversation_summaries (
      conversation_id TEXT PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
      through_sequence INTEGER NOT NULL,
      summary_sealed TEXT NOT NULL,
      updated_at INTEGER NOT NULL
    )`,
    `CREATE TABLE IF NOT EXISTS tool_settings (
      tool_id TEXT PRIMARY KEY,
      enabled INTEGER NOT NULL
    )`,
  ],
};

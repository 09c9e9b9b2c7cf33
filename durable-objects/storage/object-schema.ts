import { localVectorSchema } from '../../server/providers/vector-index/local-vector-index.ts';
import { fileChunkSchema } from '../companion/file-chunks.ts';
import { fileSchema } from '../files/file-store.ts';
import { memorySchema } from '../memory/memory-store.ts';
import { retrievalSchema } from '../retrieval/retrieval-index.ts';

/**
 * The companion object's own SQLite schema, versioned by a row in `kindred_schema`. Each step is
 * repeat-safe DDL run synchronously before the object handles anything. Table names never start
 * with `cf_`, which the Agents SDK keeps for itself.
 */
const migrations: string[][] = [
  [
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
  // Long-term memory: memories, the blind index, local vectors, files and their chunks.
  [...memorySchema, ...retrievalSchema, ...localVectorSchema, ...fileSchema, ...fileChunkSchema],
];

export function migrateObjectSchema(sql: SqlStorage): void {
  sql.exec('CREATE TABLE IF NOT EXISTS kindred_schema (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)');
  const row = sql.exec<{ version: number }>('SELECT version FROM kindred_schema WHERE id = 1').toArray()[0];
  let version = row?.version ?? 0;
  while (version < migrations.length) {
    for (const statement of migrations[version] ?? []) sql.exec(statement);
    version++;
    sql.exec('INSERT INTO kindred_schema (id, version) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version', version);
  }
}

export const objectSchemaVersion = migrations.length;

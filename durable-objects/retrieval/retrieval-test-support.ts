/**
 * Test helpers for retrieval: a real object SQLite with the retrieval schema, the user's real keys from
 * the `UserVault`, and a dump of every table (FTS5's shadow tables included) for privacy assertions.
 */
import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { UserVault } from '../host/user-vault.ts';
import { type BlindIndex, createBlindIndex } from './blind-index.ts';
import { RetrievalIndex } from './retrieval-index.ts';

const testEnv = env as unknown as { COMPANION: DurableObjectNamespace; MASTER_KEY: string };

/** What a retrieval test gets inside its user's object. */
export interface RetrievalTestContext {
  userId: string;
  sql: SqlStorage;
  blindIndex: BlindIndex;
  index: RetrievalIndex;
}

/** A user id unique to one test: storage carries over between the tests of a file. */
export function uniqueUserId(label: string): string {
  return `user_${label}_${crypto.randomUUID().slice(0, 8)}`;
}

/** Runs `use` inside `userId`'s object, whose constructor migrated its schema (retrieval and local vector tables included). */
export function withRetrieval<Result>(userId: string, use: (context: RetrievalTestContext) => Promise<Result>): Promise<Result> {
  return runInDurableObject(testEnv.COMPANION.getByName(userId), async (_instance, state) => {
    const sql = state.storage.sql;
    const vault = new UserVault(sql, userId, () => ({ current: testEnv.MASTER_KEY }));
    const blindIndex = createBlindIndex({ key: async () => (await vault.keys()).blindIndex });
    return use({ userId, sql, blindIndex, index: new RetrievalIndex(sql, blindIndex) });
  });
}

/**
 * Every table of the object, shadow and internal tables included, as one lower-cased string: text as is,
 * BLOBs decoded byte for byte (latin1), so a word stored in any form shows up.
 */
export function dumpAllTables(sql: SqlStorage): string {
  const tables = sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '_cf_%'").toArray();
  const bytesAsText = new TextDecoder('latin1');
  const parts = [JSON.stringify(sql.exec('SELECT * FROM sqlite_master').toArray())];
  for (const { name } of tables) {
    for (const row of sql.exec(`SELECT * FROM "${name}"`)) {
      for (const value of Object.values(row)) {
        parts.push(value instanceof ArrayBuffer ? bytesAsText.decode(value) : String(value));
      }
    }
  }
  return parts.join('\n').toLowerCase();
}

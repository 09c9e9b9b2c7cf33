import { drizzle } from 'drizzle-orm/d1';
import * as schema from './schema.ts';

type DatabaseWrapper = (db: D1Database) => D1Database;

let wrappedForTests: DatabaseWrapper | undefined;

/**
 * The test seam for D1 faults (faults/d1-faults.test.ts). D1 in the test runtime never fails on its
 * own, and the binding cannot be swapped per test. Tests run the Worker in the same isolate as the
 * test file (Cloudflare's vitest pool), so a test puts a wrapper here that makes chosen statements
 * throw; nothing outside `*.test.ts` calls this, and `undefined` puts the real database back.
 */
export function wrapDatabaseForTests(wrap: DatabaseWrapper | undefined): void {
  wrappedForTests = wrap;
}

/** The D1 database through drizzle, typed by the schema. */
export const database = (db: D1Database) => drizzle(wrappedForTests ? wrappedForTests(db) : db, { schema });

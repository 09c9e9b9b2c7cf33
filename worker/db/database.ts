import { drizzle } from 'drizzle-orm/d1';
import * as schema from './schema.ts';

/** The D1 database through drizzle, typed by the schema. */
export const database = (db: D1Database) => drizzle(db, { schema });

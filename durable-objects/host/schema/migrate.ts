import { initialStep } from './0001-initial.ts';
import { longTermMemoryStep } from './0002-long-term-memory.ts';
import type { SchemaStep } from './schema-step.ts';

export type { SchemaStep };

/**
 * The steps that predate capability folders, frozen here. Later steps live in the folder of the
 * capability that owns their tables and reach the migrator through the capability's `schema`.
 */
export const hostSchemaSteps: readonly SchemaStep[] = [initialStep, longTermMemoryStep];

/** Orders the steps and refuses a sequence with a gap or a repeat: two folders claiming one number is a merge mistake. */
export function orderSchemaSteps(steps: readonly SchemaStep[]): SchemaStep[] {
  const ordered = [...steps].sort((left, right) => left.version - right.version);
  ordered.forEach((step, position) => {
    if (step.version !== position + 1) {
      throw new Error(`Schema steps must be numbered 1, 2, 3, … without gaps or repeats; found ${step.version} at position ${position + 1}.`);
    }
  });
  return ordered;
}

/**
 * Brings the object's SQLite to the newest version, synchronously, before the object handles
 * anything: a schema-version row, then each missing step with its version bump. Table names never
 * start with `cf_`, which the Agents SDK keeps for itself. Returns the version reached.
 */
export function migrateObjectSchema(sql: SqlStorage, steps: readonly SchemaStep[], upTo = Number.POSITIVE_INFINITY): number {
  sql.exec('CREATE TABLE IF NOT EXISTS kindred_schema (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)');
  let version = sql.exec<{ version: number }>('SELECT version FROM kindred_schema WHERE id = 1').toArray()[0]?.version ?? 0;
  for (const step of orderSchemaSteps(steps)) {
    if (step.version <= version || step.version > upTo) continue;
    for (const statement of step.statements) sql.exec(statement);
    version = step.version;
    sql.exec('INSERT INTO kindred_schema (id, version) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version', version);
  }
  return version;
}

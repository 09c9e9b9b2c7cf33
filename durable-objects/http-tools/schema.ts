import type { SchemaStep } from '../host/schema/schema-step.ts';

/**
 * The HTTP tools capability's schema steps. Never edit a landed step; add one.
 *
 * Numbered 14 on this branch because the migrator refuses gaps; it becomes 16 when merged after the
 * other tools work of issue 11.
 */
export const httpToolsSchemaSteps: readonly SchemaStep[] = [
  {
    version: 16,
    description: 'http tools: each tool a person describes, its whole definition (request template, header values) sealed',
    statements: [
      `CREATE TABLE IF NOT EXISTS http_tools (
        id TEXT PRIMARY KEY,
        definition_sealed TEXT NOT NULL,
        created_at INTEGER NOT NULL
      )`,
    ],
  },
];

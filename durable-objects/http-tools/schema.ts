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
  {
    version: 23,
    description:
      'http tools: whether a tool still lacks its header values (it came back from an export, which names headers but never holds their values), so it is not offered until they are given',
    statements: ['ALTER TABLE http_tools ADD COLUMN header_values_missing INTEGER NOT NULL DEFAULT 0'],
  },
];

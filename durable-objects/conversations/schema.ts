import type { SchemaStep } from '../host/schema/schema-step.ts';

/** The conversations capability's own schema steps (its first tables are in the host's frozen steps). Never edit a landed step; add one. */
export const conversationsSchemaSteps: readonly SchemaStep[] = [
  {
    version: 6,
    description: 'messages: why the companion wrote one unasked (reminder, event-soon, check-in, follow-up)',
    statements: ["ALTER TABLE messages ADD COLUMN proactive TEXT CHECK (proactive IN ('reminder', 'event-soon', 'check-in', 'follow-up'))"],
  },
];

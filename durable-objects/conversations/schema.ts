import type { SchemaStep } from '../host/schema/schema-step.ts';

/** The conversations capability's own schema steps (its first tables are in the host's frozen steps). Never edit a landed step; add one. */
export const conversationsSchemaSteps: readonly SchemaStep[] = [
  {
    version: 6,
    description: 'messages: why the companion wrote one unasked (reminder, event-soon, check-in, follow-up)',
    statements: ["ALTER TABLE messages ADD COLUMN proactive TEXT CHECK (proactive IN ('reminder', 'event-soon', 'check-in', 'follow-up'))"],
  },
  {
    // The `proactive` column's CHECK (step 6) predates the goal check-in and the weekly reflection, and
    // SQLite cannot widen a CHECK without rebuilding `messages` (every conversation rewritten, and the
    // tables that cascade from it emptied on the drop). The store keeps those kinds as `check-in` in
    // the old column and their own name here, and reads the finer one back.
    version: 18,
    description: 'messages: the finer kind of a proactive message (goal-check-in, reflection) beside the old column',
    statements: ['ALTER TABLE messages ADD COLUMN proactive_kind TEXT'],
  },
];

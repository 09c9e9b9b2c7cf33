import type { SchemaStep } from '../host/schema/schema-step.ts';

/** The approvals capability's schema steps. Never edit a landed step; add one. */
export const approvalsSchemaSteps: readonly SchemaStep[] = [
  {
    version: 14,
    description: "asking before acting: the person's own risk level and approval mode per tool, and the requests to approve a tool call",
    // The tool's settings live beside its on/off switch (the tools capability reads all three at once);
    // NULL risk means the tool's own, NULL approval means `ask`. The model's input and the reason are
    // sealed: both can carry what the person said. Plain are only what the check-and-set and the listing need.
    statements: [
      "ALTER TABLE tool_settings ADD COLUMN risk TEXT CHECK (risk IN ('read', 'change', 'act'))",
      "ALTER TABLE tool_settings ADD COLUMN approval TEXT CHECK (approval IN ('ask', 'always'))",
      `CREATE TABLE IF NOT EXISTS tool_approvals (
        id TEXT PRIMARY KEY,
        tool_id TEXT NOT NULL,
        tool_name TEXT NOT NULL,
        tool_title TEXT NOT NULL,
        risk TEXT NOT NULL CHECK (risk IN ('change', 'act')),
        input_sealed TEXT NOT NULL,
        reason_sealed TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'denied', 'expired')),
        channel TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        message_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        answered_at INTEGER,
        schedule_id TEXT
      )`,
      'CREATE INDEX IF NOT EXISTS tool_approvals_by_status ON tool_approvals (status, created_at)',
    ],
  },
];

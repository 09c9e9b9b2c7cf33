import type { SchemaStep } from '../../host/schema/schema-step.ts';

/** The push channel's schema steps. Never edit a landed step; add one. */
export const pushSchemaSteps: readonly SchemaStep[] = [
  {
    version: 8,
    description: 'push: the sealed subscriptions of each device (Web Push endpoints and keys, native tokens), and what went to which per message',
    statements: [
      // `target_key` is an HMAC of the endpoint or token under the user's blind-index key: the same
      // device registering again finds its row without the endpoint ever being stored in the clear.
      `CREATE TABLE IF NOT EXISTS push_subscriptions (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('web', 'android', 'ios')),
        target_key TEXT NOT NULL UNIQUE,
        target_sealed TEXT NOT NULL,
        device_name_sealed TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      )`,
      // One row per device that accepted a message: a retry of the message sends to none of them again.
      `CREATE TABLE IF NOT EXISTS push_deliveries (
        message_id TEXT NOT NULL,
        subscription_id TEXT NOT NULL,
        sent_at INTEGER NOT NULL,
        PRIMARY KEY (message_id, subscription_id)
      )`,
      'CREATE INDEX IF NOT EXISTS push_deliveries_by_time ON push_deliveries (sent_at)',
    ],
  },
];

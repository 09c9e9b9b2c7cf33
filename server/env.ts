/**
 * The bindings and variables the Worker and the companion object receive. Values are validated by
 * `readConfig`. The object namespace is untyped here so this shared folder never imports the object;
 * `worker/companion-stub.ts` gives it its type.
 */
export interface Env {
  DB: D1Database;
  FILES: R2Bucket;
  /** Encrypted per-user snapshots (durable-objects/backups, docs/backups.md). Absent: no backups are taken. */
  BACKUPS?: R2Bucket;
  COMPANION: DurableObjectNamespace;
  ASSETS?: Fetcher;
  AI?: Ai;
  VECTORIZE?: VectorizeIndex;
  /** Outbound deliveries of proactive messages (ids only), retried, with a dead-letter queue. Absent: the object retries on its own alarms. */
  DELIVERIES?: Queue<DeliveryJob>;
  /** Workers Analytics Engine: operational metrics (server/observability/metrics.ts). Absent: none are written. */
  METRICS?: AnalyticsEngineDataset;
  [variable: string]: unknown;
}

/** A job on the deliveries queue: which person's object, and which outreach entry to deliver. Never any text. */
export interface DeliveryJob {
  userId: string;
  outreachId: string;
}

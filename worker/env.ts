import type { CompanionAgent } from '../durable-objects/companion-agent.ts';

/** The bindings and variables the Worker and the companion object receive. Values are validated by `readConfig`. */
export interface Env {
  DB: D1Database;
  FILES: R2Bucket;
  COMPANION: DurableObjectNamespace<CompanionAgent>;
  ASSETS?: Fetcher;
  AI?: Ai;
  VECTORIZE?: VectorizeIndex;
  [variable: string]: unknown;
}

/**
 * The bindings and variables the Worker and the companion object receive. Values are validated by
 * `readConfig`. The object namespace is untyped here so this shared folder never imports the object;
 * `worker/companion-stub.ts` gives it its type.
 */
export interface Env {
  DB: D1Database;
  FILES: R2Bucket;
  COMPANION: DurableObjectNamespace;
  ASSETS?: Fetcher;
  AI?: Ai;
  VECTORIZE?: VectorizeIndex;
  [variable: string]: unknown;
}

/**
 * Operational metrics through Workers Analytics Engine: request latency, turn latency and time to
 * first token, errors by id, and deliveries by outcome. One event is one data point; its `index` is
 * the event's name and its blobs and doubles sit at fixed positions (`docs/operations.md` lists them
 * with the queries that read them), so a dashboard's SQL never changes when an event gains a field at
 * the end. Nothing personal goes in: no user id, no text, only route patterns, ids of errors and
 * enums. Without the `METRICS` binding (local mode, tests) the points go nowhere.
 */
import type { ErrorId } from '../../common/error-ids.ts';

/** The binding's one method, as Cloudflare documents it (`AnalyticsEngineDataset`). */
export interface MetricsDataset {
  writeDataPoint(point: { indexes?: string[]; blobs?: (string | null)[]; doubles?: number[] }): void;
}

/** What the application records. */
export type MetricEvent =
  | { name: 'request'; method: string; route: string; status: number; durationMs: number }
  | { name: 'error'; errorId: ErrorId; route: string; status: number }
  | {
      name: 'turn';
      channel: string;
      /** `complete`, `failed`, or `cared` (a flagged message answered with care after the model failed or was absent). */
      outcome: 'complete' | 'failed' | 'cared';
      durationMs: number;
      /** From the turn's start to the model's first text; null when no text came. */
      firstTokenMs: number | null;
      toolCalls: number;
    }
  | {
      name: 'delivery';
      channel: string;
      outcome: string;
      kind: string;
      /** How long after its due moment it went out, for a message that had one (a reminder). */
      latenessMs?: number;
    };

export interface Metrics {
  /** Records one event. Never throws and never waits: metrics must not cost a person their answer. */
  record(event: MetricEvent): void;
}

/** The data point an event becomes: the fixed column layout `docs/operations.md` documents. */
export function dataPointOf(event: MetricEvent): { indexes: string[]; blobs: string[]; doubles: number[] } {
  switch (event.name) {
    case 'request':
      return { indexes: ['request'], blobs: [event.method, event.route, `${Math.floor(event.status / 100)}xx`], doubles: [event.status, event.durationMs] };
    case 'error':
      return { indexes: ['error'], blobs: [event.errorId, event.route], doubles: [event.status] };
    case 'turn':
      return {
        indexes: ['turn'],
        blobs: [event.channel, event.outcome],
        // -1 stands for "no first token": Analytics Engine's doubles have no null.
        doubles: [event.durationMs, event.firstTokenMs ?? -1, event.toolCalls],
      };
    case 'delivery':
      // -1 stands for "no due moment", as for the turn's first token.
      return { indexes: ['delivery'], blobs: [event.channel, event.outcome, event.kind], doubles: [1, event.latenessMs ?? -1] };
  }
}

let observerForTests: ((event: MetricEvent) => void) | undefined;

/**
 * Lets a test watch every event recorded in its isolate (the Worker's and the objects' alike, in
 * Cloudflare's vitest pool); `undefined` stops watching. Nothing outside `*.test.ts` calls this.
 */
export function observeMetricsForTests(observer: ((event: MetricEvent) => void) | undefined): void {
  observerForTests = observer;
}

/** The metrics of an environment: its `METRICS` dataset when bound, else nowhere. */
export function metricsOf(env: { METRICS?: MetricsDataset }): Metrics {
  const dataset = isDataset(env.METRICS) ? env.METRICS : undefined;
  return {
    record(event) {
      observerForTests?.(event);
      if (!dataset) return;
      try {
        dataset.writeDataPoint(dataPointOf(event));
      } catch {
        // A full buffer or a malformed point loses one data point, never the request.
      }
    },
  };
}

function isDataset(value: unknown): value is MetricsDataset {
  return typeof value === 'object' && value !== null && typeof (value as MetricsDataset).writeDataPoint === 'function';
}

import { afterEach, describe, expect, inject, it } from 'vitest';
import { turnAnswerSchema } from '../../common/protocol.ts';

import { api, buildUser, expectError, readJson, uniqueText } from '../../test-support/api.ts';
import { scriptFakeOpenAI } from '../../test-support/fake-openai/control.ts';
import { dataPointOf, type MetricEvent, type MetricsDataset, metricsOf, observeMetricsForTests } from './metrics.ts';

const fakeUrl = inject('fakeOpenAIUrl');

/** Every event recorded in this isolate while a test runs (other files' too, so tests pick theirs out). */
function watchMetrics(): MetricEvent[] {
  const events: MetricEvent[] = [];
  observeMetricsForTests((event) => events.push(event));
  return events;
}

afterEach(() => observeMetricsForTests(undefined));

describe('metric data points', () => {
  it('keep a fixed column layout per event, with nothing personal in them', () => {
    expect(dataPointOf({ name: 'request', method: 'GET', route: '/api/v1/goals/:id', status: 404, durationMs: 12 })).toEqual({
      indexes: ['request'],
      blobs: ['GET', '/api/v1/goals/:id', '4xx'],
      doubles: [404, 12],
    });
    expect(dataPointOf({ name: 'error', errorId: 'not_found', route: '/api/v1/goals/:id', status: 404 })).toEqual({
      indexes: ['error'],
      blobs: ['not_found', '/api/v1/goals/:id'],
      doubles: [404],
    });
    expect(dataPointOf({ name: 'turn', channel: 'web', outcome: 'complete', durationMs: 900, firstTokenMs: null, toolCalls: 2 })).toEqual({
      indexes: ['turn'],
      blobs: ['web', 'complete'],
      doubles: [900, -1, 2],
    });
    expect(dataPointOf({ name: 'delivery', channel: 'push', outcome: 'failed', kind: 'reminder' })).toEqual({
      indexes: ['delivery'],
      blobs: ['push', 'failed', 'reminder'],
      doubles: [1, -1],
    });
    expect(dataPointOf({ name: 'delivery', channel: 'app', outcome: 'sent', kind: 'reminder', latenessMs: 12 }).doubles).toEqual([1, 12]);
  });

  it('go to the bound dataset, and a dataset that throws never reaches the caller', () => {
    const written: unknown[] = [];
    const dataset: MetricsDataset = { writeDataPoint: (point) => written.push(point) };
    metricsOf({ METRICS: dataset }).record({ name: 'error', errorId: 'internal_error', route: '/api/v1/messages', status: 500 });
    expect(written).toEqual([{ indexes: ['error'], blobs: ['internal_error', '/api/v1/messages'], doubles: [500] }]);
    const broken: MetricsDataset = {
      writeDataPoint: () => {
        throw new Error('buffer full');
      },
    };
    expect(() => metricsOf({ METRICS: broken }).record({ name: 'delivery', channel: 'app', outcome: 'sent', kind: 'check-in' })).not.toThrow();
    // No binding (local mode): nothing is written, nothing fails.
    expect(() => metricsOf({}).record({ name: 'delivery', channel: 'app', outcome: 'sent', kind: 'check-in' })).not.toThrow();
  });
});

describe('the application records', () => {
  it('each request by route pattern, and each error by its id', async () => {
    const events = watchMetrics();
    const { token } = await buildUser();
    await expectError(await api('/api/v1/memories/mem_doesnotexist', { token, method: 'PATCH', body: { text: 'x' } }), 'not_found');
    expect(events).toContainEqual(expect.objectContaining({ name: 'request', method: 'PATCH', route: '/api/v1/memories/:id', status: 404 }));
    expect(events).toContainEqual({ name: 'error', errorId: 'not_found', route: '/api/v1/memories/:id', status: 404 });
    // Route patterns only: the id in the path never reaches a metric.
    expect(JSON.stringify(events)).not.toContain('mem_doesnotexist');
  });

  it('a turn with its time to first token, and no words of it', async () => {
    const events = watchMetrics();
    const { token } = await buildUser();
    const text = uniqueText('Tell me something nice');
    await scriptFakeOpenAI(fakeUrl, text, [{ text: 'The sun came out for you today.', delayMs: 50 }]);
    await readJson(await api('/api/v1/messages', { token, body: { text } }), turnAnswerSchema);
    const turn = events.find((event): event is Extract<MetricEvent, { name: 'turn' }> => event.name === 'turn' && event.outcome === 'complete');
    expect(turn).toMatchObject({ channel: 'web', toolCalls: 0 });
    expect(turn?.firstTokenMs).toBeGreaterThanOrEqual(50);
    expect(turn?.durationMs).toBeGreaterThanOrEqual(turn?.firstTokenMs ?? Number.POSITIVE_INFINITY);
    expect(JSON.stringify(events)).not.toContain('sun came out');
  });

  it('a failed turn by outcome', async () => {
    const events = watchMetrics();
    const { token } = await buildUser();
    const text = uniqueText('Are you there');
    await scriptFakeOpenAI(fakeUrl, text, [{ error: { status: 500 } }]);
    await api('/api/v1/messages', { token, body: { text } });
    expect(events).toContainEqual(expect.objectContaining({ name: 'turn', outcome: 'failed', channel: 'web' }));
  });
});

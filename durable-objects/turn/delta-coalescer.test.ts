import { describe, expect, it } from 'vitest';
import { createDeltaCoalescer } from './delta-coalescer.ts';

const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('the delta coalescer', () => {
  it('sends the deltas of one run of the event loop as one, at its end', async () => {
    const sent: string[] = [];
    const deltas = createDeltaCoalescer((text) => sent.push(text));
    deltas.push('Hel');
    deltas.push('lo, ');
    await Promise.resolve();
    deltas.push('there');
    expect(sent).toEqual([]);
    await nextTask();
    expect(sent).toEqual(['Hello, there']);
    deltas.push('!');
    await nextTask();
    expect(sent).toEqual(['Hello, there', '!']);
  });

  it('sends what it holds at once when flushed, and nothing twice', async () => {
    const sent: string[] = [];
    const deltas = createDeltaCoalescer((text) => sent.push(text));
    deltas.push('before a tool call');
    deltas.flush();
    deltas.flush();
    await nextTask();
    expect(sent).toEqual(['before a tool call']);
  });
});

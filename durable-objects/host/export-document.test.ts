import { describe, expect, it } from 'vitest';
import { exportList, streamJsonDocument } from './export-document.ts';

async function* numbered<Item>(items: Item[]): AsyncGenerator<Item> {
  for (const item of items) yield item;
}

describe('streamJsonDocument', () => {
  it('writes exactly what JSON.stringify would, lists read as it goes', async () => {
    const long = 'x'.repeat(100_000);
    const document = {
      formatVersion: 2,
      user: { name: 'Noor', quote: 'she said "hi"\nthen left' },
      nothing: undefined,
      empty: exportList(() => numbered([])),
      conversations: exportList(() =>
        numbered([
          { id: 'a', messages: exportList(() => numbered([{ text: 'one' }, { text: long }])), tags: ['x'] },
          { id: 'b', messages: exportList(() => numbered([])), left: undefined },
        ]),
      ),
      tools: [{ id: 'calculator', enabled: false }],
    };
    const written = await new Response(streamJsonDocument(document, { userId: 'user_test' })).text();
    const materialized = {
      formatVersion: 2,
      user: document.user,
      empty: [],
      conversations: [
        { id: 'a', messages: [{ text: 'one' }, { text: long }], tags: ['x'] },
        { id: 'b', messages: [] },
      ],
      tools: document.tools,
    };
    expect(written).toBe(JSON.stringify(materialized, null, 2));
  });

  it('fails the stream, not the document, when reading fails part way', async () => {
    const document = {
      memories: exportList(async function* () {
        yield { id: 'first' };
        throw new Error('storage went away');
      }),
    };
    await expect(new Response(streamJsonDocument(document, { userId: 'user_test' })).text()).rejects.toThrow('storage went away');
  });
});

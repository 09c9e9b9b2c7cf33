import { describe, expect, it } from 'vitest';
import { PcmParts } from './pcm-parts.ts';

const sampleRate = 24_000;
/** Bytes of one 20 ms envelope step at 24 kHz PCM16. */
const stepBytes = 960;

/** A stream of numbered bytes in chunks of the given sizes, each chunk waiting for `gate` when given. */
async function* chunksOf(sizes: number[], gate?: (index: number) => Promise<void>): AsyncGenerator<Uint8Array> {
  let offset = 0;
  for (const [index, size] of sizes.entries()) {
    await gate?.(index);
    yield Uint8Array.from({ length: size }, (_, position) => (offset + position) % 251);
    offset += size;
  }
}

async function collect(parts: PcmParts) {
  const collected: { bytes: Uint8Array; last: boolean }[] = [];
  for await (const part of parts.parts()) collected.push({ bytes: part.bytes.slice(), last: part.last });
  return collected;
}

describe('a sentence streamed in parts', () => {
  it('sends at most 240 ms first, then parts of at least 480 ms, in whole envelope steps, and the bytes unchanged', async () => {
    const sizes = [8192, 40_000, 3000, 30_001];
    const parts = await collect(new PcmParts(chunksOf(sizes), sampleRate, new AbortController().signal));
    const joined = new Uint8Array(parts.reduce((sum, part) => sum + part.bytes.byteLength, 0));
    let offset = 0;
    for (const part of parts) {
      joined.set(part.bytes, offset);
      offset += part.bytes.byteLength;
    }
    const total = sizes.reduce((sum, size) => sum + size, 0);
    expect(joined).toEqual(Uint8Array.from({ length: total }, (_, position) => position % 251));
    expect(parts[0]?.bytes.byteLength).toBeLessThanOrEqual(11_520);
    expect(parts.map((part) => part.last)).toEqual(parts.map((_, index) => index === parts.length - 1));
    for (const part of parts.slice(0, -1)) expect(part.bytes.byteLength % stepBytes).toBe(0);
    for (const part of parts.slice(1, -1)) expect(part.bytes.byteLength).toBeGreaterThanOrEqual(23_040);
  });

  it('hands on the first step as soon as it has arrived, before the rest of the synthesis', async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const parts = new PcmParts(
      chunksOf([stepBytes * 2, 50_000], (index) => (index === 1 ? held : Promise.resolve())),
      sampleRate,
      new AbortController().signal,
    );
    const iterator = parts.parts();
    const first = await iterator.next();
    expect(first.value).toMatchObject({ last: false });
    expect(first.value?.bytes.byteLength).toBe(stepBytes * 2);
    release();
    const rest = [];
    for await (const part of { [Symbol.asyncIterator]: () => iterator }) rest.push(part);
    expect(rest.at(-1)?.last).toBe(true);
    expect(rest.reduce((sum, part) => sum + part.bytes.byteLength, 0)).toBe(50_000);
  });

  it('gives a sentence shorter than one step whole, and an empty stream as one empty last part', async () => {
    expect(await collect(new PcmParts(chunksOf([100]), sampleRate, new AbortController().signal))).toEqual([{ bytes: expect.any(Uint8Array), last: true }]);
    expect(await collect(new PcmParts(chunksOf([]), sampleRate, new AbortController().signal))).toEqual([{ bytes: new Uint8Array(0), last: true }]);
  });

  it('throws what the stream threw, after the parts that came before it', async () => {
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(stepBytes);
      throw new Error('the provider hung up');
    }
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const part of new PcmParts(failing(), sampleRate, new AbortController().signal).parts()) seen.push(part.bytes.byteLength);
      })(),
    ).rejects.toThrow('the provider hung up');
    expect(seen).toEqual([stepBytes]);
  });

  it('stops with the abort reason once cancelled', async () => {
    const controller = new AbortController();
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const parts = new PcmParts(
      chunksOf([stepBytes, stepBytes], (index) => (index === 1 ? held : Promise.resolve())),
      sampleRate,
      controller.signal,
    );
    const iterator = parts.parts();
    await iterator.next();
    controller.abort(new DOMException('The person cut in.', 'AbortError'));
    release();
    await expect(iterator.next()).rejects.toThrow('The person cut in.');
  });
});

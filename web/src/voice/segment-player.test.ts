import { describe, expect, it } from 'vitest';
import type { VoiceServerFrame } from '../../../common/client.ts';
import { SegmentPlayer } from './segment-player.ts';

type Segment = Extract<VoiceServerFrame, { type: 'voice-segment' }>;
type SegmentAudio = Extract<VoiceServerFrame, { type: 'voice-segment-audio' }>;

/** Just enough of WebAudio for the player: sources that start and end when the test says. */
function fakeAudio() {
  const sources: { samples: number; at: number; onended: (() => void) | null; stopped: boolean }[] = [];
  const context = {
    currentTime: 0,
    destination: {},
    createAnalyser: () => ({ fftSize: 0, connect() {}, getByteTimeDomainData: (samples: Uint8Array) => samples.fill(128) }),
    createBuffer: (_channels: number, length: number, sampleRate: number) => ({ length, duration: length / sampleRate, copyToChannel() {} }),
    createBufferSource() {
      const source = {
        buffer: undefined as { length: number } | undefined,
        onended: null as (() => void) | null,
        stopped: false,
        samples: 0,
        at: 0,
        connect() {},
        start(at = 0) {
          source.samples = source.buffer?.length ?? 0;
          source.at = at;
          sources.push(source);
        },
        stop() {
          source.stopped = true;
        },
      };
      return source;
    },
    decodeAudioData: async () => ({ length: 0 }),
  };
  return { context, sources };
}

/** A pcm16 segment whose length in samples is `samples`, so the test can tell which one plays. */
function segment(messageId: string, index: number, samples: number, envelope: number[] = []): Segment {
  return {
    type: 'voice-segment',
    messageId,
    index,
    text: `sentence ${index}`,
    format: 'pcm16',
    sampleRate: 16_000,
    // The bytes, as a binary frame brings them.
    audio: new Uint8Array(samples * 2),
    durationMs: samples / 16,
    envelopeStepMs: 100,
    envelope,
    emotion: 'happy',
  };
}

/** Part `part` of a streamed pcm16 segment (16 kHz), `samples` long. */
function part(messageId: string, index: number, partNumber: number, samples: number, envelope: number[], final = true): SegmentAudio {
  return {
    type: 'voice-segment-audio',
    messageId,
    index,
    part: partNumber,
    // Base64 of silence, as a text frame brings it.
    audio: btoa('\0'.repeat(samples * 2)),
    durationMs: samples / 16,
    envelope,
    ...(final ? {} : { final: false }),
  };
}

/** Lets the player's decoding promises settle (no time passes). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

function playerOn(fake: ReturnType<typeof fakeAudio>) {
  const events: string[] = [];
  const player = new SegmentPlayer(fake.context as unknown as AudioContext, {
    onSegmentPlayed: () => void events.push('played'),
    onIdle: () => void events.push('idle'),
  });
  return { player, events };
}

describe('playing a spoken reply', () => {
  it('plays segments strictly by index, whatever order they arrive in', async () => {
    const fake = fakeAudio();
    const { player, events } = playerOn(fake);
    player.add(segment('reply-1', 1, 20));
    await settle();
    expect(fake.sources).toHaveLength(0);
    player.add(segment('reply-1', 0, 10));
    await settle();
    expect(fake.sources.map((source) => source.samples)).toEqual([10]);
    expect(player.speaking).toBe(true);
    fake.sources[0]?.onended?.();
    await settle();
    expect(fake.sources.map((source) => source.samples)).toEqual([10, 20]);
    fake.sources[1]?.onended?.();
    expect(events).toEqual(['played', 'played', 'idle']);
    expect(player.totalPlayed).toBe(2);
    expect(player.speaking).toBe(false);
  });

  it('opens the mouth from the envelope at the playback time', async () => {
    const fake = fakeAudio();
    const { player } = playerOn(fake);
    fake.context.currentTime = 2;
    player.add(segment('reply-1', 0, 10, [0, 1, 0]));
    await settle();
    fake.context.currentTime = 2.05;
    expect(player.opening()).toBeCloseTo(0.5);
    fake.context.currentTime = 2.1;
    expect(player.opening()).toBeCloseTo(1);
  });

  it('stops at once on a barge-in and reports the segments heard and the milliseconds into the next', async () => {
    const fake = fakeAudio();
    const { player } = playerOn(fake);
    player.add(segment('reply-1', 0, 10));
    player.add(segment('reply-1', 1, 8000));
    await settle();
    fake.context.currentTime = 1;
    fake.sources[0]?.onended?.();
    await settle();
    fake.context.currentTime = 1.25;
    expect(player.interrupt()).toEqual({ messageId: 'reply-1', playedSegments: 1, playedMs: 250 });
    expect(fake.sources[1]?.stopped).toBe(true);
    expect(player.speaking).toBe(false);
    expect(player.interrupt()).toBeUndefined();
    // Segments of the cut reply still on their way are not played.
    player.add(segment('reply-1', 2, 30));
    await settle();
    expect(fake.sources).toHaveLength(2);
    expect(player.speaking).toBe(false);
  });

  it('drops what is left of a reply when the next reply begins', async () => {
    const fake = fakeAudio();
    const { player } = playerOn(fake);
    player.add(segment('reply-1', 0, 10));
    await settle();
    player.add(segment('reply-2', 0, 40));
    await settle();
    expect(fake.sources[0]?.stopped).toBe(true);
    expect(fake.sources.map((source) => source.samples)).toEqual([10, 40]);
  });

  it('plays a streamed sentence part after part, back to back, and ends it only after its final part', async () => {
    const fake = fakeAudio();
    const { player, events } = playerOn(fake);
    fake.context.currentTime = 1;
    player.add({ ...segment('reply-1', 0, 1600, [0.2]), final: false });
    await settle();
    expect(fake.sources.map((source) => [source.samples, source.at])).toEqual([[1600, 1]]);
    player.addAudio(part('reply-1', 0, 1, 3200, [1, 0.5], false));
    // Scheduled to start the instant the first part ends (1600 samples at 16 kHz = 0.1 s).
    expect(fake.sources.map((source) => [source.samples, source.at])).toEqual([
      [1600, 1],
      [3200, 1.1],
    ]);
    // The envelope continues across parts: 100 ms steps, the second part's first value 0.1 s in.
    fake.context.currentTime = 1.1;
    expect(player.opening()).toBeCloseTo(1);
    fake.context.currentTime = 1.2;
    expect(player.opening()).toBeCloseTo(0.5);
    fake.sources[0]?.onended?.();
    fake.sources[1]?.onended?.();
    // All the audio so far has played, but the sentence is not over: no segment counted, not idle.
    expect(events).toEqual([]);
    expect(player.speaking).toBe(true);
    // The final part comes late: it starts at once, and the wait is not counted as heard.
    fake.context.currentTime = 1.5;
    player.addAudio(part('reply-1', 0, 2, 800, [0.3]));
    expect(fake.sources[2]?.at).toBe(1.5);
    fake.context.currentTime = 1.52;
    expect(player.interrupt()).toEqual({ messageId: 'reply-1', playedSegments: 0, playedMs: 320 });
    expect(fake.sources[2]?.stopped).toBe(true);
  });

  it('finishes a streamed sentence on an empty final part, then plays the next one', async () => {
    const fake = fakeAudio();
    const { player, events } = playerOn(fake);
    player.add({ ...segment('reply-1', 0, 1600), final: false });
    player.add(segment('reply-1', 1, 800));
    await settle();
    fake.sources[0]?.onended?.();
    await settle();
    expect(fake.sources).toHaveLength(1);
    player.addAudio(part('reply-1', 0, 1, 0, []));
    fake.sources[1]?.onended?.();
    await settle();
    expect(events).toEqual(['played']);
    expect(fake.sources.map((source) => source.samples)).toEqual([1600, 1, 800]);
  });

  it('ignores parts out of order, of another reply or of a cut one', async () => {
    const fake = fakeAudio();
    const { player } = playerOn(fake);
    player.add({ ...segment('reply-1', 0, 1600), final: false });
    await settle();
    player.addAudio(part('reply-1', 0, 2, 1600, [], false));
    player.addAudio(part('reply-2', 0, 1, 1600, [], false));
    expect(fake.sources).toHaveLength(1);
    player.interrupt();
    player.addAudio(part('reply-1', 0, 1, 1600, []));
    expect(fake.sources).toHaveLength(1);
  });
});

import { describe, expect, it } from 'vitest';
import { audioBytes } from '../../../common/binary-frame.ts';
import { maxVoiceChunkBytes, voiceClientFrameSchema } from '../../../common/voice.ts';
import { chunkBytes, floatToPcm16, meterLevel, pcm16ToFloat, utteranceFrames } from './pcm.ts';

describe('PCM conversion', () => {
  it('writes 16-bit little-endian samples over the full range and clips what is beyond it', () => {
    const bytes = floatToPcm16(new Float32Array([0, 1, -1, 0.5, 2, -3]));
    const view = new DataView(bytes.buffer);
    expect(bytes.length).toBe(12);
    expect([0, 1, 2, 3, 4, 5].map((index) => view.getInt16(index * 2, true))).toEqual([0, 32767, -32768, 16384, 32767, -32768]);
    // Little-endian: the low byte of 32767 (0xff) comes first.
    expect([bytes[2], bytes[3]]).toEqual([0xff, 0x7f]);
  });

  it('reads PCM16 back to samples within one step of the original', () => {
    const original = new Float32Array([0, 0.25, -0.5, 0.999, -1]);
    const back = pcm16ToFloat(floatToPcm16(original));
    for (const [index, value] of original.entries()) expect(Math.abs((back[index] ?? Number.NaN) - value)).toBeLessThan(1 / 16_000);
  });

  it('ignores a trailing odd byte and reads from an offset view', () => {
    const bytes = new Uint8Array([9, 0x00, 0x40, 0x00, 0xc0, 7]);
    expect(Array.from(pcm16ToFloat(bytes.subarray(1)))).toEqual([0.5, -0.5]);
  });
});

describe('chunking an utterance into frames', () => {
  it('cuts at the chunk size and keeps every byte in order', () => {
    const bytes = new Uint8Array(10).map((_, index) => index);
    const chunks = chunkBytes(bytes, 4);
    expect(chunks.map((chunk) => Array.from(chunk))).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
    expect(() => chunkBytes(bytes, 3)).toThrow(RangeError);
  });

  it('sends 2.5 s of audio as three voice-audio frames numbered from 0, each within the limit, then the end', () => {
    const samples = new Float32Array(40_000).map((_, index) => Math.sin(index / 10) * 0.3);
    const frames = utteranceFrames('utterance-1', samples, 'conversation-1');
    expect(frames.map((frame) => frame.type)).toEqual(['voice-audio', 'voice-audio', 'voice-audio', 'voice-utterance-end']);
    const decoded: number[] = [];
    for (const [index, frame] of frames.entries()) {
      expect(voiceClientFrameSchema.safeParse(frame).success).toBe(true);
      if (frame.type !== 'voice-audio') continue;
      expect(frame.seq).toBe(index);
      // The PCM itself, which the connection sends as a binary frame.
      expect(frame.data).toBeInstanceOf(Uint8Array);
      const bytes = audioBytes(frame.data);
      expect(bytes.length).toBeLessThanOrEqual(maxVoiceChunkBytes);
      decoded.push(...bytes);
    }
    expect(decoded.length).toBe(80_000);
    expect(new Uint8Array(decoded)).toEqual(floatToPcm16(samples));
    expect(frames.at(-1)).toEqual({ type: 'voice-utterance-end', utteranceId: 'utterance-1', conversationId: 'conversation-1' });
  });

  it('sends only the end for an empty utterance', () => {
    expect(utteranceFrames('empty', new Float32Array(0))).toEqual([{ type: 'voice-utterance-end', utteranceId: 'empty' }]);
  });
});

describe('the microphone level meter', () => {
  it('is 0 for silence, grows with loudness and stays within 1', () => {
    expect(meterLevel(new Float32Array(128))).toBe(0);
    expect(meterLevel(new Uint8Array(128).fill(128))).toBe(0);
    const quiet = meterLevel(new Float32Array(128).fill(0.02));
    const loud = meterLevel(new Float32Array(128).fill(0.2));
    expect(quiet).toBeGreaterThan(0);
    expect(loud).toBeGreaterThan(quiet);
    expect(meterLevel(new Float32Array(128).fill(1))).toBe(1);
  });
});

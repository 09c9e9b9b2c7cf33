import { describe, expect, it } from 'vitest';
import { silencePcm16, sinePcm16 } from '../../../test-support/generated-audio.ts';
import { encodeWav, looksLikeWav, parseWav, peakLevel, wavHeaderBytes } from './wav.ts';

describe('wav', () => {
  it('round-trips PCM16 through a canonical 44-byte header', () => {
    const samples = sinePcm16(0.25, 16_000);

    const wav = encodeWav(samples, 16_000);

    expect(wav.byteLength).toBe(wavHeaderBytes + samples.byteLength);
    expect(looksLikeWav(wav)).toBe(true);
    const view = new DataView(wav.buffer);
    expect(view.getUint32(4, true)).toBe(36 + samples.byteLength);
    expect(view.getUint32(28, true)).toBe(32_000);
    const parsed = parseWav(wav);
    expect(parsed?.sampleRate).toBe(16_000);
    expect(parsed?.channels).toBe(1);
    expect(parsed?.samples).toEqual(samples);
  });

  it('drops a trailing odd byte rather than writing half a sample', () => {
    const wav = encodeWav(new Uint8Array([1, 0, 2]), 8_000);
    expect(parseWav(wav)?.samples).toEqual(new Uint8Array([1, 0]));
  });

  it('skips chunks before `data` and reads an unfilled streaming size as "to the end"', () => {
    const samples = sinePcm16(0.01, 24_000);
    const plain = encodeWav(samples, 24_000);
    const list = new Uint8Array([0x4c, 0x49, 0x53, 0x54, 3, 0, 0, 0, 9, 9, 9, 0]);
    const withList = new Uint8Array(plain.byteLength + list.byteLength);
    withList.set(plain.subarray(0, 36));
    withList.set(list, 36);
    withList.set(plain.subarray(36), 36 + list.byteLength);
    new DataView(withList.buffer).setUint32(36 + list.byteLength + 4, 0xffffffff, true);

    const parsed = parseWav(withList);

    expect(parsed?.sampleRate).toBe(24_000);
    expect(parsed?.samples).toEqual(samples);
  });

  it('refuses what is not 16-bit PCM WAV', () => {
    expect(parseWav(new TextEncoder().encode('ID3 not a wav at all'))).toBeUndefined();
    const eightBit = encodeWav(sinePcm16(0.01, 8_000), 8_000);
    new DataView(eightBit.buffer).setUint16(34, 8, true);
    expect(parseWav(eightBit)).toBeUndefined();
    expect(looksLikeWav(new Uint8Array(4))).toBe(false);
    expect(() => encodeWav(new Uint8Array(2), 0)).toThrow(RangeError);
  });

  it('tells silence from a tone by its peak level', () => {
    expect(peakLevel(silencePcm16(0.1, 16_000))).toBe(0);
    expect(peakLevel(sinePcm16(0.1, 16_000))).toBeGreaterThan(0.25);
  });
});

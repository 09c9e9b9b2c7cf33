import { describe, expect, it } from 'vitest';
import { tone } from '../../test-support/fake-speech.ts';
import {
  alignmentEnvelope,
  envelopeStepMs,
  fromBase64,
  heardPart,
  normalisedEnvelope,
  pcm16DurationMs,
  pcm16Levels,
  pcm16Samples,
  rms,
  silenceRms,
  tableToBase64,
  toBase64,
} from './audio.ts';

describe('the mouth envelope', () => {
  it('has one value per 20 ms, 0 to 1, open where the audio is loud and closed where it is silent', () => {
    const sampleRate = 24_000;
    const loud = tone(220, 0.2, sampleRate, 0.8);
    const quiet = tone(220, 0.2, sampleRate, 0.2);
    const silence = new Uint8Array(0.1 * sampleRate * 2);
    const audio = new Uint8Array([...loud, ...silence, ...quiet]);
    const envelope = normalisedEnvelope(pcm16Levels(audio, sampleRate), 0);
    expect(envelope).toHaveLength(Math.ceil(pcm16DurationMs(audio.byteLength, sampleRate) / envelopeStepMs));
    expect(envelope.every((value) => value >= 0 && value <= 1)).toBe(true);
    expect(Math.max(...envelope.slice(0, 10))).toBe(1);
    expect(envelope.slice(10, 15).every((value) => value === 0)).toBe(true);
    const quietLevel = envelope.slice(15);
    expect(Math.min(...quietLevel)).toBeGreaterThan(0.2);
    expect(Math.max(...quietLevel)).toBeLessThan(0.3);
  });

  it('is all closed for silence, and empty for no audio', () => {
    expect(normalisedEnvelope(pcm16Levels(new Uint8Array(9600), 24_000), 0).every((value) => value === 0)).toBe(true);
    expect(normalisedEnvelope(pcm16Levels(new Uint8Array(0), 24_000), 0)).toEqual([]);
  });

  it('follows character timings when only compressed audio is there', () => {
    const { envelope, durationMs } = alignmentEnvelope({ characters: ['H', 'i', ' ', '!'], startMs: [0, 40, 80, 120], endMs: [40, 80, 120, 160] });
    expect(durationMs).toBe(160);
    expect(envelope).toEqual([1, 1, 1, 1, 0, 0, 0.5, 0.5]);
  });
});

describe('the silence gate', () => {
  it('lets speech through and stops silence', () => {
    expect(rms(pcm16Samples(tone(300, 0.5, 16_000, 0.3)))).toBeGreaterThan(silenceRms);
    expect(rms(pcm16Samples(new Uint8Array(16_000)))).toBeLessThan(silenceRms);
  });
});

describe('what was heard of a sentence', () => {
  it('keeps the whole words spoken before the cut, in proportion to the duration', () => {
    const text = 'The first sentence is here.';
    expect(heardPart(text, 0, 1350)).toBe('');
    expect(heardPart(text, 700, 1350)).toBe('The first');
    expect(heardPart(text, 1350, 1350)).toBe(text);
  });

  it('uses character timings when there are some', () => {
    const characters = [...'Hi there'];
    const alignment = { characters, startMs: characters.map((_, index) => index * 100), endMs: characters.map((_, index) => (index + 1) * 100) };
    expect(heardPart('Hi there', 350, 800, alignment)).toBe('Hi');
    expect(heardPart('Hi there', 150, 800, alignment)).toBe('');
  });
});

describe('base64 of audio', () => {
  it('encodes as the standard alphabet with padding, for every length modulo 3', () => {
    for (const encode of [toBase64, tableToBase64]) {
      const text = (value: string) => encode(new TextEncoder().encode(value));
      expect(['', 'f', 'fo', 'foo', 'foob', 'fooba', 'foobar'].map(text)).toEqual(['', 'Zg==', 'Zm8=', 'Zm9v', 'Zm9vYg==', 'Zm9vYmE=', 'Zm9vYmFy']);
      expect(encode(new Uint8Array([0xfb, 0xff, 0xbf]))).toBe('+/+/');
    }
  });

  it('round-trips a long segment of every byte value, as btoa would encode it', () => {
    const bytes = new Uint8Array(100_001).map((_, index) => (index * 7919) % 256);
    let binary = '';
    for (const byte of bytes) binary += String.fromCharCode(byte);
    const encoded = toBase64(bytes);
    expect(encoded).toBe(btoa(binary));
    expect(tableToBase64(bytes)).toBe(encoded);
    expect(fromBase64(encoded)).toEqual(bytes);
  });
});

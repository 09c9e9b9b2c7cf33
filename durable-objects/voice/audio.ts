import type { SpeechAlignment } from '../../server/providers/speech/text-to-speech.ts';

/** The mouth envelope's step: one value per 20 ms, fine enough for lips, small on the wire (50 values a second). */
export const envelopeStepMs = 20;

/**
 * Below this RMS (of full scale, 0..1) an utterance is silence or background noise: no transcriber is
 * asked. About -46 dBFS: a quiet room through a laptop microphone, well under speech at arm's length.
 */
export const silenceRms = 0.005;

/** Samples of little-endian 16-bit PCM, without copying when the bytes are aligned. */
export function pcm16Samples(bytes: Uint8Array): Int16Array {
  const usable = bytes.byteLength - (bytes.byteLength % 2);
  if (bytes.byteOffset % 2 === 0) return new Int16Array(bytes.buffer, bytes.byteOffset, usable / 2);
  return new Int16Array(bytes.slice(0, usable).buffer);
}

/** Root mean square of PCM16 samples, 0 (silence) to 1 (full scale). */
export function rms(samples: Int16Array, start = 0, end = samples.length): number {
  if (end <= start) return 0;
  let sum = 0;
  for (let index = start; index < end; index++) {
    const value = (samples[index] ?? 0) / 32768;
    sum += value * value;
  }
  return Math.sqrt(sum / (end - start));
}

/** Duration of headerless PCM16 mono audio. */
export function pcm16DurationMs(byteLength: number, sampleRate: number): number {
  return (Math.floor(byteLength / 2) / sampleRate) * 1000;
}

/** The RMS of each 20 ms frame of PCM16, 0 to 1; the last frame may be shorter. */
export function pcm16Levels(bytes: Uint8Array, sampleRate: number): number[] {
  const samples = pcm16Samples(bytes);
  const frame = envelopeFrameSamples(sampleRate);
  const levels: number[] = [];
  for (let start = 0; start < samples.length; start += frame) levels.push(rms(samples, start, Math.min(samples.length, start + frame)));
  return levels;
}

/** Samples in one envelope step at this rate. */
export function envelopeFrameSamples(sampleRate: number): number {
  return Math.max(1, Math.round((sampleRate * envelopeStepMs) / 1000));
}

/**
 * Levels as mouth openings: divided by the loudest of them or `reference`, whichever is louder (a
 * streamed sentence passes the loudest frame of its earlier parts), so quiet and loud voices both open
 * the mouth fully at their peaks. Rounded to two decimals to keep frames small.
 */
export function normalisedEnvelope(levels: readonly number[], reference: number): number[] {
  const loudest = Math.max(reference, ...levels);
  if (loudest === 0) return levels.map(() => 0);
  return levels.map((level) => Math.round((level / loudest) * 100) / 100);
}

/**
 * An envelope from per-character timings (compressed audio, where samples are not at hand): the
 * mouth is open while a letter or digit is spoken, half open on other marks, closed on spaces.
 */
export function alignmentEnvelope(alignment: SpeechAlignment): { envelope: number[]; durationMs: number } {
  const durationMs = Math.max(0, ...alignment.endMs);
  const envelope = new Array<number>(Math.ceil(durationMs / envelopeStepMs)).fill(0);
  alignment.characters.forEach((character, index) => {
    const opening = /[\p{L}\p{N}]/u.test(character) ? 1 : /\s/.test(character) ? 0 : 0.5;
    const first = Math.floor((alignment.startMs[index] ?? 0) / envelopeStepMs);
    const last = Math.ceil((alignment.endMs[index] ?? 0) / envelopeStepMs);
    for (let step = first; step < last && step < envelope.length; step++) envelope[step] = Math.max(envelope[step] ?? 0, opening);
  });
  return { envelope, durationMs };
}

/**
 * The part of a sentence heard after `playedMs` of its `durationMs`: by the character timings when
 * there are some, else by its share of the duration, rounded down to whole words (a word cut in half
 * was not heard).
 */
export function heardPart(text: string, playedMs: number, durationMs: number, alignment?: SpeechAlignment): string {
  if (playedMs <= 0 || text === '') return '';
  if (playedMs >= durationMs) return text;
  let heardCharacters: number;
  if (alignment && alignment.characters.length > 0) {
    heardCharacters = alignment.endMs.filter((end) => end <= playedMs).length;
  } else {
    heardCharacters = Math.floor((text.length * playedMs) / durationMs);
  }
  if (heardCharacters >= text.length) return text;
  // Whole words only: back up to the last space at or before the cut.
  const cut = text.slice(0, heardCharacters + 1).lastIndexOf(' ');
  return cut <= 0 ? '' : text.slice(0, cut).trimEnd();
}

const base64Alphabet = new TextEncoder().encode('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/');
const base64Padding = 61; // '='
const asciiDecoder = new TextDecoder();

/**
 * Base64 of bytes, written as ASCII into one buffer and decoded once. A spoken segment is a few hundred
 * kB of PCM sent on the first reply's path: building a binary string for `btoa` (a character at a
 * time) took about 10 ms for a 3 s sentence, this about 1 ms.
 */
export function toBase64(bytes: Uint8Array): string {
  if (nativeToBase64) return nativeToBase64.call(bytes);
  return tableToBase64(bytes);
}

/** `Uint8Array.prototype.toBase64` (TC39, in newer runtimes), several times faster than any script loop. */
const nativeToBase64 = (Uint8Array.prototype as { toBase64?: (this: Uint8Array) => string }).toBase64;
/** `Uint8Array.fromBase64`, its counterpart. */
const nativeFromBase64 = (Uint8Array as { fromBase64?: (text: string) => Uint8Array }).fromBase64;

/** The script encoder, for runtimes without the native one (and to test against it). */
export function tableToBase64(bytes: Uint8Array): string {
  const whole = bytes.length - (bytes.length % 3);
  const out = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
  let written = 0;
  for (let index = 0; index < whole; index += 3) {
    const triple = ((bytes[index] as number) << 16) | ((bytes[index + 1] as number) << 8) | (bytes[index + 2] as number);
    out[written++] = base64Alphabet[triple >>> 18] as number;
    out[written++] = base64Alphabet[(triple >>> 12) & 63] as number;
    out[written++] = base64Alphabet[(triple >>> 6) & 63] as number;
    out[written++] = base64Alphabet[triple & 63] as number;
  }
  const left = bytes.length - whole;
  if (left > 0) {
    const first = bytes[whole] as number;
    const second = left === 2 ? (bytes[whole + 1] as number) : 0;
    out[written++] = base64Alphabet[first >>> 2] as number;
    out[written++] = base64Alphabet[((first & 3) << 4) | (second >>> 4)] as number;
    out[written++] = left === 2 ? (base64Alphabet[(second & 15) << 2] as number) : base64Padding;
    out[written++] = base64Padding;
  }
  return asciiDecoder.decode(out);
}

export function fromBase64(text: string): Uint8Array {
  if (nativeFromBase64) return nativeFromBase64(text);
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

/** Joins chunks into one buffer. */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  const total = chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0);
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return joined;
}

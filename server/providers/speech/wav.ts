/**
 * The smallest WAV (RIFF, PCM 16-bit little-endian) codec Kindred needs: transcribers that take a
 * file get headerless PCM wrapped in a header, and the voice session reads PCM16 back out of a WAV
 * a provider answered. Pure functions over bytes, so they run in the Worker, the object and tests.
 */

/** PCM16 samples with their rate and channel count. */
export interface PcmAudio {
  /** Little-endian signed 16-bit samples, channels interleaved. */
  readonly samples: Uint8Array;
  readonly sampleRate: number;
  readonly channels: number;
}

/** The length of the canonical 44-byte header `encodeWav` writes. */
export const wavHeaderBytes = 44;

/** Wraps PCM16 LE samples in a canonical WAV header. */
export function encodeWav(samples: Uint8Array, sampleRate: number, channels = 1): Uint8Array {
  if (!Number.isInteger(sampleRate) || sampleRate < 1) throw new RangeError(`A WAV needs a positive whole sample rate, not ${sampleRate}.`);
  const dataBytes = samples.byteLength - (samples.byteLength % 2);
  const wav = new Uint8Array(wavHeaderBytes + dataBytes);
  const view = new DataView(wav.buffer);
  const blockAlign = channels * 2;
  writeAscii(wav, 0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  writeAscii(wav, 8, 'WAVE');
  writeAscii(wav, 12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * blockAlign, true);
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, 16, true);
  writeAscii(wav, 36, 'data');
  view.setUint32(40, dataBytes, true);
  wav.set(samples.subarray(0, dataBytes), wavHeaderBytes);
  return wav;
}

/**
 * Reads a PCM16 WAV: walks the chunks (other writers put `LIST` or `fact` chunks before `data`), and
 * takes a `data` size of 0 or 0xFFFFFFFF, which streaming writers leave unfilled, as "to the end".
 * Returns undefined for anything that is not a 16-bit PCM WAV.
 */
export function parseWav(bytes: Uint8Array): PcmAudio | undefined {
  if (bytes.byteLength < 12 || readAscii(bytes, 0) !== 'RIFF' || readAscii(bytes, 8) !== 'WAVE') return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 12;
  let format: { sampleRate: number; channels: number } | undefined;
  while (offset + 8 <= bytes.byteLength) {
    const id = readAscii(bytes, offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (body + 16 > bytes.byteLength) return undefined;
      const audioFormat = view.getUint16(body, true);
      const bitsPerSample = view.getUint16(body + 14, true);
      // 0xFFFE is WAVE_FORMAT_EXTENSIBLE, which writers use for plain PCM too.
      if ((audioFormat !== 1 && audioFormat !== 0xfffe) || bitsPerSample !== 16) return undefined;
      format = { channels: view.getUint16(body + 2, true), sampleRate: view.getUint32(body + 4, true) };
    } else if (id === 'data') {
      if (format === undefined) return undefined;
      const end = size === 0 || size === 0xffffffff ? bytes.byteLength : Math.min(bytes.byteLength, body + size);
      const length = end - body - ((end - body) % 2);
      return { samples: bytes.slice(body, body + length), sampleRate: format.sampleRate, channels: format.channels };
    }
    // Chunks are padded to an even length.
    offset = body + size + (size % 2);
  }
  return undefined;
}

/** Whether the bytes start like a RIFF/WAVE file. */
export function looksLikeWav(bytes: Uint8Array): boolean {
  return bytes.byteLength >= 12 && readAscii(bytes, 0) === 'RIFF' && readAscii(bytes, 8) === 'WAVE';
}

/** The loudest sample's magnitude, 0 to 1: how a caller (or a fake) tells silence from sound. */
export function peakLevel(samples: Uint8Array): number {
  const view = new DataView(samples.buffer, samples.byteOffset, samples.byteLength - (samples.byteLength % 2));
  let peak = 0;
  for (let offset = 0; offset < view.byteLength; offset += 2) peak = Math.max(peak, Math.abs(view.getInt16(offset, true)));
  return peak / 32_768;
}

function writeAscii(target: Uint8Array, offset: number, text: string): void {
  for (let index = 0; index < text.length; index++) target[offset + index] = text.charCodeAt(index);
}

function readAscii(bytes: Uint8Array, offset: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + 4));
}

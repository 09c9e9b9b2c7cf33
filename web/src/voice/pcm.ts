// The audio arithmetic of voice mode, kept free of the DOM so it is tested in workerd: the VAD's
// Float32 samples become the wire's 16-bit little-endian PCM in chunks small enough for one frame,
// and the server's pcm16 segments become samples WebAudio can play.
import { maxVoiceChunkBytes, type VoiceClientFrame } from '../../../common/voice.ts';

/** Float samples in [-1, 1] to signed 16-bit little-endian PCM; values outside the range are clipped. */
export function floatToPcm16(samples: Float32Array): Uint8Array {
  const bytes = new Uint8Array(samples.length * 2);
  const view = new DataView(bytes.buffer);
  for (let index = 0; index < samples.length; index += 1) {
    const clipped = Math.max(-1, Math.min(1, samples[index] ?? 0));
    // Asymmetric scale: -1 maps to -32768 and 1 to 32767, the full range of a signed 16-bit sample.
    view.setInt16(index * 2, clipped < 0 ? Math.round(clipped * 0x8000) : Math.round(clipped * 0x7fff), true);
  }
  return bytes;
}

/** Signed 16-bit little-endian PCM to float samples in [-1, 1); a trailing odd byte is ignored. */
export function pcm16ToFloat(bytes: Uint8Array): Float32Array<ArrayBuffer> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const samples = new Float32Array(Math.floor(bytes.byteLength / 2));
  for (let index = 0; index < samples.length; index += 1) samples[index] = view.getInt16(index * 2, true) / 0x8000;
  return samples;
}

/** Splits bytes into pieces of at most `size` (an even number, so no sample is cut in two). */
export function chunkBytes(bytes: Uint8Array, size = maxVoiceChunkBytes): Uint8Array[] {
  if (size < 2 || size % 2 !== 0) throw new RangeError('A chunk holds whole 16-bit samples: its size must be even.');
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.length; offset += size) chunks.push(bytes.subarray(offset, offset + size));
  return chunks;
}

/**
 * The frames that carry one utterance: its `voice-audio` chunks in order from `seq` 0 (the PCM bytes
 * themselves, which the connection sends as binary frames), then `voice-utterance-end`. An empty utterance sends only the end, which the server answers with an
 * empty transcript.
 */
export function utteranceFrames(utteranceId: string, samples: Float32Array, conversationId?: string): VoiceClientFrame[] {
  const frames: VoiceClientFrame[] = chunkBytes(floatToPcm16(samples)).map((chunk, seq) => ({
    type: 'voice-audio',
    utteranceId,
    seq,
    data: chunk,
  }));
  frames.push({ type: 'voice-utterance-end', utteranceId, ...(conversationId ? { conversationId } : {}) });
  return frames;
}

/** The loudness of a block of samples (root mean square), scaled to 0–1 for the level meter. */
export function meterLevel(samples: Float32Array | Uint8Array): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (const value of samples) {
    // An analyser's byte time-domain data centres on 128.
    const sample = samples instanceof Uint8Array ? (value - 128) / 128 : value;
    sum += sample * sample;
  }
  // Speech sits around 0.05–0.2 RMS; the factor spreads it over most of the meter.
  return Math.min(1, Math.sqrt(sum / samples.length) * 4);
}

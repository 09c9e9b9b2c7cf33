/**
 * What every speech adapter shares: how a caller's cancellation is told from a provider failure, how
 * an `AudioInput` becomes a file a provider accepts, and the content type of each voice format.
 */
import type { VoiceAudioFormat } from '../../../common/voice.ts';
import { type AudioInput, SpeechError } from './speech-to-text.ts';
import { encodeWav } from './wav.ts';

/** A caller's abort: its own `AbortSignal.timeout()` is a timeout; anything else is rethrown as given. */
export function speechCallerAbortFailure(callerSignal: AbortSignal): unknown {
  const reason: unknown = callerSignal.reason;
  if (typeof reason === 'object' && reason !== null && 'name' in reason && reason.name === 'TimeoutError') {
    return new SpeechError('timeout', 'The speech call ran out of time.', { cause: reason });
  }
  return reason ?? new DOMException('The speech call was aborted.', 'AbortError');
}

/** An audio file as a provider takes it: whole bytes, a media type and a file extension. */
export interface AudioFile {
  readonly bytes: Uint8Array;
  readonly mimeType: string;
  readonly extension: string;
}

const extensions: Readonly<Record<string, string>> = {
  'audio/wav': 'wav',
  'audio/wave': 'wav',
  'audio/x-wav': 'wav',
  'audio/webm': 'webm',
  'audio/ogg': 'ogg',
  'audio/opus': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
  'audio/mp4': 'm4a',
  'audio/m4a': 'm4a',
  'audio/x-m4a': 'm4a',
  'audio/flac': 'flac',
};

/** The media types a transcriber accepts (besides `audio/pcm` with a sample rate). */
export const transcribableMediaTypes: readonly string[] = Object.keys(extensions);

/**
 * Whole-file audio passes through; headerless PCM16 (`audio/pcm`) is wrapped in a WAV header, since
 * every provider wants a file. Refuses, as `unsupported-audio`, PCM without a rate and unknown types.
 */
export function audioFileOf(audio: AudioInput): AudioFile {
  const mimeType = audio.mimeType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (mimeType === 'audio/pcm' || mimeType === 'audio/l16') {
    if (audio.sampleRate === undefined || !Number.isInteger(audio.sampleRate) || audio.sampleRate < 1) {
      throw new SpeechError('unsupported-audio', 'Headerless PCM needs its sample rate.');
    }
    return { bytes: encodeWav(audio.bytes, audio.sampleRate), mimeType: 'audio/wav', extension: 'wav' };
  }
  const extension = extensions[mimeType];
  if (extension === undefined) throw new SpeechError('unsupported-audio', `Audio of type ${mimeType || 'unknown'} cannot be transcribed.`);
  return { bytes: audio.bytes, mimeType: mimeType === 'audio/wave' || mimeType === 'audio/x-wav' ? 'audio/wav' : mimeType, extension };
}

/** The HTTP content type of audio in each voice format (`pcm16` as RFC 3551's L16 with its rate). */
export function contentTypeOf(format: VoiceAudioFormat, sampleRate?: number): string {
  switch (format) {
    case 'pcm16':
      return sampleRate === undefined ? 'audio/pcm' : `audio/pcm;rate=${sampleRate}`;
    case 'wav':
      return 'audio/wav';
    case 'mp3':
      return 'audio/mpeg';
    case 'opus':
    case 'ogg-opus':
      return 'audio/ogg';
  }
}

/** ISO 639-1 from a BCP 47 tag (`en-US` → `en`), which Whisper-family providers want. */
export function languageCodeOf(tag: string | undefined): string | undefined {
  if (tag === undefined || tag.length === 0) return undefined;
  return tag.split('-')[0]?.toLowerCase();
}

/** Reads an error body for a message, without ever throwing. */
export async function errorDetailOf(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body === 'object' && body !== null) {
      const record = body as Record<string, unknown>;
      const nested = record.error ?? record.detail;
      if (typeof nested === 'object' && nested !== null && 'message' in nested && typeof nested.message === 'string') return nested.message;
      if (typeof nested === 'string') return nested;
      if (typeof record.message === 'string') return record.message;
    }
  } catch {
    // Not JSON: the text itself, shortened below.
  }
  return text.slice(0, 300);
}

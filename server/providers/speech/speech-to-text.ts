/**
 * The speech-to-text port: one utterance of audio in, its transcript out. Adapters (the Workers AI
 * binding's Whisper and Deepgram models, any OpenAI-compatible `/audio/transcriptions`) are made by
 * `createSpeechToText(settings)`; the voice capability and `POST /transcriptions` only see this.
 */

/** Audio handed to a transcriber: whole-file formats carry their own header; `pcm16` is headerless. */
export interface AudioInput {
  readonly bytes: Uint8Array;
  /** `audio/wav`, `audio/webm`, `audio/ogg`, `audio/mpeg`, or `audio/pcm` for headerless PCM16 LE. */
  readonly mimeType: string;
  /** Required for `audio/pcm`; ignored otherwise. */
  readonly sampleRate?: number;
}

export interface TranscribeOptions {
  /** A BCP 47 hint such as `en` or `de-DE`; adapters pass what their provider accepts. */
  language?: string;
  signal?: AbortSignal;
}

export interface Transcript {
  /** The words, trimmed; empty when nothing was said (silence or noise only). */
  readonly text: string;
  readonly language?: string;
}

export interface SpeechToText {
  readonly provider: string;
  readonly modelId: string;
  /** Throws `SpeechError` for provider failures; a caller's own cancellation is rethrown as its reason. */
  transcribe(audio: AudioInput, options?: TranscribeOptions): Promise<Transcript>;
}

export type SpeechErrorKind = 'timeout' | 'provider' | 'invalid-response' | 'unsupported-audio';

/** A speech provider failure with a stable kind. */
export class SpeechError extends Error {
  override readonly name = 'SpeechError';
  constructor(
    readonly kind: SpeechErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

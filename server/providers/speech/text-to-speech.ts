/**
 * The text-to-speech port: text and a catalog voice in, audio out as a stream. Adapters (the Workers
 * AI binding's Deepgram Aura and MeloTTS, any OpenAI-compatible `/audio/speech`, ElevenLabs) are made
 * by `createTextToSpeech(settings)`; each maps the catalog voice to its own (`voice.providers`).
 */
import type { Voice } from '../../../common/catalog.ts';
import type { VoiceAudioFormat } from '../../../common/voice.ts';

export type { SpeechErrorKind } from './speech-to-text.ts';
export { SpeechError } from './speech-to-text.ts';

export interface SynthesizeRequest {
  readonly text: string;
  readonly voice: Voice;
  /**
   * The format wanted. `pcm16` lets the caller compute a lip-sync envelope and is what the voice
   * session asks for; an adapter whose provider cannot give it answers the nearest format it can
   * and says so in `SpeechAudio.format`.
   */
  readonly format: VoiceAudioFormat;
  /** For `pcm16` and `wav`: the sample rate wanted; the adapter reports the one it got. */
  readonly sampleRate?: number;
  /** Ask for per-character timings where the provider offers them (ElevenLabs). */
  readonly withTimestamps?: boolean;
  readonly signal?: AbortSignal;
}

/** Per-character timings of the spoken text, in milliseconds from the start of the audio. */
export interface SpeechAlignment {
  readonly characters: readonly string[];
  readonly startMs: readonly number[];
  readonly endMs: readonly number[];
}

export interface SpeechAudio {
  readonly format: VoiceAudioFormat;
  /** Known for `pcm16` and `wav`. */
  readonly sampleRate?: number;
  readonly contentType: string;
  /** The audio as it arrives: a streaming provider yields chunks before synthesis ends. */
  readonly chunks: AsyncIterable<Uint8Array>;
  /** Settles once `chunks` is consumed: the timings, when asked for and offered. */
  readonly alignment: Promise<SpeechAlignment | undefined>;
}

export interface TextToSpeech {
  readonly provider: string;
  readonly modelId: string;
  /** The formats this adapter can answer directly. */
  readonly formats: readonly VoiceAudioFormat[];
  /** Throws `SpeechError` for provider failures (before or while streaming); cancellation rethrows its reason. */
  synthesize(request: SynthesizeRequest): Promise<SpeechAudio>;
}

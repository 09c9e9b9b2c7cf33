/**
 * The speaker over ElevenLabs' streaming API: `POST /v1/text-to-speech/{voice_id}/stream` for audio
 * alone, or `/stream/with-timestamps` when per-character timings are wanted, whose newline-delimited
 * JSON chunks carry `audio_base64` and an `alignment` of the characters they speak.
 */
import { z } from 'zod';
import type { Voice } from '../../../common/catalog.ts';
import type { VoiceAudioFormat } from '../../../common/voice.ts';
import { safeHost } from '../openai-client.ts';
import { prefixed, type SpeechCall, startSpeechCall, streamedChunks } from './speech-stream.ts';
import { contentTypeOf, errorDetailOf, speechCallerAbortFailure } from './speech-support.ts';
import { SpeechError } from './speech-to-text.ts';
import type { SpeechAlignment, SpeechAudio, SynthesizeRequest, TextToSpeech } from './text-to-speech.ts';
import { encodeWav } from './wav.ts';

/** Settings of the ElevenLabs speech provider. */
export interface ElevenLabsTextToSpeechSettings {
  /** Defaults to `https://api.elevenlabs.io`. */
  baseURL?: string;
  apiKey: string;
  /** Defaults to `eleven_flash_v2_5`, ElevenLabs' low-latency model. */
  model?: string;
  fetch?: typeof fetch;
  /** The longest silence, before or during the answer. */
  timeoutMs?: number;
}

export const defaultElevenLabsBaseURL = 'https://api.elevenlabs.io';
export const defaultElevenLabsModel = 'eleven_flash_v2_5';
const defaultTimeoutMs = 30_000;
/** The PCM rates ElevenLabs documents (`pcm_<rate>`). */
const pcmRates = [8_000, 16_000, 22_050, 24_000, 44_100, 48_000];
const defaultPcmRate = 24_000;

/** The ElevenLabs voice id of a catalog voice. */
export function elevenLabsVoiceOf(voice: Voice): string {
  return voice.providers.elevenLabs.voiceId;
}

/** The documented `output_format` nearest the rate asked for. */
function pcmRateNear(sampleRate: number | undefined): number {
  if (sampleRate === undefined) return defaultPcmRate;
  return pcmRates.reduce((best, rate) => (Math.abs(rate - sampleRate) < Math.abs(best - sampleRate) ? rate : best));
}

const timestampChunkSchema = z.object({
  audio_base64: z.string().nullable().optional(),
  alignment: z
    .object({
      characters: z.array(z.string()),
      character_start_times_seconds: z.array(z.number()),
      character_end_times_seconds: z.array(z.number()),
    })
    .nullable()
    .optional(),
});

export function createElevenLabsTextToSpeech(settings: ElevenLabsTextToSpeechSettings): TextToSpeech {
  const baseURL = (settings.baseURL ?? defaultElevenLabsBaseURL).replace(/\/+$/, '');
  const model = settings.model ?? defaultElevenLabsModel;
  const timeoutMs = settings.timeoutMs ?? defaultTimeoutMs;
  const fetchImpl = settings.fetch ?? globalThis.fetch;
  const describeProvider = `ElevenLabs at ${safeHost(baseURL)}`;

  return {
    provider: 'elevenlabs',
    modelId: model,
    formats: ['pcm16', 'wav', 'mp3'],
    async synthesize(request: SynthesizeRequest): Promise<SpeechAudio> {
      if (request.signal?.aborted === true) throw speechCallerAbortFailure(request.signal);
      // Opus is not among the formats ElevenLabs streams; MP3 is the nearest compressed one.
      const format: VoiceAudioFormat = request.format === 'pcm16' || request.format === 'wav' ? request.format : 'mp3';
      const sampleRate = format === 'mp3' ? undefined : pcmRateNear(request.sampleRate);
      const outputFormat = sampleRate === undefined ? 'mp3_44100_128' : `pcm_${sampleRate}`;
      const path = `/v1/text-to-speech/${encodeURIComponent(elevenLabsVoiceOf(request.voice))}/stream${request.withTimestamps === true ? '/with-timestamps' : ''}`;
      const call = startSpeechCall(request.signal, timeoutMs, describeProvider);
      let response: Response;
      try {
        response = await fetchImpl(`${baseURL}${path}?output_format=${outputFormat}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'xi-api-key': settings.apiKey },
          body: JSON.stringify({ text: request.text, model_id: model }),
          signal: call.signal,
        });
      } catch (error) {
        throw call.failure(error);
      }
      if (!response.ok || response.body === null) {
        const detail = (await errorDetailOf(response)).replaceAll(settings.apiKey, '[redacted]');
        throw call.failure(new SpeechError('provider', `${describeProvider} answered HTTP ${response.status}: ${detail}`));
      }
      let settleAlignment: (alignment: SpeechAlignment | undefined) => void = () => {};
      const alignment = new Promise<SpeechAlignment | undefined>((resolve) => {
        settleAlignment = resolve;
      });
      const audioChunks =
        request.withTimestamps === true
          ? timestampedChunks(response.body, call, describeProvider, settleAlignment)
          : settleThen(streamedChunks(response.body, call), () => settleAlignment(undefined));
      return {
        format,
        sampleRate,
        contentType: contentTypeOf(format, sampleRate),
        // A streamed WAV's header cannot know the length yet: it says "to the end" (see `parseWav`).
        chunks: format === 'wav' && sampleRate !== undefined ? prefixed(streamingWavHeader(sampleRate), audioChunks) : audioChunks,
        alignment,
      };
    },
  };
}

/** Settles `done` however the stream ends, so `alignment` never waits forever. */
async function* settleThen(source: AsyncIterable<Uint8Array>, done: () => void): AsyncGenerator<Uint8Array> {
  try {
    yield* source;
  } finally {
    done();
  }
}

/** Splits the NDJSON body into lines, decodes each chunk's audio, and gathers the timings in ms. */
async function* timestampedChunks(
  body: ReadableStream<Uint8Array>,
  call: SpeechCall,
  describeProvider: string,
  settle: (alignment: SpeechAlignment | undefined) => void,
): AsyncGenerator<Uint8Array> {
  const characters: string[] = [];
  const startMs: number[] = [];
  const endMs: number[] = [];
  const decoder = new TextDecoder();
  let pending = '';
  function* decodeLine(line: string): Generator<Uint8Array> {
    if (line.trim().length === 0) return;
    let parsed: z.infer<typeof timestampChunkSchema>;
    try {
      parsed = timestampChunkSchema.parse(JSON.parse(line));
    } catch (error) {
      throw new SpeechError('invalid-response', `${describeProvider} sent a chunk that is not its documented { audio_base64, alignment }.`, { cause: error });
    }
    if (parsed.alignment) {
      characters.push(...parsed.alignment.characters);
      startMs.push(...parsed.alignment.character_start_times_seconds.map((seconds) => Math.round(seconds * 1000)));
      endMs.push(...parsed.alignment.character_end_times_seconds.map((seconds) => Math.round(seconds * 1000)));
    }
    if (parsed.audio_base64) yield Uint8Array.from(atob(parsed.audio_base64), (character) => character.charCodeAt(0));
  }
  let complete = false;
  try {
    for await (const chunk of streamedChunks(body, call)) {
      pending += decoder.decode(chunk, { stream: true });
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) yield* decodeLine(line);
    }
    yield* decodeLine(pending + decoder.decode());
    complete = true;
  } finally {
    settle(complete && characters.length > 0 ? { characters, startMs, endMs } : undefined);
  }
}

/** A WAV header whose sizes say "unknown, to the end of the stream", as streaming writers leave them. */
function streamingWavHeader(sampleRate: number): Uint8Array {
  const header = encodeWav(new Uint8Array(0), sampleRate);
  const view = new DataView(header.buffer);
  view.setUint32(4, 0xffffffff, true);
  view.setUint32(40, 0xffffffff, true);
  return header;
}

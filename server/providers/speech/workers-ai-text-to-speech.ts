/**
 * The speaker over the Workers AI binding: Deepgram Aura (`@cf/deepgram/aura-2-en`, `aura-1`), with the
 * catalog voice's own model and speaker and the documented `encoding` / `container` / `sample_rate`,
 * streamed from the binding's raw response; or MeloTTS (`@cf/myshell-ai/melotts`), which answers the
 * whole text as one base64 MP3 and takes only a language.
 *
 * Not the Agents SDK's `WorkersAITTS`: it asks Aura for its default MP3 only (no `linear16`, so no
 * PCM for the lip-sync envelope), buffers the whole answer, and turns a failure into `null` after
 * logging it, where this port needs the stream and a `SpeechError` with a kind.
 */
import { z } from 'zod';
import type { Voice } from '../../../common/catalog.ts';
import type { VoiceAudioFormat } from '../../../common/voice.ts';
import { startSpeechCall, streamedChunks } from './speech-stream.ts';
import { contentTypeOf, speechCallerAbortFailure } from './speech-support.ts';
import { SpeechError } from './speech-to-text.ts';
import type { SpeechAudio, SynthesizeRequest, TextToSpeech } from './text-to-speech.ts';
import { untilAborted, type WorkersAISpeechBinding } from './workers-ai-speech-to-text.ts';

export const meloTtsModel = '@cf/myshell-ai/melotts';
export const defaultWorkersAITextToSpeechModel = '@cf/deepgram/aura-2-en';

/** Settings of the Workers AI speaker. */
export interface WorkersAITextToSpeechSettings {
  binding: WorkersAISpeechBinding;
  /**
   * `@cf/myshell-ai/melotts`, or an Aura model (the default). With Aura each catalog voice brings its
   * own model and speaker, since speakers belong to a model.
   */
  model?: string;
  /** The longest silence, before or during the answer. */
  timeoutMs?: number;
}

const defaultTimeoutMs = 30_000;
/** The rates Aura documents for linear16. */
const auraPcmRates = [8_000, 16_000, 24_000, 32_000, 48_000];
const defaultAuraPcmRate = 24_000;

/** MeloTTS's languages, by the ISO 639-1 code of the catalog voice's language. */
const meloLanguages: Readonly<Record<string, string>> = { en: 'en', es: 'es', fr: 'fr', zh: 'zh', ja: 'jp', ko: 'kr' };

/** The Aura model and speaker of a catalog voice. */
export function auraVoiceOf(voice: Voice): { model: string; speaker: string } {
  return { model: voice.providers.workersAi.model, speaker: voice.providers.workersAi.speaker };
}

/**
 * MeloTTS has no speakers on Workers AI, only a language: a catalog voice maps by its own language,
 * so no catalog field is needed. Undefined when MeloTTS does not speak it.
 */
export function meloLanguageOf(voice: Voice): string | undefined {
  return meloLanguages[voice.language.split('-')[0] ?? ''];
}

const meloOutputSchema = z.object({ audio: z.string().min(1) });

export function createWorkersAITextToSpeech(settings: WorkersAITextToSpeechSettings): TextToSpeech {
  const modelId = settings.model ?? defaultWorkersAITextToSpeechModel;
  const timeoutMs = settings.timeoutMs ?? defaultTimeoutMs;
  const isMelo = modelId === meloTtsModel;

  async function melo(request: SynthesizeRequest): Promise<SpeechAudio> {
    const describeProvider = `Workers AI (${meloTtsModel})`;
    const lang = meloLanguageOf(request.voice);
    if (lang === undefined) throw new SpeechError('provider', `${describeProvider} does not speak ${request.voice.language}.`);
    const call = startSpeechCall(request.signal, timeoutMs, describeProvider);
    let output: unknown;
    try {
      output = await untilAborted(settings.binding.run(meloTtsModel, { prompt: request.text, lang }, { signal: call.signal }), call.signal);
    } catch (error) {
      throw call.failure(error);
    }
    call.inactivity.stop();
    const parsed = meloOutputSchema.safeParse(output);
    let bytes: Uint8Array;
    try {
      if (!parsed.success) throw parsed.error;
      bytes = Uint8Array.from(atob(parsed.data.audio), (character) => character.charCodeAt(0));
    } catch (error) {
      throw new SpeechError('invalid-response', `${describeProvider} answered with output that is not its documented { audio }.`, { cause: error });
    }
    return { format: 'mp3', contentType: contentTypeOf('mp3'), chunks: once(bytes), alignment: Promise.resolve(undefined) };
  }

  async function aura(request: SynthesizeRequest): Promise<SpeechAudio> {
    const { model, speaker } = auraVoiceOf(request.voice);
    const describeProvider = `Workers AI (${model})`;
    // Opus would come in an Ogg container; MP3 is the compressed format every client plays.
    const format: VoiceAudioFormat = request.format === 'pcm16' || request.format === 'wav' ? request.format : 'mp3';
    const sampleRate = format === 'mp3' ? undefined : nearest(auraPcmRates, request.sampleRate ?? defaultAuraPcmRate);
    const encodingInputs =
      sampleRate === undefined ? { encoding: 'mp3' } : { encoding: 'linear16', container: format === 'wav' ? 'wav' : 'none', sample_rate: sampleRate };
    const call = startSpeechCall(request.signal, timeoutMs, describeProvider);
    let output: unknown;
    try {
      output = await untilAborted(
        settings.binding.run(model, { text: request.text, speaker, ...encodingInputs }, { returnRawResponse: true, signal: call.signal }),
        call.signal,
      );
    } catch (error) {
      throw call.failure(error);
    }
    let body: ReadableStream<Uint8Array> | null = null;
    if (output instanceof Response) {
      if (!output.ok) throw call.failure(new SpeechError('provider', `${describeProvider} answered HTTP ${output.status}.`));
      body = output.body;
    } else if (output instanceof ReadableStream) {
      body = output as ReadableStream<Uint8Array>;
    }
    if (body === null) throw call.failure(new SpeechError('invalid-response', `${describeProvider} answered with something other than an audio stream.`));
    return { format, sampleRate, contentType: contentTypeOf(format, sampleRate), chunks: streamedChunks(body, call), alignment: Promise.resolve(undefined) };
  }

  return {
    provider: 'workers-ai',
    modelId,
    formats: isMelo ? ['mp3'] : ['pcm16', 'wav', 'mp3'],
    async synthesize(request: SynthesizeRequest): Promise<SpeechAudio> {
      if (request.signal?.aborted === true) throw speechCallerAbortFailure(request.signal);
      return isMelo ? melo(request) : aura(request);
    },
  };
}

function nearest(values: readonly number[], wanted: number): number {
  return values.reduce((best, value) => (Math.abs(value - wanted) < Math.abs(best - wanted) ? value : best));
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

/**
 * The transcriber over the Workers AI binding, one utterance per `run`, with each model's documented
 * input: `@cf/openai/whisper` takes the file as an array of bytes, `@cf/openai/whisper-large-v3-turbo`
 * as base64 (with an ISO 639-1 `language`), `@cf/deepgram/nova-3` as `{ body, contentType }`.
 *
 * Not the Agents SDK's `WorkersAINova3STT` / `WorkersAIFluxSTT`: those open a websocket session to the
 * model and find utterance boundaries themselves, for audio streamed continuously. Kindred's voice
 * session sends whole utterances (the client's voice-activity detector ends them), and `POST
 * /transcriptions` and WhatsApp voice notes are whole files too, so one `run` per utterance is the fit.
 */
import { z } from 'zod';
import { audioFileOf, languageCodeOf, speechCallerAbortFailure } from './speech-support.ts';
import { type AudioInput, SpeechError, type SpeechToText, type TranscribeOptions, type Transcript } from './speech-to-text.ts';

/** The part of the Workers AI binding this adapter uses; the real `Ai` binding and the test fake both fit. */
export interface WorkersAISpeechBinding {
  run(model: string, inputs: Record<string, unknown>, options?: Record<string, unknown>): Promise<unknown>;
}

export const workersAISpeechToTextModels = ['@cf/openai/whisper-large-v3-turbo', '@cf/openai/whisper', '@cf/deepgram/nova-3'] as const;
export type WorkersAISpeechToTextModel = (typeof workersAISpeechToTextModels)[number];
export const defaultWorkersAISpeechToTextModel: WorkersAISpeechToTextModel = '@cf/openai/whisper-large-v3-turbo';

/** Settings of the Workers AI transcriber. */
export interface WorkersAISpeechToTextSettings {
  binding: WorkersAISpeechBinding;
  /** One of `workersAISpeechToTextModels`; defaults to whisper-large-v3-turbo. */
  model?: string;
  /** The longest one transcription may take. */
  timeoutMs?: number;
}

const defaultTimeoutMs = 60_000;

const whisperOutputSchema = z.object({ text: z.string() });
const whisperTurboOutputSchema = z.object({ text: z.string(), transcription_info: z.object({ language: z.string().optional() }).optional() });
const novaOutputSchema = z.object({
  results: z.object({ channels: z.array(z.object({ alternatives: z.array(z.object({ transcript: z.string() })) })) }),
});

export function createWorkersAISpeechToText(settings: WorkersAISpeechToTextSettings): SpeechToText {
  const modelId = settings.model ?? defaultWorkersAISpeechToTextModel;
  if (!(workersAISpeechToTextModels as readonly string[]).includes(modelId)) {
    throw new Error(`STT_MODEL ${modelId} is not a Workers AI speech-to-text model Kindred knows: ${workersAISpeechToTextModels.join(', ')}.`);
  }
  const timeoutMs = settings.timeoutMs ?? defaultTimeoutMs;
  const describeProvider = `Workers AI (${modelId})`;

  async function runModel(audio: AudioInput, language: string | undefined, signal: AbortSignal): Promise<unknown> {
    const file = audioFileOf(audio);
    if (modelId === '@cf/openai/whisper') return settings.binding.run(modelId, { audio: Array.from(file.bytes) }, { signal });
    if (modelId === '@cf/deepgram/nova-3') {
      return settings.binding.run(
        modelId,
        {
          audio: { body: new Response(new Uint8Array(file.bytes)).body, contentType: file.mimeType },
          punctuate: true,
          smart_format: true,
          ...(language === undefined ? {} : { language }),
        },
        { signal },
      );
    }
    return settings.binding.run(modelId, { audio: toBase64(file.bytes), ...(language === undefined ? {} : { language }) }, { signal });
  }

  function transcriptOf(output: unknown, language: string | undefined): Transcript {
    const invalid = (cause: unknown) =>
      new SpeechError('invalid-response', `${describeProvider} answered with output that is not its documented transcript.`, { cause });
    if (modelId === '@cf/deepgram/nova-3') {
      const parsed = novaOutputSchema.safeParse(output);
      if (!parsed.success) throw invalid(parsed.error);
      const text = parsed.data.results.channels[0]?.alternatives[0]?.transcript ?? '';
      return withLanguage(text.trim(), language);
    }
    if (modelId === '@cf/openai/whisper') {
      const parsed = whisperOutputSchema.safeParse(output);
      if (!parsed.success) throw invalid(parsed.error);
      return withLanguage(parsed.data.text.trim(), language);
    }
    const parsed = whisperTurboOutputSchema.safeParse(output);
    if (!parsed.success) throw invalid(parsed.error);
    return withLanguage(parsed.data.text.trim(), parsed.data.transcription_info?.language ?? language);
  }

  return {
    provider: 'workers-ai',
    modelId,
    async transcribe(audio: AudioInput, options: TranscribeOptions = {}): Promise<Transcript> {
      const callerSignal = options.signal;
      if (callerSignal?.aborted === true) throw speechCallerAbortFailure(callerSignal);
      // Nova-3 takes BCP 47 as documented (`en-US`); the Whisper models take ISO 639-1.
      const language = modelId === '@cf/deepgram/nova-3' ? options.language : languageCodeOf(options.language);
      const ownLimit = AbortSignal.timeout(timeoutMs);
      const signal = callerSignal === undefined ? ownLimit : AbortSignal.any([callerSignal, ownLimit]);
      let output: unknown;
      try {
        output = await untilAborted(runModel(audio, language, signal), signal);
      } catch (error) {
        if (error instanceof SpeechError) throw error;
        if (callerSignal !== undefined && aborted(callerSignal)) throw speechCallerAbortFailure(callerSignal);
        if (ownLimit.aborted) throw new SpeechError('timeout', `${describeProvider} did not answer within ${timeoutMs} ms.`, { cause: error });
        // The binding throws plain Errors such as `AiError: 3040: No more data centers to forward the request to`.
        const detail = error instanceof Error ? error.message : String(error);
        throw new SpeechError('provider', `${describeProvider} failed: ${detail}`, { cause: error });
      }
      return transcriptOf(output, language);
    },
  };
}

/** Read through a call, so the check after an `await` is not narrowed away by the one before it. */
function aborted(signal: AbortSignal): boolean {
  return signal.aborted;
}

function withLanguage(text: string, language: string | undefined): Transcript {
  return language === undefined ? { text } : { text, language };
}

/** Rejects with the signal's reason when it aborts, even if the binding does not notice it. */
export function untilAborted<Value>(promise: Promise<Value>, signal: AbortSignal): Promise<Value> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener('abort', abort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(error);
      },
    );
  });
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const step = 0x8000;
  for (let offset = 0; offset < bytes.byteLength; offset += step) binary += String.fromCharCode(...bytes.subarray(offset, offset + step));
  return btoa(binary);
}

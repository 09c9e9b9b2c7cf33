/**
 * The transcriber for any server speaking OpenAI's `POST /audio/transcriptions` (OpenAI itself,
 * faster-whisper-server / speaches, whisper.cpp's server, LocalAI, the test fake...), through the
 * `openai` SDK like the other OpenAI-compatible adapters: a multipart upload of `file` and `model`.
 */
import { APIConnectionError, APIConnectionTimeoutError, APIError, toFile } from 'openai';
import { z } from 'zod';
import { createOpenAIClient, type OpenAICompatibleSettings, safeHost } from '../openai-client.ts';
import { audioFileOf, languageCodeOf, speechCallerAbortFailure } from './speech-support.ts';
import { type AudioInput, SpeechError, type SpeechToText, type TranscribeOptions, type Transcript } from './speech-to-text.ts';

/** Settings of an OpenAI-compatible transcription provider. */
export interface OpenAICompatibleSpeechToTextSettings extends OpenAICompatibleSettings {
  /** Such as `whisper-1`, `gpt-4o-mini-transcribe`, or a local server's model name. */
  model: string;
  /** The longest one transcription may take (default 60 s). */
  timeoutMs?: number;
}

const defaultTimeoutMs = 60_000;
const longestErrorDetail = 300;

/** OpenAI's documented `json` answer, kept loose: compatible servers add fields. */
const answerSchema = z.object({ text: z.string(), language: z.string().optional() });

export function createOpenAICompatibleSpeechToText(settings: OpenAICompatibleSpeechToTextSettings): SpeechToText {
  const timeoutMs = settings.timeoutMs ?? defaultTimeoutMs;
  const client = createOpenAIClient({ ...settings, timeoutMs });
  const describeProvider = `the OpenAI-compatible transcription provider at ${safeHost(settings.baseURL)}`;

  function redact(text: string): string {
    const apiKey = settings.apiKey;
    const redacted = apiKey !== undefined && apiKey.length > 0 ? text.replaceAll(apiKey, '[redacted]') : text;
    return redacted.length > longestErrorDetail ? `${redacted.slice(0, longestErrorDetail)}…` : redacted;
  }

  function toFailure(error: unknown, callerSignal: AbortSignal | undefined): unknown {
    if (error instanceof SpeechError) return error;
    if (callerSignal?.aborted === true) return speechCallerAbortFailure(callerSignal);
    if (error instanceof APIConnectionTimeoutError) {
      return new SpeechError('timeout', `${describeProvider} did not answer within ${timeoutMs} ms.`, { cause: error });
    }
    if (error instanceof APIConnectionError)
      return new SpeechError('provider', `Could not reach ${describeProvider}: ${redact(error.message)}`, { cause: error });
    if (error instanceof APIError) {
      const body: unknown = error.error;
      const detail = typeof body === 'object' && body !== null && 'message' in body && typeof body.message === 'string' ? body.message : error.message;
      return new SpeechError('provider', `${describeProvider} answered HTTP ${error.status ?? 'error'}: ${redact(detail)}`, { cause: error });
    }
    if (error instanceof SyntaxError)
      return new SpeechError('invalid-response', `${describeProvider} answered with a body that is not a transcript.`, { cause: error });
    const detail = error instanceof Error ? error.message : String(error);
    return new SpeechError('provider', `${describeProvider} failed: ${redact(detail)}`, { cause: error });
  }

  return {
    provider: 'openai-compatible',
    modelId: settings.model,
    async transcribe(audio: AudioInput, options: TranscribeOptions = {}): Promise<Transcript> {
      const { signal } = options;
      if (signal?.aborted === true) throw speechCallerAbortFailure(signal);
      const file = audioFileOf(audio);
      const language = languageCodeOf(options.language);
      let answer: unknown;
      try {
        answer = await client.audio.transcriptions.create(
          {
            file: await toFile(file.bytes, `utterance.${file.extension}`, { type: file.mimeType }),
            model: settings.model,
            response_format: 'json',
            ...(language === undefined ? {} : { language }),
          },
          { signal },
        );
      } catch (error) {
        throw toFailure(error, signal);
      }
      const parsed = answerSchema.safeParse(answer);
      if (!parsed.success) {
        throw new SpeechError('invalid-response', `${describeProvider} answered with a body that is not a transcript.`, { cause: parsed.error });
      }
      const text = parsed.data.text.trim();
      return language === undefined && parsed.data.language === undefined ? { text } : { text, language: parsed.data.language ?? language };
    },
  };
}

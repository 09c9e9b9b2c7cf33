/**
 * The speaker for any server speaking OpenAI's `POST /audio/speech` (OpenAI itself, Kokoro-FastAPI,
 * openedai-speech, Kindred's local eSpeak NG server, the test fake...), with the body streamed as it
 * arrives. Plain `fetch` rather than the `openai` SDK: the SDK's timeout ends when the headers arrive,
 * while a stream needs a limit on silence over the whole body, which `speech-stream.ts` gives.
 */
import type { Voice } from '../../../common/catalog.ts';
import type { VoiceAudioFormat } from '../../../common/voice.ts';
import { type OpenAICompatibleSettings, safeHost } from '../openai-client.ts';
import { startSpeechCall, streamedChunks } from './speech-stream.ts';
import { contentTypeOf, errorDetailOf, speechCallerAbortFailure } from './speech-support.ts';
import { SpeechError } from './speech-to-text.ts';
import type { SpeechAudio, SynthesizeRequest, TextToSpeech } from './text-to-speech.ts';

/** Settings of an OpenAI-compatible speech provider. */
export interface OpenAICompatibleTextToSpeechSettings extends OpenAICompatibleSettings {
  /** Such as `gpt-4o-mini-tts`, `tts-1`, or `espeak-ng` for Kindred's local speech server. */
  model: string;
  /** The longest silence, before or during the answer (default 30 s). */
  timeoutMs?: number;
}

const defaultTimeoutMs = 30_000;
/** OpenAI documents `pcm` as 24 kHz 16-bit little-endian mono; its `wav` is the same audio. */
export const openAISpeechSampleRate = 24_000;

/** Kindred's local speech server speaks eSpeak NG voices, named as the catalog's `espeak.voice`. */
export function isEspeakModel(model: string): boolean {
  return model.toLowerCase().startsWith('espeak');
}

/** The provider's voice name for a catalog voice. */
export function openAIVoiceOf(voice: Voice, model: string): string {
  return isEspeakModel(model) ? voice.espeak.voice : voice.providers.openai.voice;
}

const responseFormats: Readonly<Record<VoiceAudioFormat, { responseFormat: string; answered: VoiceAudioFormat }>> = {
  pcm16: { responseFormat: 'pcm', answered: 'pcm16' },
  wav: { responseFormat: 'wav', answered: 'wav' },
  mp3: { responseFormat: 'mp3', answered: 'mp3' },
  // OpenAI's `opus` is Opus in an Ogg container.
  opus: { responseFormat: 'opus', answered: 'ogg-opus' },
  'ogg-opus': { responseFormat: 'opus', answered: 'ogg-opus' },
};

export function createOpenAICompatibleTextToSpeech(settings: OpenAICompatibleTextToSpeechSettings): TextToSpeech {
  const timeoutMs = settings.timeoutMs ?? defaultTimeoutMs;
  const fetchImpl = settings.fetch ?? globalThis.fetch;
  const describeProvider = `the OpenAI-compatible speech provider at ${safeHost(settings.baseURL)}`;
  const url = `${settings.baseURL.replace(/\/+$/, '')}/audio/speech`;

  function redact(text: string): string {
    const apiKey = settings.apiKey;
    return apiKey !== undefined && apiKey.length > 0 ? text.replaceAll(apiKey, '[redacted]') : text;
  }

  return {
    provider: 'openai-compatible',
    modelId: settings.model,
    formats: ['pcm16', 'wav', 'mp3', 'ogg-opus'],
    async synthesize(request: SynthesizeRequest): Promise<SpeechAudio> {
      if (request.signal?.aborted === true) throw speechCallerAbortFailure(request.signal);
      const { responseFormat, answered } = responseFormats[request.format];
      const call = startSpeechCall(request.signal, timeoutMs, describeProvider);
      let response: Response;
      try {
        response = await fetchImpl(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(settings.apiKey === undefined ? {} : { authorization: `Bearer ${settings.apiKey}` }),
            ...settings.headers,
          },
          body: JSON.stringify({
            model: settings.model,
            input: request.text,
            voice: openAIVoiceOf(request.voice, settings.model),
            response_format: responseFormat,
          }),
          signal: call.signal,
        });
      } catch (error) {
        throw call.failure(error);
      }
      if (!response.ok || response.body === null) {
        const failure = new SpeechError('provider', `${describeProvider} answered HTTP ${response.status}: ${redact(await errorDetailOf(response))}`);
        throw call.failure(failure);
      }
      const sampleRate = answered === 'pcm16' || answered === 'wav' ? openAISpeechSampleRate : undefined;
      return {
        format: answered,
        sampleRate,
        contentType: contentTypeOf(answered, sampleRate),
        chunks: streamedChunks(response.body, call),
        alignment: Promise.resolve(undefined),
      };
    },
  };
}

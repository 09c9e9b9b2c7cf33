/**
 * The speech models of the fake Workers AI binding (`fake-workers-ai.ts` hands them these calls),
 * faithful to Cloudflare's documented inputs and outputs:
 * - `@cf/openai/whisper`: `{ audio: number[] }` → `{ text, word_count, words, vtt }`;
 * - `@cf/openai/whisper-large-v3-turbo`: `{ audio: base64, language? }` → `{ transcription_info, text, word_count, segments, vtt }`;
 * - `@cf/deepgram/nova-3`: `{ audio: { body, contentType }, language? }` → `{ results: { channels: [{ alternatives: [{ transcript, confidence }] }] } }`;
 * - `@cf/deepgram/aura-1` / `aura-2-en`: `{ text, speaker, encoding, container, sample_rate }` → the audio
 *   stream (a `Response` with `returnRawResponse`), linear16 as a tone, mp3 as silent MPEG frames;
 * - `@cf/myshell-ai/melotts`: `{ prompt, lang }` → `{ audio: base64 mp3 }`.
 * Failures are thrown as the binding throws them: `AiError: <code>: <description>`.
 */
import { encodeWav } from '../server/providers/speech/wav.ts';
import { hearAudio } from './fake-hearing.ts';
import { sinePcm16 } from './generated-audio.ts';

/** How the next speech call goes wrong. */
export type FakeSpeechFailure = 'provider-error' | 'malformed' | 'hang';

export const fakeWorkersAISpeechModels = [
  '@cf/openai/whisper',
  '@cf/openai/whisper-large-v3-turbo',
  '@cf/deepgram/nova-3',
  '@cf/deepgram/aura-1',
  '@cf/deepgram/aura-2-en',
  '@cf/myshell-ai/melotts',
] as const;

const auraSpeakers: Readonly<Record<string, readonly string[]>> = {
  '@cf/deepgram/aura-1': ['angus', 'asteria', 'arcas', 'orion', 'orpheus', 'athena', 'luna', 'zeus', 'perseus', 'helios', 'hera', 'stella'],
  '@cf/deepgram/aura-2-en': [
    'amalthea',
    'andromeda',
    'apollo',
    'arcas',
    'aries',
    'asteria',
    'athena',
    'atlas',
    'aurora',
    'callista',
    'cora',
    'cordelia',
    'delia',
    'draco',
    'electra',
    'harmonia',
    'helena',
    'hera',
    'hermes',
    'hyperion',
    'iris',
    'janus',
    'juno',
    'jupiter',
    'luna',
    'mars',
    'minerva',
    'neptune',
    'odysseus',
    'ophelia',
    'orion',
    'orpheus',
    'pandora',
    'phoebe',
    'pluto',
    'saturn',
    'thalia',
    'theia',
    'vesta',
    'zeus',
  ],
};
const auraEncodings = ['linear16', 'flac', 'mulaw', 'alaw', 'mp3', 'opus', 'aac'];
const auraContainers = ['none', 'wav', 'ogg'];
const meloLanguages = ['en', 'es', 'fr', 'zh', 'jp', 'kr'];
const secondsPerCharacter = 0.07;
const streamChunkBytes = 4_800;

export interface FakeWorkersAISpeech {
  run(model: string, inputs: Record<string, unknown>, options?: Record<string, unknown>): Promise<unknown>;
  failNext(failure: FakeSpeechFailure): void;
}

export function createFakeWorkersAISpeech(): FakeWorkersAISpeech {
  const failures: FakeSpeechFailure[] = [];

  async function run(model: string, inputs: Record<string, unknown>, options?: Record<string, unknown>): Promise<unknown> {
    const signal = options?.signal instanceof AbortSignal ? options.signal : undefined;
    if (signal?.aborted === true) throw signal.reason;
    const failure = failures.shift();
    if (failure === 'hang') await hangUntil(signal);
    if (failure === 'provider-error') throw new Error('AiError: 3040: No more data centers to forward the request to');
    switch (model) {
      case '@cf/openai/whisper': {
        const audio = inputs.audio;
        if (!Array.isArray(audio) || audio.some((byte) => typeof byte !== 'number')) throw inputError("'audio' must be an array of bytes");
        if (failure === 'malformed') return { words: 'none' };
        const text = hearAudio(Uint8Array.from(audio as number[]), kindOf(Uint8Array.from(audio as number[])));
        return { text, word_count: countWords(text), words: [], vtt: 'WEBVTT\n\n' };
      }
      case '@cf/openai/whisper-large-v3-turbo': {
        if (typeof inputs.audio !== 'string' || inputs.audio.length === 0) throw inputError("'audio' must be a base64 string");
        if (inputs.language !== undefined && (typeof inputs.language !== 'string' || !/^[a-z]{2,3}$/.test(inputs.language))) {
          throw inputError("'language' must be an ISO 639-1 code");
        }
        let bytes: Uint8Array;
        try {
          bytes = Uint8Array.from(atob(inputs.audio), (character) => character.charCodeAt(0));
        } catch {
          throw inputError("'audio' is not valid base64");
        }
        if (failure === 'malformed') return { transcription_info: {}, segments: 3 };
        const text = hearAudio(bytes, kindOf(bytes));
        return {
          transcription_info: { language: inputs.language ?? 'en', language_probability: 0.99, duration: 1, duration_after_vad: 1 },
          text,
          word_count: countWords(text),
          segments: [],
          vtt: 'WEBVTT\n\n',
        };
      }
      case '@cf/deepgram/nova-3': {
        const audio = inputs.audio;
        if (typeof audio !== 'object' || audio === null || !('body' in audio) || !('contentType' in audio) || typeof audio.contentType !== 'string') {
          throw inputError("'audio' must be { body, contentType }");
        }
        if (!audio.contentType.startsWith('audio/')) throw inputError("'audio.contentType' must be an audio type");
        const bytes = new Uint8Array(await new Response(audio.body as BodyInit).arrayBuffer());
        if (failure === 'malformed') return { results: { channels: 'none' } };
        const transcript = hearAudio(bytes, audio.contentType === 'audio/wav' ? 'wav' : audio.contentType.replace('audio/', ''));
        return {
          metadata: { request_id: crypto.randomUUID(), channels: 1, models: ['nova-3'] },
          results: { channels: [{ alternatives: [{ transcript, confidence: transcript.length > 0 ? 0.98 : 0, words: [] }] }] },
        };
      }
      case '@cf/deepgram/aura-1':
      case '@cf/deepgram/aura-2-en':
        return aura(model, inputs, options, failure);
      case '@cf/myshell-ai/melotts': {
        if (typeof inputs.prompt !== 'string' || inputs.prompt.length === 0) throw inputError("'prompt' is a required string");
        if (inputs.lang !== undefined && (typeof inputs.lang !== 'string' || !meloLanguages.includes(inputs.lang)))
          throw inputError("'lang' is not a supported language");
        if (failure === 'malformed') return { audio: 42 };
        return { audio: toBase64(silentMp3(Array.from(inputs.prompt).length * secondsPerCharacter)) };
      }
      default:
        throw new Error(`AiError: 5007: No such model ${model} or task`);
    }
  }

  return {
    run,
    failNext(failure) {
      failures.push(failure);
    },
  };
}

function aura(model: string, inputs: Record<string, unknown>, options: Record<string, unknown> | undefined, failure: FakeSpeechFailure | undefined): unknown {
  if (typeof inputs.text !== 'string' || inputs.text.length === 0) throw inputError("'text' is a required string");
  const speaker = inputs.speaker ?? (model === '@cf/deepgram/aura-1' ? 'angus' : 'luna');
  if (typeof speaker !== 'string' || !(auraSpeakers[model] ?? []).includes(speaker)) throw inputError(`'speaker' must be one of the ${model} speakers`);
  const encoding = inputs.encoding ?? 'mp3';
  if (typeof encoding !== 'string' || !auraEncodings.includes(encoding)) throw inputError("'encoding' is not a supported encoding");
  const container = inputs.container ?? 'none';
  if (typeof container !== 'string' || !auraContainers.includes(container)) throw inputError("'container' must be none, wav or ogg");
  if (encoding !== 'linear16' && encoding !== 'mp3') throw new Error(`fake Workers AI: Aura encoding ${encoding} is not faked`);
  if (encoding === 'mp3' && (inputs.sample_rate !== undefined || container !== 'none')) throw inputError('mp3 takes no sample_rate and no container');
  const sampleRate = inputs.sample_rate ?? 24_000;
  if (typeof sampleRate !== 'number' || ![8_000, 16_000, 24_000, 32_000, 48_000].includes(sampleRate))
    throw inputError("'sample_rate' is not supported for linear16");
  const seconds = Array.from(inputs.text).length * secondsPerCharacter;
  let audio: Uint8Array;
  if (encoding === 'mp3') audio = silentMp3(seconds);
  else audio = container === 'wav' ? encodeWav(sinePcm16(seconds, sampleRate), sampleRate) : sinePcm16(seconds, sampleRate);
  if (failure === 'malformed') return { audio: 'not a stream' };
  const contentType = encoding === 'mp3' ? 'audio/mpeg' : container === 'wav' ? 'audio/wav' : 'audio/l16';
  let offset = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= audio.byteLength) {
        controller.close();
        return;
      }
      controller.enqueue(audio.slice(offset, offset + streamChunkBytes));
      offset += streamChunkBytes;
    },
  });
  return options?.returnRawResponse === true ? new Response(stream, { headers: { 'content-type': contentType } }) : stream;
}

/**
 * Silent MPEG-1 Layer III: 128 kbit/s, 44.1 kHz, mono frames of 417 bytes whose side information is
 * all zero (no coded samples), which decoders play as silence. Real MP3 without an encoder in workerd.
 */
export function silentMp3(seconds: number): Uint8Array {
  const frameBytes = 417;
  const frames = Math.max(1, Math.ceil((seconds * 44_100) / 1_152));
  const audio = new Uint8Array(frames * frameBytes);
  for (let frame = 0; frame < frames; frame++) audio.set([0xff, 0xfb, 0x90, 0xc0], frame * frameBytes);
  return audio;
}

function kindOf(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes.subarray(0, 4)) === 'RIFF' ? 'wav' : 'audio';
}

function countWords(text: string): number {
  return text.split(/\s+/).filter((word) => word.length > 0).length;
}

function inputError(detail: string): Error {
  return new Error(`AiError: 5006: Error: oneOf at '/' not met, ${detail}`);
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function hangUntil(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_resolve, reject) => {
    signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/**
 * Text to speech with eSpeak NG: `espeak-ng --stdout` (a WAV stream at 22.05 kHz) piped through sox
 * into the format asked for, and for OGG/Opus on through `opusenc` (sox cannot write Opus).
 */
import type { Pipeline } from './processes.ts';
import { startPipeline } from './processes.ts';

/** The `response_format` values this server answers, with their Content-Type. */
export const speechFormats = {
  wav: 'audio/wav',
  pcm: 'audio/pcm',
  mp3: 'audio/mpeg',
  flac: 'audio/flac',
  opus: 'audio/ogg; codecs=opus',
} as const;

export type SpeechFormat = keyof typeof speechFormats;

/** OpenAI's `pcm` is 24 kHz, and so is everything here, so a client's sample rate never has to change with the format. */
export const speechSampleRate = 24_000;

/**
 * eSpeak's words per minute at `speed: 1`. eSpeak's own default is 175; a little slower is easier to
 * follow and, measured with `npm run eval:speech`, transcribes better (docs/speech-local.md).
 */
export const baseWordsPerMinute = 160;

/**
 * OpenAI's voice names, each given an eSpeak voice of a similar kind, so a client written for OpenAI
 * works unchanged. `+klatt…` variants are eSpeak's formant voices closest to a natural one.
 */
export const openAIVoices: Readonly<Record<string, string>> = {
  alloy: 'en-us+klatt2',
  ash: 'en-us+m3',
  ballad: 'en-gb+m3',
  coral: 'en-us+f2',
  echo: 'en-us+m1',
  fable: 'en-gb+f3',
  nova: 'en-us+f3',
  onyx: 'en-us+m2',
  sage: 'en-us+f4',
  shimmer: 'en-us+f5',
  verse: 'en-us+klatt4',
  marin: 'en-us+klatt3',
  cedar: 'en-us+m7',
};

// A language (`en`, `en-us`, `en-gb-x-rp`) and an optional variant (`+f3`, `+klatt2`): nothing else can
// reach espeak's `-v`, in particular nothing that starts with `-` or names a path.
const espeakVoicePattern = /^[a-z]{2,3}(-[a-z0-9]{1,8}){0,3}(\+[A-Za-z0-9_]{1,20})?$/;

/** The eSpeak voice for a request's `voice`, or undefined when it is neither an OpenAI name nor an eSpeak voice. */
export function espeakVoiceFor(voice: string): string | undefined {
  const named = openAIVoices[voice.toLowerCase()];
  if (named) return named;
  return espeakVoicePattern.test(voice) ? voice : undefined;
}

/** eSpeak accepts 80 to 450 words per minute. */
export function wordsPerMinuteFor(speed: number): number {
  return Math.min(450, Math.max(80, Math.round(baseWordsPerMinute * speed)));
}

function soxOutputArguments(format: SpeechFormat): string[] {
  const rate = ['-r', String(speechSampleRate), '-c', '1'];
  switch (format) {
    case 'wav':
      return ['-t', 'wav', '-b', '16', '-e', 'signed-integer', ...rate, '-'];
    case 'pcm':
      return ['-t', 'raw', '-b', '16', '-e', 'signed-integer', '-L', ...rate, '-'];
    case 'mp3':
      return ['-t', 'mp3', ...rate, '-'];
    case 'flac':
      return ['-t', 'flac', '-b', '16', ...rate, '-'];
    case 'opus':
      // opusenc reads the WAV and resamples to Opus's 48 kHz itself.
      return ['-t', 'wav', '-b', '16', '-e', 'signed-integer', ...rate, '-'];
  }
}

export interface SynthesisRequest {
  text: string;
  espeakVoice: string;
  wordsPerMinute: number;
  format: SpeechFormat;
  timeoutMs: number;
  /** Stops synthesis when the server closes. */
  signal?: AbortSignal;
}

/** Starts speaking: the audio streams from `output` while eSpeak is still synthesising. */
export function startSynthesis(request: SynthesisRequest): Pipeline {
  const stages = [
    // The text arrives on standard input (never as an argument, never through a shell); `-b 1` says
    // it is UTF-8, and `--stdout` writes a WAV stream as it is made.
    { command: 'espeak-ng', args: ['-v', request.espeakVoice, '-s', String(request.wordsPerMinute), '-b', '1', '--stdout'] },
    // `-V1`: only errors on stderr (sox warns that a piped WAV header cannot hold the final length).
    // -D: no dither. sox dithers by default when it resamples to 16 bits, adding random noise, so the
    // same text would give different audio, and a different transcript, on every run.
    { command: 'sox', args: ['-V1', '-D', '-t', 'wav', '-', ...soxOutputArguments(request.format)] },
  ];
  if (request.format === 'opus') stages.push({ command: 'opusenc', args: ['--quiet', '--speech', '--bitrate', '32', '-', '-'] });
  return startPipeline(stages, request.text, { timeoutMs: request.timeoutMs, signal: request.signal });
}

/**
 * In-test fakes of the speech ports, put in place with `replaceSpeechPortsForTests` (the object runs
 * in the test's isolate). The transcriber knows the utterances a test taught it, by their bytes, and
 * hears nothing in anything else; the synthesizer answers a PCM16 tone as long as the text (a fixed
 * time per character), after a configurable latency, and honours cancellation.
 */
import { voiceInputSampleRate } from '../common/voice.ts';
import type { AudioInput, SpeechToText, TranscribeOptions, Transcript } from '../server/providers/speech/speech-to-text.ts';
import type { SpeechAudio, SynthesizeRequest, TextToSpeech } from '../server/providers/speech/text-to-speech.ts';

async function digest(bytes: Uint8Array): Promise<string> {
  const hash = await crypto.subtle.digest('SHA-256', new Uint8Array(bytes));
  return [...new Uint8Array(hash)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** A transcriber that maps utterances it was taught (by their exact bytes) to their text. */
export class FakeSpeechToText implements SpeechToText {
  readonly provider = 'fake';
  readonly modelId = 'fake-transcriber';
  readonly #known = new Map<string, string>();
  /** Every call, with the audio's length and type. */
  readonly calls: { byteLength: number; mimeType: string; sampleRate?: number; language?: string }[] = [];

  async teach(pcm: Uint8Array, text: string): Promise<void> {
    this.#known.set(await digest(pcm), text);
  }

  async transcribe(audio: AudioInput, options?: TranscribeOptions): Promise<Transcript> {
    this.calls.push({ byteLength: audio.bytes.byteLength, mimeType: audio.mimeType, sampleRate: audio.sampleRate, language: options?.language });
    return { text: this.#known.get(await digest(audio.bytes)) ?? '' };
  }
}

/** A synthesizer whose audio is a 220 Hz tone lasting `msPerCharacter` per character of the text. */
export class FakeTextToSpeech implements TextToSpeech {
  readonly provider = 'fake';
  readonly modelId = 'fake-voice';
  readonly formats = ['pcm16'] as const;
  readonly requests: { text: string; format: string }[] = [];
  aborted = 0;
  /** While set, each synthesis streams its first chunk and then waits for it before the rest. */
  hold: Promise<void> | undefined;
  /** Chunks handed out so far, over every synthesis. */
  chunksStreamed = 0;

  constructor(readonly options: { latencyMs: number; msPerCharacter: number; sampleRate: number } = { latencyMs: 5, msPerCharacter: 50, sampleRate: 24_000 }) {}

  async synthesize(request: SynthesizeRequest): Promise<SpeechAudio> {
    this.requests.push({ text: request.text, format: request.format });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, this.options.latencyMs);
      request.signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        this.aborted += 1;
        reject(request.signal?.reason);
      });
    });
    const pcm = tone(220, (request.text.length * this.options.msPerCharacter) / 1000, this.options.sampleRate, 0.5);
    return {
      format: 'pcm16',
      sampleRate: this.options.sampleRate,
      contentType: 'audio/pcm',
      chunks: (async function* (fake: FakeTextToSpeech, hold: Promise<void> | undefined) {
        for (let start = 0; start < pcm.byteLength; start += 8192) {
          if (start > 0 && hold) await hold;
          fake.chunksStreamed += 1;
          yield pcm.subarray(start, start + 8192);
        }
      })(this, this.hold),
      alignment: Promise.resolve(undefined),
    };
  }
}

/** A sine as 16-bit little-endian PCM; `amplitude` is a share of full scale. */
export function tone(frequency: number, seconds: number, sampleRate = voiceInputSampleRate, amplitude = 0.3): Uint8Array {
  const count = Math.round(seconds * sampleRate);
  const samples = new Int16Array(count);
  for (let index = 0; index < count; index++) samples[index] = Math.round(Math.sin((2 * Math.PI * frequency * index) / sampleRate) * amplitude * 32767);
  return new Uint8Array(samples.buffer);
}

/** Faint noise: a room with nobody speaking. */
export function faintNoise(seconds: number): Uint8Array {
  const samples = new Int16Array(Math.round(seconds * voiceInputSampleRate));
  for (let index = 0; index < samples.length; index++) samples[index] = Math.round((Math.random() - 0.5) * 60);
  return new Uint8Array(samples.buffer);
}

/** The `voice-audio` frames of an utterance: chunks of at most `chunkBytes`, numbered from 0. */
export function audioFrames(utteranceId: string, pcm: Uint8Array, chunkBytes = 32_000): string[] {
  const frames: string[] = [];
  for (let start = 0, seq = 0; start < pcm.byteLength; start += chunkBytes, seq++) {
    frames.push(JSON.stringify({ type: 'voice-audio', utteranceId, seq, data: base64(pcm.subarray(start, start + chunkBytes)) }));
  }
  return frames;
}

export function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let start = 0; start < bytes.length; start += 0x8000) binary += String.fromCharCode(...bytes.subarray(start, start + 0x8000));
  return btoa(binary);
}

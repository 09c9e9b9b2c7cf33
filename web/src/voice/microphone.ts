// The microphone in voice mode: getUserMedia for the stream, an analyser for the level meter, and
// the Silero voice-activity detector (@ricky0123/vad-web) that finds where speech starts and ends.
// The detector's model, worklet and onnxruntime's wasm are copied into the build under
// /vendor/vad/ (scripts/build-web.mjs), so nothing is fetched from another origin.
import type { MicVAD } from '@ricky0123/vad-web';
import { meterLevel } from './pcm.ts';

/** Where the build puts the detector's files. */
export const vadAssetPath = '/vendor/vad/';

/** What the detector reports; audio is 16 kHz mono Float32, as the wire wants it before conversion. */
export interface MicrophoneHandlers {
  /**
   * Speech has gone on long enough to be real (not a cough or a click): the moment to barge in.
   * The detector's first positive frame is not used, since it is often a misfire.
   */
  onSpeechStart(): void;
  /** What seemed speech was too short to be: nothing is sent. */
  onMisfire(): void;
  /** A whole utterance, when the detector decides the person has stopped. */
  onSpeechEnd(audio: Float32Array): void;
  /** Every frame of 16 kHz audio, speech or not: push-to-talk collects these while the button is held. */
  onFrame(frame: Float32Array): void;
}

export interface Microphone {
  /** The input level now, 0 to 1, for the meter. */
  level(): number;
  /** Stops the detector and releases the microphone. */
  close(): Promise<void>;
}

/** Why the microphone could not open, for a sentence that says what to do. */
export type MicrophoneFailure = 'denied' | 'missing' | 'detector' | 'unsupported';

export class MicrophoneError extends Error {
  constructor(
    readonly reason: MicrophoneFailure,
    options?: { cause?: unknown },
  ) {
    super(`microphone unavailable: ${reason}`, options);
    this.name = 'MicrophoneError';
  }
}

export async function requestStream(): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) throw new MicrophoneError('unsupported');
  try {
    return await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true } });
  } catch (error) {
    const name = error instanceof DOMException ? error.name : '';
    if (name === 'NotAllowedError' || name === 'SecurityError') throw new MicrophoneError('denied', { cause: error });
    throw new MicrophoneError('missing', { cause: error });
  }
}

/**
 * Opens the microphone. With `detector` false only the meter runs (the browser's own recognition
 * listens then); otherwise the detector reports speech through `handlers`.
 */
export async function openMicrophone(handlers: MicrophoneHandlers, options: { detector: boolean }): Promise<Microphone> {
  const stream = await requestStream();
  const context = new AudioContext();
  const analyser = context.createAnalyser();
  analyser.fftSize = 512;
  context.createMediaStreamSource(stream).connect(analyser);
  const samples = new Uint8Array(analyser.fftSize);
  let detector: MicVAD | undefined;
  if (options.detector) {
    try {
      // Loaded on first use: the detector and onnxruntime are most of a megabyte the chat does not need.
      const { MicVAD } = await import('@ricky0123/vad-web');
      detector = await MicVAD.new({
        model: 'v5',
        baseAssetPath: vadAssetPath,
        onnxWASMBasePath: vadAssetPath,
        audioContext: context,
        // The stream is ours (the meter uses it too): the detector neither asks for nor stops it.
        getStream: async () => stream,
        pauseStream: async () => {},
        resumeStream: async () => stream,
        startOnLoad: true,
        // Short pauses inside a sentence do not end it; a second of silence does.
        redemptionMs: 900,
        minSpeechMs: 250,
        onSpeechRealStart: () => handlers.onSpeechStart(),
        onVADMisfire: () => handlers.onMisfire(),
        onSpeechEnd: (audio) => handlers.onSpeechEnd(audio),
        onFrameProcessed: (_probabilities, frame) => handlers.onFrame(frame),
        ortConfig: (ort) => {
          // One thread: several need cross-origin isolation (SharedArrayBuffer), which the app does not set.
          ort.env.wasm.numThreads = 1;
        },
      });
    } catch (error) {
      for (const track of stream.getTracks()) track.stop();
      await context.close();
      throw new MicrophoneError('detector', { cause: error });
    }
  }
  return {
    level() {
      analyser.getByteTimeDomainData(samples);
      return meterLevel(samples);
    },
    async close() {
      await detector?.destroy();
      for (const track of stream.getTracks()) track.stop();
      if (context.state !== 'closed') await context.close();
    },
  };
}

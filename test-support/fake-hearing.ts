/**
 * What the speech-to-text fakes "hear": the audio itself decides, so a test can tell what reached the
 * provider. A WAV whose samples are silent is heard as nothing; any other WAV as its length and rate;
 * other formats as their size and kind. Pure and import-light, for the Node and workerd fakes alike.
 */
import { parseWav, peakLevel } from '../server/providers/speech/wav.ts';

/** A peak below this (about -40 dBFS) is silence. */
const silenceLevel = 0.01;

/** The fake transcript of `bytes`, a file of `kind` (an extension such as `wav` or `ogg`). */
export function hearAudio(bytes: Uint8Array, kind: string): string {
  if (kind === 'wav') {
    const wav = parseWav(bytes);
    if (wav === undefined || peakLevel(wav.samples) < silenceLevel) return '';
    const seconds = wav.samples.byteLength / 2 / wav.channels / wav.sampleRate;
    return `I heard ${seconds.toFixed(1)} seconds of sound at ${wav.sampleRate} hertz.`;
  }
  return bytes.byteLength === 0 ? '' : `I heard ${bytes.byteLength} bytes of ${kind}.`;
}

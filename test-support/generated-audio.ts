/**
 * Real audio for the speech fakes and tests: a tone (PCM16 LE, mono) or silence, generated rather than
 * stored. Erasable TypeScript with no imports, so the Node-side fakes and the workerd tests share it.
 */

/** `seconds` of a sine tone at `frequency` Hz, PCM16 LE mono, at a third of full scale. */
export function sinePcm16(seconds: number, sampleRate: number, frequency = 440): Uint8Array {
  const count = Math.round(seconds * sampleRate);
  const bytes = new Uint8Array(count * 2);
  const view = new DataView(bytes.buffer);
  for (let index = 0; index < count; index++) {
    view.setInt16(index * 2, Math.round(Math.sin((2 * Math.PI * frequency * index) / sampleRate) * 10_000), true);
  }
  return bytes;
}

/** `seconds` of digital silence, PCM16 LE mono. */
export function silencePcm16(seconds: number, sampleRate: number): Uint8Array {
  return new Uint8Array(Math.round(seconds * sampleRate) * 2);
}

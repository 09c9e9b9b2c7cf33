import { concatBytes, envelopeFrameSamples } from './audio.ts';

/** The first part of a sentence is at most this long: small enough to reach the device at once. */
export const firstPartMs = 240;
/** Later parts wait for this much audio (or the end), so a slow stream is not sent in slivers. */
export const laterPartMs = 480;

/** One stretch of a sentence's PCM16: whole envelope steps, except the sentence's last part. */
export interface PcmPart {
  bytes: Uint8Array;
  last: boolean;
}

/**
 * A sentence's PCM16 synthesis handed on in parts as it streams, so its first audio goes to the
 * device as soon as the provider's first bytes arrive instead of after the whole sentence. Reading
 * starts at once (a later sentence's audio is buffered while an earlier one is sent), and parts are
 * cut at whole 20 ms envelope steps so each part's mouth envelope simply continues the last one.
 * Written here because the SDK's voice module sends each sentence's audio whole.
 */
export class PcmParts {
  readonly #frameBytes: number;
  readonly #firstPartBytes: number;
  readonly #laterPartBytes: number;
  #buffered: Uint8Array[] = [];
  #bufferedBytes = 0;
  #ended = false;
  #failure: { error: unknown } | undefined;
  #wake: (() => void) | undefined;

  constructor(chunks: AsyncIterable<Uint8Array>, sampleRate: number, signal: AbortSignal) {
    this.#frameBytes = envelopeFrameSamples(sampleRate) * 2;
    this.#firstPartBytes = this.#wholeSteps((sampleRate * 2 * firstPartMs) / 1000);
    this.#laterPartBytes = this.#wholeSteps((sampleRate * 2 * laterPartMs) / 1000);
    void this.#read(chunks, signal);
  }

  /** The parts in order; throws what the stream threw (the abort's reason when cancelled) after what came before it. */
  async *parts(): AsyncGenerator<PcmPart> {
    let first = true;
    for (;;) {
      const wanted = first ? this.#frameBytes : this.#laterPartBytes;
      while (!this.#ended && !this.#failure && this.#bufferedBytes < wanted) await new Promise<void>((resolve) => (this.#wake = resolve));
      if (this.#failure) {
        // What arrived before the failure is still the sentence's: it goes on, then the failure.
        if (this.#bufferedBytes > 0) yield { bytes: this.#take(this.#bufferedBytes), last: false };
        throw this.#failure.error;
      }
      const limit = first ? this.#firstPartBytes : Number.POSITIVE_INFINITY;
      const take = this.#ended && this.#bufferedBytes <= limit ? this.#bufferedBytes : this.#wholeSteps(Math.min(limit, this.#bufferedBytes));
      const bytes = this.#take(take);
      const last = this.#ended && this.#bufferedBytes === 0;
      if (bytes.byteLength > 0 || last) yield { bytes, last };
      if (last) return;
      first = false;
    }
  }

  async #read(chunks: AsyncIterable<Uint8Array>, signal: AbortSignal): Promise<void> {
    try {
      for await (const chunk of chunks) {
        if (signal.aborted) throw signal.reason;
        if (chunk.byteLength === 0) continue;
        this.#buffered.push(chunk);
        this.#bufferedBytes += chunk.byteLength;
        this.#signal();
      }
      this.#ended = true;
    } catch (error) {
      this.#failure = { error };
    }
    this.#signal();
  }

  #signal(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  #wholeSteps(bytes: number): number {
    return Math.max(this.#frameBytes, Math.floor(bytes / this.#frameBytes) * this.#frameBytes);
  }

  /** The first `count` buffered bytes, leaving the rest buffered. */
  #take(count: number): Uint8Array {
    const all = this.#buffered.length === 1 ? (this.#buffered[0] as Uint8Array) : concatBytes(this.#buffered);
    const taken = all.subarray(0, count);
    const rest = all.subarray(count);
    this.#buffered = rest.byteLength > 0 ? [rest] : [];
    this.#bufferedBytes = rest.byteLength;
    return taken;
  }
}

/**
 * Streaming a provider's audio answer into `SpeechAudio.chunks`: one inactivity limit watches the
 * request and then the body (a provider that streams steadily is never cut off, one that stalls is),
 * the caller's cancellation is rethrown as its reason, and every other failure becomes a
 * `SpeechError` — whether it happens before the first byte or halfway through.
 */
import { createInactivityTimeout, type InactivityTimeout } from '../chat/inactivity-timeout.ts';
import { speechCallerAbortFailure } from './speech-support.ts';
import { SpeechError } from './speech-to-text.ts';

/** One synthesis call's limits: the caller's signal joined with the inactivity limit. */
export interface SpeechCall {
  readonly signal: AbortSignal;
  readonly inactivity: InactivityTimeout;
  /** The failure to throw for `error`, given who aborted (the caller, the limit, or neither). */
  failure(error: unknown): unknown;
}

export function startSpeechCall(callerSignal: AbortSignal | undefined, timeoutMs: number, describeProvider: string): SpeechCall {
  const inactivity = createInactivityTimeout(timeoutMs);
  const signal = callerSignal === undefined ? inactivity.signal : AbortSignal.any([callerSignal, inactivity.signal]);
  return {
    signal,
    inactivity,
    failure(error: unknown): unknown {
      inactivity.stop();
      if (error instanceof SpeechError) return error;
      if (callerSignal?.aborted === true) return speechCallerAbortFailure(callerSignal);
      if (inactivity.signal.aborted) return new SpeechError('timeout', `${describeProvider} sent nothing for ${timeoutMs} ms.`, { cause: error });
      const detail = error instanceof Error ? error.message : String(error);
      return new SpeechError('provider', `${describeProvider} failed: ${detail}`, { cause: error });
    },
  };
}

/**
 * The body's chunks as they arrive. The silence limit is paused while the consumer works on a chunk
 * (playing it, sending it on) and resumes when it asks for the next; leaving early cancels the body.
 */
export async function* streamedChunks(body: ReadableStream<Uint8Array>, call: SpeechCall): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  let finished = false;
  try {
    for (;;) {
      call.inactivity.touch();
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await readOrAbort(reader, call.signal);
      } catch (error) {
        throw call.failure(error);
      }
      if (result.done) {
        finished = true;
        return;
      }
      if (result.value.byteLength === 0) continue;
      call.inactivity.pause();
      yield result.value;
    }
  } finally {
    call.inactivity.stop();
    if (!finished) await reader.cancel().catch(() => {});
  }
}

/** A read that gives up when the signal aborts, even if the runtime's body stream does not notice. */
function readOrAbort(reader: ReadableStreamDefaultReader<Uint8Array>, signal: AbortSignal): Promise<ReadableStreamReadResult<Uint8Array>> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener('abort', abort, { once: true });
    reader.read().then(
      (result) => {
        signal.removeEventListener('abort', abort);
        resolve(result);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(error);
      },
    );
  });
}

/** Yields the bytes of `source` with a header first: a WAV header before streamed PCM, for instance. */
export async function* prefixed(header: Uint8Array, source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield header;
  yield* source;
}

/** Collects a stream of chunks into one buffer (for callers that need the whole file). */
export async function collectAudio(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    parts.push(chunk);
    size += chunk.byteLength;
  }
  const whole = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    whole.set(part, offset);
    offset += part.byteLength;
  }
  return whole;
}

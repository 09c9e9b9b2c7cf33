/** An abort signal that fires after `timeoutMs` of silence: a limit on silence, not on the whole call. */
export interface InactivityTimeout {
  readonly signal: AbortSignal;
  /** Something arrived: the silence starts again, and is watched. */
  touch(): void;
  /** Time from now until the next `touch` is not silence (the consumer is busy with what arrived). */
  pause(): void;
  /** The caller gave up: aborts the signal without waiting for the silence. */
  cancel(): void;
  stop(): void;
}

/**
 * A model that streams slowly but steadily must not be cut off, one that stalls must be. Re-arming a
 * timer on every chunk would allocate one per text delta; instead the time of the last chunk is
 * noted, and the one timer, when it fires, re-arms itself for whatever is left of the silence. Used by
 * the OpenAI-compatible adapter around its HTTP stream, and by the turn's tool loop around any adapter.
 */
export function createInactivityTimeout(timeoutMs: number): InactivityTimeout {
  const controller = new AbortController();
  let lastActivity = Date.now();
  let watching = true;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const check = () => {
    const silentFor = Date.now() - lastActivity;
    if (watching && silentFor >= timeoutMs) {
      timer = undefined;
      controller.abort(new DOMException(`Nothing arrived for ${timeoutMs} ms.`, 'TimeoutError'));
      return;
    }
    timer = setTimeout(check, watching ? timeoutMs - silentFor : timeoutMs);
  };
  timer = setTimeout(check, timeoutMs);
  const stop = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  return {
    signal: controller.signal,
    touch: () => {
      lastActivity = Date.now();
      watching = true;
    },
    pause: () => {
      watching = false;
    },
    cancel: () => {
      stop();
      controller.abort(new DOMException('The call was given up.', 'AbortError'));
    },
    stop,
  };
}

/** An abort signal that fires after `timeoutMs` with no `touch()`: a limit on silence, not on the whole call. */
export interface InactivityTimeout {
  readonly signal: AbortSignal;
  /** Something arrived: the silence starts again. */
  touch(): void;
  /** The caller gave up: aborts the signal without waiting for the silence. */
  cancel(): void;
  stop(): void;
}

/**
 * A model that streams slowly but steadily must not be cut off, one that stalls must be. Re-arming a
 * timer on every chunk would allocate one per text delta; instead the time of the last chunk is
 * noted, and the one timer, when it fires, re-arms itself for whatever is left of the silence.
 */
export function createInactivityTimeout(timeoutMs: number): InactivityTimeout {
  const controller = new AbortController();
  let lastActivity = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const check = () => {
    const silentFor = Date.now() - lastActivity;
    if (silentFor >= timeoutMs) {
      timer = undefined;
      controller.abort(new DOMException(`No answer from the model for ${timeoutMs} ms.`, 'TimeoutError'));
    } else {
      timer = setTimeout(check, timeoutMs - silentFor);
    }
  };
  timer = setTimeout(check, timeoutMs);
  return {
    signal: controller.signal,
    touch: () => {
      lastActivity = Date.now();
    },
    cancel: () => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      controller.abort(new DOMException('The turn was given up.', 'AbortError'));
    },
    stop: () => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}

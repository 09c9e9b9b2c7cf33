/**
 * Joins the text deltas that arrive together into one frame. A model's stream comes in network chunks
 * that each hold several small deltas; sending each delta alone costs a JSON frame, a socket write
 * and a wake-up of every client per delta. Deltas pushed in one run of the event loop go out together
 * at its end, so nothing waits for more text than has already arrived.
 */
export interface DeltaCoalescer {
  push(text: string): void;
  /** Sends what is held now: before any other event, so the order of events never changes. */
  flush(): void;
}

export function createDeltaCoalescer(emit: (text: string) => void): DeltaCoalescer {
  let held = '';
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (held === '') return;
    const text = held;
    held = '';
    emit(text);
  };
  return {
    push(text) {
      held += text;
      timer ??= setTimeout(flush, 0);
    },
    flush,
  };
}

// A piece of a screen that sends something and waits (a Tools form, a card's Reconnect or Remove, a
// signed-in device's Sign out): busy while it waits, so its buttons cannot send twice, and the error
// it got, for an ErrorAlert.
import { useState } from 'react';

/** What `useBusyWork` gives: the state, and the one way to run work under it. */
export interface BusyWork {
  busy: boolean;
  error: unknown;
  setError(error: unknown): void;
  /** Runs `work`, busy until it ends; the last error is cleared as it starts, and what it throws becomes `error`. */
  run(work: () => Promise<void>): Promise<void>;
}

export function useBusyWork(): BusyWork {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}

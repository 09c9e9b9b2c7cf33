// Deleting with an Undo: the item leaves the screen at once, but the server is only told when the
// undo window has passed. Deferring (rather than deleting, then writing the item back on Undo) is
// what makes Undo exact: a file comes back with every earlier version, a memory with its id, date and
// importance, and an Undo can never fail halfway. The deletion is sent early, never lost, when the
// screen closes or the page is hidden (the tab closed, the app sent to the background): then with
// `keepalive`, so the request outlives the page. If sending fails, the item is simply still there.
import { useCallback, useEffect, useRef, useState } from 'react';

/** How long Undo is offered. Long enough to read the toast and reach its button; see `UndoToast`. */
export const undoWindowMilliseconds = 8_000;

export interface Deletion {
  /** Which item, so the screen can keep it hidden while the deletion is pending (for example after a new search). */
  key: string;
  /** What the toast says, such as "Deleted notes/trips.md". */
  message: string;
  /** Tells the server. `keepalive` is set when the page is going away. */
  commit(options: { keepalive: boolean }): Promise<void>;
  /**
   * Whether the toast's Undo takes focus: for deletions made from the keyboard, whose focused button
   * has just left the page. A pointer user's focus is left alone, so the clock keeps running.
   */
  focusUndo?: boolean;
}

interface DeferredDeletionOptions {
  /** The server has deleted it: the screen drops the item from its list for good. */
  onCommitted(deletion: Deletion): void;
  /** The server refused or could not be reached: the screen shows the item again and says why. */
  onFailed(deletion: Deletion, error: unknown): void;
}

export interface DeferredDeletion {
  /** The deletion the toast offers to undo, if any. */
  pending: Deletion | undefined;
  /** Keys of deletions not yet confirmed by the server (the pending one and those being sent). */
  hiddenKeys: ReadonlySet<string>;
  /** Starts a deletion's undo window; one still pending is sent at once, as only the latest can be undone. */
  schedule(deletion: Deletion): void;
  /** Cancels the pending deletion; answers it, so the screen can put the item back. */
  undo(): Deletion | undefined;
  /** Sends the pending deletion now (the toast was dismissed). */
  commitNow(): void;
  /** Stops the clock while the person is reading or reaching for the toast, and restarts it after. */
  pause(paused: boolean): void;
}

export function useDeferredDeletion(options: DeferredDeletionOptions): DeferredDeletion {
  const [pending, setPending] = useState<Deletion>();
  const [hiddenKeys, setHiddenKeys] = useState<ReadonlySet<string>>(new Set());
  const pendingRef = useRef<Deletion | undefined>(undefined);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const mounted = useRef(true);
  // The latest callbacks, so a deletion sent after a re-render still reaches the current screen state.
  const callbacks = useRef(options);
  callbacks.current = options;

  const clearTimer = useCallback(() => {
    if (timer.current !== undefined) clearTimeout(timer.current);
    timer.current = undefined;
  }, []);

  const send = useCallback((deletion: Deletion, keepalive: boolean) => {
    deletion.commit({ keepalive }).then(
      () => {
        if (!mounted.current) return;
        callbacks.current.onCommitted(deletion);
        setHiddenKeys((keys) => without(keys, deletion.key));
      },
      (error: unknown) => {
        if (!mounted.current) return;
        setHiddenKeys((keys) => without(keys, deletion.key));
        callbacks.current.onFailed(deletion, error);
      },
    );
  }, []);

  /** Takes the pending deletion off the toast and sends it. */
  const flush = useCallback(
    (keepalive: boolean) => {
      clearTimer();
      const deletion = pendingRef.current;
      if (deletion === undefined) return;
      pendingRef.current = undefined;
      if (mounted.current) setPending(undefined);
      send(deletion, keepalive);
    },
    [send, clearTimer],
  );

  const startTimer = useCallback(() => {
    clearTimer();
    timer.current = setTimeout(() => flush(false), undoWindowMilliseconds);
  }, [flush, clearTimer]);

  useEffect(() => {
    mounted.current = true;
    const whenHidden = () => {
      if (document.visibilityState === 'hidden') flush(true);
    };
    const whenLeaving = () => flush(true);
    document.addEventListener('visibilitychange', whenHidden);
    window.addEventListener('pagehide', whenLeaving);
    return () => {
      document.removeEventListener('visibilitychange', whenHidden);
      window.removeEventListener('pagehide', whenLeaving);
      // Leaving the screen ends the undo window: the person has moved on.
      mounted.current = false;
      flush(false);
    };
  }, [flush]);

  return {
    pending,
    hiddenKeys,
    schedule: (deletion) => {
      flush(false);
      pendingRef.current = deletion;
      setPending(deletion);
      setHiddenKeys((keys) => new Set([...keys, deletion.key]));
      startTimer();
    },
    undo: () => {
      clearTimer();
      const deletion = pendingRef.current;
      pendingRef.current = undefined;
      setPending(undefined);
      if (deletion) setHiddenKeys((keys) => without(keys, deletion.key));
      return deletion;
    },
    commitNow: () => flush(false),
    pause: (paused) => {
      if (pendingRef.current === undefined) return;
      if (paused) clearTimer();
      else startTimer();
    },
  };
}

function without(keys: ReadonlySet<string>, key: string): ReadonlySet<string> {
  const next = new Set(keys);
  next.delete(key);
  return next;
}

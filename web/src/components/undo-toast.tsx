// The toast that offers Undo after a deletion, at the bottom of the screen (above the phone's tab
// bar). Its live region is always in the page, so screen readers announce each new message. The
// clock stops while the pointer or focus is on it, so nobody loses Undo while reaching for it
// (WCAG 2.2.1, timing adjustable).
import { useEffect, useRef } from 'react';
import type { DeferredDeletion } from '../deferred-deletion.ts';
import './undo-toast.css';

interface UndoToastProps {
  deletion: DeferredDeletion;
  /** Puts the item back on screen; called with the deletion Undo cancelled. */
  onUndo(key: string): void;
}

export function UndoToast({ deletion, onUndo }: UndoToastProps) {
  const pending = deletion.pending;
  const undoButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (pending?.focusUndo) undoButton.current?.focus();
  }, [pending]);
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: pausing on hover is a courtesy; keyboard users get the same through focus.
    <div
      className="undo-toast-region"
      onPointerEnter={() => deletion.pause(true)}
      onPointerLeave={() => deletion.pause(false)}
      onFocus={() => deletion.pause(true)}
      onBlur={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget)) deletion.pause(false);
      }}
    >
      <div role="status" aria-live="polite" className="undo-toast-live">
        {pending && (
          <div className="undo-toast" data-testid="undo-toast">
            <span className="undo-toast-message">{pending.message}</span>
            <button
              ref={undoButton}
              type="button"
              className="undo-toast-undo"
              onClick={() => {
                const undone = deletion.undo();
                if (undone) onUndo(undone.key);
              }}
            >
              Undo
            </button>
            <button type="button" className="undo-toast-close" aria-label="Dismiss" onClick={() => deletion.commitNow()}>
              <span aria-hidden="true">×</span>
            </button>
          </div>
        )}
      </div>
    </div>
  );
}

import { useEffect, useRef } from 'react';
import { sentenceForError } from '../error-messages.ts';

/** An error as a sentence, announced by screen readers and focused so keyboard users land on it. */
export function ErrorAlert({ error, focus = false }: { error: unknown; focus?: boolean }) {
  const element = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (focus && error !== undefined) element.current?.focus();
  }, [error, focus]);
  if (error === undefined || error === null) return null;
  return (
    <div className="alert" role="alert" tabIndex={-1} ref={element}>
      {typeof error === 'string' ? error : sentenceForError(error)}
    </div>
  );
}

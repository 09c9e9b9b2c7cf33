// Tools by the names people read ("Date and time"), not the ones the model calls (`current_time`).
// The list is read once per page and shared by every message that mentions a tool.
import { useEffect, useState } from 'react';
import { api } from '../api.ts';

let titlesLoaded: Promise<ReadonlyMap<string, string>> | undefined;

function loadTitles(): Promise<ReadonlyMap<string, string>> {
  titlesLoaded ??= api.tools().then(
    (tools) => new Map(tools.map((tool) => [tool.name, tool.title])),
    () => {
      // Without the list the model's names still say what happened; ask again next time.
      titlesLoaded = undefined;
      return new Map();
    },
  );
  return titlesLoaded;
}

/** Drops the titles read so far: tools came or went (a tool server or an HTTP tool was added or removed). */
export function forgetToolTitles(): void {
  titlesLoaded = undefined;
}

/** Turns the model's tool names into the human titles, once they have loaded. */
export function useToolTitles(): (toolNames: readonly string[]) => string {
  const [titles, setTitles] = useState<ReadonlyMap<string, string>>(new Map());
  useEffect(() => {
    let current = true;
    void loadTitles().then((loaded) => {
      if (current) setTitles(loaded);
    });
    return () => {
      current = false;
    };
  }, []);
  return (toolNames) => [...new Set(toolNames.map((name) => titles.get(name) ?? name))].join(', ');
}

/**
 * The confirmation a tool asked for, read from its stored result: the move and cancel tools (and,
 * later, tools that ask first) answer `{ status: 'awaiting-confirmation', confirmationId }`, so a
 * message reloaded from history still knows which card to show.
 */
export function confirmationIdOf(output: unknown): string | undefined {
  if (typeof output !== 'object' || output === null) return undefined;
  const { status, confirmationId } = output as { status?: unknown; confirmationId?: unknown };
  return status === 'awaiting-confirmation' && typeof confirmationId === 'string' ? confirmationId : undefined;
}

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

// A Markdown file, formatted. The sanitized nodes are placed into an element React leaves empty,
// so no HTML string is ever handed to `innerHTML`.
import { useEffect, useRef, useState } from 'react';
import { loadMarkdownRenderer } from './markdown.ts';

export function MarkdownView({ source, label }: { source: string; label: string }) {
  const container = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let current = true;
    loadMarkdownRenderer().then(
      (render) => {
        if (current) container.current?.replaceChildren(render(source));
      },
      () => {
        if (current) setFailed(true);
      },
    );
    return () => {
      current = false;
    };
  }, [source]);

  if (failed) return <pre className="markdown-fallback">{source}</pre>;
  if (source.trim() === '') return <p className="markdown-empty">This file is empty. Switch to Edit to write in it.</p>;
  return <article ref={container} className="markdown-body" aria-label={label} data-testid="markdown-view" />;
}

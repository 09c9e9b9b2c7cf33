// Headers a tool server or an HTTP tool is sent with (a token, an API key), as name/value rows. The
// values are password inputs: they are secrets, sealed once stored and never shown again.
import { useId, useRef } from 'react';
import type { HeaderRow } from './tool-words.ts';

interface HeaderRowsFieldProps {
  rows: HeaderRow[];
  onChange(rows: HeaderRow[]): void;
  /** What the headers are for, said above the rows. */
  hint: string;
  /** Why the rows cannot be sent as they are, if they cannot. */
  error?: string;
}

export const emptyHeaderRow = (): HeaderRow => ({ name: '', value: '' });

export function HeaderRowsField({ rows, onChange, hint, error }: HeaderRowsFieldProps) {
  const baseId = useId();
  const list = useRef<HTMLUListElement>(null);
  const change = (index: number, patch: Partial<HeaderRow>) => onChange(rows.map((row, at) => (at === index ? { ...row, ...patch } : row)));

  const add = () => {
    onChange([...rows, emptyHeaderRow()]);
    // The new row's name is where the person types next.
    requestAnimationFrame(() => list.current?.querySelector<HTMLInputElement>('li:last-child input')?.focus());
  };
  const remove = (index: number) => {
    onChange(rows.filter((_, at) => at !== index));
    // Focus would be lost with the removed row's button: it goes to the button that adds one.
    requestAnimationFrame(() => document.getElementById(`${baseId}-add`)?.focus());
  };

  return (
    <fieldset className="tools-headers" aria-describedby={`${baseId}-hint${error ? ` ${baseId}-error` : ''}`}>
      <legend className="settings-legend">Headers (optional)</legend>
      <p id={`${baseId}-hint`} className="settings-muted">
        {hint}
      </p>
      <ul className="tools-header-rows" ref={list}>
        {rows.map((row, index) => (
          // Rows have no identity but their place: removing one re-renders those after it, which is fine for a few inputs.
          // biome-ignore lint/suspicious/noArrayIndexKey: see above.
          <li key={index} className="tools-header-row">
            <div className="field">
              <label htmlFor={`${baseId}-name-${index}`}>Header name {rows.length > 1 ? index + 1 : ''}</label>
              <input
                id={`${baseId}-name-${index}`}
                autoComplete="off"
                spellCheck={false}
                placeholder="Authorization"
                value={row.name}
                aria-invalid={error !== undefined}
                onChange={(event) => change(index, { name: event.target.value })}
              />
            </div>
            <div className="field">
              <label htmlFor={`${baseId}-value-${index}`}>Value {rows.length > 1 ? index + 1 : ''}</label>
              <input
                id={`${baseId}-value-${index}`}
                type="password"
                autoComplete="new-password"
                spellCheck={false}
                value={row.value}
                onChange={(event) => change(index, { value: event.target.value })}
              />
            </div>
            <button type="button" className="quiet-button destructive" onClick={() => remove(index)}>
              Remove<span className="visually-hidden"> header {row.name || index + 1}</span>
            </button>
          </li>
        ))}
      </ul>
      {error && (
        <p id={`${baseId}-error`} className="settings-warning" role="alert">
          {error}
        </p>
      )}
      <button id={`${baseId}-add`} type="button" className="button secondary small" onClick={add} disabled={rows.length >= 20}>
        Add a header
      </button>
    </fieldset>
  );
}

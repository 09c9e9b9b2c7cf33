// What the forms that add a tool server, an HTTP tool or an OpenAPI import have in common: header
// rows checked before anything is sent, a busy state while the server answers, the error it gave,
// the first field focused when the form opens, and the same frame of heading, error, submit and
// Cancel. Each form keeps its own fields and its own request.
import { type FormEvent, type ReactNode, type RefObject, useEffect, useRef, useState } from 'react';
import { ErrorAlert } from '../components/error-alert.tsx';
import { type HeaderRow, headersFromRows } from './tool-words.ts';
import { useBusyWork } from './use-busy-work.ts';

/** The state one tool form keeps, from `useToolForm`. */
export interface ToolFormState<FirstField extends HTMLElement> {
  /** Goes on the form's first field: it is focused when the form opens. */
  firstField: RefObject<FirstField | null>;
  rows: HeaderRow[];
  setRows(rows: HeaderRow[]): void;
  /** Why the header rows cannot be sent, once a submit found out. */
  headersError: string | undefined;
  busy: boolean;
  error: unknown;
  setError(error: unknown): void;
  /**
   * The header rows as a part of the request body to spread in (`{}` when there are none), or
   * undefined when they cannot be sent: the field then says why.
   */
  readHeaders(): { headers?: Record<string, string> } | undefined;
  /** Sends the request, busy until it is answered; what it throws is shown by the form. */
  send(request: () => Promise<void>): Promise<void>;
}

export function useToolForm<FirstField extends HTMLElement>(): ToolFormState<FirstField> {
  const [rows, setRows] = useState<HeaderRow[]>([]);
  const [headersError, setHeadersError] = useState<string>();
  const { busy, error, setError, run: send } = useBusyWork();
  const firstField = useRef<FirstField>(null);
  // The form opens on the person's request: its first field is where they type next.
  useEffect(() => firstField.current?.focus(), []);

  const readHeaders = () => {
    const headers = headersFromRows(rows);
    setHeadersError('error' in headers ? headers.error : undefined);
    if ('error' in headers) return undefined;
    return headers.headers ? { headers: headers.headers } : {};
  };
  return { firstField, rows, setRows, headersError, busy, error, setError, readHeaders, send };
}

interface ToolFormProps {
  form: Pick<ToolFormState<HTMLElement>, 'busy' | 'error' | 'setError'>;
  headingId: string;
  heading: string;
  submitLabel: string;
  /** What the submit button says while the request is on its way. */
  busyLabel: string;
  /** Whether the required fields are filled in; the submit button waits for them. */
  ready: boolean;
  /** Checks the fields and, when they can be sent, calls `form.send`. */
  onSubmit(): void;
  onCancel(): void;
  children: ReactNode;
}

export function ToolForm({ form, headingId, heading, submitLabel, busyLabel, ready, onSubmit, onCancel, children }: ToolFormProps) {
  const submit = (event: FormEvent) => {
    event.preventDefault();
    form.setError(undefined);
    onSubmit();
  };
  return (
    <form className="card tools-form" onSubmit={submit} aria-labelledby={headingId} aria-busy={form.busy}>
      <h4 id={headingId}>{heading}</h4>
      {children}
      <ErrorAlert error={form.error} focus />
      <div className="actions">
        <button type="submit" className="button primary" disabled={form.busy || !ready}>
          {form.busy ? busyLabel : submitLabel}
        </button>
        <button type="button" className="button secondary" disabled={form.busy} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

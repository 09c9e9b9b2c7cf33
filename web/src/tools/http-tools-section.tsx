// HTTP tools: a tool described as a request (method, URL template, headers, body) with a JSON Schema
// of its input, typed in or imported from an OpenAPI document. The person's own can be removed; those
// whoever runs the server shares with everyone say so, and can only be switched off.
import { useId, useRef, useState } from 'react';
import type { CreateHttpToolBody, HttpTool } from '../../../common/client.ts';
import { api } from '../api.ts';
import { ErrorAlert } from '../components/error-alert.tsx';
import { HeaderRowsField } from './header-rows-field.tsx';
import { RemoveButton, SealedHeaderNames } from './tool-card-parts.tsx';
import { ToolForm, useToolForm } from './tool-form.tsx';
import { parseInputSchema, parseRequestBody } from './tool-words.ts';
import { useBusyWork } from './use-busy-work.ts';

interface HttpToolsSectionProps {
  tools: HttpTool[] | undefined;
  onAdded(tools: HttpTool[]): void;
  onRemoved(id: string): void;
}

type OpenForm = 'none' | 'describe' | 'import';

export function HttpToolsSection({ tools, onAdded, onRemoved }: HttpToolsSectionProps) {
  const headingId = useId();
  const [open, setOpen] = useState<OpenForm>('none');
  const [status, setStatus] = useState('');
  const buttons = useRef<HTMLDivElement>(null);

  const close = () => {
    setOpen('none');
    requestAnimationFrame(() => buttons.current?.querySelector('button')?.focus());
  };
  const added = (made: HttpTool[]) => {
    onAdded(made);
    setStatus(made.length === 1 ? `Added ${made[0]?.title}.` : `Added ${made.length} tools.`);
    close();
  };

  return (
    <section className="settings-block tools-section" aria-labelledby={headingId}>
      <h3 id={headingId}>HTTP tools</h3>
      <p className="settings-muted">A tool that calls a web address you describe. The companion fills in its input; the request goes out as you wrote it.</p>
      {tools === undefined ? null : tools.length === 0 ? (
        <p className="settings-muted">No HTTP tools yet.</p>
      ) : (
        <ul className="card-list tool-servers">
          {tools.map((tool) => (
            <HttpToolCard key={tool.id} tool={tool} onRemoved={onRemoved} onStatus={setStatus} />
          ))}
        </ul>
      )}
      <p role="status" className="settings-status">
        {status}
      </p>
      {open === 'describe' && <AddHttpToolForm onAdded={(tool) => added([tool])} onCancel={close} />}
      {open === 'import' && <ImportOpenApiForm onAdded={added} onCancel={close} />}
      {open === 'none' && (
        <div className="actions" ref={buttons}>
          <button type="button" className="button secondary" onClick={() => setOpen('describe')}>
            Add an HTTP tool
          </button>
          <button type="button" className="button secondary" onClick={() => setOpen('import')}>
            Import from OpenAPI
          </button>
        </div>
      )}
    </section>
  );
}

function HttpToolCard({ tool: shown, onRemoved, onStatus }: { tool: HttpTool; onRemoved(id: string): void; onStatus(status: string): void }) {
  const { busy, error, run } = useBusyWork();
  const [tool, setTool] = useState(shown);
  const headingId = `http-tool-${tool.id}-name`;
  const remove = () =>
    run(async () => {
      await api.deleteHttpTool(tool.id);
      onRemoved(tool.id);
      onStatus(`Removed ${tool.title}.`);
    });
  return (
    <li className="card tool-server" aria-labelledby={headingId} aria-busy={busy} data-testid="http-tool">
      <h4 id={headingId} className="tool-server-name">
        {tool.title}
      </h4>
      <p className="settings-muted">{tool.description}</p>
      <p className="tool-server-url">
        <span className="tag">{tool.request.method}</span>
        {tool.request.url}
      </p>
      <SealedHeaderNames names={tool.request.headerNames} />
      {!tool.shared && !tool.tool.available && tool.request.headerNames.length > 0 && (
        <HeaderValuesForm
          tool={tool}
          onSaved={(saved) => {
            setTool(saved);
            onStatus(`${saved.title} can be used again.`);
          }}
        />
      )}
      <ErrorAlert error={error} />
      {tool.shared ? (
        <p className="settings-muted">Set up for everyone by whoever runs this server. You can switch it off in the list above.</p>
      ) : (
        <div className="actions">
          <RemoveButton
            name={tool.title}
            disabled={busy}
            consequence="The companion will no longer be able to use it, and the headers kept for it are deleted."
            onRemove={() => void remove()}
          />
        </div>
      )}
    </li>
  );
}

/**
 * A tool brought back from an export names its headers but has none of their values (an export never
 * holds a secret): the companion cannot use it until the person gives them again, here.
 */
function HeaderValuesForm({ tool, onSaved }: { tool: HttpTool; onSaved(tool: HttpTool): void }) {
  const baseId = useId();
  const [values, setValues] = useState<Record<string, string>>({});
  const { busy, error, run } = useBusyWork();
  const complete = tool.request.headerNames.every((name) => (values[name] ?? '').length > 0);
  const save = () => run(async () => onSaved(await api.setHttpToolHeaders(tool.id, values)));
  return (
    <form
      className="tools-header-values"
      aria-describedby={`${baseId}-why`}
      onSubmit={(event) => {
        event.preventDefault();
        if (complete) void save();
      }}
    >
      <p id={`${baseId}-why`} className="settings-warning">
        This tool came back from an export without its header values, so your companion cannot use it yet. Enter them again.
      </p>
      {tool.request.headerNames.map((name) => (
        <div className="field" key={name}>
          <label htmlFor={`${baseId}-${name}`}>{name}</label>
          <input
            id={`${baseId}-${name}`}
            type="password"
            autoComplete="off"
            value={values[name] ?? ''}
            onChange={(event) => setValues({ ...values, [name]: event.target.value })}
          />
        </div>
      ))}
      <ErrorAlert error={error} />
      <button type="submit" className="button secondary" disabled={busy || !complete}>
        {busy ? 'Saving…' : 'Save the values'}
      </button>
    </form>
  );
}

const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
const startingSchema =
  '{\n  "type": "object",\n  "properties": {\n    "city": { "type": "string", "description": "The city to look up" }\n  },\n  "required": ["city"]\n}';

function AddHttpToolForm({ onAdded, onCancel }: { onAdded(tool: HttpTool): void; onCancel(): void }) {
  const [name, setName] = useState('');
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [schemaText, setSchemaText] = useState(startingSchema);
  const [method, setMethod] = useState<CreateHttpToolBody['request']['method']>('GET');
  const [url, setUrl] = useState('');
  const [bodyText, setBodyText] = useState('');
  const [schemaError, setSchemaError] = useState<string>();
  const schemaInput = useRef<HTMLTextAreaElement>(null);
  const form = useToolForm<HTMLInputElement>();

  const nameValid = /^[a-zA-Z0-9_-]{1,64}$/.test(name);
  const submit = () => {
    const schema = parseInputSchema(schemaText);
    setSchemaError('error' in schema ? schema.error : undefined);
    // Both fields say at once what is wrong with them; focus goes to the schema, the first of the two.
    const headers = form.readHeaders();
    if ('error' in schema) return schemaInput.current?.focus();
    if (!headers) return;
    const body = method === 'GET' ? undefined : parseRequestBody(bodyText);
    void form.send(async () =>
      onAdded(
        await api.createHttpTool({
          name,
          ...(title.trim() ? { title: title.trim() } : {}),
          description: description.trim(),
          inputSchema: schema.schema,
          request: { method, url: url.trim(), ...headers, ...(body !== undefined ? { body } : {}) },
        }),
      ),
    );
  };

  return (
    <ToolForm
      form={form}
      headingId="add-http-tool-heading"
      heading="Add an HTTP tool"
      submitLabel="Add tool"
      busyLabel="Adding…"
      ready={nameValid && description.trim() !== '' && url.trim() !== ''}
      onSubmit={submit}
      onCancel={onCancel}
    >
      <div className="field">
        <label htmlFor="http-tool-name">Name the companion calls it by</label>
        <input
          id="http-tool-name"
          ref={form.firstField}
          autoComplete="off"
          spellCheck={false}
          placeholder="get_weather"
          maxLength={64}
          value={name}
          aria-invalid={name !== '' && !nameValid}
          aria-describedby="http-tool-name-hint"
          onChange={(event) => setName(event.target.value)}
          required
        />
        <p id="http-tool-name-hint" className="settings-muted">
          Letters, digits, - and _ only, at most 64.
        </p>
      </div>
      <div className="field">
        <label htmlFor="http-tool-title">Title (optional)</label>
        <input id="http-tool-title" maxLength={80} placeholder="Weather" value={title} onChange={(event) => setTitle(event.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="http-tool-description">What it does</label>
        <textarea
          id="http-tool-description"
          rows={2}
          maxLength={1_000}
          placeholder="Looks up today's weather for a city."
          value={description}
          onChange={(event) => setDescription(event.target.value)}
          required
        />
      </div>
      <div className="field">
        <label htmlFor="http-tool-schema">Input (JSON Schema)</label>
        <textarea
          id="http-tool-schema"
          ref={schemaInput}
          className="tools-code"
          rows={8}
          spellCheck={false}
          value={schemaText}
          aria-invalid={schemaError !== undefined}
          aria-describedby={schemaError ? 'http-tool-schema-error' : 'http-tool-schema-hint'}
          onChange={(event) => setSchemaText(event.target.value)}
          required
        />
        {schemaError ? (
          <p id="http-tool-schema-error" className="settings-warning" role="alert">
            {schemaError}
          </p>
        ) : (
          <p id="http-tool-schema-hint" className="settings-muted">
            The fields the companion fills in, as a JSON Schema of an object.
          </p>
        )}
      </div>
      <div className="tools-request">
        <div className="field tools-method">
          <label htmlFor="http-tool-method">Method</label>
          <select id="http-tool-method" value={method} onChange={(event) => setMethod(event.target.value as typeof method)}>
            {methods.map((choice) => (
              <option key={choice}>{choice}</option>
            ))}
          </select>
        </div>
        <div className="field tools-url">
          <label htmlFor="http-tool-url">Address</label>
          <input
            id="http-tool-url"
            inputMode="url"
            autoComplete="off"
            spellCheck={false}
            placeholder="https://api.example.com/weather?city={city}"
            maxLength={2_000}
            value={url}
            aria-describedby="http-tool-url-hint"
            onChange={(event) => setUrl(event.target.value)}
            required
          />
        </div>
      </div>
      <p id="http-tool-url-hint" className="settings-muted">
        {'{city}'} in the address, a header value or the body is replaced by that input field.
      </p>
      <HeaderRowsField rows={form.rows} onChange={form.setRows} error={form.headersError} hint="Sent with every request, such as an API key." />
      {method !== 'GET' && (
        <div className="field">
          <label htmlFor="http-tool-body">Body (optional)</label>
          <textarea
            id="http-tool-body"
            className="tools-code"
            rows={4}
            spellCheck={false}
            maxLength={20_000}
            value={bodyText}
            aria-describedby="http-tool-body-hint"
            onChange={(event) => setBodyText(event.target.value)}
          />
          <p id="http-tool-body-hint" className="settings-muted">
            A JSON object is sent as JSON; other text as it is. Without one, the input is sent as JSON.
          </p>
        </div>
      )}
    </ToolForm>
  );
}

function ImportOpenApiForm({ onAdded, onCancel }: { onAdded(tools: HttpTool[]): void; onCancel(): void }) {
  const [documentText, setDocumentText] = useState('');
  const [baseUrl, setBaseUrl] = useState('');
  const form = useToolForm<HTMLTextAreaElement>();

  const submit = () => {
    const headers = form.readHeaders();
    if (!headers) return;
    void form.send(async () =>
      onAdded(
        await api.importOpenApi({
          // JSON or YAML text: the server reads either.
          document: documentText,
          ...(baseUrl.trim() ? { baseUrl: baseUrl.trim() } : {}),
          ...headers,
        }),
      ),
    );
  };

  return (
    <ToolForm
      form={form}
      headingId="import-openapi-heading"
      heading="Import from OpenAPI"
      submitLabel="Import"
      busyLabel="Importing…"
      ready={documentText.trim() !== ''}
      onSubmit={submit}
      onCancel={onCancel}
    >
      <div className="field">
        <label htmlFor="openapi-document">OpenAPI document</label>
        <textarea
          id="openapi-document"
          ref={form.firstField}
          className="tools-code"
          rows={10}
          spellCheck={false}
          maxLength={1_000_000}
          value={documentText}
          aria-describedby="openapi-document-hint"
          onChange={(event) => setDocumentText(event.target.value)}
          required
        />
        <p id="openapi-document-hint" className="settings-muted">
          Paste an OpenAPI 3 document, as JSON or YAML. Each operation becomes a tool.
        </p>
      </div>
      <div className="field">
        <label htmlFor="openapi-base-url">Base address (optional)</label>
        <input
          id="openapi-base-url"
          type="url"
          inputMode="url"
          autoComplete="off"
          spellCheck={false}
          placeholder="https://api.example.com"
          value={baseUrl}
          aria-describedby="openapi-base-url-hint"
          onChange={(event) => setBaseUrl(event.target.value)}
        />
        <p id="openapi-base-url-hint" className="settings-muted">
          Needed when the document names no server, or several.
        </p>
      </div>
      <HeaderRowsField
        rows={form.rows}
        onChange={form.setRows}
        error={form.headersError}
        hint="Sent with every request of the imported tools, such as an API key."
      />
    </ToolForm>
  );
}

// Tool servers the person added (MCP): each with its connection state in words (and why, when it is
// not ready), a way to sign in when the server wants it, the tools it offers, reconnect and remove;
// and a form to add one by name and address, with optional headers for a token or key.
import { useId, useRef, useState } from 'react';
import type { McpServer } from '../../../common/client.ts';
import { api } from '../api.ts';
import { ErrorAlert } from '../components/error-alert.tsx';
import { HeaderRowsField } from './header-rows-field.tsx';
import { RemoveButton, SealedHeaderNames } from './tool-card-parts.tsx';
import { ToolForm, useToolForm } from './tool-form.tsx';
import { mcpStateWords } from './tool-words.ts';
import { useBusyWork } from './use-busy-work.ts';

interface McpServersSectionProps {
  servers: McpServer[] | undefined;
  /** A server was added, reconnected or changed: the list shows it as given. */
  onServer(server: McpServer): void;
  onRemoved(id: string): void;
}

export function McpServersSection({ servers, onServer, onRemoved }: McpServersSectionProps) {
  const headingId = useId();
  const [adding, setAdding] = useState(false);
  const [status, setStatus] = useState('');
  const addButton = useRef<HTMLButtonElement>(null);

  const added = (server: McpServer) => {
    onServer(server);
    setAdding(false);
    setStatus(`Added ${server.name}: ${mcpStateWords[server.state]}.`);
    // The form is gone: focus goes to the new server's card, where its state is.
    requestAnimationFrame(() => document.getElementById(`mcp-server-${server.id}`)?.focus());
  };

  return (
    <section className="settings-block tools-section" aria-labelledby={headingId}>
      <h3 id={headingId}>Tool servers (MCP)</h3>
      <p className="settings-muted">
        Connect a server that offers tools over the Model Context Protocol. Its tools join the list above, each with its own switch.
      </p>
      {servers === undefined ? null : servers.length === 0 ? (
        <p className="settings-muted">No tool servers yet.</p>
      ) : (
        <ul className="card-list tool-servers">
          {servers.map((server) => (
            <McpServerCard key={server.id} server={server} onServer={onServer} onRemoved={onRemoved} onStatus={setStatus} />
          ))}
        </ul>
      )}
      <p role="status" className="settings-status">
        {status}
      </p>
      {adding ? (
        <AddMcpServerForm
          onAdded={added}
          onCancel={() => {
            setAdding(false);
            requestAnimationFrame(() => addButton.current?.focus());
          }}
        />
      ) : (
        <button ref={addButton} type="button" className="button secondary" onClick={() => setAdding(true)}>
          Add a tool server (MCP)
        </button>
      )}
    </section>
  );
}

interface McpServerCardProps {
  server: McpServer;
  onServer(server: McpServer): void;
  onRemoved(id: string): void;
  onStatus(status: string): void;
}

function McpServerCard({ server, onServer, onRemoved, onStatus }: McpServerCardProps) {
  const { busy, error, run } = useBusyWork();
  const headingId = `mcp-server-${server.id}-name`;

  const reconnect = () =>
    run(async () => {
      onStatus(`Connecting to ${server.name}…`);
      const next = await api.reconnectMcpServer(server.id);
      onServer(next);
      onStatus(`${server.name}: ${mcpStateWords[next.state]}.`);
    });
  const remove = () => {
    void run(async () => {
      await api.deleteMcpServer(server.id);
      onRemoved(server.id);
      onStatus(`Removed ${server.name} and its tools.`);
    });
  };

  return (
    <li
      id={`mcp-server-${server.id}`}
      className="card tool-server"
      tabIndex={-1}
      aria-labelledby={headingId}
      aria-busy={busy}
      data-testid="mcp-server"
      data-state={server.state}
    >
      <h4 id={headingId} className="tool-server-name">
        {server.name}
      </h4>
      <p className="tool-server-url">{server.url}</p>
      <p className={`tool-server-state ${server.state}`} data-testid="mcp-server-state">
        <span className="tool-server-dot" aria-hidden="true" />
        <span>
          {mcpStateWords[server.state]}
          {server.reason && server.state !== 'ready' ? ':' : ''}
        </span>
        {server.reason && server.state !== 'ready' && <span className="tool-server-reason">{server.reason}</span>}
      </p>
      {server.state === 'needs-sign-in' && server.authorizationUrl && (
        <p>
          {/* A link: signing in happens on the server's own page, which sends the browser back here. */}
          <a className="button primary small" href={server.authorizationUrl}>
            Sign in<span className="visually-hidden"> to {server.name}</span>
          </a>
        </p>
      )}
      {server.tools.length > 0 ? (
        <>
          <p className="tool-server-tools-label" id={`${headingId}-tools`}>
            Its tools
          </p>
          <ul className="tool-server-tools" aria-labelledby={`${headingId}-tools`}>
            {server.tools.map((tool) => (
              <li key={tool.id}>{tool.title}</li>
            ))}
          </ul>
        </>
      ) : (
        server.state === 'ready' && <p className="settings-muted">It offers no tools.</p>
      )}
      <SealedHeaderNames names={server.headerNames} />
      <ErrorAlert error={error} />
      <div className="actions">
        <button type="button" className="button secondary small" disabled={busy} onClick={() => void reconnect()}>
          Reconnect<span className="visually-hidden"> {server.name}</span>
        </button>
        <RemoveButton
          name={server.name}
          disabled={busy}
          consequence="Its tools will no longer be available, and the headers or sign-in kept for it are deleted."
          onRemove={remove}
        />
      </div>
    </li>
  );
}

function AddMcpServerForm({ onAdded, onCancel }: { onAdded(server: McpServer): void; onCancel(): void }) {
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const form = useToolForm<HTMLInputElement>();

  const submit = () => {
    const headers = form.readHeaders();
    if (!headers) return;
    void form.send(async () => onAdded(await api.addMcpServer({ name: name.trim(), url: url.trim(), ...headers })));
  };

  return (
    <ToolForm
      form={form}
      headingId="add-mcp-server-heading"
      heading="Add a tool server"
      submitLabel="Add server"
      busyLabel="Connecting…"
      ready={name.trim() !== '' && url.trim() !== ''}
      onSubmit={submit}
      onCancel={onCancel}
    >
      <div className="field">
        <label htmlFor="mcp-server-name">Name</label>
        <input id="mcp-server-name" ref={form.firstField} maxLength={80} value={name} onChange={(event) => setName(event.target.value)} required />
      </div>
      <div className="field">
        <label htmlFor="mcp-server-url">Server address</label>
        <input
          id="mcp-server-url"
          type="url"
          inputMode="url"
          autoComplete="off"
          spellCheck={false}
          placeholder="https://example.com/mcp"
          maxLength={2_000}
          value={url}
          aria-describedby="mcp-server-url-hint"
          onChange={(event) => setUrl(event.target.value)}
          required
        />
        <p id="mcp-server-url-hint" className="settings-muted">
          The server’s MCP endpoint. If it asks you to sign in, a Sign in button appears once it is added.
        </p>
      </div>
      <HeaderRowsField
        rows={form.rows}
        onChange={form.setRows}
        error={form.headersError}
        hint="For a server that takes a token or key instead of a sign-in, such as Authorization: Bearer …"
      />
    </ToolForm>
  );
}

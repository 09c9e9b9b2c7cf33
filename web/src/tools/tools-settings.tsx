// What the companion may do: every tool by its human name and one plain sentence, grouped by where it
// comes from, each with a switch, how much it can do (in words, changeable) and whether it asks first;
// then the tool servers (MCP) and HTTP tools the person added, and the forms to add more.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { HttpTool, McpServer, ToolView, UpdateToolBody } from '../../../common/client.ts';
import { api } from '../api.ts';
import { forgetToolTitles } from '../chat/tool-titles.ts';
import { ErrorAlert } from '../components/error-alert.tsx';
import { useSession } from '../session.tsx';
import { HttpToolsSection } from './http-tools-section.tsx';
import { McpServersSection } from './mcp-servers-section.tsx';
import { ToolRow } from './tool-row.tsx';
import { groupToolsBySource, type SignInOutcome, signInReturnOf, signInSentence } from './tool-words.ts';
import './tools.css';

/** How long to wait before asking again about a server that is still connecting. */
const connectingRecheckMs = 2_000;

export function ToolsSettings() {
  const { companion } = useSession();
  const [tools, setTools] = useState<ToolView[]>();
  const [servers, setServers] = useState<McpServer[]>();
  const [httpTools, setHttpTools] = useState<HttpTool[]>();
  const [error, setError] = useState<unknown>();
  const [serversError, setServersError] = useState<unknown>();
  const [httpError, setHttpError] = useState<unknown>();
  // Back from a server's sign-in page: say once how it went, and take the query off the address so a
  // reload does not say it again.
  const [signInReturn] = useState(() => signInReturnOf(window.location.search));
  useEffect(() => {
    if (window.location.search !== '') window.history.replaceState(null, '', window.location.pathname);
  }, []);

  const loadTools = useCallback(() => {
    // The chat names tools by these titles: what it read before may lack a server's or HTTP tool's.
    forgetToolTitles();
    return api.tools().then(setTools, setError);
  }, []);
  const loadServers = useCallback(
    () =>
      api.mcpServers().then((loaded) => {
        setServers(loaded);
        setServersError(undefined);
      }, setServersError),
    [],
  );
  useEffect(() => {
    void loadTools();
    void loadServers();
    api.httpTools().then(setHttpTools, setHttpError);
  }, [loadTools, loadServers]);

  // A server still connecting is asked about again shortly, and the list follows when it is ready.
  useEffect(() => {
    if (servers?.some((server) => server.state === 'connecting') !== true) return;
    const timer = setTimeout(() => void loadServers().then(loadTools), connectingRecheckMs);
    return () => clearTimeout(timer);
  }, [servers, loadServers, loadTools]);

  // Signing in to a server happens on another page (in the phone app, the system browser): coming
  // back to this one reads the servers again, so a finished sign-in shows as ready.
  useEffect(() => {
    const refresh = () => {
      if (document.visibilityState === 'visible') void loadServers().then(loadTools);
    };
    document.addEventListener('visibilitychange', refresh);
    return () => document.removeEventListener('visibilitychange', refresh);
  }, [loadServers, loadTools]);

  // The newest change asked for each tool: an older answer arriving after it must not undo it.
  const latestChange = useRef(new Map<string, number>());
  const changeTool = async (tool: ToolView, patch: UpdateToolBody) => {
    setError(undefined);
    const change = (latestChange.current.get(tool.id) ?? 0) + 1;
    latestChange.current.set(tool.id, change);
    const isLatest = () => latestChange.current.get(tool.id) === change;
    const show = (shown: ToolView) => setTools((previous) => previous?.map((item) => (item.id === shown.id ? shown : item)));
    // The control moves at once; it moves back if the server says no.
    show({
      ...tool,
      ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
      ...(patch.risk !== undefined ? { risk: patch.risk ?? tool.defaultRisk } : {}),
      ...(patch.approval !== undefined ? { approval: patch.approval } : {}),
    });
    try {
      const changed = await api.updateTool(tool.id, patch);
      if (isLatest()) show(changed);
    } catch (caught) {
      if (isLatest()) show(tool);
      setError(caught);
    }
  };

  const showServer = (server: McpServer) => {
    setServers((previous) => {
      const list = previous ?? [];
      return list.some((item) => item.id === server.id) ? list.map((item) => (item.id === server.id ? server : item)) : [...list, server];
    });
    void loadTools();
  };
  const removeServer = (id: string) => {
    setServers((previous) => previous?.filter((server) => server.id !== id));
    void loadTools();
  };
  const addHttpTools = (made: HttpTool[]) => {
    setHttpTools((previous) => [...(previous ?? []), ...made]);
    void loadTools();
  };
  const removeHttpTool = (id: string) => {
    setHttpTools((previous) => previous?.filter((tool) => tool.id !== id));
    void loadTools();
  };

  const groups = groupToolsBySource(tools ?? []);
  return (
    <>
      <p className="settings-intro">
        Choose what {companion.name} may do for you. Switched-off tools are never used. Tools that change your data or act in the world ask you first, unless
        you always allow them.
      </p>
      {signInReturn && servers !== undefined && (
        <SignInNote outcome={signInReturn.outcome} server={servers.find((server) => server.id === signInReturn.serverId)} />
      )}
      <ErrorAlert error={error} />
      {tools === undefined && !error && <p className="settings-muted">Loading…</p>}
      {tools?.length === 0 && <p className="settings-muted">No tools are available on this server.</p>}
      {groups.map((group) => (
        <section key={group.key} className="tools-group" aria-labelledby={`tools-group-${group.key}`}>
          <h3 id={`tools-group-${group.key}`} className="tools-group-title">
            {group.title}
          </h3>
          <ul className="settings-toggles">
            {group.tools.map((tool) => (
              <ToolRow key={tool.id} tool={tool} onChange={(changed, patch) => void changeTool(changed, patch)} />
            ))}
          </ul>
        </section>
      ))}
      <ErrorAlert error={serversError} />
      <McpServersSection servers={servers} onServer={showServer} onRemoved={removeServer} />
      <ErrorAlert error={httpError} />
      <HttpToolsSection tools={httpTools} onAdded={addHttpTools} onRemoved={removeHttpTool} />
    </>
  );
}

/** How the sign-in the person just came back from went: a status when connected, a warning when not. */
function SignInNote({ outcome, server }: { outcome: SignInOutcome; server: McpServer | undefined }) {
  const { sentence, good } = signInSentence(outcome, server);
  return (
    <p className={good ? 'settings-confirmed' : 'settings-warning'} role={good ? 'status' : 'alert'} data-testid="sign-in-note">
      {sentence}
    </p>
  );
}

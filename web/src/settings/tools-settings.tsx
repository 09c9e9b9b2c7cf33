// What the companion may do: each tool by its human name and one plain sentence, with a switch.
import { useEffect, useRef, useState } from 'react';
import type { ToolSummary } from '../../../common/client.ts';
import { api } from '../api.ts';
import { ErrorAlert } from '../components/error-alert.tsx';
import { SwitchRow } from '../components/switch-row.tsx';
import { useSession } from '../session.tsx';

export function ToolsSettings() {
  const { companion } = useSession();
  const [tools, setTools] = useState<ToolSummary[]>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    api.tools().then(setTools, setError);
  }, []);

  // The newest change asked for each tool: an older answer arriving after it must not undo it.
  const latestChange = useRef(new Map<string, number>());

  const toggle = async (tool: ToolSummary) => {
    setError(undefined);
    const change = (latestChange.current.get(tool.id) ?? 0) + 1;
    latestChange.current.set(tool.id, change);
    const isLatest = () => latestChange.current.get(tool.id) === change;
    // The switch moves at once; it moves back if the server says no.
    const show = (shown: ToolSummary) => setTools((previous) => previous?.map((item) => (item.id === shown.id ? shown : item)));
    show({ ...tool, enabled: !tool.enabled });
    try {
      const changed = await api.setToolEnabled(tool.id, !tool.enabled);
      if (isLatest()) show(changed);
    } catch (caught) {
      if (isLatest()) show(tool);
      setError(caught);
    }
  };

  return (
    <>
      <p className="settings-intro">Choose what {companion.name} may do for you. Switched-off tools are never used.</p>
      <ErrorAlert error={error} />
      {tools === undefined && !error && <p className="settings-muted">Loading…</p>}
      {tools?.length === 0 && <p className="settings-muted">No tools are available on this server.</p>}
      <ul className="settings-toggles">
        {tools?.map((tool) => (
          <SwitchRow
            key={tool.id}
            id={`tool-${tool.id}`}
            title={tool.title}
            description={tool.description}
            checked={tool.enabled}
            onChange={() => void toggle(tool)}
          />
        ))}
      </ul>
    </>
  );
}

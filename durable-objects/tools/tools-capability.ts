import type { ImportDocument } from '../../common/import.ts';
import type { ToolSummary, UpdateToolBody } from '../../common/protocol.ts';
import { AppError } from '../../server/errors/app-error.ts';
import type { Capability, CapabilityHost } from '../host/capability.ts';
import type { ImportPlan } from '../host/import-document.ts';
import { builtInTools, type ToolSetting, ToolSettings } from './registry.ts';
import { defaultToolView, type Tool, type ToolProvider } from './tool.ts';

/**
 * The companion's tools: the built-in ones, those every other capability gives the model, and those
 * the person added (MCP servers, HTTP tools: `providers`, asked each time since they come and go),
 * each switched on or off by the person.
 */
export function createToolsCapability(
  host: CapabilityHost,
  dependencies: { sources: readonly Pick<Capability, 'tools'>[]; providers?: readonly ToolProvider[] },
) {
  let fixed: readonly Tool[] | undefined;
  /** Gathered when first needed: capabilities are built in any order, the tools they give are known once all are. */
  const fixedTools = (): readonly Tool[] => {
    fixed ??= [...builtInTools, ...dependencies.sources.flatMap((source) => source.tools?.() ?? [])];
    return fixed;
  };
  /** Every tool there is now, with whether it can be called at this moment. */
  async function current(): Promise<{ settings: ToolSettings; available: ReadonlyMap<string, boolean> }> {
    const provided = (await Promise.all((dependencies.providers ?? []).map((provider) => provider.listTools()))).flat();
    const tools = [...fixedTools(), ...provided.map((entry) => entry.tool)];
    const available = new Map(provided.map((entry) => [entry.tool.id, entry.available]));
    return { settings: new ToolSettings(host.sql, tools), available };
  }
  async function summaries(state?: Awaited<ReturnType<typeof current>>): Promise<ToolSummary[]> {
    const { settings, available } = state ?? (await current());
    // People read the human title and summary; the model's own wording stays in what the model is sent.
    return settings.list().map(({ tool, enabled, risk, approval }) => ({ ...defaultToolView(tool, available.get(tool.id) ?? true), enabled, risk, approval }));
  }

  return {
    name: 'tools',
    /** What the model is offered on a turn: switched on, and reachable now. */
    async enabledTools(): Promise<Tool[]> {
      const { settings, available } = await current();
      return settings.enabledTools().filter((tool) => available.get(tool.id) ?? true);
    },
    /**
     * The person's choices over one tool now (its risk in force, whether it asks first), read at each
     * call: an "always allow" given earlier in the same turn counts. Undefined for a tool that is gone.
     */
    async settingOf(toolId: string): Promise<ToolSetting | undefined> {
      const { settings } = await current();
      return settings.list().find((entry) => entry.tool.id === toolId);
    },
    /** "Always allow" from an answered approval. Answers false for a tool that is gone. */
    async allowAlways(toolId: string): Promise<boolean> {
      const { settings } = await current();
      return settings.change(toolId, { approval: 'always' });
    },
    rpc: {
      list: (): Promise<ToolSummary[]> => summaries(),
      /** `PATCH /tools/:id`: switches it, sets the person's risk level (`null`: the tool's own) or whether it asks first. */
      async update(toolId: string, body: UpdateToolBody): Promise<ToolSummary> {
        const state = await current();
        const known = state.settings.change(toolId, body);
        // The same tools, read again from SQL: only the person's settings changed.
        const tool = known ? (await summaries(state)).find((entry) => entry.id === toolId) : undefined;
        if (!tool) throw new AppError('unknown_tool', `There is no tool "${toolId}".`);
        return tool;
      },
    },
    exportData: async (): Promise<{ tools: ToolSummary[] }> => ({ tools: await summaries() }),
    /** A switch or choice the person made (a row in the settings); a new account has none. */
    holdsData: async () => host.sql.exec('SELECT 1 FROM tool_settings LIMIT 1').toArray().length > 0,
    /**
     * The person's switches and choices (on or off, their own risk level, always allow) for the tools
     * in the document. Those of tools this version has, and of MCP servers' and HTTP tools' tools whose
     * server or tool the document brings too, are kept; a tool known nowhere is left out with a note.
     */
    async importData(document: ImportDocument): Promise<ImportPlan> {
      const entries = document.tools ?? [];
      // Every tool there is now: built in, the capabilities', and those MCP servers and HTTP tools (the operator's shared ones) list.
      const { settings } = await current();
      const listed = settings.list().map((entry) => entry.tool);
      const known = new Set(listed.map((tool) => tool.id));
      const mcpServers = new Set((document.mcpServers ?? []).map((server) => server.id));
      const httpTools = new Set((document.httpTools ?? []).map((tool) => tool.id));
      const comesAlong = (entry: ToolSummary): boolean =>
        known.has(entry.id) ||
        (entry.source.kind === 'mcp' && mcpServers.has(entry.source.serverId)) ||
        (entry.source.kind === 'http' && httpTools.has(entry.source.httpToolId));
      const kept = entries.filter(comesAlong);
      const leftOut = entries.length - kept.length;
      const defaults = new Map(listed.map((tool) => [tool.id, tool]));
      // A tool left as it comes needs no row: a later version's own default then applies to it, as for anyone.
      const chosen = kept.filter((entry) => {
        const tool = defaults.get(entry.id);
        return !tool || entry.enabled !== tool.enabledByDefault || entry.risk !== entry.defaultRisk || entry.approval !== 'ask';
      });
      return {
        imported: document.tools ? { tools: kept.length } : {},
        notImported:
          leftOut > 0
            ? [
                {
                  section: 'tools',
                  count: leftOut,
                  reason: 'These tools are not in this version of Kindred (or their server was not imported); switch them again if they come back.',
                },
              ]
            : [],
        write: () => {
          for (const entry of chosen)
            settings.restore(entry.id, { enabled: entry.enabled, risk: entry.risk === entry.defaultRisk ? null : entry.risk, approval: entry.approval });
        },
      };
    },
  } satisfies Capability;
}

export type ToolsCapability = ReturnType<typeof createToolsCapability>;

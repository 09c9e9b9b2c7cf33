import type { ToolSummary, UpdateToolBody } from '../../common/protocol.ts';
import { AppError } from '../../server/errors/app-error.ts';
import type { Capability, CapabilityHost } from '../host/capability.ts';
import { builtInTools, ToolSettings } from './registry.ts';
import type { Tool, ToolProvider } from './tool.ts';

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
  async function summaries(): Promise<ToolSummary[]> {
    const { settings, available } = await current();
    // People read the human title and summary; the model's own wording stays in what the model is sent.
    return settings.list().map(({ tool, enabled }) => ({
      id: tool.id,
      name: tool.name,
      title: tool.title,
      description: tool.summary,
      enabled,
      risk: tool.risk,
      defaultRisk: tool.risk,
      approval: 'ask',
      source: tool.source ?? { kind: 'built-in' },
      available: available.get(tool.id) ?? true,
    }));
  }

  return {
    name: 'tools',
    /** What the model is offered on a turn: switched on, and reachable now. */
    async enabledTools(): Promise<Tool[]> {
      const { settings, available } = await current();
      return settings.enabledTools().filter((tool) => available.get(tool.id) ?? true);
    },
    rpc: {
      list: (): Promise<ToolSummary[]> => summaries(),
      /** `PATCH /tools/:id`. Risk and approval mode are the approvals work's (issue 11): until then only `enabled` changes. */
      async update(toolId: string, body: UpdateToolBody): Promise<ToolSummary> {
        const { settings } = await current();
        const known = body.enabled === undefined ? settings.list().some((entry) => entry.tool.id === toolId) : settings.setEnabled(toolId, body.enabled);
        const tool = known ? (await summaries()).find((entry) => entry.id === toolId) : undefined;
        if (!tool) throw new AppError('unknown_tool', `There is no tool "${toolId}".`);
        return tool;
      },
    },
    exportData: async (): Promise<{ tools: ToolSummary[] }> => ({ tools: await summaries() }),
  } satisfies Capability;
}

export type ToolsCapability = ReturnType<typeof createToolsCapability>;

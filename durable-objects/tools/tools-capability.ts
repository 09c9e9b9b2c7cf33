import type { ToolSummary, UpdateToolBody } from '../../common/protocol.ts';
import { AppError } from '../../server/errors/app-error.ts';
import type { Capability, CapabilityHost } from '../host/capability.ts';
import { builtInTools, ToolSettings } from './registry.ts';
import type { Tool } from './tool.ts';

/**
 * The companion's tools: the built-in ones and those every other capability gives the model, each
 * switched on or off by the person.
 */
export function createToolsCapability(host: CapabilityHost, dependencies: { sources: readonly Pick<Capability, 'tools'>[] }) {
  let settings: ToolSettings | undefined;
  /** Gathered when first needed: capabilities are built in any order, the tools they give are known once all are. */
  const current = (): ToolSettings => {
    settings ??= new ToolSettings(host.sql, [...builtInTools, ...dependencies.sources.flatMap((source) => source.tools?.() ?? [])]);
    return settings;
  };
  const summaries = (): ToolSummary[] =>
    current()
      .list()
      // People read the human title and summary; the model's own wording stays in what the model is sent.
      .map(({ tool, enabled }) => ({
        id: tool.id,
        name: tool.name,
        title: tool.title,
        description: tool.summary,
        enabled,
        risk: tool.risk,
        defaultRisk: tool.risk,
        approval: 'ask',
        source: tool.source ?? { kind: 'built-in' },
        available: true,
      }));

  return {
    name: 'tools',
    /** What the model is offered on a turn. */
    enabledTools: (): Tool[] => current().enabledTools(),
    rpc: {
      list: async (): Promise<ToolSummary[]> => summaries(),
      /** `PATCH /tools/:id`. Risk and approval mode are the approvals work's (issue 11): until then only `enabled` changes. */
      async update(toolId: string, body: UpdateToolBody): Promise<ToolSummary> {
        const known =
          body.enabled === undefined
            ? current()
                .list()
                .some((entry) => entry.tool.id === toolId)
            : current().setEnabled(toolId, body.enabled);
        const tool = known ? summaries().find((entry) => entry.id === toolId) : undefined;
        if (!tool) throw new AppError('unknown_tool', `There is no tool "${toolId}".`);
        return tool;
      },
    },
    exportData: async (): Promise<{ tools: ToolSummary[] }> => ({ tools: summaries() }),
  } satisfies Capability;
}

export type ToolsCapability = ReturnType<typeof createToolsCapability>;

import type { ToolApprovalMode, ToolRisk } from '../../common/tools.ts';
import { calculatorTool } from './calculator.ts';
import { currentTimeTool } from './current-time.ts';
import type { Tool } from './tool.ts';

/** Tools that need nothing but their input. Features with state (memory, files) make theirs per object. */
export const builtInTools: readonly Tool[] = [currentTimeTool, calculatorTool];

/** A tool with the person's choices over it. */
export interface ToolSetting {
  tool: Tool;
  enabled: boolean;
  /** The risk in force: the person's own level, or else the tool's. */
  risk: ToolRisk;
  /** The person's own level; null when they left the tool's. */
  riskOverride: ToolRisk | null;
  approval: ToolApprovalMode;
}

/** What the person may change of one tool; `risk: null` goes back to the tool's own. */
export interface ToolSettingChange {
  enabled?: boolean;
  risk?: ToolRisk | null;
  approval?: ToolApprovalMode;
}

type SettingRow = { tool_id: string; enabled: number; risk: ToolRisk | null; approval: ToolApprovalMode | null };

/** The user's choices over their companion's tools (on or off, risk level, whether it asks first), stored in their object. */
export class ToolSettings {
  constructor(
    private readonly sql: SqlStorage,
    private readonly tools: readonly Tool[],
  ) {}

  list(): ToolSetting[] {
    const rows = new Map(
      this.sql
        .exec<SettingRow>('SELECT tool_id, enabled, risk, approval FROM tool_settings')
        .toArray()
        .map((row) => [row.tool_id, row]),
    );
    return this.tools.map((tool) => {
      const row = rows.get(tool.id);
      return {
        tool,
        enabled: row ? row.enabled === 1 : tool.enabledByDefault,
        risk: row?.risk ?? tool.risk,
        riskOverride: row?.risk ?? null,
        approval: row?.approval ?? 'ask',
      };
    });
  }

  enabledTools(): Tool[] {
    return this.list()
      .filter((entry) => entry.enabled)
      .map((entry) => entry.tool);
  }

  /** Returns false for an unknown tool id. */
  setEnabled(toolId: string, enabled: boolean): boolean {
    return this.change(toolId, { enabled });
  }

  /** Stores what the body gives and keeps the rest. Returns false for an unknown tool id. */
  change(toolId: string, change: ToolSettingChange): boolean {
    const current = this.list().find((entry) => entry.tool.id === toolId);
    if (!current) return false;
    // One row per tool holds all three; a column the body leaves out keeps what it was.
    this.restore(toolId, {
      enabled: change.enabled ?? current.enabled,
      risk: change.risk === undefined ? current.riskOverride : change.risk,
      approval: change.approval ?? current.approval,
    });
    return true;
  }

  /**
   * Stores all three choices of a tool as given, whether or not the tool is listed now: an import
   * brings back the choices over an MCP server's tools before the server has listed them.
   */
  restore(toolId: string, setting: { enabled: boolean; risk: ToolRisk | null; approval: ToolApprovalMode }): void {
    this.sql.exec(
      `INSERT INTO tool_settings (tool_id, enabled, risk, approval) VALUES (?, ?, ?, ?)
       ON CONFLICT (tool_id) DO UPDATE SET enabled = excluded.enabled, risk = excluded.risk, approval = excluded.approval`,
      toolId,
      setting.enabled ? 1 : 0,
      setting.risk,
      setting.approval,
    );
  }
}

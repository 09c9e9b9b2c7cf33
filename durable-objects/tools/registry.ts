import { calculatorTool } from './calculator.ts';
import { currentTimeTool } from './current-time.ts';
import type { Tool } from './tool.ts';

/** Tools that need nothing but their input. Features with state (memory, files) make theirs per object. */
export const builtInTools: readonly Tool[] = [currentTimeTool, calculatorTool];

/** The user's switches over their companion's tools, stored in their object. */
export class ToolSettings {
  constructor(
    private readonly sql: SqlStorage,
    private readonly tools: readonly Tool[],
  ) {}

  list(): { tool: Tool; enabled: boolean }[] {
    const overrides = new Map(
      this.sql
        .exec<{ tool_id: string; enabled: number }>('SELECT tool_id, enabled FROM tool_settings')
        .toArray()
        .map((row) => [row.tool_id, row.enabled === 1]),
    );
    return this.tools.map((tool) => ({ tool, enabled: overrides.get(tool.id) ?? tool.enabledByDefault }));
  }

  enabledTools(): Tool[] {
    return this.list()
      .filter((entry) => entry.enabled)
      .map((entry) => entry.tool);
  }

  /** Returns false for an unknown tool id. */
  setEnabled(toolId: string, enabled: boolean): boolean {
    if (!this.tools.some((tool) => tool.id === toolId)) return false;
    this.sql.exec(
      'INSERT INTO tool_settings (tool_id, enabled) VALUES (?, ?) ON CONFLICT (tool_id) DO UPDATE SET enabled = excluded.enabled',
      toolId,
      enabled ? 1 : 0,
    );
    return true;
  }
}

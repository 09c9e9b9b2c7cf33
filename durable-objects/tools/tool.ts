import { z } from 'zod';
import type { JsonValue } from '../../common/protocol.ts';
import type { ToolRisk, ToolSource, ToolView } from '../../common/tools.ts';
import type { ChatToolDefinition } from '../../server/providers/chat/chat-model.ts';

/** What a tool may know about the turn it runs in. */
export interface ToolContext {
  userId: string;
  timezone: string;
  now: Date;
  signal?: AbortSignal;
  /** The conversation of the turn, and the id its assistant message will have: a tool that asks the person to confirm ties the question to them. */
  conversationId?: string;
  messageId?: string;
}

/** A tool the companion can call: a zod schema for its input, so the model's arguments are validated before use. */
export interface Tool<Input = unknown> {
  id: string;
  /** The name the model sees: snake_case, stable. */
  name: string;
  /** What the model is told about the tool: written for the model, and only ever sent to it. */
  description: string;
  /** The name a person sees in settings, such as "Calculator". */
  title: string;
  /** One plain sentence for a person: what the companion can do with it, never how to call it. */
  summary: string;
  inputSchema: z.ZodType<Input>;
  /**
   * The JSON Schema the model is sent, for tools described in JSON Schema rather than zod (MCP and
   * HTTP tools); `inputSchema` then accepts any object and `execute` validates against this itself.
   */
  jsonInputSchema?: Record<string, unknown>;
  /** Whether a new user has it switched on. */
  enabledByDefault: boolean;
  /** What the tool can do, so a call that changes data or acts in the world waits for the person (see `ToolRisk`). */
  risk: ToolRisk;
  /** Where it comes from; built in when absent. */
  source?: ToolSource;
  /**
   * A tool that already asks the person itself before anything happens (moving or cancelling an
   * event proposes a confirmation card): the approval gate lets it through rather than ask twice.
   */
  confirmsItself?: boolean;
  execute(input: Input, context: ToolContext): Promise<JsonValue>;
}

export const defineTool = <Input>(tool: Tool<Input>): Tool => tool as Tool;

/**
 * Tools that come and go while the object runs: the MCP servers and HTTP tools a person adds. The
 * tools capability asks every provider when it lists tools and when a turn starts.
 */
export interface ToolProvider {
  /**
   * The tools it offers now, with whether each can be called at this moment (a server that is not
   * reachable lists its last known tools as unavailable). Quick (from what it keeps) and never throws.
   */
  listTools(): Promise<readonly { tool: Tool; available: boolean }[]>;
}

/**
 * How a tool shows before the person has changed anything about it: its own switch default and risk,
 * asking first. Capabilities that list their tools when the tools capability's view is not at hand
 * (a server's tools while it connects) show this.
 */
export function defaultToolView(tool: Tool, available: boolean): ToolView {
  return {
    id: tool.id,
    name: tool.name,
    title: tool.title,
    description: tool.summary,
    enabled: tool.enabledByDefault,
    risk: tool.risk,
    defaultRisk: tool.risk,
    approval: 'ask',
    source: tool.source ?? { kind: 'built-in' },
    available,
  };
}

/** JSON Schemas are made once per tool: converting zod schemas on every model call was measurable. */
const definitions = new WeakMap<Tool, ChatToolDefinition>();

export function toChatToolDefinition(tool: Tool): ChatToolDefinition {
  const cached = definitions.get(tool);
  if (cached) return cached;
  const schema = tool.jsonInputSchema ? { ...tool.jsonInputSchema } : (z.toJSONSchema(tool.inputSchema, { target: 'draft-7' }) as Record<string, unknown>);
  delete schema.$schema;
  const definition = { name: tool.name, description: tool.description, inputSchema: schema };
  definitions.set(tool, definition);
  return definition;
}

/** Whether a call the person was asked about may run: see `executeToolCall`'s `approve`. */
export type ApprovalAnswer = 'approved' | 'denied' | 'expired';

/** What the model reads instead of the tool's output when the person did not approve the call. */
export const notApprovedOutputs: Readonly<Record<Exclude<ApprovalAnswer, 'approved'>, JsonValue>> = {
  denied: { error: 'The person declined this. Do not try it again unless they ask.' },
  expired: { error: 'The request to approve this expired without an answer from the person.' },
};

/**
 * Runs a tool call from the model. Bad arguments or a failing tool become an output the model can
 * read, not a crash. `approve`, when given, is asked with the validated input before the tool runs
 * (the person sees what it would really get); a call not approved never runs.
 */
export async function executeToolCall(
  tool: Tool,
  argumentsText: string,
  context: ToolContext,
  approve?: (input: JsonValue) => Promise<ApprovalAnswer>,
): Promise<{ input: JsonValue; output: JsonValue }> {
  let input: JsonValue;
  try {
    input = argumentsText.trim() === '' ? {} : JSON.parse(argumentsText);
  } catch {
    return { input: argumentsText, output: { error: 'The arguments were not valid JSON.' } };
  }
  const parsed = tool.inputSchema.safeParse(input);
  if (!parsed.success) {
    return {
      input,
      output: { error: `Invalid arguments: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'input'} ${issue.message}`).join('; ')}` },
    };
  }
  if (approve) {
    const answer = await approve(parsed.data as JsonValue);
    if (answer !== 'approved') return { input: parsed.data as JsonValue, output: notApprovedOutputs[answer] };
  }
  try {
    // The parsed input came from JSON and zod only narrows it, so it is still JSON.
    return { input: parsed.data as JsonValue, output: await tool.execute(parsed.data, context) };
  } catch (error) {
    return { input: parsed.data as JsonValue, output: { error: error instanceof Error ? error.message : 'The tool failed.' } };
  }
}

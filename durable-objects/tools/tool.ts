import { z } from 'zod';
import type { JsonValue } from '../../common/protocol.ts';
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
  /** Whether a new user has it switched on. */
  enabledByDefault: boolean;
  execute(input: Input, context: ToolContext): Promise<JsonValue>;
}

export const defineTool = <Input>(tool: Tool<Input>): Tool => tool as Tool;

/** JSON Schemas are made once per tool: converting zod schemas on every model call was measurable. */
const definitions = new WeakMap<Tool, ChatToolDefinition>();

export function toChatToolDefinition(tool: Tool): ChatToolDefinition {
  const cached = definitions.get(tool);
  if (cached) return cached;
  const schema = z.toJSONSchema(tool.inputSchema, { target: 'draft-7' }) as Record<string, unknown>;
  delete schema.$schema;
  const definition = { name: tool.name, description: tool.description, inputSchema: schema };
  definitions.set(tool, definition);
  return definition;
}

/** Runs a tool call from the model. Bad arguments or a failing tool become an output the model can read, not a crash. */
export async function executeToolCall(tool: Tool, argumentsText: string, context: ToolContext): Promise<{ input: JsonValue; output: JsonValue }> {
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
  try {
    // The parsed input came from JSON and zod only narrows it, so it is still JSON.
    return { input: parsed.data as JsonValue, output: await tool.execute(parsed.data, context) };
  } catch (error) {
    return { input: parsed.data as JsonValue, output: { error: error instanceof Error ? error.message : 'The tool failed.' } };
  }
}

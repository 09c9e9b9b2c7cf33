import { Validator } from '@cfworker/json-schema';
import { z } from 'zod';
import type { JsonValue } from '../../common/protocol.ts';
import type { ToolRisk } from '../../common/tools.ts';
import { defineTool, type Tool, type ToolContext } from '../tools/tool.ts';
import type { KnownMcpTool } from './mcp-server-store.ts';

/** The most of a tool's output the model is sent, in characters of JSON: a 5 MB answer would drown the turn. */
export const maxMcpOutputChars = 64 * 1024;

/**
 * The risk an MCP tool declares through its annotations. MCP's defaults are the cautious ones: a tool
 * that does not say it only reads is taken to be destructive and to reach the open world.
 */
export function riskOfMcpTool(annotations: KnownMcpTool['annotations']): ToolRisk {
  if (annotations?.readOnlyHint === true) return 'read';
  if ((annotations?.destructiveHint ?? true) || (annotations?.openWorldHint ?? true)) return 'act';
  return 'change';
}

/** A server's name as a model-name prefix: lower case letters, digits and `-`, never empty. */
export function slugOf(name: string): string {
  const slug = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 20)
    .replace(/-+$/, '');
  return slug || 'mcp';
}

/** `<slug>__<tool>`, within what every chat API accepts (`toolNamePattern`); long names are cut and told apart by a hash. */
export function modelNameOf(slug: string, toolName: string): string {
  const safeTool = toolName.replace(/[^a-zA-Z0-9_-]/g, '_');
  const full = `${slug}__${safeTool}`;
  if (full.length <= 64) return full;
  let hash = 0;
  for (const character of toolName) hash = (hash * 31 + (character.codePointAt(0) ?? 0)) >>> 0;
  const suffix = `_${hash.toString(36)}`;
  return `${full.slice(0, 64 - suffix.length)}${suffix}`;
}

export const mcpToolId = (serverId: string, toolName: string) => `mcp:${serverId}:${toolName}`;

/** What a call of an MCP tool answered, in the MCP result's shape (only the parts Kindred reads). */
export interface McpCallResult {
  content?: readonly { type: string; text?: string; uri?: string; name?: string; mimeType?: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

/**
 * The output the model reads: the text parts joined, structured content kept, an error as `{ error }`,
 * all cut to `maxMcpOutputChars` with a note saying so. Other content (images, audio, resources) is
 * named, not sent.
 */
export function outputOfMcpResult(result: McpCallResult): JsonValue {
  const parts = (result.content ?? []).map((part) => {
    if (part.type === 'text') return part.text ?? '';
    if (part.type === 'resource_link') return `[resource: ${part.name ?? part.uri ?? 'unnamed'}]`;
    return `[${part.type}${part.mimeType ? ` ${part.mimeType}` : ''} not shown]`;
  });
  const text = parts.join('\n');
  if (result.isError) return { error: cut(text || 'The tool failed without saying why.', maxMcpOutputChars) };
  const output: Record<string, JsonValue> = { text };
  if (result.structuredContent) output.structuredContent = result.structuredContent as JsonValue;
  const size = JSON.stringify(output).length;
  if (size <= maxMcpOutputChars) return output;
  // Structured content is dropped first: the text usually says the same, and it cannot be cut safely.
  const note = `The output was ${Math.round(size / 1024)} kB; only the first ${maxMcpOutputChars / 1024} kB of its text are shown.`;
  return { text: cut(text, maxMcpOutputChars - note.length - 64), truncated: true, note };
}

function cut(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length)}…`;
}

/** Any object: the JSON Schema below is what checks the input. */
const anyObject = z.record(z.string(), z.unknown());

/**
 * One MCP tool as a Kindred tool. Its input is checked against the server's own JSON Schema (with
 * `@cfworker/json-schema`, which needs no eval in workerd) before the server is called.
 */
export function toKindredTool(
  server: { id: string; name: string; slug: string },
  tool: KnownMcpTool,
  call: (input: Record<string, unknown>, context: ToolContext) => Promise<JsonValue>,
): Tool {
  const inputSchema = { type: 'object', ...tool.inputSchema };
  delete (inputSchema as { $schema?: unknown }).$schema;
  let validator: Validator | undefined;
  const title = tool.annotations?.title ?? tool.title ?? tool.name;
  return defineTool({
    id: mcpToolId(server.id, tool.name),
    name: modelNameOf(server.slug, tool.name),
    description: (tool.description ?? title).slice(0, 1_000),
    title: title.slice(0, 80),
    summary: `${(tool.description ?? title).split('\n')[0]?.slice(0, 200) ?? title} (from ${server.name})`,
    inputSchema: anyObject,
    jsonInputSchema: inputSchema,
    // The person added the server to use its tools; what they may do is held by the approval gate.
    enabledByDefault: true,
    risk: riskOfMcpTool(tool.annotations),
    source: { kind: 'mcp', serverId: server.id, serverName: server.name },
    async execute(input, context) {
      validator ??= new Validator(inputSchema as never, '2019-09', false);
      const result = validator.validate(input);
      if (!result.valid) {
        const problems = result.errors
          .filter((error) => error.keyword !== 'properties')
          .slice(0, 5)
          .map((error) => `${error.instanceLocation.replace(/^#\/?/, '') || 'input'}: ${error.error}`);
        throw new Error(`Invalid arguments: ${problems.join('; ')}`);
      }
      return call(input, context);
    },
  });
}

import { z } from 'zod';

const isoDateTime = z.iso.datetime({ offset: true });

/**
 * The wire shapes of the tools a person adds (MCP servers, HTTP tools) and of asking before acting.
 * protocol.ts builds its tool summary, stream events and frames from these, so nothing here imports it.
 */

/**
 * How much a tool can do, which decides whether a call waits for the person: `read` only looks
 * (never asks), `change` changes the person's own data, `act` acts in the world (sends, buys,
 * deletes, posts). `change` and `act` ask first unless the person chose "always allow" for the tool.
 */
export const toolRiskSchema = z.enum(['read', 'change', 'act']);
export type ToolRisk = z.infer<typeof toolRiskSchema>;

/** Whether a call of a `change` or `act` tool waits for the person (`ask`) or goes ahead (`always`). */
export const toolApprovalModeSchema = z.enum(['ask', 'always']);
export type ToolApprovalMode = z.infer<typeof toolApprovalModeSchema>;

/** Where a tool comes from. */
export const toolSourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('built-in') }),
  z.object({ kind: z.literal('mcp'), serverId: z.string(), serverName: z.string() }),
  z.object({ kind: z.literal('http'), httpToolId: z.string(), shared: z.boolean() }),
]);
export type ToolSource = z.infer<typeof toolSourceSchema>;

/** Names the model calls tools by: what every chat API accepts. */
export const toolNamePattern = /^[a-zA-Z0-9_-]{1,64}$/;

/** The longest tool input a request to approve shows and stores, in characters of JSON. */
export const maxApprovalInputLength = 8_000;

/** An MCP server's connection as the Tools screen shows it. */
export const mcpServerStateSchema = z.enum(['connecting', 'ready', 'needs-sign-in', 'failed', 'unavailable']);
export type McpServerState = z.infer<typeof mcpServerStateSchema>;

/** How Kindred authenticates to an MCP server. Header values and tokens are sealed and never sent back. */
export const mcpServerAuthSchema = z.enum(['none', 'headers', 'oauth']);

const headerNamePattern = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/;
/** Headers a person enters for a server or an HTTP tool (a bearer token, an API key): sealed once stored. */
export const secretHeadersSchema = z
  .record(z.string().regex(headerNamePattern, 'must be an HTTP header name'), z.string().max(4_000))
  .refine((headers) => Object.keys(headers).length <= 20, 'at most 20 headers');

export const addMcpServerBodySchema = z
  .object({
    name: z.string().trim().min(1).max(80),
    /** The server's endpoint: Streamable HTTP, or the older HTTP+SSE transport, found by trying. */
    url: z.url().max(2_000),
    /** Sent with every request, for servers that take a token or key instead of OAuth. */
    headers: secretHeadersSchema.optional(),
  })
  .strict();
export type AddMcpServerBody = z.infer<typeof addMcpServerBodySchema>;

/** A tool as the Tools screen lists it: `title` and `description` are for a person; `name` is what the model calls. */
export const toolViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** The human name, such as "Calculator". */
  title: z.string(),
  /** One plain sentence on what the companion can do with the tool. */
  description: z.string(),
  enabled: z.boolean(),
  /** The risk in force: the person's choice, or else `defaultRisk`. */
  risk: toolRiskSchema,
  /** What the tool declares (MCP annotations for MCP tools). */
  defaultRisk: toolRiskSchema,
  approval: toolApprovalModeSchema,
  source: toolSourceSchema,
  /** False while the tool's server is not reachable: it is not offered to the model then. */
  available: z.boolean(),
});
export type ToolView = z.infer<typeof toolViewSchema>;

export const mcpServerSchema = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  transport: z.enum(['streamable-http', 'sse']).nullable(),
  auth: mcpServerAuthSchema,
  /** The names of the headers the person gave, never their values. */
  headerNames: z.array(z.string()),
  state: mcpServerStateSchema,
  /** Why it is `failed`, `unavailable` or `needs-sign-in`, in words for a person. */
  reason: z.string().nullable(),
  /** Where to send the person to sign in, while the state is `needs-sign-in`. */
  authorizationUrl: z.string().nullable(),
  tools: z.array(toolViewSchema),
  createdAt: isoDateTime,
  lastConnectedAt: isoDateTime.nullable(),
});
export type McpServer = z.infer<typeof mcpServerSchema>;

export const mcpServersAnswerSchema = z.object({ servers: z.array(mcpServerSchema) });
export type McpServersAnswer = z.infer<typeof mcpServersAnswerSchema>;

/** The HTTP request an HTTP tool makes. `{name}` in the URL, a header value or the body is replaced by that input field. */
export const httpToolRequestSchema = z
  .object({
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
    url: z.string().min(1).max(2_000),
    headers: secretHeadersSchema.optional(),
    /** A JSON template (strings may hold `{name}`), or raw text; without it, a GET sends none and others send the input as JSON. */
    body: z.union([z.string().max(20_000), z.record(z.string(), z.unknown())]).optional(),
  })
  .strict();
export type HttpToolRequest = z.infer<typeof httpToolRequestSchema>;

export const createHttpToolBodySchema = z
  .object({
    name: z.string().regex(toolNamePattern, 'letters, digits, - and _, at most 64'),
    title: z.string().trim().min(1).max(80).optional(),
    description: z.string().trim().min(1).max(1_000),
    /** A JSON Schema (draft 2020-12 or 7) of an object: the tool's input. */
    inputSchema: z.record(z.string(), z.unknown()),
    request: httpToolRequestSchema,
    /** Defaults to `read` for GET and `act` for anything else. */
    risk: toolRiskSchema.optional(),
  })
  .strict();
export type CreateHttpToolBody = z.infer<typeof createHttpToolBodySchema>;

export const importOpenApiBodySchema = z
  .object({
    /** An OpenAPI 3 document, as JSON (an object) or as JSON or YAML text. */
    document: z.union([z.record(z.string(), z.unknown()), z.string().max(1_000_000)]),
    /** Only these operations (by operationId); all of them when absent. */
    operationIds: z.array(z.string().min(1).max(200)).max(100).optional(),
    /** The base URL when the document's `servers` has none or several. */
    baseUrl: z.url().optional(),
    headers: secretHeadersSchema.optional(),
  })
  .strict();
export type ImportOpenApiBody = z.infer<typeof importOpenApiBodySchema>;

/** `PUT /tools/http/{id}/headers`: the values of a tool's headers, every one it names (a tool brought back from an export has none). */
export const httpToolHeadersBodySchema = z.object({ headers: secretHeadersSchema }).strict();
export type HttpToolHeadersBody = z.infer<typeof httpToolHeadersBodySchema>;

/** An HTTP tool as the API returns it: header values never, only their names. */
export const httpToolSchema = z.object({
  id: z.string(),
  name: z.string(),
  title: z.string(),
  description: z.string(),
  inputSchema: z.record(z.string(), z.unknown()),
  request: z.object({ method: httpToolRequestSchema.shape.method, url: z.string(), headerNames: z.array(z.string()), body: httpToolRequestSchema.shape.body }),
  /** Made by the operator for everyone (configuration), not by this person: it cannot be deleted here. */
  shared: z.boolean(),
  tool: toolViewSchema,
  createdAt: isoDateTime,
});
export type HttpTool = z.infer<typeof httpToolSchema>;

export const httpToolsAnswerSchema = z.object({ tools: z.array(httpToolSchema) });
export type HttpToolsAnswer = z.infer<typeof httpToolsAnswerSchema>;

/** What became of a request to approve a tool call. */
export const toolApprovalStatusSchema = z.enum(['pending', 'approved', 'denied', 'expired']);
export type ToolApprovalStatus = z.infer<typeof toolApprovalStatusSchema>;

export const toolApprovalSchema = z.object({
  id: z.string(),
  toolId: z.string(),
  toolName: z.string(),
  toolTitle: z.string(),
  /** The arguments the model gave, as the tool would get them. */
  input: z.unknown(),
  /** Why it asks, in words for a person ("Sends a message on your behalf"). */
  reason: z.string(),
  risk: toolRiskSchema,
  status: toolApprovalStatusSchema,
  conversationId: z.string(),
  messageId: z.string(),
  createdAt: isoDateTime,
  expiresAt: isoDateTime,
  answeredAt: isoDateTime.nullable(),
});
export type ToolApproval = z.infer<typeof toolApprovalSchema>;

export const answerToolApprovalBodySchema = z
  .object({
    approved: z.boolean(),
    /** With `approved`, the tool stops asking from now on (its approval mode becomes `always`). */
    always: z.boolean().optional(),
  })
  .strict();
export type AnswerToolApprovalBody = z.infer<typeof answerToolApprovalBodySchema>;

/** `GET /approvals?status=pending`: the requests still waiting, for a client that (re)connects. */
export const listToolApprovalsQuerySchema = z.object({ status: toolApprovalStatusSchema.optional() });

export const toolApprovalsAnswerSchema = z.object({ approvals: z.array(toolApprovalSchema) });
export type ToolApprovalsAnswer = z.infer<typeof toolApprovalsAnswerSchema>;

/** Stream events of a turn (SSE and the socket), added to protocol.ts's union. */
export const toolStreamEventSchemas = [
  /** The turn waits: a tool call that changes data or acts in the world needs the person's yes. */
  z.object({
    type: z.literal('tool-approval-request'),
    approvalId: z.string(),
    toolName: z.string(),
    input: z.unknown(),
    reason: z.string(),
    messageId: z.string(),
    approval: toolApprovalSchema,
  }),
  /** The request was answered or expired; the turn goes on. */
  z.object({ type: z.literal('tool-approval-resolved'), approval: toolApprovalSchema }),
] as const;

/** Frames a client sends, added to protocol.ts's union. */
export const toolClientFrameSchemas = [
  /** The same as `POST /approvals/:id`. */
  z.object({ type: z.literal('tool-approval'), approvalId: z.string().min(1).max(64), approved: z.boolean(), always: z.boolean().optional() }),
] as const;

/** What `PATCH /tools/:id` may change. */
export const updateToolBodySchema = z
  .object({
    enabled: z.boolean().optional(),
    /** The person's own risk level for the tool; `null` goes back to what the tool declares. */
    risk: toolRiskSchema.nullable().optional(),
    approval: toolApprovalModeSchema.optional(),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'give at least one of enabled, risk, approval');
export type UpdateToolBody = z.infer<typeof updateToolBodySchema>;

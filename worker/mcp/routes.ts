import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { addMcpServerBodySchema, mcpServerSchema, mcpServersAnswerSchema } from '../../common/tools.ts';
import { openMcpOAuthState } from '../../durable-objects/mcp/mcp-oauth-state.ts';
import { readConfig } from '../../server/config/config.ts';
import { AppError } from '../../server/errors/app-error.ts';
import type { AppEnv } from '../app-env.ts';
import { requireSession } from '../auth/session-middleware.ts';
import { companionOf } from '../companion-stub.ts';
import { bodyErrors, errorAnswers, jsonAnswer, jsonBody, noContent, sessionErrors } from '../openapi/route-helpers.ts';

/**
 * The MCP servers a person adds: each is kept, connected and called by their own companion object.
 * Mounted before the other `/tools` routes: the OAuth callback is reached by a browser redirect
 * without a session, and answers before their session check runs.
 */
export const mcpServerRoutes = new OpenAPIHono<AppEnv>();

const callbackPath = '/tools/mcp-servers/oauth/callback';
/** Where the person lands after signing in: the app's Tools screen, told which server and how it went. */
const toolsScreenPath = '/settings/tools';

for (const path of ['/tools/mcp-servers', '/tools/mcp-servers/*']) {
  mcpServerRoutes.use(path, async (context, next) => (context.req.path.endsWith(callbackPath) ? next() : requireSession()(context, next)));
}

const serverIdParam = z.object({ id: z.string().min(1).max(64) });
const serverAnswerSchema = z.object({ server: mcpServerSchema });

mcpServerRoutes.openapi(
  createRoute({
    method: 'get',
    path: callbackPath,
    summary: "Where an MCP server's sign-in sends the browser back",
    description:
      'Not called by clients: the authorization server redirects the person here with `code` and `state`. The state is sealed by Kindred and names the person and the server; it works once and for 30 minutes (`invalid_oauth_state`). ' +
      'The code is traded for tokens (kept sealed), the server is connected, and the browser is sent to the Tools screen (`/settings/tools?mcpServer=<id>&signIn=ready|failed|denied`).',
    tags: ['tools'],
    request: {
      query: z.object({
        code: z.string().max(4_000).optional(),
        state: z.string().max(2_000).optional(),
        iss: z.string().max(2_000).optional(),
        error: z.string().max(200).optional(),
      }),
    },
    responses: { 302: { description: 'To the Tools screen.' }, ...errorAnswers('validation_failed', 'invalid_oauth_state', 'mcp_server_not_found') },
  }),
  async (context) => {
    const query = context.req.valid('query');
    const state = query.state ? await openMcpOAuthState(readConfig(context.env).MASTER_KEY, query.state, Date.now()) : undefined;
    if (!state) throw new AppError('invalid_oauth_state', 'This sign-in was not started here, or was started too long ago: start again from the Tools screen.');
    const screen = new URL(toolsScreenPath, context.req.url);
    screen.searchParams.set('mcpServer', state.serverId);
    if (query.error || !query.code) {
      screen.searchParams.set('signIn', 'denied');
      return context.redirect(screen.href, 302);
    }
    const companion = await companionOf(context.env, state.userId);
    const server = await companion.mcp.completeSignIn(state.serverId, state.nonce, { code: query.code, ...(query.iss ? { iss: query.iss } : {}) });
    screen.searchParams.set('signIn', server.state === 'ready' ? 'ready' : 'failed');
    return context.redirect(screen.href, 302);
  },
);

mcpServerRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/tools/mcp-servers',
    summary: 'The MCP servers the person added, oldest first, with their state and tools',
    description: 'Header values and OAuth tokens are never returned: only the names of the headers.',
    tags: ['tools'],
    responses: { 200: jsonAnswer(mcpServersAnswerSchema, 'The servers.'), ...errorAnswers(...sessionErrors) },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json({ servers: await companion.mcp.list() }, 200);
  },
);

mcpServerRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/tools/mcp-servers',
    summary: 'Add a remote MCP server',
    description:
      'The server is kept, then connected at once (Streamable HTTP, or the older HTTP+SSE transport when that is all it speaks): the answer has its state and tools. ' +
      'An address Kindred may not call (not https in production, a private, loopback or link-local address) answers `url_not_allowed` and nothing is kept. A server that cannot be reached is still kept, as `failed` with the reason, and retried on its own. A server that wants OAuth answers `needs-sign-in` with the ' +
      '`authorizationUrl` to send the person to; they come back through `GET /tools/mcp-servers/oauth/callback`. `headers` (a bearer token, an API key) are sealed and never returned.',
    tags: ['tools'],
    request: jsonBody(addMcpServerBodySchema),
    responses: {
      201: jsonAnswer(serverAnswerSchema, 'The server, as the first connection left it.'),
      ...errorAnswers(...sessionErrors, ...bodyErrors, 'url_not_allowed'),
    },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    const redirectUrl = new URL(`/api/v1${callbackPath}`, context.req.url).href;
    return context.json({ server: await companion.mcp.add(context.req.valid('json'), redirectUrl) }, 201);
  },
);

mcpServerRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/tools/mcp-servers/{id}',
    summary: 'One MCP server, with its state and tools',
    tags: ['tools'],
    request: { params: serverIdParam },
    responses: { 200: jsonAnswer(serverAnswerSchema, 'The server.'), ...errorAnswers(...sessionErrors, 'validation_failed', 'mcp_server_not_found') },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json({ server: await companion.mcp.get(context.req.valid('param').id) }, 200);
  },
);

mcpServerRoutes.openapi(
  createRoute({
    method: 'delete',
    path: '/tools/mcp-servers/{id}',
    summary: 'Remove an MCP server: its tools, headers and tokens are forgotten',
    tags: ['tools'],
    request: { params: serverIdParam },
    responses: { 204: noContent, ...errorAnswers(...sessionErrors, 'validation_failed', 'mcp_server_not_found') },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    await companion.mcp.delete(context.req.valid('param').id);
    return context.body(null, 204);
  },
);

mcpServerRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/tools/mcp-servers/{id}/reconnect',
    summary: 'Connect to an MCP server again now, and read its tools again',
    description: 'For a server that needs signing in, this starts a new sign-in: the answer has a new `authorizationUrl`.',
    tags: ['tools'],
    request: { params: serverIdParam },
    responses: {
      200: jsonAnswer(serverAnswerSchema, 'The server, as the connection left it.'),
      ...errorAnswers(...sessionErrors, 'validation_failed', 'mcp_server_not_found'),
    },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json({ server: await companion.mcp.reconnect(context.req.valid('param').id) }, 200);
  },
);

import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { createHttpToolBodySchema, httpToolHeadersBodySchema, httpToolSchema, httpToolsAnswerSchema, importOpenApiBodySchema } from '../../common/tools.ts';
import type { AppEnv } from '../app-env.ts';
import { requireSession } from '../auth/session-middleware.ts';
import { companionOf } from '../companion-stub.ts';
import { bodyErrors, errorAnswers, jsonAnswer, jsonBody, noContent, sessionErrors } from '../openapi/route-helpers.ts';

/** HTTP tools: requests the person describes (or imports from OpenAPI) that the companion may make, kept sealed in their object. */
export const httpToolRoutes = new OpenAPIHono<AppEnv>();
for (const path of ['/tools/http', '/tools/http/*']) httpToolRoutes.use(path, requireSession());

const httpToolIdParam = z.object({ id: z.string().min(1).max(80) });

httpToolRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/tools/http',
    summary: 'The HTTP tools: those the operator gives everyone, then the person’s own',
    description: 'Header values are never returned, only their names.',
    tags: ['tools'],
    responses: { 200: jsonAnswer(httpToolsAnswerSchema, 'Every HTTP tool, with its tool view (switch, risk).'), ...errorAnswers(...sessionErrors) },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json({ tools: await companion.httpTools.list() }, 200);
  },
);

httpToolRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/tools/http',
    summary: 'Describe an HTTP tool',
    description:
      '`{field}` in the URL (URL-encoded), a header value or the body is filled from the input the model gives, which is checked against `inputSchema` first. The host must be written out, and pass the outbound policy (https, no private addresses). Header values are sealed and never returned.',
    tags: ['tools'],
    request: jsonBody(createHttpToolBodySchema),
    responses: {
      201: jsonAnswer(z.object({ tool: httpToolSchema }), 'The new tool, switched on.'),
      ...errorAnswers(...sessionErrors, ...bodyErrors, 'invalid_tool_schema', 'tool_name_taken', 'url_not_allowed'),
    },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json({ tool: await companion.httpTools.create(context.req.valid('json')) }, 201);
  },
);

httpToolRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/tools/http/import-openapi',
    summary: 'Make HTTP tools from the operations of an OpenAPI 3 document',
    description:
      'Each operation (or each named in `operationIds`) becomes a tool: its name from the operationId, its input from the path, query and header parameters and a JSON request body (`body`). All are added, or none.',
    tags: ['tools'],
    request: jsonBody(importOpenApiBodySchema),
    responses: {
      201: jsonAnswer(httpToolsAnswerSchema, 'The new tools.'),
      ...errorAnswers(...sessionErrors, ...bodyErrors, 'invalid_openapi_document', 'invalid_tool_schema', 'tool_name_taken', 'url_not_allowed'),
    },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json({ tools: await companion.httpTools.importOpenApi(context.req.valid('json')) }, 201);
  },
);

httpToolRoutes.openapi(
  createRoute({
    method: 'put',
    path: '/tools/http/{id}/headers',
    summary: 'Enter the values of an HTTP tool’s headers',
    description:
      'A value for every header the tool names, and no other (`validation_failed`). A tool brought back from an export has its header names but no values (`tool.available` is false) until this is done. Values are sealed and never returned.',
    tags: ['tools'],
    request: { params: httpToolIdParam, ...jsonBody(httpToolHeadersBodySchema) },
    responses: {
      200: jsonAnswer(z.object({ tool: httpToolSchema }), 'The tool, available again.'),
      ...errorAnswers(...sessionErrors, ...bodyErrors, 'http_tool_not_found', 'tool_is_shared', 'invalid_tool_schema', 'url_not_allowed'),
    },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json({ tool: await companion.httpTools.setHeaders(context.req.valid('param').id, context.req.valid('json')) }, 200);
  },
);

httpToolRoutes.openapi(
  createRoute({
    method: 'delete',
    path: '/tools/http/{id}',
    summary: 'Remove an HTTP tool',
    description: 'A tool the operator gives everyone cannot be removed (`tool_is_shared`): switch it off with `PATCH /tools/{id}` instead.',
    tags: ['tools'],
    request: { params: httpToolIdParam },
    responses: { 204: noContent, ...errorAnswers(...sessionErrors, 'validation_failed', 'http_tool_not_found', 'tool_is_shared') },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    await companion.httpTools.delete(context.req.valid('param').id);
    return context.body(null, 204);
  },
);

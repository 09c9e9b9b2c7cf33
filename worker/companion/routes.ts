import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { companionSchema, toolSummarySchema, updateToolBodySchema } from '../../common/protocol.ts';
import { catalog } from '../../server/catalog/catalog.ts';
import type { AppEnv } from '../app-env.ts';
import { requireSession } from '../auth/session-middleware.ts';
import { companionOf } from '../companion-stub.ts';
import { authenticatedErrors, errorAnswer, jsonAnswer, jsonBody, notFoundError } from '../openapi/route-helpers.ts';

export const companionRoutes = new OpenAPIHono<AppEnv>();

companionRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/catalog',
    summary: 'The personas, voices and avatars a user can choose from',
    tags: ['companion'],
    responses: { 200: jsonAnswer(z.object({ personas: z.array(z.unknown()), voices: z.array(z.unknown()), avatars: z.array(z.unknown()) }), 'The catalog.') },
  }),
  (context) => {
    context.header('Cache-Control', 'public, max-age=300');
    return context.json(catalog, 200);
  },
);

companionRoutes.use('/companion', requireSession());
companionRoutes.use('/tools', requireSession());
companionRoutes.use('/tools/*', requireSession());

companionRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/companion',
    summary: "The user's companion",
    tags: ['companion'],
    responses: { 200: jsonAnswer(companionSchema, 'The companion.'), ...authenticatedErrors },
  }),
  async (context) => context.json(await (await companionOf(context.env, context.get('account').id)).companion.getCompanion(), 200),
);

companionRoutes.openapi(
  createRoute({
    method: 'put',
    path: '/companion',
    summary: 'Choose the persona, voice, avatar and name',
    tags: ['companion'],
    request: jsonBody(companionSchema),
    responses: {
      200: jsonAnswer(companionSchema, 'The companion as stored.'),
      ...authenticatedErrors,
      400: errorAnswer('The input is not valid, or an id is not in the catalog (`unknown_persona`, `unknown_voice`, `unknown_avatar`).'),
    },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json(await companion.companion.updateCompanion(context.req.valid('json')), 200);
  },
);

companionRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/tools',
    summary: 'The tools the companion may use',
    tags: ['tools'],
    responses: { 200: jsonAnswer(z.object({ tools: z.array(toolSummarySchema) }), 'The tools with their switches.'), ...authenticatedErrors },
  }),
  async (context) => context.json({ tools: await (await companionOf(context.env, context.get('account').id)).tools.list() }, 200),
);

companionRoutes.openapi(
  createRoute({
    method: 'patch',
    path: '/tools/{id}',
    summary: 'Switch a tool on or off',
    tags: ['tools'],
    request: { params: z.object({ id: z.string().min(1).max(100) }), ...jsonBody(updateToolBodySchema) },
    responses: { 200: jsonAnswer(toolSummarySchema, 'The tool.'), ...authenticatedErrors, ...notFoundError },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json(await companion.tools.setEnabled(context.req.valid('param').id, context.req.valid('json').enabled), 200);
  },
);

import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { type CatalogAnswer, catalogAnswerSchema } from '../../common/catalog.ts';
import { companionSchema, toolSummarySchema, toolsAnswerSchema, updateToolBodySchema } from '../../common/protocol.ts';
import { catalog } from '../../server/catalog/catalog.ts';
import { readConfig } from '../../server/config/config.ts';
import { speechToTextFromConfig, textToSpeechFromConfig } from '../../server/providers/from-config.ts';
import type { AppEnv } from '../app-env.ts';
import { requireSession } from '../auth/session-middleware.ts';
import { companionOf } from '../companion-stub.ts';
import { bodyErrors, errorAnswers, jsonAnswer, jsonBody, serverErrors, sessionErrors } from '../openapi/route-helpers.ts';

export const companionRoutes = new OpenAPIHono<AppEnv>();

companionRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/catalog',
    summary: 'The personas, voices and avatars a user can choose from, and whether the server speaks',
    tags: ['companion'],
    responses: { 200: jsonAnswer(catalogAnswerSchema, 'The catalog.'), ...errorAnswers(...serverErrors) },
  }),
  (context) => {
    // Clients read this once at start, so they never post to `/speech` on a server with no voice
    // (which would answer 404 and leave an error in the browser's console) before falling back.
    const config = readConfig(context.env);
    const speech = {
      synthesis: textToSpeechFromConfig(config, context.env) !== undefined,
      recognition: speechToTextFromConfig(config, context.env) !== undefined,
    };
    const answer: CatalogAnswer = { ...catalog, speech };
    context.header('Cache-Control', 'public, max-age=300');
    return context.json(answer, 200);
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
    responses: { 200: jsonAnswer(companionSchema, 'The companion.'), ...errorAnswers(...sessionErrors) },
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
      ...errorAnswers(...sessionErrors, ...bodyErrors, 'unknown_persona', 'unknown_voice', 'unknown_avatar'),
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
    responses: { 200: jsonAnswer(toolsAnswerSchema, 'The tools with their switches.'), ...errorAnswers(...sessionErrors) },
  }),
  async (context) => context.json({ tools: await (await companionOf(context.env, context.get('account').id)).tools.list() }, 200),
);

companionRoutes.openapi(
  createRoute({
    method: 'patch',
    path: '/tools/{id}',
    summary: 'Switch a tool on or off, set its risk level, or whether it asks first',
    tags: ['tools'],
    request: { params: z.object({ id: z.string().min(1).max(100) }), ...jsonBody(updateToolBodySchema) },
    responses: { 200: jsonAnswer(toolSummarySchema, 'The tool.'), ...errorAnswers(...sessionErrors, ...bodyErrors, 'unknown_tool') },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json(await companion.tools.update(context.req.valid('param').id, context.req.valid('json')), 200);
  },
);

import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { outreachAnswerSchema, outreachLogAnswerSchema, outreachSettingsPatchSchema } from '../../common/outreach.ts';
import type { AppEnv } from '../app-env.ts';
import { requireSession } from '../auth/session-middleware.ts';
import { companionOf } from '../companion-stub.ts';
import { bodyErrors, errorAnswers, jsonAnswer, jsonBody, sessionErrors } from '../openapi/route-helpers.ts';

/** How and when the companion reaches out first, and the log of what it sent. */
export const outreachRoutes = new OpenAPIHono<AppEnv>();
for (const path of ['/outreach', '/outreach/*']) outreachRoutes.use(path, requireSession());

outreachRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/outreach',
    summary: 'Outreach settings, and what the companion plans to bring up next',
    tags: ['outreach'],
    responses: { 200: jsonAnswer(outreachAnswerSchema, 'The settings and the planned messages.'), ...errorAnswers(...sessionErrors) },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json(await companion.outreach.get(), 200);
  },
);

outreachRoutes.openapi(
  createRoute({
    method: 'put',
    path: '/outreach',
    summary: 'Change outreach settings: any subset; what is left out stays',
    description: 'Setting `paused: false` resumes outreach after "stop" was sent on any channel.',
    tags: ['outreach'],
    request: jsonBody(outreachSettingsPatchSchema),
    responses: { 200: jsonAnswer(outreachAnswerSchema, 'The settings as saved, and the new plan.'), ...errorAnswers(...sessionErrors, ...bodyErrors) },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json(await companion.outreach.update(context.req.valid('json')), 200);
  },
);

outreachRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/outreach/log',
    summary: 'What the companion sent unasked: when, why, on which channel, and what happened to it',
    tags: ['outreach'],
    request: { query: z.object({ limit: z.coerce.number().int().min(1).max(100).optional(), cursor: z.string().min(1).max(64).optional() }) },
    responses: { 200: jsonAnswer(outreachLogAnswerSchema, 'Newest first.'), ...errorAnswers(...sessionErrors, 'validation_failed') },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json(await companion.outreach.log(context.req.valid('query')), 200);
  },
);

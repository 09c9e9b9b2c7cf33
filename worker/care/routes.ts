import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { careSettingsSchema } from '../../common/care.ts';
import type { AppEnv } from '../app-env.ts';
import { requireSession } from '../auth/session-middleware.ts';
import { companionOf } from '../companion-stub.ts';
import { bodyErrors, errorAnswers, jsonAnswer, jsonBody, sessionErrors } from '../openapi/route-helpers.ts';

/** The person's care settings: which country's crisis resources a reply to a flagged message carries. */
export const careRoutes = new OpenAPIHono<AppEnv>();
careRoutes.use('/care/*', requireSession());

careRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/care/settings',
    summary: 'The country whose crisis resources the companion shows',
    description: '`country` null means Kindred works it out: from the linked WhatsApp number, else the time zone, else the international fallback.',
    tags: ['care'],
    responses: { 200: jsonAnswer(careSettingsSchema, 'The care settings.'), ...errorAnswers(...sessionErrors) },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json(await companion.care.settings(), 200);
  },
);

careRoutes.openapi(
  createRoute({
    method: 'put',
    path: '/care/settings',
    summary: 'Set the country whose crisis resources the companion shows',
    tags: ['care'],
    request: jsonBody(careSettingsSchema),
    responses: { 200: jsonAnswer(careSettingsSchema, 'The care settings as they are now.'), ...errorAnswers(...sessionErrors, ...bodyErrors) },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json(await companion.care.updateSettings(context.req.valid('json')), 200);
  },
);

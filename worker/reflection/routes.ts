import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { reflectionAnswerSchema, reflectionSettingsPatchSchema } from '../../common/reflection.ts';
import type { AppEnv } from '../app-env.ts';
import { requireSession } from '../auth/session-middleware.ts';
import { companionOf } from '../companion-stub.ts';
import { bodyErrors, errorAnswers, jsonAnswer, jsonBody, sessionErrors } from '../openapi/route-helpers.ts';

/** The weekly reflection: whether it is on, on which weekday and at what time, and when the next one is due. */
export const reflectionRoutes = new OpenAPIHono<AppEnv>();
reflectionRoutes.use('/reflection', requireSession());

reflectionRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/reflection',
    summary: 'The weekly reflection’s settings, and when the next one is due',
    description: 'Off until turned on; the default is Sunday at 18:00 in the person’s time zone.',
    tags: ['reflection'],
    responses: { 200: jsonAnswer(reflectionAnswerSchema, 'The settings, and the next reflection (null when off).'), ...errorAnswers(...sessionErrors) },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json(await companion.reflection.get(), 200);
  },
);

reflectionRoutes.openapi(
  createRoute({
    method: 'put',
    path: '/reflection',
    summary: 'Change the weekly reflection: any subset; what is left out stays',
    description: 'A new weekday or time moves the next reflection; `enabled: false` cancels it.',
    tags: ['reflection'],
    request: jsonBody(reflectionSettingsPatchSchema),
    responses: {
      200: jsonAnswer(reflectionAnswerSchema, 'The settings as saved, and the next reflection.'),
      ...errorAnswers(...sessionErrors, ...bodyErrors),
    },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json(await companion.reflection.update(context.req.valid('json')), 200);
  },
);

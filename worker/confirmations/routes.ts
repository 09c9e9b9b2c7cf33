import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { answerConfirmationBodySchema, confirmationAnsweredSchema, confirmationsAnswerSchema, listConfirmationsQuerySchema } from '../../common/protocol.ts';
import type { AppEnv } from '../app-env.ts';
import { requireSession } from '../auth/session-middleware.ts';
import { companionOf } from '../companion-stub.ts';
import { bodyErrors, errorAnswers, jsonAnswer, jsonBody, sessionErrors } from '../openapi/route-helpers.ts';

/** Actions the companion asked the person to confirm, and their answers, for clients with or without the realtime socket. */
export const confirmationRoutes = new OpenAPIHono<AppEnv>();
for (const path of ['/confirmations', '/confirmations/*']) confirmationRoutes.use(path, requireSession());

const confirmationIdParam = z.object({ id: z.string().min(1).max(64) });

confirmationRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/confirmations',
    summary: 'What the companion asked the person to confirm, newest first',
    description:
      'With `status=pending`, the requests still waiting: a client that (re)connects shows their cards. New ones arrive as `confirmation-request` frames, answers as `confirmation-resolved`.',
    tags: ['confirmations'],
    request: { query: listConfirmationsQuerySchema },
    responses: {
      200: jsonAnswer(confirmationsAnswerSchema, 'The confirmations, the newest 200 at most.'),
      ...errorAnswers(...sessionErrors, 'validation_failed'),
    },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json({ confirmations: await companion.confirmations.list(context.req.valid('query')) }, 200);
  },
);

confirmationRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/confirmations/{id}',
    summary: 'Accept or decline what the companion asked to do',
    description:
      'Accepting runs the action, once; the companion records what it did (or that it was declined) as a message in the conversation, and every open client gets a `confirmation-resolved` frame. The same as the `confirmation-answer` frame. A confirmation already answered, expired or unknown answers `confirmation_not_found`.',
    tags: ['confirmations'],
    request: { params: confirmationIdParam, ...jsonBody(answerConfirmationBodySchema) },
    responses: {
      200: jsonAnswer(confirmationAnsweredSchema, 'The confirmation as answered, and the message the companion recorded.'),
      ...errorAnswers(...sessionErrors, ...bodyErrors, 'confirmation_not_found'),
    },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json(await companion.confirmations.answer(context.req.valid('param').id, context.req.valid('json').accept), 200);
  },
);

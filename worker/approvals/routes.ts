import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { answerToolApprovalBodySchema, listToolApprovalsQuerySchema, toolApprovalSchema, toolApprovalsAnswerSchema } from '../../common/tools.ts';
import type { AppEnv } from '../app-env.ts';
import { requireSession } from '../auth/session-middleware.ts';
import { companionOf } from '../companion-stub.ts';
import { bodyErrors, errorAnswers, jsonAnswer, jsonBody, sessionErrors } from '../openapi/route-helpers.ts';

/** Tool calls waiting for the person's yes, and their answers, for clients with or without the realtime socket. */
export const approvalRoutes = new OpenAPIHono<AppEnv>();
for (const path of ['/approvals', '/approvals/*']) approvalRoutes.use(path, requireSession());

const approvalIdParam = z.object({ id: z.string().min(1).max(64) });

approvalRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/approvals',
    summary: 'Tool calls the companion asked the person to approve, newest first',
    description:
      'With `status=pending`, the requests still waiting: a client that (re)connects shows their cards. New ones arrive as `tool-approval-request` events, answers as `tool-approval-resolved`.',
    tags: ['approvals'],
    request: { query: listToolApprovalsQuerySchema },
    responses: {
      200: jsonAnswer(toolApprovalsAnswerSchema, 'The requests, the newest 200 at most.'),
      ...errorAnswers(...sessionErrors, 'validation_failed'),
    },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json({ approvals: await companion.approvals.list(context.req.valid('query')) }, 200);
  },
);

approvalRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/approvals/{id}',
    summary: 'Allow or decline a tool call the companion waits on',
    description:
      'The turn that asked goes on: an allowed call runs once, a declined one does not run and the model is told. With `always` (and `approved`), the tool stops asking from now on. The same as the `tool-approval` frame. A request already answered, expired or unknown answers `approval_not_found`.',
    tags: ['approvals'],
    request: { params: approvalIdParam, ...jsonBody(answerToolApprovalBodySchema) },
    responses: {
      200: jsonAnswer(toolApprovalSchema, 'The request as answered.'),
      ...errorAnswers(...sessionErrors, ...bodyErrors, 'approval_not_found'),
    },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json(await companion.approvals.answer(context.req.valid('param').id, context.req.valid('json')), 200);
  },
);

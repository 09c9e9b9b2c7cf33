import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import {
  createGoalBodySchema,
  goalDetailSchema,
  goalSchema,
  goalsAnswerSchema,
  goalsQuerySchema,
  goalUpdateAnswerSchema,
  goalUpdateBodySchema,
  patchGoalBodySchema,
} from '../../common/goals.ts';
import type { AppEnv } from '../app-env.ts';
import { requireSession } from '../auth/session-middleware.ts';
import { companionOf } from '../companion-stub.ts';
import { bodyErrors, errorAnswers, jsonAnswer, jsonBody, noContent, sessionErrors } from '../openapi/route-helpers.ts';

/** The person's goals and habits: each kept, and checked in on, by their own companion object. */
export const goalRoutes = new OpenAPIHono<AppEnv>();
for (const path of ['/goals', '/goals/*']) goalRoutes.use(path, requireSession());

const goalIdParam = z.object({ id: z.string().min(1).max(64) });

goalRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/goals',
    summary: 'The goals and habits, newest first: active ones unless `status` asks for others (or `all`)',
    tags: ['goals'],
    request: { query: goalsQuerySchema },
    responses: { 200: jsonAnswer(goalsAnswerSchema, 'The goals with that status.'), ...errorAnswers(...sessionErrors, 'validation_failed') },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json({ goals: await companion.goals.list(context.req.valid('query')) }, 200);
  },
);

goalRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/goals',
    summary: 'Set a goal or a habit',
    description:
      'A habit needs `habit` (times per day or week); a goal has none. Without `checkIn`, the companion asks about it once a week, on the weekday it was set, at the person’s outreach check-in time.',
    tags: ['goals'],
    request: jsonBody(createGoalBodySchema),
    responses: { 201: jsonAnswer(goalSchema, 'The new goal.'), ...errorAnswers(...sessionErrors, ...bodyErrors) },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json(await companion.goals.create(context.req.valid('json')), 201);
  },
);

goalRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/goals/{id}',
    summary: 'A goal and its updates, newest first',
    tags: ['goals'],
    request: { params: goalIdParam },
    responses: { 200: jsonAnswer(goalDetailSchema, 'The goal and its updates.'), ...errorAnswers(...sessionErrors, 'validation_failed', 'not_found') },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json(await companion.goals.get(context.req.valid('param').id), 200);
  },
);

goalRoutes.openapi(
  createRoute({
    method: 'patch',
    path: '/goals/{id}',
    summary: 'Change a goal, complete it, archive it or reopen it',
    description:
      'Any subset of the fields. `status: "completed"` sets progress to 100 and `completedAt`; `status: "active"` reopens it and clears `completedAt`. A goal (not a habit) cannot be given a `habit` target.',
    tags: ['goals'],
    request: { params: goalIdParam, ...jsonBody(patchGoalBodySchema) },
    responses: { 200: jsonAnswer(goalSchema, 'The goal as it is now.'), ...errorAnswers(...sessionErrors, ...bodyErrors, 'not_found') },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json(await companion.goals.update(context.req.valid('param').id, context.req.valid('json')), 200);
  },
);

goalRoutes.openapi(
  createRoute({
    method: 'delete',
    path: '/goals/{id}',
    summary: 'Delete a goal and its updates, and stop its check-ins',
    tags: ['goals'],
    request: { params: goalIdParam },
    responses: { 204: noContent, ...errorAnswers(...sessionErrors, 'validation_failed', 'not_found') },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    await companion.goals.delete(context.req.valid('param').id);
    return context.body(null, 204);
  },
);

goalRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/goals/{id}/updates',
    summary: 'Record progress (a goal), a habit done, or a note',
    description: 'A goal takes `progress` (0–100), a habit `done: true`; either may carry a `note`. The answer is the goal as it now stands, and the update.',
    tags: ['goals'],
    request: { params: goalIdParam, ...jsonBody(goalUpdateBodySchema) },
    responses: { 201: jsonAnswer(goalUpdateAnswerSchema, 'The goal and the update.'), ...errorAnswers(...sessionErrors, ...bodyErrors, 'not_found') },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json(await companion.goals.recordUpdate(context.req.valid('param').id, context.req.valid('json')), 201);
  },
);

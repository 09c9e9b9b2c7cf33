import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { createReminderBodySchema, reminderSchema, remindersAnswerSchema, updateReminderBodySchema } from '../../common/protocol.ts';
import type { AppEnv } from '../app-env.ts';
import { requireSession } from '../auth/session-middleware.ts';
import { companionOf } from '../companion-stub.ts';
import { bodyErrors, errorAnswers, jsonAnswer, jsonBody, noContent, sessionErrors } from '../openapi/route-helpers.ts';

/** The person's reminders: each is kept and fired by their own companion object. */
export const reminderRoutes = new OpenAPIHono<AppEnv>();
for (const path of ['/reminders', '/reminders/*']) reminderRoutes.use(path, requireSession());

const reminderIdParam = z.object({ id: z.string().min(1).max(64) });

reminderRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/reminders',
    summary: 'The reminders: upcoming ones first, soonest first, then those that went out, latest first',
    tags: ['reminders'],
    responses: { 200: jsonAnswer(remindersAnswerSchema, 'The reminders that are not cancelled.'), ...errorAnswers(...sessionErrors) },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json({ reminders: await companion.reminders.list() }, 200);
  },
);

reminderRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/reminders',
    summary: 'Set a reminder',
    description:
      'The reminder goes out at `dueAt` as a `reminder-due` frame to every open realtime connection, and as a message from the companion in the newest conversation.',
    tags: ['reminders'],
    request: jsonBody(createReminderBodySchema),
    responses: { 201: jsonAnswer(reminderSchema, 'The new reminder.'), ...errorAnswers(...sessionErrors, ...bodyErrors, 'invalid_due_time') },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json(await companion.reminders.create(context.req.valid('json')), 201);
  },
);

reminderRoutes.openapi(
  createRoute({
    method: 'patch',
    path: '/reminders/{id}',
    summary: 'Mark a reminder done, or snooze it',
    description:
      '`{ "status": "done" }` marks it done: one still waiting will not go out. `{ "snoozeMinutes": n }` (1 to 1440) sets it to go out once more, n minutes from now, whether it was waiting or had gone out; a reminder marked done cannot be snoozed.',
    tags: ['reminders'],
    request: { params: reminderIdParam, ...jsonBody(updateReminderBodySchema) },
    responses: { 200: jsonAnswer(reminderSchema, 'The reminder as it is now.'), ...errorAnswers(...sessionErrors, ...bodyErrors, 'not_found') },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json(await companion.reminders.update(context.req.valid('param').id, context.req.valid('json')), 200);
  },
);

reminderRoutes.openapi(
  createRoute({
    method: 'delete',
    path: '/reminders/{id}',
    summary: 'Cancel a reminder: it will not go out',
    tags: ['reminders'],
    request: { params: reminderIdParam },
    responses: { 204: noContent, ...errorAnswers(...sessionErrors, 'validation_failed', 'not_found') },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    await companion.reminders.delete(context.req.valid('param').id);
    return context.body(null, 204);
  },
);

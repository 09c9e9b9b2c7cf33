import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { calendarSourceBodySchema, calendarSourceSchema, calendarSourcesAnswerSchema } from '../../common/calendar-sources.ts';
import type { AppEnv } from '../app-env.ts';
import { requireSession } from '../auth/session-middleware.ts';
import { companionOf } from '../companion-stub.ts';
import { bodyErrors, errorAnswers, jsonAnswer, jsonBody, noContent, sessionErrors } from '../openapi/route-helpers.ts';

/** The person's connected calendars (CalDAV, Google), each synced both ways by their own companion object. */
export const calendarSourceRoutes = new OpenAPIHono<AppEnv>();
for (const path of ['/calendar/sources', '/calendar/sources/*']) calendarSourceRoutes.use(path, requireSession());

const sourceIdParam = z.object({ id: z.string().min(1).max(64) });
const sourceErrors = ['source_unreachable', 'source_auth_failed', 'source_invalid', 'feature_not_configured'] as const;

calendarSourceRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/calendar/sources',
    summary: 'The connected calendars, oldest first, with how their last sync went',
    tags: ['calendar'],
    responses: { 200: jsonAnswer(calendarSourcesAnswerSchema, 'The connected calendars.'), ...errorAnswers(...sessionErrors) },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json({ sources: await companion.calendarSources.list() }, 200);
  },
);

calendarSourceRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/calendar/sources',
    summary: 'Connect a calendar',
    description:
      'For CalDAV, `url` is the server (its calendar is found by discovery) or the calendar collection itself. The calendar is synced once before the answer; ' +
      'events created in Kindred afterwards go to the first connected calendar. Nothing is kept when the server cannot be reached (`source_unreachable`), ' +
      'refuses the credentials (`source_auth_failed`) or is not a calendar (`source_invalid`).',
    tags: ['calendar'],
    request: jsonBody(calendarSourceBodySchema),
    responses: { 201: jsonAnswer(calendarSourceSchema, 'The connected calendar.'), ...errorAnswers(...sessionErrors, ...bodyErrors, ...sourceErrors) },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json(await companion.calendarSources.connect(context.req.valid('json')), 201);
  },
);

calendarSourceRoutes.openapi(
  createRoute({
    method: 'delete',
    path: '/calendar/sources/{id}',
    summary: 'Disconnect a calendar',
    description: 'Kindred forgets the calendar and the events that came from it; the calendar itself is left untouched.',
    tags: ['calendar'],
    request: { params: sourceIdParam },
    responses: { 204: noContent, ...errorAnswers(...sessionErrors, 'validation_failed', 'not_found') },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    await companion.calendarSources.disconnect(context.req.valid('param').id);
    return context.body(null, 204);
  },
);

calendarSourceRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/calendar/sources/{id}/sync',
    summary: 'Sync a connected calendar now, both ways',
    description: 'A failure is also kept on the calendar (`status: error`, `errorId`) until a sync succeeds.',
    tags: ['calendar'],
    request: { params: sourceIdParam },
    responses: {
      200: jsonAnswer(calendarSourceSchema, 'The calendar after the sync.'),
      ...errorAnswers(...sessionErrors, 'validation_failed', 'not_found', ...sourceErrors),
    },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json(await companion.calendarSources.sync(context.req.valid('param').id), 200);
  },
);

import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import {
  calendarEventSchema,
  createEventBodySchema,
  eventsAnswerSchema,
  importCalendarAnswerSchema,
  listEventsQuerySchema,
  updateEventBodySchema,
} from '../../common/protocol.ts';
import { AppError } from '../../server/errors/app-error.ts';
import type { AppEnv } from '../app-env.ts';
import { requireSession } from '../auth/session-middleware.ts';
import { companionOf } from '../companion-stub.ts';
import { bodyErrors, errorAnswers, jsonAnswer, jsonBody, noContent, sessionErrors } from '../openapi/route-helpers.ts';

/** The person's calendar: events by occurrence in a range, their edits, and ICS in and out. */
export const calendarRoutes = new OpenAPIHono<AppEnv>();
for (const path of ['/events', '/events/*', '/calendar/*']) calendarRoutes.use(path, requireSession());

const eventIdParam = z.object({ id: z.string().min(1).max(64) });

calendarRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/events',
    summary: 'Every occurrence of every event that overlaps a range, by start',
    description:
      'A repeating event answers one entry per occurrence; `occurrenceId` names the instance. All-day events start and end at midnight in their zone.',
    tags: ['calendar'],
    request: { query: listEventsQuerySchema },
    responses: {
      200: jsonAnswer(eventsAnswerSchema, 'The occurrences in the range.'),
      ...errorAnswers(...sessionErrors, 'validation_failed', 'range_too_wide'),
    },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json({ events: await companion.calendar.list(context.req.valid('query')) }, 200);
  },
);

calendarRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/events',
    summary: 'Add an event, once or repeating',
    tags: ['calendar'],
    request: jsonBody(createEventBodySchema),
    responses: { 201: jsonAnswer(calendarEventSchema, 'The new event.'), ...errorAnswers(...sessionErrors, ...bodyErrors, 'invalid_event') },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json(await companion.calendar.create(context.req.valid('json')), 201);
  },
);

calendarRoutes.openapi(
  createRoute({
    method: 'patch',
    path: '/events/{id}',
    summary: 'Change an event: any of its fields, `null` clears location, notes or the recurrence',
    tags: ['calendar'],
    request: { params: eventIdParam, ...jsonBody(updateEventBodySchema) },
    responses: {
      200: jsonAnswer(calendarEventSchema, 'The event as stored.'),
      ...errorAnswers(...sessionErrors, ...bodyErrors, 'invalid_event', 'not_found'),
    },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json(await companion.calendar.update(context.req.valid('param').id, context.req.valid('json')), 200);
  },
);

calendarRoutes.openapi(
  createRoute({
    method: 'delete',
    path: '/events/{id}',
    summary: 'Delete an event with all its occurrences',
    tags: ['calendar'],
    request: { params: eventIdParam },
    responses: { 204: noContent, ...errorAnswers(...sessionErrors, 'validation_failed', 'not_found') },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    await companion.calendar.delete(context.req.valid('param').id);
    return context.body(null, 204);
  },
);

calendarRoutes.openAPIRegistry.registerPath({
  method: 'post',
  path: '/calendar/import',
  summary: 'Import an ICS file: every event, with its recurrence and overridden instances, becomes a new event',
  description:
    "The body is the file itself as `text/calendar`. Times without a zone, and zones that are not IANA names, are read in the person's time zone. Nothing is stored unless the whole file can be read.",
  tags: ['calendar'],
  request: { body: { content: { 'text/calendar': { schema: z.string() } }, required: true } },
  responses: {
    200: jsonAnswer(importCalendarAnswerSchema, 'How many events were imported.'),
    ...errorAnswers(...sessionErrors, 'unsupported_media_type', 'payload_too_large', 'invalid_calendar'),
  },
});
calendarRoutes.post('/calendar/import', async (context) => {
  const mediaType = (context.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'text/calendar') throw new AppError('unsupported_media_type', 'Send the calendar as text/calendar (an .ics file).');
  const text = await context.req.text();
  const companion = await companionOf(context.env, context.get('account').id);
  return context.json(await companion.calendar.importIcs(text), 200);
});

calendarRoutes.openAPIRegistry.registerPath({
  method: 'get',
  path: '/calendar/export.ics',
  summary: 'Every event as one ICS file',
  description: 'Times carry a TZID naming their IANA zone, with no VTIMEZONE: calendar apps know these zones by name.',
  tags: ['calendar'],
  responses: { 200: { content: { 'text/calendar': { schema: z.string() } }, description: 'The calendar, as a download.' }, ...errorAnswers(...sessionErrors) },
});
calendarRoutes.get('/calendar/export.ics', async (context) => {
  const companion = await companionOf(context.env, context.get('account').id);
  const text = await companion.calendar.exportIcs();
  return context.body(text, 200, { 'content-type': 'text/calendar; charset=utf-8', 'content-disposition': 'attachment; filename="kindred.ics"' });
});

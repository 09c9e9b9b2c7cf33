import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { moodEntrySchema, moodRangeSchema, moodSummarySchema, moodsAnswerSchema, moodsQuerySchema, recordMoodBodySchema } from '../../common/mood.ts';
import type { AppEnv } from '../app-env.ts';
import { requireSession } from '../auth/session-middleware.ts';
import { companionOf } from '../companion-stub.ts';
import { bodyErrors, errorAnswers, jsonAnswer, jsonBody, noContent, sessionErrors } from '../openapi/route-helpers.ts';

/** The person's mood check-ins: kept sealed in their own companion object, the insights shown to them alone. */
export const moodRoutes = new OpenAPIHono<AppEnv>();
for (const path of ['/moods', '/moods/*']) moodRoutes.use(path, requireSession());

const moodIdParam = z.object({ id: z.string().min(1).max(64) });

moodRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/moods',
    summary: 'Mood check-ins by local day, newest first',
    description: "`from` and `to` are calendar days in the person's time zone, both included; either may be left out.",
    tags: ['moods'],
    request: { query: moodsQuerySchema },
    responses: { 200: jsonAnswer(moodsAnswerSchema, 'The check-ins in the range.'), ...errorAnswers(...sessionErrors, 'validation_failed') },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json(await companion.moods.list(context.req.valid('query')), 200);
  },
);

moodRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/moods',
    summary: 'Record a mood check-in',
    description:
      "A score from 1 (very low) to 5 (great) and an optional note. `at` dates it earlier: at most 400 days back, never more than a minute ahead. Its `localDate` is the person's calendar day at `at`, in their time zone.",
    tags: ['moods'],
    request: jsonBody(recordMoodBodySchema),
    responses: { 201: jsonAnswer(moodEntrySchema, 'The check-in as stored.'), ...errorAnswers(...sessionErrors, ...bodyErrors) },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json(await companion.moods.record(context.req.valid('json')), 201);
  },
);

moodRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/moods/summary',
    summary: 'The mood trend, and what tends to go with good and bad days',
    description:
      "`4w`: the last 28 days by day; `3m`: 13 weeks by week; `12m`: 52 weeks by week (weeks start on Monday). Only buckets with check-ins are listed. The insights come from the person's own notes and are shown only to them: `enoughData` is false until there are three good days and three bad days with a note.",
    tags: ['moods'],
    request: { query: z.object({ range: moodRangeSchema.default('4w') }) },
    responses: { 200: jsonAnswer(moodSummarySchema, 'The summary of the range.'), ...errorAnswers(...sessionErrors, 'validation_failed') },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json(await companion.moods.summary(context.req.valid('query').range), 200);
  },
);

moodRoutes.openapi(
  createRoute({
    method: 'delete',
    path: '/moods/{id}',
    summary: 'Delete a mood check-in',
    tags: ['moods'],
    request: { params: moodIdParam },
    responses: { 204: noContent, ...errorAnswers(...sessionErrors, 'validation_failed', 'not_found') },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    await companion.moods.delete(context.req.valid('param').id);
    return context.body(null, 204);
  },
);

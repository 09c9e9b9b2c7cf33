import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import {
  calendarSourceBodySchema,
  calendarSourceSchema,
  calendarSourcesAnswerSchema,
  googleAuthorizationAnswerSchema,
  googleCompletionBodySchema,
} from '../../common/calendar-sources.ts';
import {
  beginGoogleConnection,
  completeGoogleConnection,
  deriveOAuthStateKey,
  googleSettingsOf,
} from '../../durable-objects/calendar-sources/google/google-oauth.ts';
import { readConfig } from '../../server/config/config.ts';
import { AppError } from '../../server/errors/app-error.ts';
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
    responses: {
      200: jsonAnswer(
        googleAuthorizationAnswerSchema,
        'For Google: where to send the person to grant access; they come back to `redirectUri` with `code` and `state`.',
      ),
      201: jsonAnswer(calendarSourceSchema, 'The connected calendar.'),
      ...errorAnswers(...sessionErrors, ...bodyErrors, ...sourceErrors),
    },
  }),
  async (context) => {
    const body = context.req.valid('json');
    const userId = context.get('account').id;
    if (body.kind === 'google') {
      const { settings, stateKey } = await googleConnection(context.env);
      return context.json(await beginGoogleConnection(settings, stateKey, userId, body.redirectUri, Date.now()), 200);
    }
    const companion = await companionOf(context.env, userId);
    return context.json(await companion.calendarSources.connect(body), 201);
  },
);

calendarSourceRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/calendar/sources/google/complete',
    summary: 'Finish connecting Google Calendar with the code and state Google sent back',
    description:
      'The state is signed for this person and expires after 15 minutes (`invalid_oauth_state`); the code is exchanged once, with the PKCE verifier the state carries. The primary calendar is synced once before the answer.',
    tags: ['calendar'],
    request: jsonBody(googleCompletionBodySchema),
    responses: {
      201: jsonAnswer(calendarSourceSchema, 'The connected calendar.'),
      ...errorAnswers(...sessionErrors, ...bodyErrors, ...sourceErrors, 'invalid_oauth_state'),
    },
  }),
  async (context) => {
    const userId = context.get('account').id;
    const { settings, stateKey } = await googleConnection(context.env);
    // Tokens are obtained here and handed straight to the person's object, which seals them.
    const credentials = await completeGoogleConnection(settings, stateKey, userId, context.req.valid('json'), Date.now());
    const companion = await companionOf(context.env, userId);
    return context.json(await companion.calendarSources.connectGoogle(credentials), 201);
  },
);

/** Google's OAuth client and the key that signs the state, or `feature_not_configured`. */
async function googleConnection(env: AppEnv['Bindings']) {
  const config = readConfig(env);
  const settings = googleSettingsOf(config);
  if (!settings) throw new AppError('feature_not_configured', 'Google Calendar is not configured on this server.');
  return { settings, stateKey: await deriveOAuthStateKey(config.MASTER_KEY) };
}

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

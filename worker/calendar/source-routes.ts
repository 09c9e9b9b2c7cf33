import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { calendarConnectFailedLink, calendarGoogleReturnLink, readCalendarAppLink } from '../../common/calendar-app-links.ts';
import {
  calendarSourceBodySchema,
  calendarSourceSchema,
  calendarSourcesAnswerSchema,
  googleAuthorizationAnswerSchema,
  googleCompletionBodySchema,
} from '../../common/calendar-sources.ts';
import {
  beginGoogleAppConnection,
  beginGoogleConnection,
  completeGoogleConnection,
  deriveOAuthStateKeys,
  errorIdOfGoogleRefusal,
  googleSettingsOf,
  openAppOAuthState,
} from '../../durable-objects/calendar-sources/google/google-oauth.ts';
import { readConfig } from '../../server/config/config.ts';
import { AppError } from '../../server/errors/app-error.ts';
import { noteError } from '../../server/errors/error-handler.ts';
import type { AppEnv } from '../app-env.ts';
import { requireSession } from '../auth/session-middleware.ts';
import { companionOf } from '../companion-stub.ts';
import { bodyErrors, errorAnswers, jsonAnswer, jsonBody, noContent, sessionErrors } from '../openapi/route-helpers.ts';

/** The person's connected calendars (CalDAV, Google), each synced both ways by their own companion object. */
export const calendarSourceRoutes = new OpenAPIHono<AppEnv>();
/** Where Google sends the system browser back when the mobile app started the connection; it has no session and only bounces to the app. */
const googleCallbackPath = '/calendar/sources/google/callback';
for (const path of ['/calendar/sources', '/calendar/sources/*']) {
  calendarSourceRoutes.use(path, async (context, next) => (context.req.path.endsWith(googleCallbackPath) ? next() : requireSession()(context, next)));
}

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
        'For Google: where to send the person to grant access; they come back to `redirectUri` with `code` and `state`, ' +
          "or, with `returnTo: 'app'`, to `GET /calendar/sources/google/callback`, which hands `code` and `state` to the app through a `kindred://calendar/` link; " +
          'either way the connection is finished with `POST /calendar/sources/google/complete` by the person who started it.',
      ),
      201: jsonAnswer(calendarSourceSchema, 'The connected calendar.'),
      ...errorAnswers(...sessionErrors, ...bodyErrors, ...sourceErrors),
    },
  }),
  async (context) => {
    const body = context.req.valid('json');
    const userId = context.get('account').id;
    if (body.kind === 'google') {
      const { settings, stateKeys } = await googleConnection(context.env);
      if (body.returnTo === 'app') {
        // Kindred's own callback on the address the app reached, never an address from the request body.
        const callbackUrl = new URL(`/api/v1${googleCallbackPath}`, context.req.url).href;
        return context.json(await beginGoogleAppConnection(settings, stateKeys, userId, callbackUrl, Date.now()), 200);
      }
      // The schema's refinement guarantees a redirectUri for the web.
      if (body.redirectUri === undefined) throw new AppError('validation_failed', 'redirectUri is required.');
      return context.json(await beginGoogleConnection(settings, stateKeys.signing, userId, body.redirectUri, Date.now()), 200);
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
      'For the web, `code` and `state` come from the page at `redirectUri`; for the mobile app, from the `kindred://calendar/google-return` link the callback sent it. ' +
      'The state was issued for the person of this session and expires after 15 minutes: anyone else, or a stale or altered state, gets `invalid_oauth_state` and nothing is exchanged. ' +
      'The code is exchanged once, with the PKCE verifier and the redirect URI the state carries. The primary calendar is synced once before the answer.',
    tags: ['calendar'],
    request: jsonBody(googleCompletionBodySchema),
    responses: {
      201: jsonAnswer(calendarSourceSchema, 'The connected calendar.'),
      ...errorAnswers(...sessionErrors, ...bodyErrors, ...sourceErrors, 'invalid_oauth_state'),
    },
  }),
  async (context) => {
    const userId = context.get('account').id;
    const { settings, stateKeys } = await googleConnection(context.env);
    // Tokens are obtained here and handed straight to the person's object, which seals them.
    const credentials = await completeGoogleConnection(settings, stateKeys, userId, context.req.valid('json'), Date.now());
    const companion = await companionOf(context.env, userId);
    return context.json(await companion.calendarSources.connectGoogle(credentials), 201);
  },
);

calendarSourceRoutes.openapi(
  createRoute({
    method: 'get',
    path: googleCallbackPath,
    summary: 'Where Google sends the browser back when the mobile app started the connection',
    description:
      "Not called by clients: Google redirects the system browser here with `code` and `state` (or `error`) after a connection started with `returnTo: 'app'`. " +
      'It has no session, so it connects nothing and exchanges nothing: a state sealed here and still fresh is sent on to the app with its code, at ' +
      '`kindred://calendar/google-return?code=<code>&state=<state>`, and the app finishes with `POST /calendar/sources/google/complete` and its own session. ' +
      'Otherwise the browser goes to `kindred://calendar/connect-failed?error=<id>` with a stable error id ' +
      '(`invalid_oauth_state`, `source_access_denied` when the person declined, `source_auth_failed`, `source_unreachable`, `feature_not_configured`). ' +
      'Those two links are the only places it sends anyone.',
    tags: ['calendar'],
    request: {
      query: z.object({
        code: z.string().max(2048).optional(),
        state: z.string().max(2048).optional(),
        error: z.string().max(200).optional(),
      }),
    },
    responses: { 302: { description: 'To a `kindred://calendar/` link the mobile app opens.' }, ...errorAnswers('validation_failed') },
  }),
  async (context) => {
    const query = context.req.valid('query');
    // A redirect, and a page with the same link for a browser that will not follow a redirect out of
    // itself without a tap. The link starts with the fixed prefix and its values are URL-encoded;
    // escaped for HTML all the same. Not stored, and not sent on as a referrer: it carries the code.
    const backToApp = (link: string) => {
      const href = link.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll("'", '&#39;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
      const page = `<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Back to Kindred</title><p><a href="${href}">Return to the Kindred app</a></p></html>`;
      return context.body(page, 302, {
        location: link,
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
      });
    };
    try {
      const { stateKeys } = await googleConnection(context.env);
      // Only a state Kindred sealed for the app, still fresh, is bounced; whose it is, the completion checks against its session.
      const state = query.state ?? '';
      await openAppOAuthState(stateKeys, state, Date.now());
      if (query.error !== undefined) return backToApp(calendarConnectFailedLink(errorIdOfGoogleRefusal(query.error)));
      // A code the app would not read back (none, or not printable ASCII) is no answer Google gives.
      const link = calendarGoogleReturnLink(query.code ?? '', state);
      return backToApp(readCalendarAppLink(link) === undefined ? calendarConnectFailedLink('source_auth_failed') : link);
    } catch (error) {
      return backToApp(calendarConnectFailedLink(noteError(error, context).id));
    }
  },
);

/** Google's OAuth client and the keys of its state, or `feature_not_configured`. */
async function googleConnection(env: AppEnv['Bindings']) {
  const config = readConfig(env);
  const settings = googleSettingsOf(config);
  if (!settings) throw new AppError('feature_not_configured', 'Google Calendar is not configured on this server.');
  return { settings, stateKeys: await deriveOAuthStateKeys(config.MASTER_KEY) };
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

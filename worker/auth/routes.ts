import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { deleteCookie, setCookie } from 'hono/cookie';
import { authAnswerSchema, loginBodySchema, realtimeTicketSchema, signupBodySchema } from '../../common/protocol.ts';
import { readConfig } from '../../server/config/config.ts';
import { unauthenticated } from '../../server/errors/app-error.ts';
import { presentUser } from '../account/present-user.ts';
import type { AppEnv } from '../app-env.ts';
import { companionOf } from '../companion-stub.ts';
import { bodyErrors, errorAnswers, jsonAnswer, jsonBody, noContent, serverErrors, sessionErrors } from '../openapi/route-helpers.ts';
import { authenticate, createAccount } from './accounts.ts';
import { guardSignUp } from './attempt-limits.ts';
import { passwordHashParametersFor } from './password.ts';
import { assertStrongPassword } from './password-policy.ts';
import { requireSession, sessionCookieName } from './session-middleware.ts';
import { createTicket, endSession, startSession } from './user-sessions.ts';

export const authRoutes = new OpenAPIHono<AppEnv>();

/** The caller's address as Cloudflare saw it; locally there is none, and every caller shares one bucket. */
const clientAddressOf = (context: { req: { header(name: string): string | undefined } }) => context.req.header('cf-connecting-ip') ?? 'unknown';

/** The device as its user agent names it, for the person's list of sessions. */
const deviceLabelOf = (context: { req: { header(name: string): string | undefined } }) => context.req.header('user-agent')?.trim() || null;

function setSessionCookie(context: Parameters<typeof setCookie>[0], token: string, expiresAt: Date): void {
  setCookie(context, sessionCookieName, token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: new URL(context.req.url).protocol === 'https:',
    path: '/',
    expires: expiresAt,
  });
}

authRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/auth/signup',
    summary: 'Create an account and sign in',
    description:
      'Refuses, with `weak_password` and the reason, passwords that NIST SP 800-63B says to refuse: shorter than 8 characters, among the most common, repetitive or sequential, or containing the email. Sign-ups are limited per address (`rate_limited` with `Retry-After`), and a taken email costs the same work as a new one.',
    tags: ['auth'],
    request: jsonBody(signupBodySchema),
    responses: {
      201: jsonAnswer(authAnswerSchema, 'The new user and a session token (also set as a cookie).'),
      ...errorAnswers(...bodyErrors, 'weak_password', 'email_taken', 'rate_limited', ...serverErrors),
    },
  }),
  async (context) => {
    const body = context.req.valid('json');
    const config = readConfig(context.env);
    await guardSignUp(context.env.DB, clientAddressOf(context), config.SIGNUPS_PER_ADDRESS);
    await assertStrongPassword(body.password, body.email);
    const account = await createAccount(context.env.DB, body.email, body.password, passwordHashParametersFor(config.PASSWORD_HASH_LOG2_COST));
    const profile = { displayName: body.displayName ?? null, timezone: body.timezone ?? 'UTC' };
    await (await companionOf(context.env, account.id)).companion.updateProfile(profile);
    const session = await startSession(context.env, account, deviceLabelOf(context));
    setSessionCookie(context, session.token, session.expiresAt);
    return context.json({ user: presentUser(account, profile), token: session.token }, 201);
  },
);

authRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/auth/login',
    summary: 'Sign in',
    description:
      'Wrong passwords slow down further attempts for that email from that address (1 s, 2 s, 4 s … after five), without locking the account for anyone else; an address failing across many emails, or one email failing from very many addresses, is stopped while its failures over the current and previous 15-minute windows stay over the limit. Either answers `rate_limited` with `Retry-After`.',
    tags: ['auth'],
    request: jsonBody(loginBodySchema),
    responses: {
      200: jsonAnswer(authAnswerSchema, 'The user and a new session token (also set as a cookie).'),
      ...errorAnswers(...bodyErrors, 'invalid_credentials', 'rate_limited', ...serverErrors),
    },
  }),
  async (context) => {
    const body = context.req.valid('json');
    const cost = readConfig(context.env).PASSWORD_HASH_LOG2_COST;
    const account = await authenticate(context.env.DB, body.email, body.password, clientAddressOf(context), passwordHashParametersFor(cost));
    const profile = await (await companionOf(context.env, account.id)).companion.getProfile();
    const session = await startSession(context.env, account, deviceLabelOf(context));
    setSessionCookie(context, session.token, session.expiresAt);
    return context.json({ user: presentUser(account, profile), token: session.token }, 200);
  },
);

authRoutes.use('/auth/logout', requireSession());
authRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/auth/logout',
    summary: 'End this session',
    description: 'Also closes every realtime socket this session opened.',
    tags: ['auth'],
    responses: { 204: noContent, ...errorAnswers(...sessionErrors) },
  }),
  async (context) => {
    await endSession(context.env, context.get('session'));
    deleteCookie(context, sessionCookieName, { path: '/' });
    return context.body(null, 204);
  },
);

authRoutes.use('/realtime/tickets', requireSession());
authRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/realtime/tickets',
    summary: 'A single-use ticket to open the realtime WebSocket',
    description:
      'Open `/api/v1/realtime?ticket=<ticket>` within 30 seconds. A ticket works once, for this session, and never carries the session token itself. Browsers on the app’s own origin may instead open the socket with the cookie.',
    tags: ['auth'],
    responses: { 201: jsonAnswer(realtimeTicketSchema, 'The ticket and when it expires.'), ...errorAnswers(...sessionErrors) },
  }),
  async (context) => {
    const created = await createTicket(context.env, context.get('session'));
    // The session ended between its check and here (signed out on another device).
    if (!created) throw unauthenticated('The session has ended. Sign in again.');
    const { ticket, expiresAt } = created;
    return context.json({ ticket, expiresAt: expiresAt.toISOString() }, 201);
  },
);

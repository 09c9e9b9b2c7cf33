import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { deleteCookie, setCookie } from 'hono/cookie';
import { authAnswerSchema, loginBodySchema, signupBodySchema } from '../../common/protocol.ts';
import { presentUser } from '../account/present-user.ts';
import type { AppEnv } from '../app-env.ts';
import { companionOf } from '../companion-stub.ts';
import { bodyErrors, errorAnswers, jsonAnswer, jsonBody, noContent, serverErrors, sessionErrors } from '../openapi/route-helpers.ts';
import { authenticate, createAccount, createSession, deleteSession } from './accounts.ts';
import { requireSession, sessionCookieName } from './session-middleware.ts';

export const authRoutes = new OpenAPIHono<AppEnv>();

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
    tags: ['auth'],
    request: jsonBody(signupBodySchema),
    responses: {
      201: jsonAnswer(authAnswerSchema, 'The new user and a session token (also set as a cookie).'),
      ...errorAnswers(...bodyErrors, 'email_taken', ...serverErrors),
    },
  }),
  async (context) => {
    const body = context.req.valid('json');
    const account = await createAccount(context.env.DB, body.email, body.password);
    const profile = { displayName: body.displayName ?? null, timezone: body.timezone ?? 'UTC' };
    await (await companionOf(context.env, account.id)).companion.updateProfile(profile);
    const session = await createSession(context.env.DB, account.id);
    setSessionCookie(context, session.token, session.expiresAt);
    return context.json({ user: presentUser(account, profile), token: session.token }, 201);
  },
);

authRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/auth/login',
    summary: 'Sign in',
    description: 'After too many failed attempts for the email or the address, answers `rate_limited` with `Retry-After`.',
    tags: ['auth'],
    request: jsonBody(loginBodySchema),
    responses: {
      200: jsonAnswer(authAnswerSchema, 'The user and a new session token (also set as a cookie).'),
      ...errorAnswers(...bodyErrors, 'invalid_credentials', 'rate_limited', ...serverErrors),
    },
  }),
  async (context) => {
    const body = context.req.valid('json');
    const clientAddress = context.req.header('cf-connecting-ip') ?? 'unknown';
    const account = await authenticate(context.env.DB, body.email, body.password, clientAddress);
    const profile = await (await companionOf(context.env, account.id)).companion.getProfile();
    const session = await createSession(context.env.DB, account.id);
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
    tags: ['auth'],
    responses: { 204: noContent, ...errorAnswers(...sessionErrors) },
  }),
  async (context) => {
    await deleteSession(context.env.DB, context.get('sessionTokenHash'));
    deleteCookie(context, sessionCookieName, { path: '/' });
    return context.body(null, 204);
  },
);

import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { unauthenticated } from '../../server/errors/app-error.ts';
import type { AppEnv } from '../app-env.ts';
import { findSession } from './accounts.ts';

export const sessionCookieName = 'kindred_session';

/** The session token from the bearer header (apps, scripts), the cookie (web), or `?token=` (WebSockets only). */
export function sessionToken(context: Context, options: { allowQuery?: boolean } = {}): string | undefined {
  const header = context.req.header('authorization');
  if (header?.toLowerCase().startsWith('bearer ')) return header.slice(7).trim() || undefined;
  const cookie = getCookie(context, sessionCookieName);
  if (cookie) return cookie;
  return options.allowQuery ? context.req.query('token') || undefined : undefined;
}

/** Lets a request through only with a live session, and names its account for the route. */
export const requireSession = (options: { allowQuery?: boolean } = {}) =>
  createMiddleware<AppEnv>(async (context, next) => {
    const token = sessionToken(context, options);
    if (!token) throw unauthenticated();
    const session = await findSession(context.env.DB, token);
    if (!session) throw unauthenticated('The session token is not valid or has expired. Sign in again.');
    context.set('account', session.account);
    context.set('sessionTokenHash', session.tokenHash);
    await next();
  });

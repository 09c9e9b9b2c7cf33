import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { readConfig } from '../../server/config/config.ts';
import { AppError, unauthenticated } from '../../server/errors/app-error.ts';
import type { AppEnv, AuthenticatedSession } from '../app-env.ts';
import { findSession, redeemTicket } from './user-sessions.ts';

export const sessionCookieName = 'kindred_session';

/** How a request proved who it is: the bearer header (apps, scripts) or the cookie (the web app). */
type Credential = { kind: 'bearer' | 'cookie'; token: string };

function credentialOf(context: Context): Credential | undefined {
  const header = context.req.header('authorization');
  if (header?.toLowerCase().startsWith('bearer ')) {
    const token = header.slice(7).trim();
    return token ? { kind: 'bearer', token } : undefined;
  }
  const cookie = getCookie(context, sessionCookieName);
  return cookie ? { kind: 'cookie', token: cookie } : undefined;
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A browser sends the cookie with requests other sites' pages make (a form posted from another port
 * of the same host is "same-site", so SameSite=Lax does not stop it). A change, or a WebSocket, made
 * with the cookie must therefore come from the app's own origin. Browsers name the page's origin in
 * `Origin` on every such request; where it is missing, `Sec-Fetch-Site` says whether another site
 * made it. A request with neither comes from outside a browser and cannot be forged this way.
 * Hono's `csrf()` middleware checks only form content types and not upgrades, so this is our own.
 */
function assertOwnOrigin(context: Context<AppEnv>): void {
  const isUpgrade = context.req.header('upgrade')?.toLowerCase() === 'websocket';
  if (safeMethods.has(context.req.method) && !isUpgrade) return;
  const origin = context.req.header('origin');
  const ownOrigin = new URL(context.req.url).origin;
  if (origin !== undefined) {
    if (origin === ownOrigin || readConfig(context.env).APP_ORIGINS.includes(origin)) return;
  } else {
    const site = context.req.header('sec-fetch-site');
    if (site === undefined || site === 'same-origin' || site === 'none') return;
  }
  throw new AppError('origin_not_allowed', 'This request came from another site’s page, so it was refused. Use Kindred’s own app.');
}

function admit(context: Context<AppEnv>, session: AuthenticatedSession): void {
  context.set('account', session.account);
  context.set('session', session);
}

/**
 * Lets a request through only with a live session, and names its account for the route. A signed
 * token is checked without D1 (`user-sessions.ts`): its signature and expiry here, its liveness by
 * the user's own object.
 */
export const requireSession = () =>
  createMiddleware<AppEnv>(async (context, next) => {
    const credential = credentialOf(context);
    if (!credential) throw unauthenticated();
    if (credential.kind === 'cookie') assertOwnOrigin(context);
    const session = await findSession(context.env, credential.token);
    if (!session) throw unauthenticated('The session token is not valid or has expired. Sign in again.');
    admit(context, session);
    await next();
  });

/**
 * The realtime socket's door. A browser cannot put headers on a WebSocket, so besides the cookie it
 * takes a single-use ticket in the query (`POST /realtime/tickets`) — never the session token, which
 * would be kept by every log and trace that records URLs.
 */
export const requireRealtimeSession = () =>
  createMiddleware<AppEnv>(async (context, next) => {
    const ticket = context.req.query('ticket');
    if (ticket) {
      const session = await redeemTicket(context.env, ticket);
      if (!session) throw unauthenticated('The realtime ticket is not valid, was already used or has expired. Ask for a new one.');
      admit(context, session);
      return next();
    }
    return requireSession()(context, next);
  });

import { readConfig } from '../../server/config/config.ts';
import { bytesToBase64Url, createId, randomBytes, sha256Hex } from '../../server/crypto/encoding.ts';
import type { Env } from '../../server/env.ts';
import type { Account, AuthenticatedSession } from '../app-env.ts';
import { companionOf, sessionsOf } from '../companion-stub.ts';
import { deleteLegacySession, findLegacySession, sessionLifetimeMs } from './accounts.ts';
import { createRealtimeTicket, realtimeTicketLifetimeMs, redeemRealtimeTicket } from './realtime-tickets.ts';
import { isSignedTokenText, type SignedToken, signToken, tokenSigningKeys, verifyToken } from './signed-tokens.ts';

/**
 * Sessions without D1 on the hot path (docs/decisions/0008-sessions-in-the-users-object.md).
 *
 * A session is opened in the user's own object at sign-in and handed out as a signed token naming its
 * user (`signed-tokens.ts`). Each request's token is verified in the Worker with WebCrypto (a forged,
 * garbled or expired one is refused there, before any storage), then the user's object, reached by the
 * signed user id, says whether the session is still live: one call to an object that serves this one
 * user, instead of a query to the one D1 primary every user shares. D1 is still asked at sign-in (email
 * → user, the attempt guard), which is rare, and for old-format tokens until they have all expired.
 */

/**
 * Old-format tokens and tickets were always 32 random bytes in base64url: anything else that is not a
 * signed token is refused without asking D1.
 */
const legacyTokenPattern = /^[A-Za-z0-9_-]{43}$/;

const signingKeys = (env: Env) => {
  const config = readConfig(env);
  return tokenSigningKeys({ current: config.MASTER_KEY, previous: config.MASTER_KEY_PREVIOUS });
};

/** A new session for the account, kept in its object; the token is shown to the client once, here. */
export async function startSession(env: Env, account: Account, label: string | null, now = Date.now()): Promise<{ token: string; expiresAt: Date }> {
  const session: SignedToken = {
    kind: 'v2',
    userId: account.id,
    id: createId('session', now),
    secret: bytesToBase64Url(randomBytes(32)),
    expiresAt: now + sessionLifetimeMs,
  };
  await (await companionOf(env, account.id)).sessions.open({
    id: session.id,
    secretHash: await sha256Hex(session.secret),
    createdAt: now,
    expiresAt: session.expiresAt,
    label,
    account: { email: account.email, createdAt: account.createdAt.getTime() },
  });
  return { token: await signToken(await signingKeys(env), session), expiresAt: new Date(session.expiresAt) };
}

/** The live session a token stands for, or undefined. A signed token never touches D1. */
export async function findSession(env: Env, token: string): Promise<AuthenticatedSession | undefined> {
  if (!isSignedTokenText(token)) return legacyTokenPattern.test(token) ? findLegacySession(env.DB, token) : undefined;
  return liveSessionOf(env, 'v2', token, (sessions, proof) => sessions.check(proof));
}

/**
 * A signed token's session as its user's object answers for it: the signature is checked first, with no
 * I/O, so only a token we signed reaches an object; `ask` hands the object the secret's hash to check.
 */
async function liveSessionOf(
  env: Env,
  kind: SignedToken['kind'],
  text: string,
  ask: (
    sessions: ReturnType<typeof sessionsOf>,
    proof: { userId: string; id: string; secretHash: string },
  ) => Promise<{ id: string; expiresAt: number; account: { email: string; createdAt: number } } | null | undefined>,
): Promise<AuthenticatedSession | undefined> {
  const signed = await verifyToken(await signingKeys(env), kind, text);
  if (!signed) return undefined;
  const live = await ask(sessionsOf(env, signed.userId), { userId: signed.userId, id: signed.id, secretHash: await sha256Hex(signed.secret) });
  if (!live) return undefined;
  return {
    account: { id: signed.userId, email: live.account.email, createdAt: new Date(live.account.createdAt) },
    key: live.id,
    expiresAt: new Date(live.expiresAt),
    store: 'object',
  };
}

/** Ends the session where it is kept, then closes the realtime sockets it opened. */
export async function endSession(env: Env, session: AuthenticatedSession): Promise<void> {
  const companion = await companionOf(env, session.account.id);
  if (session.store === 'object') await companion.sessions.revoke(session.key);
  else await deleteLegacySession(env.DB, session.key);
  await companion.endSession(session.key);
}

/**
 * A single-use ticket for the realtime socket. A signed session's ticket is signed and names its user
 * too, so a made-up one is refused before it can wake anyone's object; it is kept in that object.
 */
export async function createTicket(env: Env, session: AuthenticatedSession, now = Date.now()): Promise<{ ticket: string; expiresAt: Date } | undefined> {
  if (session.store === 'd1') return createRealtimeTicket(env.DB, session.key, now);
  const ticket: SignedToken = {
    kind: 'rt2',
    userId: session.account.id,
    id: createId('ticket', now),
    secret: bytesToBase64Url(randomBytes(32)),
    expiresAt: now + realtimeTicketLifetimeMs,
  };
  const kept = await (await companionOf(env, session.account.id)).sessions.createTicket({
    id: ticket.id,
    secretHash: await sha256Hex(ticket.secret),
    sessionId: session.key,
    expiresAt: ticket.expiresAt,
  });
  if (!kept) return undefined;
  return { ticket: await signToken(await signingKeys(env), ticket), expiresAt: new Date(ticket.expiresAt) };
}

/** Spends a realtime ticket: the session it stands for while that session lives, else undefined. */
export async function redeemTicket(env: Env, ticket: string): Promise<AuthenticatedSession | undefined> {
  if (!isSignedTokenText(ticket)) return legacyTokenPattern.test(ticket) ? redeemRealtimeTicket(env.DB, ticket) : undefined;
  return liveSessionOf(env, 'rt2', ticket, (sessions, proof) => sessions.redeemTicket(proof));
}

import { and, eq, gt, lt } from 'drizzle-orm';
import { bytesToBase64Url, randomBytes, sha256Hex } from '../../server/crypto/encoding.ts';
import type { AuthenticatedSession } from '../app-env.ts';
import { database } from '../db/database.ts';
import * as schema from '../db/schema.ts';

/** Long enough to open a socket on a slow phone network, short enough that a ticket in a log is worthless. */
export const realtimeTicketLifetimeMs = 30_000;

/**
 * Realtime tickets of old-format sessions, kept in D1 beside them (`findLegacySession`): they go when
 * those sessions have expired. Signed sessions keep their tickets in the user's object (`user-sessions.ts`).
 */

/** A new ticket for the session: the only credential that ever appears in the realtime socket's URL. */
export async function createRealtimeTicket(db: D1Database, sessionTokenHash: string, now = Date.now()): Promise<{ ticket: string; expiresAt: Date }> {
  const ticket = bytesToBase64Url(randomBytes(32));
  const expiresAt = new Date(now + realtimeTicketLifetimeMs);
  const orm = database(db);
  await orm.batch([
    orm.insert(schema.realtimeTickets).values({ ticketHash: await sha256Hex(ticket), sessionTokenHash, expiresAt }),
    orm.delete(schema.realtimeTickets).where(lt(schema.realtimeTickets.expiresAt, new Date(now))),
  ]);
  return { ticket, expiresAt };
}

/**
 * Spends a ticket: deleting it and reading its session is one statement, so two sockets racing
 * with the same ticket cannot both open. Answers the session it stands for while that session lives.
 */
export async function redeemRealtimeTicket(db: D1Database, ticket: string, now = Date.now()): Promise<AuthenticatedSession | undefined> {
  const orm = database(db);
  const spent = await orm
    .delete(schema.realtimeTickets)
    .where(and(eq(schema.realtimeTickets.ticketHash, await sha256Hex(ticket)), gt(schema.realtimeTickets.expiresAt, new Date(now))))
    .returning({ sessionTokenHash: schema.realtimeTickets.sessionTokenHash })
    .get();
  if (!spent) return undefined;
  const row = await orm
    .select({ id: schema.users.id, email: schema.users.email, createdAt: schema.users.createdAt, expiresAt: schema.sessions.expiresAt })
    .from(schema.sessions)
    .innerJoin(schema.users, eq(schema.sessions.userId, schema.users.id))
    .where(and(eq(schema.sessions.tokenHash, spent.sessionTokenHash), gt(schema.sessions.expiresAt, new Date(now))))
    .get();
  if (!row) return undefined;
  const { expiresAt, ...account } = row;
  return { account, key: spent.sessionTokenHash, expiresAt, store: 'd1' };
}

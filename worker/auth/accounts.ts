import { and, eq, gt, inArray, lt } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { bytesToBase64Url, createId, randomBytes, sha256Hex } from '../../server/crypto/encoding.ts';
import { AppError } from '../../server/errors/app-error.ts';
import type { Account } from '../app-env.ts';
import * as schema from '../db/schema.ts';
import { hashPassword, verifyPassword } from './password.ts';

/** How long a session lasts without signing in again. */
export const sessionLifetimeMs = 30 * 24 * 60 * 60 * 1000;
const loginWindowMs = 15 * 60 * 1000;
const maxFailuresPerEmail = 10;
const maxFailuresPerAddress = 50;

/**
 * Verified against when the email is unknown, so a sign-in takes the same time whether or not the
 * account exists and the timing does not reveal who has one. Made once per isolate, and kept as the
 * finished string: a promise made in one request cannot be awaited from another in Workers.
 */
let decoyHash: string | undefined;

export const database = (db: D1Database) => drizzle(db, { schema });

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function createAccount(db: D1Database, email: string, password: string): Promise<Account> {
  const orm = database(db);
  const normalized = normalizeEmail(email);
  const existing = await orm.select({ id: schema.users.id }).from(schema.users).where(eq(schema.users.email, normalized)).get();
  if (existing) throw new AppError('email_taken', 'An account with this email already exists. Sign in instead.');
  const now = new Date();
  const account = { id: createId('user', now.getTime()), email: normalized, createdAt: now };
  const passwordHash = await hashPassword(password);
  try {
    await orm.insert(schema.users).values({ ...account, passwordHash, updatedAt: now });
  } catch (error) {
    // Two signups for one email at once: the unique index decides, the loser hears the same as above.
    if (String(error).includes('UNIQUE')) throw new AppError('email_taken', 'An account with this email already exists. Sign in instead.');
    throw error;
  }
  return account;
}

/** Checks the password, counting failures per email and per client address against a fixed window. */
export async function authenticate(db: D1Database, email: string, password: string, clientAddress: string): Promise<Account> {
  const orm = database(db);
  const normalized = normalizeEmail(email);
  const windowStart = Math.floor(Date.now() / loginWindowMs) * loginWindowMs;
  const keys = [`email:${await sha256Hex(normalized)}`, `address:${clientAddress}`];
  const counts = await orm
    .select()
    .from(schema.loginAttempts)
    .where(and(eq(schema.loginAttempts.windowStart, windowStart), inArray(schema.loginAttempts.key, keys)))
    .all()
    .then((rows) => new Map(rows.map((row) => [row.key, row.failures])));
  if ((counts.get(keys[0] as string) ?? 0) >= maxFailuresPerEmail || (counts.get(keys[1] as string) ?? 0) >= maxFailuresPerAddress) {
    const retryAfterSeconds = Math.ceil((windowStart + loginWindowMs - Date.now()) / 1000);
    throw new AppError('rate_limited', `Too many failed sign-ins. Try again in ${Math.ceil(retryAfterSeconds / 60)} minutes.`, {
      headers: { 'Retry-After': String(retryAfterSeconds) },
    });
  }

  const user = await orm.select().from(schema.users).where(eq(schema.users.email, normalized)).get();
  decoyHash ??= await hashPassword(bytesToBase64Url(randomBytes(16)));
  const valid = await verifyPassword(password, user?.passwordHash ?? decoyHash);
  if (!user || !valid) {
    await db.batch(
      keys.map((key) =>
        db
          .prepare(
            'INSERT INTO login_attempts (key, window_start, failures) VALUES (?, ?, 1) ON CONFLICT (key, window_start) DO UPDATE SET failures = failures + 1',
          )
          .bind(key, windowStart),
      ),
    );
    // Old windows are dead weight; dropping them here keeps the table at one window's size.
    await orm.delete(schema.loginAttempts).where(lt(schema.loginAttempts.windowStart, windowStart));
    throw new AppError('invalid_credentials', 'The email or password is not right.');
  }
  return { id: user.id, email: user.email, createdAt: user.createdAt };
}

/** A new opaque session token; only its SHA-256 is stored. */
export async function createSession(db: D1Database, userId: string): Promise<{ token: string; expiresAt: Date }> {
  const token = bytesToBase64Url(randomBytes(32));
  const now = Date.now();
  const expiresAt = new Date(now + sessionLifetimeMs);
  await database(db)
    .insert(schema.sessions)
    .values({ tokenHash: await sha256Hex(token), userId, createdAt: new Date(now), expiresAt });
  return { token, expiresAt };
}

export async function findSession(db: D1Database, token: string): Promise<{ account: Account; tokenHash: string } | undefined> {
  const tokenHash = await sha256Hex(token);
  const row = await database(db)
    .select({ id: schema.users.id, email: schema.users.email, createdAt: schema.users.createdAt })
    .from(schema.sessions)
    .innerJoin(schema.users, eq(schema.sessions.userId, schema.users.id))
    .where(and(eq(schema.sessions.tokenHash, tokenHash), gt(schema.sessions.expiresAt, new Date())))
    .get();
  return row ? { account: row, tokenHash } : undefined;
}

export async function deleteSession(db: D1Database, tokenHash: string): Promise<void> {
  await database(db).delete(schema.sessions).where(eq(schema.sessions.tokenHash, tokenHash));
}

/** Removes the account's identity and sessions from D1. */
export async function deleteAccount(db: D1Database, userId: string): Promise<void> {
  const orm = database(db);
  await orm.batch([orm.delete(schema.sessions).where(eq(schema.sessions.userId, userId)), orm.delete(schema.users).where(eq(schema.users.id, userId))]);
}

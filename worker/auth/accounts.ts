import { and, eq, gt } from 'drizzle-orm';
import { bytesToBase64Url, createId, randomBytes, sha256Hex } from '../../server/crypto/encoding.ts';
import { AppError } from '../../server/errors/app-error.ts';
import type { Account, AuthenticatedSession } from '../app-env.ts';
import { database } from '../db/database.ts';
import * as schema from '../db/schema.ts';
import { guardSignIn } from './attempt-limits.ts';
import { hashPassword, type PasswordHashParameters, passwordHashParameters, verifyPassword } from './password.ts';

/** How long a session lasts without signing in again. */
export const sessionLifetimeMs = 30 * 24 * 60 * 60 * 1000;

/**
 * Verified against when the email is unknown, so a sign-in takes the same time whether or not the
 * account exists and the timing does not reveal who has one. Made once per isolate, and kept as the
 * finished string: a promise made in one request cannot be awaited from another in Workers.
 */
let decoyHash: { hash: string; parameters: PasswordHashParameters } | undefined;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

const emailTaken = () => new AppError('email_taken', 'An account with this email already exists. Sign in instead.');

/**
 * Creates the account. The password is hashed before the email is looked up, so a taken email costs
 * the same scrypt work as a new one and the answer's timing does not tell who has an account.
 */
export async function createAccount(
  db: D1Database,
  email: string,
  password: string,
  parameters: PasswordHashParameters = passwordHashParameters,
): Promise<Account> {
  const orm = database(db);
  const normalized = normalizeEmail(email);
  const passwordHash = await hashPassword(password, parameters);
  const now = new Date();
  const account = { id: createId('user', now.getTime()), email: normalized, createdAt: now };
  try {
    // One statement, no lookup first: the unique index answers "taken", for a race as for a repeat.
    await orm.insert(schema.users).values({ ...account, passwordHash, updatedAt: now });
  } catch (error) {
    if (isUniqueViolation(error)) throw emailTaken();
    throw error;
  }
  return account;
}

/** drizzle wraps D1's error, which names the constraint, in its own "Failed query". */
function isUniqueViolation(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    if (current.message.includes('UNIQUE constraint failed')) return true;
  }
  return false;
}

/** Checks the password within the sign-in limits (`attempt-limits.ts`). */
export async function authenticate(
  db: D1Database,
  email: string,
  password: string,
  clientAddress: string,
  parameters: PasswordHashParameters = passwordHashParameters,
): Promise<Account> {
  const normalized = normalizeEmail(email);
  return guardSignIn(db, normalized, clientAddress, async () => {
    const user = await database(db).select().from(schema.users).where(eq(schema.users.email, normalized)).get();
    // The decoy costs what a real hash costs now, so it is remade if the configured cost changed.
    if (decoyHash?.parameters.N !== parameters.N) decoyHash = { hash: await hashPassword(bytesToBase64Url(randomBytes(16)), parameters), parameters };
    const valid = await verifyPassword(password, user?.passwordHash ?? decoyHash.hash);
    return user && valid ? { id: user.id, email: user.email, createdAt: user.createdAt } : undefined;
  });
}

/**
 * A session of the old format: an opaque token whose SHA-256 is a row in D1. New sign-ins no longer
 * make these (they get a signed token checked by the user's object, `user-sessions.ts`), but those
 * already handed out keep working until they expire, at most `sessionLifetimeMs` after the change is
 * deployed, so nobody is signed out by it. After that the D1 `sessions` table is empty and this goes.
 */
export async function findLegacySession(db: D1Database, token: string): Promise<AuthenticatedSession | undefined> {
  const tokenHash = await sha256Hex(token);
  const row = await database(db)
    .select({ id: schema.users.id, email: schema.users.email, createdAt: schema.users.createdAt, expiresAt: schema.sessions.expiresAt })
    .from(schema.sessions)
    .innerJoin(schema.users, eq(schema.sessions.userId, schema.users.id))
    .where(and(eq(schema.sessions.tokenHash, tokenHash), gt(schema.sessions.expiresAt, new Date())))
    .get();
  if (!row) return undefined;
  const { expiresAt, ...account } = row;
  return { account, key: tokenHash, expiresAt, store: 'd1' };
}

export async function deleteLegacySession(db: D1Database, tokenHash: string): Promise<void> {
  await database(db).delete(schema.sessions).where(eq(schema.sessions.tokenHash, tokenHash));
}

/** Removes the account's identity and its old-format sessions from D1 (the others went with the object). */
export async function deleteAccount(db: D1Database, userId: string): Promise<void> {
  const orm = database(db);
  await orm.batch([orm.delete(schema.sessions).where(eq(schema.sessions.userId, userId)), orm.delete(schema.users).where(eq(schema.users.id, userId))]);
}

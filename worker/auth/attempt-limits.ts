import { and, eq, gte, inArray } from 'drizzle-orm';
import { sha256Hex } from '../../server/crypto/encoding.ts';
import { AppError } from '../../server/errors/app-error.ts';
import { database } from '../db/database.ts';
import * as schema from '../db/schema.ts';

/**
 * How sign-in and sign-up attempts are limited, counted in D1 per 15-minute window and read over
 * the current and the previous window together: a fixed window alone would hand every attacker a
 * fresh allowance at each boundary, and the two-window sum keeps a count from vanishing mid-attack.
 *
 * Sign-in failures are counted three ways, so guessing is slow but the owner is never locked out:
 * - by **(email, address)**: after a few free mistakes each further attempt from that address for
 *   that email waits twice as long as the last (1 s, 2 s, 4 s … up to a few minutes). This is a
 *   slow-down, not a lock: another address — the owner at home — is unaffected.
 * - by **address**: one address guessing across many emails (credential stuffing) is stopped.
 * - by **email**, from everywhere: a ceiling against a botnet guessing one person's password, set
 *   high enough that ordinary attacks do not reach it and the owner still gets in.
 * Sign-ups are counted by address, whether or not the email was taken (`SIGNUPS_PER_ADDRESS`).
 */
export const attemptWindowMs = 15 * 60 * 1000;
export const attemptLimits = {
  freeFailuresPerEmailAndAddress: 5,
  maxSlowDownMs: 5 * 60 * 1000,
  maxFailuresPerAddress: 100,
  maxFailuresPerEmail: 500,
} as const;

type AttemptRow = typeof schema.loginAttempts.$inferSelect;

/** Keys hold hashes: the table never says which emails were tried. */
async function signInKeys(email: string, address: string) {
  const emailHash = await sha256Hex(email);
  const addressKey = addressPrefix(address);
  return { pair: `pair:${await sha256Hex(`${emailHash}|${addressKey}`)}`, address: `address:${addressKey}`, email: `email:${emailHash}` };
}

/**
 * IPv6 hands each customer a /64, so one attacker holds billions of addresses; count the /64.
 * IPv4 addresses are counted whole.
 */
export function addressPrefix(address: string): string {
  if (!address.includes(':')) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const missing = Math.max(0, 8 - headGroups.length - tailGroups.length);
  const groups = address.includes('::') ? [...headGroups, ...Array(missing).fill('0'), ...tailGroups] : headGroups;
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

function currentWindow(now: number): number {
  return Math.floor(now / attemptWindowMs) * attemptWindowMs;
}

/** Each key's failures over this window and the one before, with the latest failure's time. */
async function readCounts(db: D1Database, keys: string[], windowStart: number): Promise<Map<string, Pick<AttemptRow, 'failures' | 'lastFailureAt'>>> {
  const rows = await database(db)
    .select()
    .from(schema.loginAttempts)
    .where(and(gte(schema.loginAttempts.windowStart, windowStart - attemptWindowMs), inArray(schema.loginAttempts.key, keys)))
    .all();
  const counts = new Map<string, Pick<AttemptRow, 'failures' | 'lastFailureAt'>>();
  for (const row of rows) {
    const counted = counts.get(row.key);
    counts.set(row.key, {
      failures: (counted?.failures ?? 0) + row.failures,
      lastFailureAt: Math.max(counted?.lastFailureAt ?? 0, row.lastFailureAt),
    });
  }
  return counts;
}

async function countAttempt(db: D1Database, keys: string[], windowStart: number, now: number): Promise<void> {
  await db.batch([
    ...keys.map((key) =>
      db
        .prepare(
          'INSERT INTO login_attempts (key, window_start, failures, last_failure_at) VALUES (?, ?, 1, ?) ON CONFLICT (key, window_start) DO UPDATE SET failures = failures + 1, last_failure_at = excluded.last_failure_at',
        )
        .bind(key, windowStart, now),
    ),
    // Windows older than the previous one are dead weight; dropping them keeps the table small.
    db.prepare('DELETE FROM login_attempts WHERE window_start < ?').bind(windowStart - attemptWindowMs),
  ]);
}

function tooMany(message: string, retryAfterMs: number): AppError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  const wait = seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
  return new AppError('rate_limited', `${message} Try again in ${wait}.`, { headers: { 'Retry-After': String(seconds) } });
}

/** The slow-down one (email, address) has earned: none for the first few failures, then doubling. */
export function slowDownMs(failures: number): number {
  const over = failures - attemptLimits.freeFailuresPerEmailAndAddress;
  if (over < 0) return 0;
  return Math.min(1000 * 2 ** over, attemptLimits.maxSlowDownMs);
}

/** Counts one sign-in attempt against the limits, and records its outcome. */
export async function guardSignIn<Result>(
  db: D1Database,
  email: string,
  address: string,
  attempt: () => Promise<Result | undefined>,
  now = Date.now(),
): Promise<Result> {
  const windowStart = currentWindow(now);
  const keys = await signInKeys(email, address);
  const counts = await readCounts(db, [keys.pair, keys.address, keys.email], windowStart);
  const windowLeft = windowStart + attemptWindowMs - now;
  if ((counts.get(keys.address)?.failures ?? 0) >= attemptLimits.maxFailuresPerAddress) {
    throw tooMany('Too many failed sign-ins from this network.', windowLeft);
  }
  if ((counts.get(keys.email)?.failures ?? 0) >= attemptLimits.maxFailuresPerEmail) {
    throw tooMany('Too many failed sign-ins for this account.', windowLeft);
  }
  const pair = counts.get(keys.pair);
  if (pair) {
    const waitUntil = pair.lastFailureAt + slowDownMs(pair.failures);
    if (waitUntil > now) throw tooMany('Too many wrong passwords in a row.', waitUntil - now);
  }
  const result = await attempt();
  if (result === undefined) {
    // The slow-down counts from when the failure was known, after the deliberately slow hash.
    await countAttempt(db, [keys.pair, keys.address, keys.email], windowStart, Math.max(now, Date.now()));
    throw new AppError('invalid_credentials', 'The email or password is not right.');
  }
  // The owner's own typos should not follow them into their next sign-in from here.
  if (pair) await database(db).delete(schema.loginAttempts).where(eq(schema.loginAttempts.key, keys.pair));
  return result;
}

/** Counts a sign-up from an address, taken email or not, and refuses once the address has made too many. */
export async function guardSignUp(db: D1Database, address: string, maxSignupsPerAddress: number, now = Date.now()): Promise<void> {
  const windowStart = currentWindow(now);
  const key = `signup:${addressPrefix(address)}`;
  const counts = await readCounts(db, [key], windowStart);
  if ((counts.get(key)?.failures ?? 0) >= maxSignupsPerAddress) {
    throw tooMany('Too many accounts were created from this network.', windowStart + attemptWindowMs - now);
  }
  await countAttempt(db, [key], windowStart, now);
}

/**
 * Counts one request under `key` and refuses once the key has made `maxPerWindow` over the current
 * and previous windows: the same two-window count as sign-ups, for routes that cost money per call
 * (speech synthesis and transcription). Keys carry their feature's prefix and a hash, never an id.
 */
export async function guardRequests(db: D1Database, key: string, maxPerWindow: number, message: string, now = Date.now()): Promise<void> {
  const windowStart = currentWindow(now);
  const counts = await readCounts(db, [key], windowStart);
  if ((counts.get(key)?.failures ?? 0) >= maxPerWindow) throw tooMany(message, windowStart + attemptWindowMs - now);
  await countAttempt(db, [key], windowStart, now);
}

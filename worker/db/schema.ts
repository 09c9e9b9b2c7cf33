import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * D1 holds only what must be found across users: identities (email → user) and the sign-in guard,
 * and the sessions of the old token format until they expire (new ones live in the user's object,
 * docs/decisions/0008-sessions-in-the-users-object.md). The profile and everything a person says
 * live encrypted in their own companion object (docs/decisions/0001-where-data-lives.md).
 */
export const users = sqliteTable('users', {
  id: text('id').primaryKey(),
  /** Lower-cased; the login lookup key. */
  email: text('email').notNull().unique(),
  passwordHash: text('password_hash').notNull(),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
});

export const sessions = sqliteTable(
  'sessions',
  {
    /** SHA-256 of the opaque token (the old format, no longer issued): a database dump cannot be replayed as a login. */
    tokenHash: text('token_hash').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [index('sessions_user_id').on(table.userId)],
);

/**
 * Attempts per key per fixed window: failed sign-ins by address, by (email, address) and by email,
 * and sign-ups by address. Keys hold hashes, never an email or a password.
 */
export const loginAttempts = sqliteTable(
  'login_attempts',
  {
    key: text('key').notNull(),
    windowStart: integer('window_start').notNull(),
    failures: integer('failures').notNull().default(0),
    /** When the last counted attempt happened: the slow-down for one (email, address) counts from it. */
    lastFailureAt: integer('last_failure_at').notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.key, table.windowStart] })],
);

/**
 * Single-use, short-lived tickets that open the realtime WebSocket, so no session token is ever put
 * in a URL (where proxies, traces and browser history keep it). Only the ticket's hash is stored,
 * with the session it stands for: ending the session ends its tickets.
 */
export const realtimeTickets = sqliteTable(
  'realtime_tickets',
  {
    ticketHash: text('ticket_hash').primaryKey(),
    sessionTokenHash: text('session_token_hash')
      .notNull()
      .references(() => sessions.tokenHash, { onDelete: 'cascade' }),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [index('realtime_tickets_expires_at').on(table.expiresAt)],
);

/**
 * The WhatsApp directory: which user a number belongs to, so a webhook from Meta (which names only
 * the sender's number) reaches the right companion object. The key is an HMAC of the E.164 number
 * under a key derived from the master key (`server/whatsapp/phone-number-digest.ts`), never the number.
 */
export const whatsAppNumbers = sqliteTable(
  'whatsapp_numbers',
  {
    numberDigest: text('number_digest').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    linkedAt: integer('linked_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [index('whatsapp_numbers_user_id').on(table.userId)],
);

/**
 * Numbers that wrote without being linked and were answered once with how to link: they are never
 * answered again, so Kindred cannot be made to message a stranger twice. Keyed by the same HMAC.
 */
export const whatsAppOnboardedNumbers = sqliteTable('whatsapp_onboarded_numbers', {
  numberDigest: text('number_digest').primaryKey(),
  answeredAt: integer('answered_at', { mode: 'timestamp_ms' }).notNull(),
});

/**
 * Master key rotations: the sweep (`worker/account/key-rotation.ts`) visits every user's object in id
 * order to wrap its data key by the new master key, and keeps its place here so a cron run picks up
 * where the last one stopped. One row per master key rotated to, named by its public id.
 */
export const keyRotations = sqliteTable('key_rotations', {
  masterKeyId: text('master_key_id').primaryKey(),
  /** The last user id visited; the next run starts after it. Empty before the first. */
  cursor: text('cursor').notNull().default(''),
  usersVisited: integer('users_visited').notNull().default(0),
  keysRewrapped: integer('keys_rewrapped').notNull().default(0),
  startedAt: integer('started_at', { mode: 'timestamp_ms' }).notNull(),
  finishedAt: integer('finished_at', { mode: 'timestamp_ms' }),
});

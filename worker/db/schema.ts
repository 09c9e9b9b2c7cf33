import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * D1 holds only what must be found across users: identities (email → user), sessions and the
 * sign-in guard. The profile and everything a person says live encrypted in their own companion
 * object (docs/decisions/0001-where-data-lives.md).
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
    /** SHA-256 of the opaque token: a database dump cannot be replayed as a login. */
    tokenHash: text('token_hash').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [index('sessions_user_id').on(table.userId)],
);

/** Failed sign-ins per key (an email, or an address) per fixed window. */
export const loginAttempts = sqliteTable(
  'login_attempts',
  {
    key: text('key').notNull(),
    windowStart: integer('window_start').notNull(),
    failures: integer('failures').notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.key, table.windowStart] })],
);

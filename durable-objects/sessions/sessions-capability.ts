import type { Capability, CapabilityHost } from '../host/capability.ts';
import { sessionsSchemaSteps } from './schema.ts';

/** The account as the Worker shows it, kept here so a request is answered without D1. */
export interface SessionAccount {
  email: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
}

/** A session being opened at sign-in: the Worker made its id and secret, and sends only the secret's hash. */
export interface NewSession {
  id: string;
  secretHash: string;
  createdAt: number;
  expiresAt: number;
  /** The device as its user agent names it, shown in the list of sessions; sealed. */
  label: string | null;
  account: SessionAccount;
}

/** What the Worker asks of every request with a signed token: whether this session is live. */
export interface SessionCheck {
  userId: string;
  id: string;
  secretHash: string;
}

/** A live session as the Worker admits it. */
export interface LiveSessionRecord {
  id: string;
  account: SessionAccount;
  expiresAt: number;
}

/** A session as the person sees it in their list. */
export interface SessionListing {
  id: string;
  createdAt: number;
  expiresAt: number;
  label: string | null;
}

/** A realtime ticket for one of this user's sessions; only the hash of its secret is kept. */
export interface NewTicket {
  id: string;
  secretHash: string;
  sessionId: string;
  expiresAt: number;
}

/** Longer user agents are cut: the label only has to tell one device from another. */
const labelLimit = 200;

/**
 * The user's live sessions, kept in their own object so that checking one costs a call to this
 * object and nothing shared by every user (docs/decisions/0008-sessions-in-the-users-object.md).
 * Ending a session removes its row, so the next request with its token is refused at once; deleting
 * the account wipes the object and every session with it. No token is stored: only the SHA-256 of
 * each session's secret, which the Worker's signed token carries.
 */
export function createSessionsCapability(host: CapabilityHost) {
  const sql = host.sql;
  /** Read on every request: kept decrypted in memory for the object's lifetime. */
  let account: SessionAccount | undefined;

  async function readAccount(): Promise<SessionAccount | undefined> {
    if (account) return account;
    const row = sql.exec<{ email_sealed: string; created_at: number }>('SELECT email_sealed, created_at FROM session_account WHERE id = 1').toArray()[0];
    if (!row) return undefined;
    account = { email: await host.vault.open(row.email_sealed, 'session_account:email'), createdAt: row.created_at };
    return account;
  }

  /** The session, when it is this user's, its secret matches and it has not expired. */
  function liveSession(id: string, secretHash: string | undefined): { id: string; expires_at: number } | undefined {
    const row = sql
      .exec<{ id: string; secret_hash: string; expires_at: number }>(
        'SELECT id, secret_hash, expires_at FROM sessions WHERE id = ? AND expires_at > ?',
        id,
        host.now(),
      )
      .toArray()[0];
    if (!row || (secretHash !== undefined && row.secret_hash !== secretHash)) return undefined;
    return row;
  }

  function pruneExpired(now: number): void {
    sql.exec('DELETE FROM sessions WHERE expires_at <= ?', now);
    sql.exec('DELETE FROM session_tickets WHERE expires_at <= ?', now);
  }

  return {
    name: 'sessions',
    schema: sessionsSchemaSteps,
    // Who is signed in where is the account's, not a moment of the person's life: a restore keeps it.
    keptOnRestore: ['sessions', 'session_tickets', 'session_account'],
    rpc: {
      /** Signs a session in. The account is written each time, so the identity shown stays the one D1 last gave. */
      open: async (session: NewSession): Promise<void> => {
        const emailSealed = await host.vault.seal(session.account.email, 'session_account:email');
        const label = session.label === null ? null : session.label.slice(0, labelLimit);
        const labelSealed = await host.vault.sealOptional(label, `sessions:label:${session.id}`);
        pruneExpired(host.now());
        sql.exec(
          `INSERT INTO session_account (id, email_sealed, created_at) VALUES (1, ?, ?)
           ON CONFLICT (id) DO UPDATE SET email_sealed = excluded.email_sealed, created_at = excluded.created_at`,
          emailSealed,
          session.account.createdAt,
        );
        sql.exec(
          'INSERT INTO sessions (id, secret_hash, created_at, expires_at, label_sealed) VALUES (?, ?, ?, ?, ?)',
          session.id,
          session.secretHash,
          session.createdAt,
          session.expiresAt,
          labelSealed,
        );
        account = { ...session.account };
      },

      /**
       * The session and the account when the session is live; null otherwise. A token names its user,
       * and the Worker reaches this object by that name, but the object checks the name too: a session
       * of another user is never found here, whatever the caller sends.
       */
      check: async (request: SessionCheck): Promise<LiveSessionRecord | null> => {
        if (request.userId !== host.userId) return null;
        const row = liveSession(request.id, request.secretHash);
        const known = row && (await readAccount());
        return row && known ? { id: row.id, account: known, expiresAt: row.expires_at } : null;
      },

      /** Ends a session (sign-out, or from the list of sessions). True when there was one to end. */
      revoke: async (id: string): Promise<boolean> => {
        sql.exec('DELETE FROM session_tickets WHERE session_id = ?', id);
        return sql.exec('DELETE FROM sessions WHERE id = ?', id).rowsWritten > 0;
      },

      /** The live sessions, newest first. */
      list: async (): Promise<SessionListing[]> => {
        const rows = sql
          .exec<{ id: string; created_at: number; expires_at: number; label_sealed: string | null }>(
            'SELECT id, created_at, expires_at, label_sealed FROM sessions WHERE expires_at > ? ORDER BY created_at DESC, id DESC',
            host.now(),
          )
          .toArray();
        return Promise.all(
          rows.map(async (row) => ({
            id: row.id,
            createdAt: row.created_at,
            expiresAt: row.expires_at,
            label: await host.vault.openOptional(row.label_sealed, `sessions:label:${row.id}`),
          })),
        );
      },

      /** Keeps a realtime ticket for a live session; false when the session has ended meanwhile. */
      createTicket: async (ticket: NewTicket): Promise<boolean> => {
        if (!liveSession(ticket.sessionId, undefined)) return false;
        sql.exec('DELETE FROM session_tickets WHERE expires_at <= ?', host.now());
        sql.exec(
          'INSERT INTO session_tickets (id, secret_hash, session_id, expires_at) VALUES (?, ?, ?, ?)',
          ticket.id,
          ticket.secretHash,
          ticket.sessionId,
          ticket.expiresAt,
        );
        return true;
      },

      /**
       * Spends a ticket: it is deleted as it is read, and the object runs one call at a time, so two
       * sockets racing with the same ticket cannot both open. Answers its session while that lives.
       */
      redeemTicket: async (request: SessionCheck): Promise<LiveSessionRecord | null> => {
        if (request.userId !== host.userId) return null;
        const spent = sql
          .exec<{ session_id: string }>(
            'DELETE FROM session_tickets WHERE id = ? AND secret_hash = ? AND expires_at > ? RETURNING session_id',
            request.id,
            request.secretHash,
            host.now(),
          )
          .toArray()[0];
        const row = spent && liveSession(spent.session_id, undefined);
        const known = row && (await readAccount());
        return row && known ? { id: row.id, account: known, expiresAt: row.expires_at } : null;
      },
    },
    reset: () => {
      account = undefined;
    },
  } satisfies Capability;
}

export type SessionsCapability = ReturnType<typeof createSessionsCapability>;

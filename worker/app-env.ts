import type { Env } from '../server/env.ts';

/** An authenticated account: its identity from D1, as the user's object keeps a copy of it for signed sessions. */
export interface Account {
  id: string;
  email: string;
  createdAt: Date;
}

/** The session a request was authenticated by. */
export interface AuthenticatedSession {
  account: Account;
  /**
   * Names the session to the user's object, whose sockets remember it so that ending the session
   * closes them: a signed session's id, or the SHA-256 of an old-format token. Never the token.
   */
  key: string;
  expiresAt: Date;
  /** Where the session is kept, and so where it is ended: the user's object, or D1 for old-format tokens. */
  store: 'object' | 'd1';
}

/** Hono's context types for every route. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    account: Account;
    session: AuthenticatedSession;
  };
}

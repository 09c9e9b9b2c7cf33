import type { Env } from '../server/env.ts';

/** An authenticated account as the Worker knows it from D1. */
export interface Account {
  id: string;
  email: string;
  createdAt: Date;
}

/** Hono's context types for every route. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    account: Account;
    sessionTokenHash: string;
    sessionExpiresAt: Date;
  };
}

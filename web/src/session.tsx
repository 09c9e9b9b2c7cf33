// Who is signed in, their companion and the catalog they choose from: loaded once, shared by
// every screen through context.
import { createContext, useContext } from 'react';
import type { Catalog, Companion, User } from '../../common/client.ts';

export interface Session {
  user: User;
  companion: Companion;
  catalog: Catalog;
  setUser(user: User): void;
  setCompanion(companion: Companion): void;
  signOut(): Promise<void>;
}

export const SessionContext = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (session === undefined) throw new Error('useSession is used outside a signed-in screen.');
  return session;
}

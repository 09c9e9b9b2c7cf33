// The one API client the app uses. In the browser the page and the API share an origin and the
// session cookie authenticates; inside the mobile app the page comes from the app bundle, so the
// server's address and a bearer token are kept on the device instead.
import { createKindredClient } from '../../common/client.ts';
import { noteAccountDeleted } from './device-memory.ts';

const serverKey = 'kindred.server';
const tokenKey = 'kindred.token';

/** Whether this page runs inside the Capacitor shell rather than a browser tab. */
export function isNativeApp(): boolean {
  const capacitor = (window as { Capacitor?: { isNativePlatform?: () => boolean } }).Capacitor;
  return capacitor?.isNativePlatform?.() === true;
}

/** The server the mobile app talks to; a browser always uses its own origin. */
export function serverAddress(): string {
  if (!isNativeApp()) return '';
  return localStorage.getItem(serverKey) ?? import.meta.env.VITE_KINDRED_SERVER ?? '';
}

/** Stores the server's address; the client reads it once, so the caller reloads the page after. */
export function setServerAddress(address: string): void {
  localStorage.setItem(serverKey, address.trim().replace(/\/+$/, ''));
}

export function rememberToken(token: string | undefined): void {
  if (!isNativeApp()) return;
  if (token === undefined) localStorage.removeItem(tokenKey);
  else localStorage.setItem(tokenKey, token);
}

const client = createKindredClient({
  baseUrl: serverAddress(),
  token: () => (isNativeApp() ? (localStorage.getItem(tokenKey) ?? undefined) : undefined),
  clientName: isNativeApp() ? 'mobile' : 'web',
});

/**
 * The client, with one addition: a deleted account is noted on the device the moment the server
 * confirms it, so whichever screen asked, the app then says goodbye instead of asking to log in.
 */
export const api: typeof client = {
  ...client,
  deleteAccount: async () => {
    await client.deleteAccount();
    noteAccountDeleted();
  },
};

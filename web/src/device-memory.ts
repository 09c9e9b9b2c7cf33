// What this device remembers about accounts, so a visit to `/` opens the right door: a device that
// has never signed in is most likely a new person (sign up), one that has is most likely returning
// (log in). Only a flag is kept, never who signed in.
const signedInBeforeKey = 'kindred.signed-in-before';
// Per tab, so the farewell survives a reload of that tab and is never shown to a later visitor.
const accountDeletedKey = 'kindred.account-deleted';

export function rememberSignedInHere(): void {
  localStorage.setItem(signedInBeforeKey, 'yes');
}

export function hasSignedInHere(): boolean {
  return localStorage.getItem(signedInBeforeKey) !== null;
}

/** The account is gone: the next visitor of this device is treated as new, and this tab says goodbye. */
export function noteAccountDeleted(): void {
  localStorage.removeItem(signedInBeforeKey);
  sessionStorage.setItem(accountDeletedKey, 'yes');
}

export function wasAccountDeletedInThisTab(): boolean {
  return sessionStorage.getItem(accountDeletedKey) !== null;
}

/** A new sign-up or log-in in this tab ends the farewell. */
export function clearAccountDeleted(): void {
  sessionStorage.removeItem(accountDeletedKey);
}

/** Where a signed-out visitor lands when the address names no screen of its own. */
export function signedOutLanding(): '/signup' | '/login' {
  return hasSignedInHere() ? '/login' : '/signup';
}

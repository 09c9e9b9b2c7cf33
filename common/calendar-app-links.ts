import { type ErrorId, errorStatus } from './error-ids.ts';

/**
 * The `kindred://calendar/…` deep links that bring a Google Calendar connection started in the mobile
 * app back to it. Google will not show its consent page in an embedded web view, so the app opens it
 * in the system browser; Kindred's own OAuth callback then sends that browser to one of these two
 * links, which the operating system hands to the app. The callback connects nothing: the app finishes
 * with `POST /calendar/sources/google/complete` and its own session, which must be the session of the
 * person who started the connection (RFC 8252's pattern for native apps). Only these fixed targets
 * exist: nothing in a request chooses where the callback redirects.
 */

/** The scheme and host the app registers (Android intent filter, iOS URL type) for calendar links. */
export const calendarAppLinkPrefix = 'kindred://calendar/';

/** Google answered with a code: the app completes the connection with it and the state, signed in. */
export function calendarGoogleReturnLink(code: string, state: string): string {
  return `${calendarAppLinkPrefix}google-return?${new URLSearchParams({ code, state })}`;
}

/** The connection failed before the app had anything to complete, with a stable error id the app turns into its sentence. */
export function calendarConnectFailedLink(errorId: ErrorId): string {
  return `${calendarAppLinkPrefix}connect-failed?${new URLSearchParams({ error: errorId })}`;
}

/** What a calendar deep link says, as the app reads it back. */
export type CalendarAppLink = { outcome: 'google-return'; code: string; state: string } | { outcome: 'failed'; errorId: ErrorId };

const isErrorId = (text: string): text is ErrorId => Object.hasOwn(errorStatus, text);

/**
 * Reads a `kindred://calendar/google-return?code=<code>&state=<state>` or
 * `kindred://calendar/connect-failed?error=<id>` link; undefined for anything else (another host, an
 * unknown path, a missing or malformed value). The code and state are only read here: the server
 * decides whether they are genuine and whose they are. An error id this build does not know becomes
 * `internal_error`, so the app still says it failed.
 */
export function readCalendarAppLink(link: string): CalendarAppLink | undefined {
  const match = /^kindred:\/\/calendar\/(google-return|connect-failed)\/?(?:\?([^#]*))?$/.exec(link);
  if (!match) return undefined;
  const query = new URLSearchParams(match[2] ?? '');
  if (match[1] === 'google-return') {
    const code = query.get('code');
    const state = query.get('state');
    // The limits of the completion's body (googleCompletionBodySchema); a code is printable ASCII.
    if (!code || !/^[\x21-\x7e]{1,2048}$/.test(code) || !state || !/^[A-Za-z0-9._-]{1,512}$/.test(state)) return undefined;
    return { outcome: 'google-return', code, state };
  }
  const errorId = query.get('error');
  if (!errorId || !/^[a-z_]{1,64}$/.test(errorId)) return undefined;
  return { outcome: 'failed', errorId: isErrorId(errorId) ? errorId : 'internal_error' };
}

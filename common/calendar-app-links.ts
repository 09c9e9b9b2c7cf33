import { type ErrorId, errorStatus } from './error-ids.ts';

/**
 * The `kindred://calendar/…` deep links that end a Google Calendar connection started in the mobile
 * app. Google will not show its consent page in an embedded web view, so the app opens it in the
 * system browser; Kindred's own OAuth callback then sends that browser to one of these two links,
 * which the operating system hands to the app. Only these fixed targets exist: nothing in a request
 * chooses where the callback redirects, and the links carry ids only, never tokens or personal text.
 */

/** The scheme and host the app registers (Android intent filter, iOS URL type) for calendar links. */
export const calendarAppLinkPrefix = 'kindred://calendar/';

/** The connection succeeded: the app shows the calendar `sourceId`. */
export function calendarConnectedLink(sourceId: string): string {
  return `${calendarAppLinkPrefix}connected?${new URLSearchParams({ source: sourceId })}`;
}

/** The connection failed with a stable error id the app turns into its sentence. */
export function calendarConnectFailedLink(errorId: ErrorId): string {
  return `${calendarAppLinkPrefix}connect-failed?${new URLSearchParams({ error: errorId })}`;
}

/** What a calendar deep link says happened, as the app reads it back. */
export type CalendarConnectionOutcome = { outcome: 'connected'; sourceId: string } | { outcome: 'failed'; errorId: ErrorId };

const isErrorId = (text: string): text is ErrorId => Object.hasOwn(errorStatus, text);

/**
 * Reads a `kindred://calendar/connected?source=<id>` or `kindred://calendar/connect-failed?error=<id>`
 * link; undefined for anything else (another host, an unknown path, a missing or malformed value).
 * An error id this build does not know becomes `internal_error`, so the app still says it failed.
 */
export function readCalendarAppLink(link: string): CalendarConnectionOutcome | undefined {
  const match = /^kindred:\/\/calendar\/(connected|connect-failed)\/?(?:\?([^#]*))?$/.exec(link);
  if (!match) return undefined;
  const query = new URLSearchParams(match[2] ?? '');
  if (match[1] === 'connected') {
    const sourceId = query.get('source');
    return sourceId && /^[A-Za-z0-9_-]{1,64}$/.test(sourceId) ? { outcome: 'connected', sourceId } : undefined;
  }
  const errorId = query.get('error');
  if (!errorId || !/^[a-z_]{1,64}$/.test(errorId)) return undefined;
  return { outcome: 'failed', errorId: isErrorId(errorId) ? errorId : 'internal_error' };
}

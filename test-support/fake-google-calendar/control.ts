/**
 * Typed helpers that drive the fake Google Calendar from tests (inside workerd, so only `fetch`).
 * The types are shared with the Node-side server, which imports them type-only.
 */

/** A request the fake recorded. */
export interface RecordedGoogleRequest {
  method: string;
  /** Path and query. */
  path: string;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: unknown;
}

/**
 * A failure to answer instead of the real thing, to the next `times` requests whose path (and, for
 * the token endpoint, form body, e.g. a refresh token) contains `match`.
 */
export interface GoogleFailure {
  match: string;
  status?: number;
  /** Answer 200 with a body that is not JSON. */
  garbage?: boolean;
  times?: number;
  retryAfterSeconds?: number;
  /** The `reason` in Google's error body, e.g. `rateLimitExceeded` for a 403 that is a rate limit. */
  reason?: string;
}

/** Google's endpoints on the fake, as the adapter and the OAuth helpers are configured with them. */
export function fakeGoogleEndpoints(fakeUrl: string) {
  return {
    authUrl: `${fakeUrl}/o/oauth2/v2/auth`,
    tokenUrl: `${fakeUrl}/token`,
    apiUrl: `${fakeUrl}/calendar/v3`,
  };
}

async function control(fakeUrl: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${fakeUrl}/__control${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`fake Google ${method} ${path} failed: HTTP ${response.status} ${text}`);
  return text.length > 0 ? JSON.parse(text) : undefined;
}

/** Tokens as if the person had just granted access: a fresh access token and its refresh token. */
export async function grantFakeGoogleAccess(fakeUrl: string, clientId: string): Promise<{ accessToken: string; refreshToken: string; expiresAt: number }> {
  return (await control(fakeUrl, 'POST', '/grants', { clientId })) as { accessToken: string; refreshToken: string; expiresAt: number };
}

/** Every access token of the grant stops working, as one does after an hour; the refresh token still works. */
export async function expireFakeGoogleAccessTokens(fakeUrl: string, refreshToken: string): Promise<void> {
  await control(fakeUrl, 'POST', '/expire-access-tokens', { refreshToken });
}

/** The person removes Kindred's access in their Google account. */
export async function revokeFakeGoogleGrant(fakeUrl: string, refreshToken: string): Promise<void> {
  await control(fakeUrl, 'POST', '/revoke', { refreshToken });
}

export async function setFakeGoogleCalendarZone(fakeUrl: string, calendarId: string, timeZone: string): Promise<void> {
  await control(fakeUrl, 'PUT', `/calendars/${encodeURIComponent(calendarId)}`, { timeZone });
}

/** Creates or changes an event "on Google's side" (merged over the current one); answers the stored resource. */
export async function putFakeGoogleEvent(
  fakeUrl: string,
  calendarId: string,
  eventId: string,
  fields: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  return (await control(fakeUrl, 'PUT', `/calendars/${encodeURIComponent(calendarId)}/events/${encodeURIComponent(eventId)}`, fields)) as Record<
    string,
    unknown
  >;
}

/** Deletes an event "on Google's side". */
export async function deleteFakeGoogleEvent(fakeUrl: string, calendarId: string, eventId: string): Promise<void> {
  await control(fakeUrl, 'DELETE', `/calendars/${encodeURIComponent(calendarId)}/events/${encodeURIComponent(eventId)}`);
}

/** Every stored event of the calendar, cancelled ones included. */
export async function fakeGoogleEvents(fakeUrl: string, calendarId: string): Promise<Record<string, unknown>[]> {
  const answer = (await control(fakeUrl, 'GET', `/calendars/${encodeURIComponent(calendarId)}/events`)) as { items: Record<string, unknown>[] };
  return answer.items;
}

/** Google forgets the calendar's sync tokens: the next incremental list answers 410. */
export async function invalidateFakeGoogleSyncTokens(fakeUrl: string, calendarId: string): Promise<void> {
  await control(fakeUrl, 'POST', `/calendars/${encodeURIComponent(calendarId)}/invalidate-sync-tokens`);
}

export async function failFakeGoogle(fakeUrl: string, failure: GoogleFailure): Promise<void> {
  await control(fakeUrl, 'POST', '/failures', failure);
}

/** Requests whose path and query contain `match`, oldest first. */
export async function fakeGoogleRequests(fakeUrl: string, match: string): Promise<RecordedGoogleRequest[]> {
  const answer = (await control(fakeUrl, 'GET', `/requests?match=${encodeURIComponent(match)}`)) as { requests: RecordedGoogleRequest[] };
  return answer.requests;
}

/**
 * A real HTTP server following Google's documented OAuth 2.0 endpoints and Calendar API v3 events
 * resource (https://developers.google.com/calendar/api/v3/reference/events), errors included, with a
 * control API under `/__control` that plays "Google's side": changing events, expiring tokens,
 * invalidating sync tokens and failing on purpose. It records every request so tests can assert on them.
 *
 * Tests of several files share one instance, so nothing is global to a test: each uses its own
 * calendar id (calendars exist on first use, as `primary` always does) and its own grant, and
 * failures and recordings are keyed by a substring of the request path.
 *
 * What it does not do: expand recurrences (`singleEvents=true` and `events.instances` are refused),
 * search (`q`), or keep calendars per account (any valid access token reaches any calendar).
 *
 * Runs in Node (Vitest global setup and `npm run fake-google`) with native type stripping.
 */

import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { formatInZone, instantOf, isKnownTimezone, parseLocal } from '../../server/time/zoned-time.ts';
import { closeServer, flattenHeaders, isRecord, listen, readBodyText, sendJson as sendAnyJson } from '../fake-http.ts';
import type { GoogleFailure, RecordedGoogleRequest } from './control.ts';

export interface FakeGoogleCalendarOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
}

export interface FakeGoogleCalendar {
  /** The origin; the endpoints are `/o/oauth2/v2/auth`, `/token` and `/calendar/v3`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

type EventResource = Record<string, unknown> & { id: string; status: string; etag: string };

interface StoredEvent {
  resource: EventResource;
  /** The change counter when it last changed: what sync tokens compare against. */
  changedAt: number;
}

interface Calendar {
  id: string;
  timeZone: string;
  events: Map<string, StoredEvent>;
}

interface Grant {
  clientId: string;
  revoked: boolean;
}

interface SyncToken {
  calendarId: string;
  since: number;
  invalidated: boolean;
}

interface PageCursor {
  offset: number;
  /** The change counter when the first page was asked: the next sync token starts there. */
  snapshot: number;
  since: number | null;
}

const accessTokenLifetimeSeconds = 3599;
const defaultPageSize = 250;
const maxPageSize = 2500;

/** An error Google answers in its documented shape. */
class GoogleError extends Error {
  readonly status: number;
  readonly reason: string;
  readonly headers: Record<string, string>;
  constructor(status: number, reason: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.reason = reason;
    this.headers = headers;
  }
}

/** The token endpoint's own error shape (RFC 6749 §5.2). */
class OAuthError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, description: string) {
    super(description);
    this.status = status;
    this.code = code;
  }
}

const base32hexAlphabet = '0123456789abcdefghijklmnopqrstuv';
const randomEventId = () => Array.from(randomBytes(26), (byte) => base32hexAlphabet[byte % 32]).join('');
const randomToken = (prefix: string) => `${prefix}${randomBytes(24).toString('base64url')}`;
const base64Url = (bytes: Buffer) => bytes.toString('base64url');

export async function startFakeGoogleCalendar(options: FakeGoogleCalendarOptions = {}): Promise<FakeGoogleCalendar> {
  const host = options.host ?? '127.0.0.1';
  const calendars = new Map<string, Calendar>();
  const grants = new Map<string, Grant>();
  const accessTokens = new Map<string, { refreshToken: string; expiresAt: number }>();
  const codes = new Map<string, { clientId: string; redirectUri: string; codeChallenge: string; refreshToken: string }>();
  const syncTokens = new Map<string, SyncToken>();
  let failures: (GoogleFailure & { remaining: number })[] = [];
  let recordings: RecordedGoogleRequest[] = [];
  let changeCounter = 0;

  function calendarFor(calendarId: string): Calendar {
    let calendar = calendars.get(calendarId);
    if (!calendar) {
      calendar = { id: calendarId, timeZone: 'UTC', events: new Map() };
      calendars.set(calendarId, calendar);
    }
    return calendar;
  }

  function issueAccessToken(refreshToken: string): { access_token: string; expires_in: number } {
    const accessToken = randomToken('ya29.fake-');
    accessTokens.set(accessToken, { refreshToken, expiresAt: Date.now() + accessTokenLifetimeSeconds * 1000 });
    return { access_token: accessToken, expires_in: accessTokenLifetimeSeconds };
  }

  function createGrant(clientId: string): string {
    const refreshToken = randomToken('1//fake-');
    grants.set(refreshToken, { clientId, revoked: false });
    return refreshToken;
  }

  /** Stores a new version of an event: a new etag, a new place in the change order, `updated` now. */
  function store(calendar: Calendar, resource: Record<string, unknown> & { id: string }): EventResource {
    changeCounter += 1;
    const now = new Date().toISOString();
    const previous = calendar.events.get(resource.id)?.resource;
    const masterOf = (instance: Record<string, unknown>) =>
      typeof instance.recurringEventId === 'string' ? calendar.events.get(instance.recurringEventId)?.resource : undefined;
    const stored: EventResource = {
      kind: 'calendar#event',
      ...resource,
      id: resource.id,
      status: typeof resource.status === 'string' ? resource.status : 'confirmed',
      etag: `"${Date.now() * 1000 + (changeCounter % 1000)}"`,
      htmlLink: `https://www.google.com/calendar/event?eid=${Buffer.from(`${resource.id} ${calendar.id}`).toString('base64url')}`,
      created: previous?.created ?? now,
      updated: now,
      // An instance shares its recurring event's iCalUID, which is how a list by iCalUID finds it.
      iCalUID: masterOf(resource)?.iCalUID ?? resource.iCalUID ?? previous?.iCalUID ?? `${resource.id}@google.com`,
      sequence: typeof previous?.sequence === 'number' ? previous.sequence + 1 : 0,
      eventType: 'default',
    };
    calendar.events.set(resource.id, { resource: stored, changedAt: changeCounter });
    return stored;
  }

  function cancel(calendar: Calendar, event: EventResource): void {
    store(calendar, { ...event, status: 'cancelled' });
    // A recurring event's changed instances go with it.
    for (const { resource } of calendar.events.values()) {
      if (resource.recurringEventId === event.id && resource.status !== 'cancelled') store(calendar, { ...resource, status: 'cancelled' });
    }
  }

  /** Google's normal form of a start or end: `dateTime` with the offset of its zone, or a `date`. */
  function normalizeTime(value: unknown, field: string, calendar: Calendar): Record<string, unknown> {
    if (!isRecord(value)) throw new GoogleError(400, 'required', `Missing ${field}.`);
    if (typeof value.date === 'string') {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(value.date) || !parseLocal(value.date, 'UTC')) throw new GoogleError(400, 'invalid', `Invalid ${field} date.`);
      return { date: value.date };
    }
    if (typeof value.dateTime !== 'string') throw new GoogleError(400, 'required', `Missing ${field} time.`);
    const timeZone = typeof value.timeZone === 'string' ? value.timeZone : undefined;
    if (timeZone !== undefined && !isKnownTimezone(timeZone)) throw new GoogleError(400, 'timeRangeEmpty', `Invalid time zone definition for ${field} time.`);
    const hasOffset = /(Z|[+-]\d{2}:\d{2})$/i.test(value.dateTime);
    if (!hasOffset && timeZone === undefined) throw new GoogleError(400, 'required', `Missing time zone definition for ${field} time.`);
    const zone = timeZone ?? calendar.timeZone;
    const parsed = parseLocal(value.dateTime, zone);
    if (!parsed || parsed.dateOnly) throw new GoogleError(400, 'invalid', `Invalid ${field} time.`);
    const instant = instantOf(parsed.local, zone);
    return { dateTime: formatInZone(instant, zone).replace(/\+00:00$/, 'Z'), ...(timeZone === undefined ? {} : { timeZone }) };
  }

  const startInstant = (time: Record<string, unknown>): number =>
    Date.parse(typeof time.dateTime === 'string' ? time.dateTime : `${String(time.date)}T00:00:00Z`);

  /** The fields a client may write, checked as Google checks them. */
  function readEventBody(body: unknown, calendar: Calendar): Record<string, unknown> {
    if (!isRecord(body)) throw new GoogleError(400, 'parseError', 'Parse Error');
    const start = normalizeTime(body.start, 'start', calendar);
    const end = normalizeTime(body.end, 'end', calendar);
    if ('date' in start !== 'date' in end) throw new GoogleError(400, 'invalid', 'Start and end must both be dates or both be times.');
    if (startInstant(end) < startInstant(start)) throw new GoogleError(400, 'timeRangeEmpty', 'The specified time range is empty.');
    if (body.recurrence !== undefined) {
      if (!Array.isArray(body.recurrence) || !body.recurrence.every((line) => typeof line === 'string' && /^(RRULE|EXRULE|RDATE|EXDATE)[:;]/i.test(line))) {
        throw new GoogleError(400, 'invalid', 'Invalid recurrence rule.');
      }
      if ('dateTime' in start && !('timeZone' in start)) throw new GoogleError(400, 'required', 'Missing time zone definition for start time.');
    }
    const written: Record<string, unknown> = { start, end };
    for (const field of [
      'summary',
      'description',
      'location',
      'recurrence',
      'iCalUID',
      'status',
      'recurringEventId',
      'originalStartTime',
      'transparency',
      'visibility',
      'attendees',
      'reminders',
      'colorId',
    ]) {
      if (body[field] !== undefined) written[field] = body[field];
    }
    if (body.originalStartTime !== undefined) written.originalStartTime = normalizeTime(body.originalStartTime, 'originalStartTime', calendar);
    if (written.status !== undefined && !['confirmed', 'tentative', 'cancelled'].includes(String(written.status))) {
      throw new GoogleError(400, 'invalid', 'Invalid value for: status.');
    }
    return written;
  }

  function authorize(request: IncomingMessage): void {
    const header = request.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
    const known = accessTokens.get(token);
    const grant = known ? grants.get(known.refreshToken) : undefined;
    if (!known || !grant || grant.revoked || known.expiresAt <= Date.now()) {
      throw new GoogleError(
        401,
        'authError',
        'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
        {
          'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"',
        },
      );
    }
  }

  function checkIfMatch(request: IncomingMessage, event: EventResource | undefined): void {
    const expected = request.headers['if-match'];
    if (expected === undefined || expected === '*') return;
    if (!event || event.etag !== expected) throw new GoogleError(412, 'conditionNotMet', 'Precondition Failed');
  }

  /** What a list shows of an event: a deleted one is only its id and what says it was deleted. */
  function listed(event: EventResource): Record<string, unknown> {
    if (event.status !== 'cancelled') return event;
    const { kind, etag, id, status, recurringEventId, originalStartTime } = event;
    return { kind, etag, id, status, ...(recurringEventId === undefined ? {} : { recurringEventId, originalStartTime }) };
  }

  function listEvents(calendar: Calendar, query: URLSearchParams): Record<string, unknown> {
    if (query.get('singleEvents') === 'true') throw new GoogleError(400, 'invalid', 'The fake does not expand recurring events (singleEvents=true).');
    const syncTokenText = query.get('syncToken');
    const iCalUID = query.get('iCalUID');
    const maxResults = Math.min(Number(query.get('maxResults') ?? defaultPageSize) || defaultPageSize, maxPageSize);
    const pageTokenText = query.get('pageToken');
    let cursor: PageCursor;
    if (pageTokenText !== null) {
      const decoded = decodeCursor(pageTokenText);
      if (!decoded) throw new GoogleError(400, 'invalid', 'Invalid page token value.');
      cursor = decoded;
    } else if (syncTokenText !== null) {
      for (const parameter of ['iCalUID', 'orderBy', 'privateExtendedProperty', 'q', 'sharedExtendedProperty', 'timeMin', 'timeMax', 'updatedMin']) {
        if (query.has(parameter)) throw new GoogleError(400, 'invalid', `Sync token cannot be used with ${parameter}.`);
      }
      if (query.get('showDeleted') === 'false') throw new GoogleError(400, 'invalid', 'Sync token cannot be used with showDeleted=false.');
      const token = syncTokens.get(syncTokenText);
      if (!token || token.invalidated || token.calendarId !== calendar.id) {
        throw new GoogleError(410, 'fullSyncRequired', 'Sync token is no longer valid, a full sync is required.');
      }
      cursor = { offset: 0, snapshot: changeCounter, since: token.since };
    } else {
      cursor = { offset: 0, snapshot: changeCounter, since: null };
    }
    const showDeleted = query.get('showDeleted') === 'true' || cursor.since !== null;
    const cancelledMasters = new Set(
      [...calendar.events.values()].filter(({ resource }) => resource.status === 'cancelled').map(({ resource }) => resource.id),
    );
    const matching = [...calendar.events.values()]
      .filter(({ resource, changedAt }) => {
        if (cursor.since !== null && changedAt <= cursor.since) return false;
        if (iCalUID !== null && resource.iCalUID !== iCalUID) return false;
        if (resource.status !== 'cancelled' || showDeleted) return true;
        // Documented: cancelled instances of a recurring event still listed unless the event itself is gone.
        return typeof resource.recurringEventId === 'string' && !cancelledMasters.has(resource.recurringEventId);
      })
      .sort((left, right) => left.changedAt - right.changedAt || left.resource.id.localeCompare(right.resource.id));
    const page = matching.slice(cursor.offset, cursor.offset + maxResults);
    const more = cursor.offset + maxResults < matching.length;
    const answer: Record<string, unknown> = {
      kind: 'calendar#events',
      etag: `"p${changeCounter}"`,
      summary: calendar.id,
      updated: new Date().toISOString(),
      timeZone: calendar.timeZone,
      accessRole: 'owner',
      defaultReminders: [],
      items: page.map(({ resource }) => listed(resource)),
    };
    if (more) {
      answer.nextPageToken = encodeCursor({ ...cursor, offset: cursor.offset + maxResults });
    } else if (iCalUID === null) {
      const token = randomToken('CP');
      syncTokens.set(token, { calendarId: calendar.id, since: cursor.snapshot, invalidated: false });
      answer.nextSyncToken = token;
    }
    return answer;
  }

  /** `{master}_{20261207T080000Z}` or `{master}_{20261207}`: an instance of a recurring event, as Google names them. */
  function instanceOf(calendar: Calendar, eventId: string): EventResource | undefined {
    const separator = eventId.lastIndexOf('_');
    if (separator <= 0) return undefined;
    const master = calendar.events.get(eventId.slice(0, separator))?.resource;
    return master && Array.isArray(master.recurrence) && master.status !== 'cancelled' ? master : undefined;
  }

  async function handleEvents(request: IncomingMessage, response: ServerResponse, url: URL, segments: string[], body: unknown): Promise<void> {
    authorize(request);
    const calendar = calendarFor(segments[0] ?? '');
    const eventId = segments[2];
    const method = request.method ?? 'GET';
    if (segments[1] !== 'events' || segments.length > 3) throw new GoogleError(404, 'notFound', 'Not Found');
    if (eventId === undefined) {
      if (method === 'GET') {
        sendJson(response, 200, listEvents(calendar, url.searchParams));
        return;
      }
      if (method === 'POST') {
        const written = readEventBody(body, calendar);
        const requestedId = isRecord(body) && typeof body.id === 'string' ? body.id : undefined;
        if (requestedId !== undefined && !/^[0-9a-v]{5,1024}$/.test(requestedId)) throw new GoogleError(400, 'invalid', 'Invalid resource id value.');
        const id = requestedId ?? randomEventId();
        const duplicate = [...calendar.events.values()].some(
          ({ resource }) =>
            resource.id === id || (written.iCalUID !== undefined && resource.iCalUID === written.iCalUID && resource.recurringEventId === undefined),
        );
        if (duplicate) throw new GoogleError(409, 'duplicate', 'The requested identifier already exists.');
        sendJson(response, 200, store(calendar, { ...written, id }));
        return;
      }
      throw new GoogleError(405, 'httpMethodNotAllowed', 'Method not allowed.');
    }
    const current = calendar.events.get(eventId)?.resource;
    if (method === 'GET') {
      if (!current) throw new GoogleError(404, 'notFound', 'Not Found');
      sendJson(response, 200, current);
      return;
    }
    if (method === 'PUT' || method === 'PATCH') {
      const master = current ? undefined : instanceOf(calendar, eventId);
      if (!current && !master) throw new GoogleError(404, 'notFound', 'Not Found');
      checkIfMatch(request, current);
      // A patch changes only the fields it names; a null clears one.
      const merged = method === 'PATCH' && current && isRecord(body) ? withoutNulls({ ...current, ...body }) : body;
      const written = readEventBody(merged, calendar);
      if (master) {
        // Writing an instance that has not changed before makes it an exception of its event.
        written.recurringEventId = master.id;
        written.iCalUID = master.iCalUID;
        if (!isRecord(written.originalStartTime)) throw new GoogleError(400, 'required', 'Missing originalStartTime for an instance.');
      } else if (current) {
        for (const field of ['recurringEventId', 'originalStartTime', 'iCalUID']) if (current[field] !== undefined) written[field] = current[field];
      }
      sendJson(response, 200, store(calendar, { ...written, id: eventId }));
      return;
    }
    if (method === 'DELETE') {
      if (!current) throw new GoogleError(404, 'notFound', 'Not Found');
      if (current.status === 'cancelled') throw new GoogleError(410, 'deleted', 'Resource has been deleted');
      checkIfMatch(request, current);
      cancel(calendar, current);
      response.writeHead(204);
      response.end();
      return;
    }
    throw new GoogleError(405, 'httpMethodNotAllowed', 'Method not allowed.');
  }

  function handleAuthorization(response: ServerResponse, url: URL): void {
    const query = url.searchParams;
    const clientId = query.get('client_id');
    const redirectUri = query.get('redirect_uri');
    const challenge = query.get('code_challenge');
    // Google shows its own error page for a bad request rather than redirecting.
    const refuse = (message: string) => {
      response.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(`Error 400: invalid_request\n${message}`);
    };
    if (!clientId) {
      refuse('Missing required parameter: client_id');
      return;
    }
    if (!redirectUri) {
      refuse('Missing required parameter: redirect_uri');
      return;
    }
    if (query.get('response_type') !== 'code') {
      refuse('Unsupported response_type.');
      return;
    }
    if (!(query.get('scope') ?? '').split(' ').includes('https://www.googleapis.com/auth/calendar')) {
      refuse('Missing or unknown scope.');
      return;
    }
    if (challenge !== null && query.get('code_challenge_method') !== 'S256') {
      refuse('Only code_challenge_method=S256 is accepted here.');
      return;
    }
    // The person always consents at once: the point of the fake is what happens around it.
    const code = randomToken('4/fake-');
    codes.set(code, { clientId, redirectUri, codeChallenge: challenge ?? '', refreshToken: createGrant(clientId) });
    const back = new URL(redirectUri);
    back.searchParams.set('code', code);
    const state = query.get('state');
    if (state !== null) back.searchParams.set('state', state);
    back.searchParams.set('scope', 'https://www.googleapis.com/auth/calendar');
    response.writeHead(302, { location: back.toString() });
    response.end();
  }

  function handleToken(response: ServerResponse, form: URLSearchParams): void {
    const clientId = form.get('client_id');
    if (!clientId || !form.get('client_secret')) throw new OAuthError(401, 'invalid_client', 'The OAuth client was not found.');
    const grantType = form.get('grant_type');
    if (grantType === 'authorization_code') {
      const code = codes.get(form.get('code') ?? '');
      // A code works once: Google answers a second use as invalid_grant.
      codes.delete(form.get('code') ?? '');
      if (!code || code.clientId !== clientId) throw new OAuthError(400, 'invalid_grant', 'Malformed auth code.');
      if (code.redirectUri !== form.get('redirect_uri')) throw new OAuthError(400, 'redirect_uri_mismatch', 'Bad Request');
      if (code.codeChallenge !== '') {
        const verifier = form.get('code_verifier') ?? '';
        const challenge = base64Url(createHash('sha256').update(verifier).digest());
        if (challenge !== code.codeChallenge) throw new OAuthError(400, 'invalid_grant', 'Invalid code verifier.');
      }
      sendJson(response, 200, {
        ...issueAccessToken(code.refreshToken),
        refresh_token: code.refreshToken,
        scope: 'https://www.googleapis.com/auth/calendar',
        token_type: 'Bearer',
      });
      return;
    }
    if (grantType === 'refresh_token') {
      const refreshToken = form.get('refresh_token') ?? '';
      const grant = grants.get(refreshToken);
      if (!grant || grant.revoked) throw new OAuthError(400, 'invalid_grant', 'Token has been expired or revoked.');
      if (grant.clientId !== clientId) throw new OAuthError(401, 'unauthorized_client', 'Unauthorized');
      sendJson(response, 200, { ...issueAccessToken(refreshToken), scope: 'https://www.googleapis.com/auth/calendar', token_type: 'Bearer' });
      return;
    }
    throw new OAuthError(400, 'unsupported_grant_type', 'Invalid grant_type.');
  }

  function handleControl(request: IncomingMessage, response: ServerResponse, url: URL, body: unknown): void {
    const method = request.method ?? 'GET';
    const segments = url.pathname.split('/').filter(Boolean).slice(1).map(decodeURIComponent);
    const fields = isRecord(body) ? body : {};
    const [first, calendarId, third, eventId] = segments;
    if (method === 'POST' && first === 'grants') {
      const refreshToken = createGrant(typeof fields.clientId === 'string' ? fields.clientId : 'fake-client-id');
      const { access_token, expires_in } = issueAccessToken(refreshToken);
      sendJson(response, 201, { accessToken: access_token, refreshToken, expiresAt: Date.now() + expires_in * 1000 });
      return;
    }
    if (method === 'POST' && (first === 'expire-access-tokens' || first === 'revoke')) {
      const refreshToken = String(fields.refreshToken ?? '');
      const grant = grants.get(refreshToken);
      if (!grant) {
        sendJson(response, 404, { error: 'unknown refresh token' });
        return;
      }
      if (first === 'revoke') grant.revoked = true;
      for (const token of accessTokens.values()) if (token.refreshToken === refreshToken) token.expiresAt = 0;
      sendJson(response, 200, { ok: true });
      return;
    }
    if (method === 'POST' && first === 'failures') {
      const failure = fields as unknown as GoogleFailure;
      if (typeof failure.match !== 'string' || failure.match === '') {
        sendJson(response, 400, { error: 'a failure needs a match' });
        return;
      }
      failures.push({ ...failure, remaining: failure.times ?? 1 });
      sendJson(response, 201, { ok: true });
      return;
    }
    if (method === 'GET' && first === 'requests') {
      const match = url.searchParams.get('match') ?? '';
      sendJson(response, 200, { requests: recordings.filter((recording) => recording.path.includes(match)) });
      return;
    }
    if (first === 'calendars' && calendarId !== undefined) {
      const calendar = calendarFor(calendarId);
      if (method === 'PUT' && third === undefined) {
        if (typeof fields.timeZone === 'string') calendar.timeZone = fields.timeZone;
        sendJson(response, 200, { id: calendar.id, timeZone: calendar.timeZone });
        return;
      }
      if (method === 'POST' && third === 'invalidate-sync-tokens') {
        for (const token of syncTokens.values()) if (token.calendarId === calendarId) token.invalidated = true;
        sendJson(response, 200, { ok: true });
        return;
      }
      if (method === 'GET' && third === 'events' && eventId === undefined) {
        sendJson(response, 200, { items: [...calendar.events.values()].map(({ resource }) => resource) });
        return;
      }
      if (third === 'events' && eventId !== undefined) {
        // A change made on Google's side (another device, the web UI): no token, no precondition.
        if (method === 'PUT') {
          const current = calendar.events.get(eventId)?.resource;
          const merged = { ...(current ?? {}), ...fields };
          const written = readEventBody(merged, calendar);
          for (const field of ['recurringEventId', 'iCalUID']) if (merged[field] !== undefined) written[field] = merged[field];
          sendJson(response, 200, store(calendar, { ...written, id: eventId }));
          return;
        }
        if (method === 'DELETE') {
          const current = calendar.events.get(eventId)?.resource;
          if (!current) {
            sendJson(response, 404, { error: 'no such event' });
            return;
          }
          cancel(calendar, current);
          sendJson(response, 200, { ok: true });
          return;
        }
      }
    }
    if (method === 'DELETE' && first === undefined) {
      const match = url.searchParams.get('match');
      recordings = match === null ? [] : recordings.filter((recording) => !recording.path.includes(match));
      failures = match === null ? [] : failures.filter((failure) => failure.match !== match);
      sendJson(response, 200, { reset: true });
      return;
    }
    sendJson(response, 404, { error: `No control route ${method} ${url.pathname}.` });
  }

  /** The next scripted failure for this request, if any, used up as it is answered. */
  function takeFailure(target: string): GoogleFailure | undefined {
    const failure = failures.find((candidate) => candidate.remaining > 0 && target.includes(candidate.match));
    if (!failure) return undefined;
    failure.remaining -= 1;
    if (failure.remaining === 0) failures = failures.filter((candidate) => candidate !== failure);
    return failure;
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    response.on('error', () => {});
    const url = new URL(request.url ?? '/', 'http://fake.invalid');
    const rawBody = await readBodyText(request);
    const isForm = (request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
    try {
      if (url.pathname === '/__control' || url.pathname.startsWith('/__control/')) {
        handleControl(request, response, url, parseJsonBody(rawBody));
        return;
      }
      const form = isForm ? new URLSearchParams(rawBody) : undefined;
      const body = form ? Object.fromEntries(form) : parseJsonBody(rawBody);
      const path = `${url.pathname}${url.search}`;
      recordings.push({ method: request.method ?? 'GET', path, headers: flattenHeaders(request.headers), body });
      // A token request is told apart by its grant (its path is shared by every test).
      const failure = takeFailure(form ? `${path} ${rawBody}` : path);
      if (failure) {
        if (failure.garbage === true) {
          response.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
          response.end('<html><body>Not what you asked for</body></html>');
          return;
        }
        const status = failure.status ?? 500;
        const headers: Record<string, string> = failure.retryAfterSeconds === undefined ? {} : { 'retry-after': String(failure.retryAfterSeconds) };
        const reason = failure.reason ?? (status === 429 ? 'rateLimitExceeded' : status >= 500 ? 'backendError' : 'failure');
        throw new GoogleError(status, reason, status === 429 ? 'Rate Limit Exceeded' : 'Backend Error', headers);
      }
      if (request.method === 'GET' && url.pathname === '/o/oauth2/v2/auth') {
        handleAuthorization(response, url);
        return;
      }
      if (request.method === 'POST' && url.pathname === '/token') {
        if (!form) throw new OAuthError(400, 'invalid_request', 'The token endpoint takes an application/x-www-form-urlencoded body.');
        handleToken(response, form);
        return;
      }
      if (url.pathname.startsWith('/calendar/v3/calendars/')) {
        const segments = url.pathname.slice('/calendar/v3/calendars/'.length).split('/').map(decodeURIComponent);
        await handleEvents(request, response, url, segments, body);
        return;
      }
      throw new GoogleError(404, 'notFound', 'Not Found');
    } catch (error) {
      if (error instanceof OAuthError) {
        sendJson(response, error.status, { error: error.code, error_description: error.message });
      } else if (error instanceof GoogleError) {
        sendGoogleError(response, error);
      } else if (error instanceof SyntaxError) {
        sendGoogleError(response, new GoogleError(400, 'parseError', 'Parse Error'));
      } else {
        sendGoogleError(response, new GoogleError(500, 'backendError', `The fake failed: ${String(error)}`));
      }
    }
  }

  const server = createServer((request, response) => {
    void handle(request, response);
  });
  const port = await listen(server, options.port ?? 0, host, 'Google Calendar');
  return { url: `http://${host}:${port}`, port, close: () => closeServer(server) };
}

function withoutNulls(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== null));
}

function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(text: string): PageCursor | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (isRecord(value) && typeof value.offset === 'number' && typeof value.snapshot === 'number') return value as unknown as PageCursor;
  } catch {}
  return undefined;
}

/** Google's error body: https://developers.google.com/calendar/api/guides/errors */
function sendGoogleError(response: ServerResponse, error: GoogleError): void {
  if (response.destroyed || response.headersSent) return;
  const status = {
    400: 'INVALID_ARGUMENT',
    401: 'UNAUTHENTICATED',
    403: 'PERMISSION_DENIED',
    404: 'NOT_FOUND',
    409: 'ALREADY_EXISTS',
    412: 'FAILED_PRECONDITION',
    429: 'RESOURCE_EXHAUSTED',
  }[error.status];
  const detail: Record<string, unknown> = { domain: error.status === 429 ? 'usageLimits' : 'global', reason: error.reason, message: error.message };
  if (error.status === 401) Object.assign(detail, { locationType: 'header', location: 'Authorization' });
  if (error.status === 412) Object.assign(detail, { locationType: 'header', location: 'If-Match' });
  response.writeHead(error.status, { 'content-type': 'application/json; charset=UTF-8', ...error.headers });
  response.end(JSON.stringify({ error: { code: error.status, message: error.message, errors: [detail], ...(status === undefined ? {} : { status }) } }));
}

/** Answers JSON with the content type Google's API sends. */
function sendJson(response: ServerResponse, status: number, payload: unknown): void {
  sendAnyJson(response, status, payload, 'application/json; charset=UTF-8');
}

function parseJsonBody(rawBody: string): unknown {
  return rawBody.length > 0 ? JSON.parse(rawBody) : undefined;
}

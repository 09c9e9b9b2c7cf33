import { z } from 'zod';
import { AppError } from '../../../server/errors/app-error.ts';
import { log } from '../../../server/logging/log.ts';
import type { CalendarSourceAdapter, RemoteConflict, RemoteEvent, RemoteVersion, SourceChanges } from '../source-adapter.ts';
import { type GoogleEvent, type GoogleEventBody, googleEventSchema, googleEventToIcs, icsToGoogleSeries } from './google-event-ics.ts';
import { type GoogleCredentials, requestGoogleToken } from './google-oauth.ts';

export type { GoogleCredentials } from './google-oauth.ts';

/** Where Google is and which calendar to sync; `fetch`, `now` and `sleep` are injected by tests. */
export interface GoogleSettings {
  clientId: string;
  clientSecret: string;
  tokenUrl: string;
  /** Calendar API v3's base, `https://www.googleapis.com/calendar/v3` (config `GOOGLE_CALENDAR_URL`). */
  apiUrl: string;
  /** `primary` (the default) is the person's main calendar. */
  calendarId?: string;
  fetch?: typeof fetch;
  /** Milliseconds since the epoch. */
  now?: () => number;
  /** Waits before a retry; tests pass one that returns at once and records the wait. */
  sleep?: (milliseconds: number) => Promise<void>;
  /** The waits before each retry of a rate-limited or failing call; its length is how many retries. */
  retryDelaysMs?: number[];
}

/** Where the person's tokens are kept (sealed by the caller); a refreshed access token is written back at once. */
export interface GoogleCredentialStore {
  get(): Promise<GoogleCredentials>;
  set(credentials: GoogleCredentials): Promise<void>;
}

/** An access token this close to its expiry is refreshed before use rather than sent to fail. */
const expiryMarginMs = 60_000;
const defaultRetryDelaysMs = [1_000, 4_000];
/** A Retry-After longer than this is not waited out inside one call: the sync tries again on its next run. */
const longestRetryAfterMs = 10_000;
const pageSize = 250;
/** A composite version: the master's etag, and a digest of its changed instances' etags when it has any. */
const etagSeparator = ' ~';

const eventListSchema = z.object({
  items: z.array(googleEventSchema).default([]),
  nextPageToken: z.string().optional(),
  nextSyncToken: z.string().optional(),
  timeZone: z.string().optional(),
});

const errorBodySchema = z.object({
  error: z.object({ code: z.number().optional(), message: z.string().optional(), errors: z.array(z.object({ reason: z.string().optional() })).optional() }),
});

/** Google's quota errors come as 403 as well as 429; their reasons tell them from a refusal. */
const rateLimitReasons = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'quotaExceeded']);

interface GoogleAnswer {
  status: number;
  payload: unknown;
  reason: string | undefined;
}

/** An answer the caller handles itself (a 404, 409, 410 or 412), rather than one mapped to an error here. */
type ExpectedStatus = 404 | 409 | 410 | 412;

function masterEtagOf(etag: string): string {
  const separator = etag.indexOf(etagSeparator);
  return separator === -1 ? etag : etag.slice(0, separator);
}

async function versionOf(master: GoogleEvent, instances: GoogleEvent[]): Promise<string> {
  const etag = master.etag ?? '';
  if (instances.length === 0) return etag;
  const instanceEtags = instances.map((instance) => `${instance.id}=${instance.etag ?? ''}`).sort();
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(instanceEtags.join('\n'))));
  return `${etag}${etagSeparator}${Array.from(digest.subarray(0, 8), (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * The Google Calendar adapter: Calendar API v3's events resource with OAuth 2.0 bearer tokens,
 * refreshed when they expire (or Google says so with a 401), incremental sync with sync tokens,
 * and etags as the versions the sync engine compares.
 */
export function createGoogleAdapter(settings: GoogleSettings, credentials: GoogleCredentialStore): CalendarSourceAdapter {
  const fetchImplementation = settings.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const now = settings.now ?? Date.now;
  const sleep = settings.sleep ?? ((milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds)));
  const retryDelaysMs = settings.retryDelaysMs ?? defaultRetryDelaysMs;
  const calendarId = settings.calendarId ?? 'primary';
  const eventsUrl = `${settings.apiUrl.replace(/\/+$/, '')}/calendars/${encodeURIComponent(calendarId)}/events`;
  /** The calendar's own zone, learnt from lists: the zone of events that name none. */
  let calendarZone = 'UTC';
  /** One refresh at a time: calls that find the token expired together share it. */
  let refreshing: Promise<GoogleCredentials> | undefined;

  function refresh(current: GoogleCredentials): Promise<GoogleCredentials> {
    refreshing ??= (async () => {
      try {
        const answer = await requestGoogleToken(
          { clientId: settings.clientId, clientSecret: settings.clientSecret, tokenUrl: settings.tokenUrl, fetch: fetchImplementation, now },
          { grant_type: 'refresh_token', refresh_token: current.refreshToken },
        );
        // Google may rotate the refresh token; when it does not, the old one stays valid.
        const renewed = {
          accessToken: answer.access_token,
          refreshToken: answer.refresh_token ?? current.refreshToken,
          expiresAt: now() + answer.expires_in * 1000,
        };
        await credentials.set(renewed);
        return renewed;
      } finally {
        refreshing = undefined;
      }
    })();
    return refreshing;
  }

  /**
   * One API call: a fresh token, one refresh and retry on a 401, retries after a wait on 429, 5xx and
   * quota 403s. Answers 2xx and the `expected` statuses; every other failure becomes a source error.
   */
  async function call(method: string, url: string, options: { body?: unknown; ifMatch?: string; expected?: ExpectedStatus[] } = {}): Promise<GoogleAnswer> {
    let current = await credentials.get();
    let refreshed = false;
    if (now() >= current.expiresAt - expiryMarginMs) {
      current = await refresh(current);
      refreshed = true;
    }
    for (let attempt = 0; ; attempt += 1) {
      const headers: Record<string, string> = { authorization: `Bearer ${current.accessToken}`, accept: 'application/json' };
      if (options.body !== undefined) headers['content-type'] = 'application/json';
      if (options.ifMatch !== undefined) headers['if-match'] = options.ifMatch;
      let response: Response | undefined;
      let text = '';
      let networkError: unknown;
      try {
        response = await fetchImplementation(url, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
        text = await response.text();
      } catch (error) {
        // A connection lost before or during the answer is one failure, retried alike.
        response = undefined;
        networkError = error;
      }
      let payload: unknown;
      let parsed = text === '';
      try {
        payload = text === '' ? undefined : JSON.parse(text);
        parsed = true;
      } catch {}
      const reason = errorBodySchema.safeParse(payload).data?.error.errors?.[0]?.reason;
      const status = response?.status ?? 0;
      if (status === 401 && !refreshed) {
        current = await refresh(current);
        refreshed = true;
        continue;
      }
      const retryable = response === undefined || status === 429 || status >= 500 || (status === 403 && reason !== undefined && rateLimitReasons.has(reason));
      if (retryable) {
        const retryAfterSeconds = Number(response?.headers.get('retry-after') ?? Number.NaN);
        const delay = Number.isFinite(retryAfterSeconds) && retryAfterSeconds >= 0 ? retryAfterSeconds * 1000 : retryDelaysMs[attempt];
        if (attempt < retryDelaysMs.length && delay !== undefined && delay <= longestRetryAfterMs) {
          await sleep(delay);
          continue;
        }
        const what = response === undefined ? 'could not be reached' : status === 429 || status === 403 ? 'is limiting requests' : `answered ${status}`;
        throw new AppError('source_unreachable', `Google Calendar ${what}; the sync will try again.`, { cause: networkError });
      }
      if (status === 401 || status === 403) {
        throw new AppError('source_auth_failed', 'Google Calendar refused Kindred access: connect the calendar again.');
      }
      if (!parsed) throw new AppError('source_invalid', `Google Calendar answered ${status} with something that is not JSON.`);
      if ((status >= 200 && status < 300) || options.expected?.includes(status as ExpectedStatus)) return { status, payload, reason };
      const message = errorBodySchema.safeParse(payload).data?.error.message;
      // A 400 means Google will not take what was sent (a recurrence it cannot read): retrying cannot help.
      throw new AppError('source_invalid', `Google Calendar refused the request (${status}${message === undefined ? '' : `: ${message}`}).`);
    }
  }

  function parse<Schema extends z.ZodType>(schema: Schema, payload: unknown): z.infer<Schema> {
    const result = schema.safeParse(payload);
    if (!result.success) throw new AppError('source_invalid', 'Google Calendar answered in a shape Kindred does not know.');
    return result.data;
  }

  /** Every page of a list; `null` when Google answers 410 (the sync token is too old). */
  async function listAll(query: Record<string, string>): Promise<{ items: GoogleEvent[]; nextSyncToken: string | null } | null> {
    const items: GoogleEvent[] = [];
    let pageToken: string | undefined;
    for (;;) {
      const url = new URL(eventsUrl);
      for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
      url.searchParams.set('maxResults', String(pageSize));
      if (pageToken !== undefined) url.searchParams.set('pageToken', pageToken);
      const answer = await call('GET', url.toString(), { expected: [410] });
      if (answer.status === 410) return null;
      const page = parse(eventListSchema, answer.payload);
      if (page.timeZone !== undefined) calendarZone = page.timeZone;
      items.push(...page.items);
      if (page.nextPageToken === undefined) return { items, nextSyncToken: page.nextSyncToken ?? null };
      pageToken = page.nextPageToken;
    }
  }

  async function getEvent(eventId: string): Promise<GoogleEvent | null> {
    const answer = await call('GET', `${eventsUrl}/${encodeURIComponent(eventId)}`, { expected: [404, 410] });
    if (answer.status === 404 || answer.status === 410) return null;
    return parse(googleEventSchema, answer.payload);
  }

  /** The changed instances of a recurring event: the events sharing its iCalUID (deleted ones included). */
  async function instancesOf(master: GoogleEvent): Promise<GoogleEvent[]> {
    if (master.recurrence === undefined || master.iCalUID === undefined) return [];
    const listed = await listAll({ iCalUID: master.iCalUID, showDeleted: 'true' });
    return (listed?.items ?? []).filter((item) => item.recurringEventId === master.id);
  }

  async function remoteEvent(master: GoogleEvent, instances: GoogleEvent[]): Promise<RemoteEvent> {
    return { remoteId: master.id, etag: await versionOf(master, instances), ics: googleEventToIcs(master, instances, calendarZone) };
  }

  /** The event as Google has it now, with its changed instances, or null when it is gone. */
  async function currentSeries(eventId: string): Promise<RemoteEvent | null> {
    const master = await getEvent(eventId);
    if (!master || master.status === 'cancelled') return null;
    return remoteEvent(master, await instancesOf(master));
  }

  async function conflictWithCurrent(eventId: string): Promise<RemoteConflict> {
    const current = await currentSeries(eventId);
    return { conflict: current ?? { deleted: true } };
  }

  /** Writes the overridden instances after their event; an instance's id is the event's id and its original start. */
  async function writeOverrides(eventId: string, overrides: { instanceSuffix: string; body: GoogleEventBody }[]): Promise<RemoteVersion> {
    for (const override of overrides) {
      await call('PUT', `${eventsUrl}/${encodeURIComponent(`${eventId}_${override.instanceSuffix}`)}`, {
        body: { ...override.body, recurringEventId: eventId },
      });
    }
    const current = await getEvent(eventId);
    if (!current) throw new AppError('source_invalid', 'Google Calendar lost an event just written.');
    return { remoteId: eventId, etag: await versionOf(current, await instancesOf(current)) };
  }

  async function finishWrite(written: GoogleEvent, overrides: { instanceSuffix: string; body: GoogleEventBody }[]): Promise<RemoteVersion> {
    if (overrides.length === 0 && written.recurrence === undefined) return { remoteId: written.id, etag: written.etag ?? '' };
    return writeOverrides(written.id, overrides);
  }

  return {
    kind: 'google',

    async pull(cursor) {
      // Deleted events are listed in both kinds of sync, so the two ask the same question (as Google advises).
      let fullResync = cursor === null;
      let listed = cursor === null ? await listAll({ showDeleted: 'true' }) : await listAll({ syncToken: cursor });
      if (listed === null) {
        fullResync = true;
        listed = await listAll({ showDeleted: 'true' });
        if (listed === null) throw new AppError('source_invalid', 'Google Calendar refused a full sync as too old.');
      }
      const masters = new Map<string, GoogleEvent>();
      const instancesByMaster = new Map<string, GoogleEvent[]>();
      for (const item of listed.items) {
        if (item.recurringEventId === undefined) masters.set(item.id, item);
        else instancesByMaster.set(item.recurringEventId, [...(instancesByMaster.get(item.recurringEventId) ?? []), item]);
      }
      const changes: SourceChanges = { changed: [], deleted: [], cursor: listed.nextSyncToken, fullResync };
      for (const masterId of new Set([...masters.keys(), ...instancesByMaster.keys()])) {
        let master = masters.get(masterId);
        let instances = instancesByMaster.get(masterId) ?? [];
        if (!fullResync && master?.recurrence !== undefined) {
          // Only what changed is listed: the event's other changed instances are needed to describe it whole.
          instances = await instancesOf(master);
        } else if (!fullResync && master === undefined) {
          master = (await getEvent(masterId)) ?? undefined;
          instances = master ? await instancesOf(master) : [];
        }
        if (!master) continue;
        if (master.status === 'cancelled') {
          changes.deleted.push(master.id);
          continue;
        }
        let remote: RemoteEvent;
        try {
          remote = await remoteEvent(master, instances);
        } catch (error) {
          // One event Kindred cannot read (a recurrence ical.js refuses) must not stop the sync of the others.
          log.warn('google calendar event skipped', { errorId: error instanceof AppError ? error.id : 'unreadable' });
          continue;
        }
        changes.changed.push(remote);
      }
      return changes;
    },

    async create(uid, ics) {
      const series = icsToGoogleSeries(ics);
      const body = { ...series.master, iCalUID: uid };
      const answer = await call('POST', eventsUrl, { body, expected: [409] });
      if (answer.status !== 409) return finishWrite(parse(googleEventSchema, answer.payload), series.overrides);
      // The UID is already there: an earlier attempt of this same create that got no answer, or an
      // event deleted with this UID (Google keeps it). Either way, this version is written over it.
      const existing = (await listAll({ iCalUID: uid, showDeleted: 'true' }))?.items.find((item) => item.recurringEventId === undefined);
      if (!existing) throw new AppError('source_invalid', 'Google Calendar refused the event as a duplicate but has no event with its UID.');
      const replaced = await call('PUT', `${eventsUrl}/${encodeURIComponent(existing.id)}`, { body: { ...body, status: 'confirmed' } });
      return finishWrite(parse(googleEventSchema, replaced.payload), series.overrides);
    },

    async update(remoteId, ics, etag) {
      const series = icsToGoogleSeries(ics);
      // A patch, not a replacement: what Kindred does not model (attendees, reminders, colours,
      // conference links) stays as the person set it on Google. A null clears a field.
      const answer = await call('PATCH', `${eventsUrl}/${encodeURIComponent(remoteId)}`, {
        body: { description: null, location: null, recurrence: null, ...series.master },
        ifMatch: masterEtagOf(etag),
        expected: [404, 410, 412],
      });
      if (answer.status === 404 || answer.status === 410) return { conflict: { deleted: true } };
      if (answer.status === 412) return conflictWithCurrent(remoteId);
      return finishWrite(parse(googleEventSchema, answer.payload), series.overrides);
    },

    async delete(remoteId, etag) {
      const answer = await call('DELETE', `${eventsUrl}/${encodeURIComponent(remoteId)}`, { ifMatch: masterEtagOf(etag), expected: [404, 410, 412] });
      if (answer.status === 412) {
        const conflict = await conflictWithCurrent(remoteId);
        return 'deleted' in conflict.conflict ? { deleted: true } : conflict;
      }
      return { deleted: true };
    },
  };
}

import {
  calendarMultiGet,
  calendarQuery,
  createObject,
  deleteObject,
  fetchCalendars,
  fetchHomeUrl,
  fetchPrincipalUrl,
  propfind,
  serviceDiscovery,
  syncCollection,
  updateObject,
} from 'tsdav';
import { AppError } from '../../../server/errors/app-error.ts';
import type { CalendarSourceAdapter, RemoteConflict, RemoteEvent, RemoteVersion, SourceChanges } from '../source-adapter.ts';

/**
 * A CalDAV calendar collection, spoken to with tsdav's request functions (they run in workerd as they
 * are: tsdav uses the global `fetch`, and its XML library is plain JavaScript). tsdav's `DAVClient`
 * and `createAccount` are not used: they discover and load every collection of the account, while a
 * source is one collection whose URL is known after `discoverCalDavCalendar`.
 */
export interface CalDavSettings {
  /** The calendar collection, absolute, ending in `/`. */
  calendarUrl: string;
  username: string;
  password: string;
  /** Whether the collection offers the RFC 6578 sync-collection report; without it every pull lists the whole collection with ETags. */
  supportsSyncCollection: boolean;
  /** Injected in tests of failure paths; the global fetch otherwise. */
  fetch?: typeof fetch;
}

/** How long one request to a CalDAV server may take before the server counts as unreachable. */
const requestTimeoutMs = 15_000;

const unreachable = (message: string, cause?: unknown) => new AppError('source_unreachable', message, { cause });
const authFailed = () => new AppError('source_auth_failed', 'The CalDAV server refused the username or password.');
const invalid = (message: string) => new AppError('source_invalid', message);

const basicAuthorization = (username: string, password: string) => {
  const bytes = new TextEncoder().encode(`${username}:${password}`);
  return `Basic ${btoa(String.fromCharCode(...bytes))}`;
};

/**
 * The fetch tsdav is given: credentials on every request, a timeout, and the failures every request
 * shares turned into source errors (no answer or a 5xx: unreachable; 401: refused). Other statuses
 * are left for the caller, which knows what a 404 or a 412 means where it asked.
 */
function sourceFetch(settings: { username: string; password: string; fetch?: typeof fetch }): typeof fetch {
  const underlying = settings.fetch ?? fetch;
  const authorization = basicAuthorization(settings.username, settings.password);
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    headers.set('authorization', authorization);
    let response: Response;
    try {
      response = await underlying(input, { ...init, headers, redirect: 'follow', signal: AbortSignal.timeout(requestTimeoutMs) });
    } catch (error) {
      throw unreachable('The CalDAV server could not be reached.', error);
    }
    if (response.status === 401) throw authFailed();
    if (response.status >= 500) throw unreachable(`The CalDAV server answered ${response.status}.`);
    return response;
  }) as typeof fetch;
}

const etagOf = (value: unknown): string | undefined => (value === undefined || value === null || value === '' ? undefined : String(value));

/** Calendar data as tsdav reads it: text, or a CDATA section. */
const calendarDataOf = (props: Record<string, unknown> | undefined): string | undefined => {
  const data = props?.calendarData as { _cdata?: string } | string | undefined;
  const text = typeof data === 'object' && data !== null ? data._cdata : data;
  return typeof text === 'string' && text.includes('BEGIN:VCALENDAR') ? text : undefined;
};

const resourceTypesOf = (props: Record<string, unknown> | undefined): string[] => Object.keys((props?.resourcetype as object | undefined) ?? {});

/** Where a calendar is, its name, and what it supports, as found from whatever URL the person gave. */
export interface DiscoveredCalendar {
  calendarUrl: string;
  name: string;
  supportsSyncCollection: boolean;
}

const withSlash = (url: string) => (url.endsWith('/') ? url : `${url}/`);
const absoluteUrl = (text: string) => new URL(text).href;

/**
 * Finds the calendar collection behind `url`: the collection itself when `url` is one, or else the
 * first calendar of events in the account the server's discovery (well-known URL, principal, home
 * set) leads to. Throws `source_unreachable`, `source_auth_failed` or `source_invalid`.
 */
export async function discoverCalDavCalendar(settings: { url: string; username: string; password: string; fetch?: typeof fetch }): Promise<DiscoveredCalendar> {
  const requestFetch = sourceFetch(settings);
  const describe = async (url: string) => {
    const [answer] = await propfind({
      url,
      props: { 'd:resourcetype': {}, 'd:displayname': {}, 'd:supported-report-set': {} },
      depth: '0',
      fetch: requestFetch,
    });
    return answer;
  };
  const here = await describe(absoluteUrl(settings.url));
  if (here?.status === 403) throw authFailed();
  if (here?.ok && here.props && resourceTypesOf(here.props).includes('calendar')) {
    return { calendarUrl: withSlash(absoluteUrl(settings.url)), name: displayNameOf(here.props), supportsSyncCollection: supportsSync(here.props) };
  }
  if (!here?.props) throw invalid('The address does not answer as a CalDAV server.');
  // Not a calendar itself: follow the account's discovery to its calendars.
  const account = { serverUrl: settings.url, accountType: 'caldav' as const, credentials: {} };
  let rootUrl: string;
  try {
    rootUrl = await serviceDiscovery({ account, fetch: requestFetch });
  } catch (error) {
    if (error instanceof AppError) throw error;
    rootUrl = settings.url;
  }
  let calendars: Awaited<ReturnType<typeof fetchCalendars>>;
  try {
    const principalUrl = await fetchPrincipalUrl({ account: { ...account, rootUrl }, fetch: requestFetch });
    const homeUrl = await fetchHomeUrl({ account: { ...account, rootUrl, principalUrl }, fetch: requestFetch });
    calendars = await fetchCalendars({ account: { ...account, rootUrl, principalUrl, homeUrl }, fetch: requestFetch });
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw invalid('The server does not lead to any calendar.');
  }
  const calendar = calendars.find((candidate) => !candidate.components || candidate.components.includes('VEVENT'));
  if (!calendar) throw invalid('The account has no calendar of events.');
  const calendarUrl = withSlash(new URL(calendar.url, rootUrl).href);
  const described = await describe(calendarUrl);
  return {
    calendarUrl,
    name:
      typeof calendar.displayName === 'string' && calendar.displayName
        ? calendar.displayName
        : new URL(calendarUrl).pathname.split('/').filter(Boolean).at(-1) || 'Calendar',
    supportsSyncCollection: supportsSync(described?.props),
  };
}

function displayNameOf(props: Record<string, unknown>): string {
  const name = props.displayname;
  return typeof name === 'string' || typeof name === 'number' ? String(name) : 'Calendar';
}

function supportsSync(props: Record<string, unknown> | undefined): boolean {
  const reports = (props?.supportedReportSet as { supportedReport?: unknown } | undefined)?.supportedReport;
  const list = Array.isArray(reports) ? reports : reports ? [reports] : [];
  return list.some((entry) => Object.keys((entry as { report?: object })?.report ?? {}).includes('syncCollection'));
}

/** A CalDAV calendar collection as a source: pulls by sync-collection or full listing, and writes with ETag preconditions. */
export function createCalDavAdapter(settings: CalDavSettings): CalendarSourceAdapter {
  const requestFetch = sourceFetch(settings);
  const calendarUrl = settings.calendarUrl;
  const absolute = (href: string) => new URL(href, calendarUrl).href;
  const isMember = (href: string) => absolute(href) !== calendarUrl && absolute(href).endsWith('.ics');

  async function multiGet(hrefs: string[]): Promise<RemoteEvent[]> {
    if (hrefs.length === 0) return [];
    const answers = await calendarMultiGet({
      url: calendarUrl,
      props: { 'd:getetag': {}, 'c:calendar-data': {} },
      objectUrls: hrefs.map((href) => new URL(absolute(href)).pathname),
      depth: '1',
      fetch: requestFetch,
    });
    return answers.flatMap((answer) => {
      const ics = calendarDataOf(answer.props);
      const etag = etagOf(answer.props?.getetag);
      return answer.href && answer.ok && ics && etag ? [{ remoteId: absolute(answer.href), etag, ics }] : [];
    });
  }

  async function listEverything(): Promise<SourceChanges> {
    const answers = await calendarQuery({
      url: calendarUrl,
      props: { 'd:getetag': {}, 'c:calendar-data': {} },
      filters: { 'c:comp-filter': { _attributes: { name: 'VCALENDAR' }, 'c:comp-filter': { _attributes: { name: 'VEVENT' } } } },
      depth: '1',
      fetch: requestFetch,
    });
    checkMultiStatus(answers);
    const changed = answers.flatMap((answer) => {
      const ics = calendarDataOf(answer.props);
      const etag = etagOf(answer.props?.getetag);
      return answer.href && answer.ok && ics && etag && isMember(answer.href) ? [{ remoteId: absolute(answer.href), etag, ics }] : [];
    });
    return { changed, deleted: [], cursor: null, fullResync: true };
  }

  async function syncSince(cursor: string | null): Promise<SourceChanges> {
    const answers = await syncCollection({
      url: calendarUrl,
      props: { 'd:getetag': {} },
      syncLevel: 1,
      syncToken: cursor ?? undefined,
      fetch: requestFetch,
    });
    const first = answers[0];
    // A token the server no longer knows (RFC 6578 §3.2: 403 or 409 with DAV:valid-sync-token): start over.
    if (cursor && first && !isMultiStatus(first) && (first.status === 403 || first.status === 409)) return syncSince(null);
    if (first?.status === 403) throw authFailed();
    checkMultiStatus(answers);
    const token = (first?.raw as { multistatus?: { syncToken?: unknown } } | undefined)?.multistatus?.syncToken;
    if (token === undefined || token === null) throw invalid('The CalDAV server answered a sync report without a sync token.');
    const members = answers.filter((answer) => typeof answer.href === 'string' && isMember(answer.href));
    const deleted = members.filter((answer) => answer.status === 404).map((answer) => absolute(answer.href as string));
    const changedHrefs = members.filter((answer) => answer.status !== 404).map((answer) => answer.href as string);
    return { changed: await multiGet(changedHrefs), deleted, cursor: String(token), fullResync: cursor === null };
  }

  /** The remote's current version of one event, or that it is gone: what a refused write answers. */
  async function current(remoteId: string): Promise<RemoteConflict> {
    const response = await requestFetch(remoteId, { method: 'GET' });
    if (response.status === 404 || response.status === 410) return { conflict: { deleted: true } };
    const ics = await response.text();
    const etag = response.headers.get('etag');
    if (!response.ok || !ics.includes('BEGIN:VCALENDAR') || !etag) throw invalid(`The CalDAV server answered ${response.status} for an event.`);
    return { conflict: { remoteId, etag, ics } };
  }

  /** A PUT's ETag, or, for servers that change what they store and so send none, the one a PROPFIND reads. */
  async function etagAfterWrite(remoteId: string, response: Response): Promise<string> {
    const sent = response.headers.get('etag');
    if (sent) return sent;
    const [answer] = await propfind({ url: remoteId, props: { 'd:getetag': {} }, depth: '0', fetch: requestFetch });
    const etag = etagOf(answer?.props?.getetag);
    if (!etag) throw invalid('The CalDAV server gave no ETag for an event it stored.');
    return etag;
  }

  function refused(response: Response, what: string): never {
    if (response.status === 403) throw authFailed();
    throw invalid(`The CalDAV server refused to ${what} an event (${response.status}).`);
  }

  return {
    kind: 'caldav',
    pull: (cursor) => (settings.supportsSyncCollection ? syncSince(cursor) : listEverything()),
    async create(uid, ics): Promise<RemoteVersion> {
      // The UID names the resource when it is a safe file name; otherwise (or if taken) a random one does.
      const safe = /^[A-Za-z0-9@._-]{1,120}$/.test(uid) ? uid : crypto.randomUUID();
      for (const name of [safe, crypto.randomUUID()]) {
        const remoteId = absolute(`${encodeURIComponent(name)}.ics`);
        const response = await createObject({
          url: remoteId,
          data: ics,
          headers: { 'content-type': 'text/calendar; charset=utf-8', 'if-none-match': '*' },
          fetch: requestFetch,
        });
        if (response.status === 412) continue;
        if (!response.ok) refused(response, 'create');
        return { remoteId, etag: await etagAfterWrite(remoteId, response) };
      }
      throw invalid('The CalDAV server refused every name for a new event.');
    },
    async update(remoteId, ics, etag): Promise<RemoteVersion | RemoteConflict> {
      const response = await updateObject({ url: remoteId, data: ics, etag, headers: { 'content-type': 'text/calendar; charset=utf-8' }, fetch: requestFetch });
      if (response.status === 412 || response.status === 404) return current(remoteId);
      if (!response.ok) refused(response, 'change');
      return { remoteId, etag: await etagAfterWrite(remoteId, response) };
    },
    async delete(remoteId, etag): Promise<{ deleted: true } | RemoteConflict> {
      const response = await deleteObject({ url: remoteId, etag, fetch: requestFetch });
      if (response.status === 404 || response.status === 410) return { deleted: true };
      if (response.status === 412) {
        const now = await current(remoteId);
        return 'deleted' in now.conflict ? { deleted: true } : now;
      }
      if (!response.ok) refused(response, 'delete');
      return { deleted: true };
    },
  };
}

/** A report that did not come back as a multistatus is not CalDAV (an HTML page, a 404 for a calendar that went away). */
function checkMultiStatus(answers: { raw?: unknown; href?: string; status: number; props?: unknown }[]): void {
  const first = answers[0];
  if (first && !isMultiStatus(first)) throw invalid(`The calendar did not answer as a CalDAV collection (${first.status}).`);
}

const isMultiStatus = (answer: { raw?: unknown }) => typeof answer.raw === 'object' && answer.raw !== null && 'multistatus' in answer.raw;

import { inject } from 'vitest';

/**
 * A fresh user with one calendar on the test Radicale (`test-support/radicale.ts`), and the calls a
 * test makes to change that calendar directly, as another CalDAV client would. Runs inside workerd.
 */
export interface RadicaleAccount {
  username: string;
  password: string;
  /** The server root, for discovery. */
  serverUrl: string;
  calendarUrl: string;
  /** Writes an event file of the calendar; answers the status and the new ETag. */
  put(name: string, ics: string, options?: { ifMatch?: string }): Promise<{ status: number; etag: string | null }>;
  get(name: string): Promise<{ status: number; ics: string; etag: string | null }>;
  delete(name: string): Promise<number>;
  /** Every event file of the calendar, by name, with its text. */
  events(): Promise<Map<string, string>>;
  /** Makes the server unreachable for this user (or reachable again). */
  outage(down: boolean): Promise<void>;
}

export const radicaleUrl = (): string => inject('radicaleUrl');

export async function createRadicaleAccount(): Promise<RadicaleAccount> {
  const serverUrl = radicaleUrl();
  const username = `user${crypto.randomUUID().slice(0, 8)}`;
  const password = `password-${crypto.randomUUID()}`;
  const control = await fetch(`${serverUrl}/__control/users`, { method: 'POST', body: JSON.stringify({ username, password }) });
  if (control.status !== 204) throw new Error(`The Radicale control API refused a user: ${control.status}`);
  const authorization = `Basic ${btoa(`${username}:${password}`)}`;
  const calendarUrl = `${serverUrl}/${username}/calendar/`;
  // Radicale makes the principal collection at the first request of a user; then the calendar.
  await (await fetch(`${serverUrl}/${username}/`, { method: 'PROPFIND', headers: { authorization, depth: '0' } })).text();
  // Extended MKCOL (RFC 5689) rather than MKCALENDAR, which workerd's fetch does not send.
  const made = await fetch(calendarUrl, {
    method: 'MKCOL',
    headers: { authorization, 'content-type': 'application/xml' },
    body:
      '<?xml version="1.0"?><D:mkcol xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop>' +
      '<D:resourcetype><D:collection/><C:calendar/></D:resourcetype><D:displayname>Family</D:displayname></D:prop></D:set></D:mkcol>',
  });
  if (made.status !== 201) throw new Error(`Radicale did not make the calendar: ${made.status} ${await made.text()}`);
  const get = async (name: string) => {
    const response = await fetch(`${calendarUrl}${name}`, { headers: { authorization } });
    return { status: response.status, ics: await response.text(), etag: response.headers.get('etag') };
  };
  return {
    username,
    password,
    serverUrl,
    calendarUrl,
    async put(name, ics, options = {}) {
      const headers: Record<string, string> = { authorization, 'content-type': 'text/calendar; charset=utf-8' };
      if (options.ifMatch) headers['if-match'] = options.ifMatch;
      const response = await fetch(`${calendarUrl}${name}`, { method: 'PUT', headers, body: ics });
      await response.text();
      return { status: response.status, etag: response.headers.get('etag') };
    },
    get,
    async delete(name) {
      const response = await fetch(`${calendarUrl}${name}`, { method: 'DELETE', headers: { authorization } });
      await response.text();
      return response.status;
    },
    async events() {
      const response = await fetch(calendarUrl, {
        method: 'PROPFIND',
        headers: { authorization, depth: '1', 'content-type': 'application/xml' },
        body: '<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:getetag/></D:prop></D:propfind>',
      });
      const text = await response.text();
      const names = [...text.matchAll(/<(?:\w+:)?href>([^<]+\.ics)<\/(?:\w+:)?href>/gi)].map((match) =>
        decodeURIComponent((match[1] as string).split('/').at(-1) as string),
      );
      const events = new Map<string, string>();
      for (const name of names) events.set(name, (await get(encodeURIComponent(name))).ics);
      return events;
    },
    async outage(down) {
      const response = await fetch(`${serverUrl}/__control/outage`, { method: 'POST', body: JSON.stringify({ username, down }) });
      await response.text();
    },
  };
}

/** An iCalendar file of one event, lines joined with CRLF. */
export const icsOf = (...eventLines: string[]): string =>
  ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Other client//EN', 'BEGIN:VEVENT', ...eventLines, 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');

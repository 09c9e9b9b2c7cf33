// Where the agenda's events come from besides the chat: an .ics file imported once, a CalDAV
// calendar (iCloud, Fastmail, Nextcloud…) or Google Calendar kept in sync. Google is connected by
// sending the browser to Google, which returns to /today/google-callback to finish. In the mobile
// app, Google's page opens in the system browser instead (Google refuses embedded web views),
// Kindred's callback hands the code back to the app through a `kindred://calendar/` link, and the
// app finishes the connection with its own session (calendar-app-return.ts).
import { type ChangeEvent, type FormEvent, useCallback, useEffect, useState } from 'react';
import { type CalendarSource, KindredApiError } from '../../../common/client.ts';
import { api, isNativeApp } from '../api.ts';
import { ErrorAlert } from '../components/error-alert.tsx';
import { sentenceForErrorId } from '../error-messages.ts';
import { calendarAppReturn, finishCalendarAppLink } from './calendar-app-return.ts';

/** Where Google sends the browser back; the same address must start and finish the connection. */
export const googleRedirectPath = '/today/google-callback';

const statusWords: Record<CalendarSource['status'], string> = { connecting: 'Connecting…', ok: 'In sync', error: 'Not syncing' };

export function CalendarConnections({ onEventsChanged }: { onEventsChanged(): void }) {
  const [sources, setSources] = useState<CalendarSource[]>();
  const [error, setError] = useState<unknown>();
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const [caldav, setCaldav] = useState({ url: '', username: '', password: '', name: '' });

  const reload = useCallback(async () => {
    try {
      setSources(await api.calendarSources());
    } catch (caught) {
      // A server without connected calendars answers not_found: it simply has none to list.
      if (caught instanceof KindredApiError && caught.id === 'not_found') setSources([]);
      else setError(caught);
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);

  // The app's Google connection coming back from the system browser: finish it with this session,
  // then show the new calendar, or why nothing was connected.
  useEffect(
    () =>
      calendarAppReturn.subscribe((link) => {
        setError(undefined);
        setStatus(link.outcome === 'google-return' ? 'Finishing the connection…' : '');
        setBusy(link.outcome === 'google-return');
        void finishCalendarAppLink(link, (grant) => api.completeGoogleConnection(grant)).then(async (notice) => {
          setBusy(false);
          if ('error' in notice) {
            setStatus('');
            setError(notice.error);
            return;
          }
          setStatus(notice.status);
          await reload();
          onEventsChanged();
        });
      }),
    [reload, onEventsChanged],
  );

  const run = async (action: () => Promise<string>) => {
    setError(undefined);
    setStatus('');
    setBusy(true);
    try {
      setStatus(await action());
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const importFile = (event: ChangeEvent<HTMLInputElement>) => {
    const input = event.currentTarget;
    const file = input.files?.[0];
    if (file === undefined) return;
    void run(async () => {
      const { imported } = await api.importCalendar(await file.text());
      input.value = '';
      onEventsChanged();
      return imported === 1 ? 'Imported 1 event.' : `Imported ${imported} events.`;
    });
  };

  const connectCaldav = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const name = caldav.name.trim();
      const answer = await api.addCalendarSource({
        kind: 'caldav',
        url: caldav.url.trim(),
        username: caldav.username,
        password: caldav.password,
        ...(name ? { name } : {}),
      });
      setCaldav({ url: '', username: '', password: '', name: '' });
      await reload();
      onEventsChanged();
      return `Connected ${'name' in answer ? answer.name : 'the calendar'}.`;
    });
  };

  const connectGoogle = () =>
    void run(async () => {
      const inApp = isNativeApp();
      const answer = await api.addCalendarSource(
        inApp ? { kind: 'google', returnTo: 'app' } : { kind: 'google', redirectUri: `${window.location.origin}${googleRedirectPath}` },
      );
      if (!('authorizationUrl' in answer)) throw new KindredApiError('unexpected_response', 'Google connection answered no address.', 200);
      // In the app this leaves for the system browser: Capacitor hands any address outside the app
      // (and outside `server.allowNavigation`, which must never list Google) to the operating system.
      window.location.assign(answer.authorizationUrl);
      return inApp ? 'Finish in the browser: Kindred comes back here when Google is done.' : 'Opening Google…';
    });

  const disconnect = (source: CalendarSource) =>
    void run(async () => {
      await api.deleteCalendarSource(source.id);
      setSources((previous) => previous?.filter((item) => item.id !== source.id));
      onEventsChanged();
      return `Disconnected ${source.name}.`;
    });

  return (
    <section className="card today-section" aria-labelledby="today-calendars-heading">
      <h2 id="today-calendars-heading">Calendars</h2>
      {sources !== undefined && sources.length === 0 && <p className="empty">No calendars connected.</p>}
      {sources !== undefined && sources.length > 0 && (
        <ul className="plain-list today-sources">
          {sources.map((source) => (
            <li key={source.id} className="today-source">
              <span className="today-source-name">
                <span id={`source-${source.id}`}>{source.name}</span>
                <span className="hint">
                  {source.kind === 'google' ? 'Google Calendar' : 'CalDAV'} · {statusWords[source.status]}
                  {source.status === 'error' && source.errorId ? `: ${sentenceForErrorId(source.errorId)}` : ''}
                </span>
              </span>
              <button
                type="button"
                className="button secondary small"
                aria-describedby={`source-${source.id}`}
                disabled={busy}
                onClick={() => disconnect(source)}
              >
                Disconnect
              </button>
            </li>
          ))}
        </ul>
      )}
      <ErrorAlert error={error} focus />
      <p role="status" className="today-status">
        {status}
      </p>

      <div className="today-calendar-actions">
        <button type="button" className="button secondary" disabled={busy} onClick={connectGoogle}>
          Connect Google Calendar
        </button>
        <div className="field">
          <label htmlFor="calendar-import">Import an .ics file</label>
          <input id="calendar-import" type="file" accept=".ics,text/calendar" disabled={busy} onChange={importFile} aria-describedby="calendar-import-hint" />
          <p id="calendar-import-hint" className="hint">
            Its events are copied in once; later changes in the file are not followed.
          </p>
        </div>
      </div>

      <details className="today-caldav">
        <summary>Connect a CalDAV calendar</summary>
        <form onSubmit={connectCaldav}>
          <p className="hint">iCloud, Fastmail, Nextcloud and others. Use an app password where your provider offers one.</p>
          <div className="field">
            <label htmlFor="caldav-url">Server address</label>
            <input
              id="caldav-url"
              type="url"
              required
              inputMode="url"
              placeholder="https://caldav.example.com/"
              value={caldav.url}
              onChange={(event) => setCaldav({ ...caldav, url: event.target.value })}
            />
          </div>
          <div className="field">
            <label htmlFor="caldav-username">User name</label>
            <input
              id="caldav-username"
              required
              autoComplete="username"
              value={caldav.username}
              onChange={(event) => setCaldav({ ...caldav, username: event.target.value })}
            />
          </div>
          <div className="field">
            <label htmlFor="caldav-password">Password</label>
            <input
              id="caldav-password"
              type="password"
              required
              autoComplete="current-password"
              value={caldav.password}
              onChange={(event) => setCaldav({ ...caldav, password: event.target.value })}
            />
          </div>
          <div className="field">
            <label htmlFor="caldav-name">
              Name <span className="optional">(optional)</span>
            </label>
            <input id="caldav-name" maxLength={100} value={caldav.name} onChange={(event) => setCaldav({ ...caldav, name: event.target.value })} />
          </div>
          <button type="submit" className="button primary" disabled={busy}>
            Connect
          </button>
        </form>
      </details>
    </section>
  );
}

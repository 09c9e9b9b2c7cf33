// Where Google sends the browser back after the person granted (or refused) calendar access: the
// code and Kindred's state go to the server once, which finishes the connection.
import { useEffect, useState } from 'react';
import type { CalendarSource } from '../../../common/client.ts';
import { api } from '../api.ts';
import { ErrorAlert } from '../components/error-alert.tsx';
import { ScreenHeading } from '../components/screen-heading.tsx';
import { Link } from '../router.tsx';

// Google's code works once: a second request (React runs effects twice in development) would fail
// and hide the first one's success, so each code's request is kept and shared.
const completions = new Map<string, Promise<CalendarSource>>();

type Outcome = { state: 'working' } | { state: 'connected'; source: CalendarSource } | { state: 'failed'; error: unknown };

export function GoogleCallbackScreen() {
  const [outcome, setOutcome] = useState<Outcome>({ state: 'working' });
  useEffect(() => {
    const query = new URLSearchParams(window.location.search);
    const code = query.get('code');
    const state = query.get('state');
    if (query.get('error') !== null || code === null || state === null) {
      setOutcome({ state: 'failed', error: 'Google did not give access to the calendar, so nothing was connected.' });
      return;
    }
    let completion = completions.get(code);
    if (completion === undefined) {
      completion = api.completeGoogleConnection({ code, state });
      completions.set(code, completion);
    }
    let current = true;
    completion.then(
      (source) => current && setOutcome({ state: 'connected', source }),
      (error: unknown) => current && setOutcome({ state: 'failed', error }),
    );
    return () => {
      current = false;
    };
  }, []);

  return (
    <main id="main" className="page narrow">
      <ScreenHeading>Connecting Google Calendar</ScreenHeading>
      <p role="status">
        {outcome.state === 'working' && 'Finishing the connection…'}
        {outcome.state === 'connected' && `Connected ${outcome.source.name}. Its events will appear in your agenda.`}
      </p>
      {outcome.state === 'failed' && <ErrorAlert error={outcome.error} />}
      {outcome.state !== 'working' && (
        <p>
          <Link href="/today">Back to Today</Link>
        </p>
      )}
    </main>
  );
}

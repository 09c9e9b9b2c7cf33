// The devices signed in to the account, so that one lost, sold or shared can be signed out from
// another. This device is marked and has no button: "Sign out" in the menu is for it.
import { useCallback, useEffect, useState } from 'react';
import type { Session } from '../../../common/sessions.ts';
import { api } from '../api.ts';
import { ErrorAlert } from '../components/error-alert.tsx';
import { useBusyWork } from '../tools/use-busy-work.ts';
import { deviceLabel } from './device-label.ts';

const signedInOn = (session: Session) => new Date(session.createdAt).toLocaleDateString(undefined, { dateStyle: 'medium' });

export function SessionSettings() {
  const [sessions, setSessions] = useState<Session[]>();
  const [status, setStatus] = useState('');
  /** The session being signed out, for its button's label while the work runs. */
  const [ending, setEnding] = useState<string>();
  const work = useBusyWork();
  const { setError } = work;

  const load = useCallback(async () => {
    try {
      setSessions(await api.sessions());
    } catch (caught) {
      setError(caught);
    }
  }, [setError]);
  useEffect(() => {
    void load();
  }, [load]);

  const signOut = (session: Session) => {
    setEnding(session.id);
    return work.run(async () => {
      await api.endSession(session.id);
      setStatus(`Signed out ${deviceLabel(session.device)}.`);
      await load();
    });
  };

  return (
    <div className="settings-block">
      <h3>Signed-in devices</h3>
      <p className="settings-muted">Every browser and phone signed in to your account. Sign out any you no longer use or do not recognise.</p>
      {sessions && (
        <ul className="backup-list" aria-label="Signed-in devices">
          {sessions.map((session) => (
            <li key={session.id} className="backup-item">
              <span>
                {deviceLabel(session.device)}, signed in {signedInOn(session)}
                {session.current && <strong> (this device)</strong>}
              </span>{' '}
              {!session.current && (
                <button type="button" className="button secondary" disabled={work.busy} onClick={() => void signOut(session)}>
                  {work.busy && ending === session.id ? 'Signing out…' : 'Sign out'}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <ErrorAlert error={work.error} />
      <span role="status" className="settings-status">
        {status}
      </span>
    </div>
  );
}

// The person's own details: the name the companion calls them by, and the time zone that its
// reminders and sense of "today" follow.
import { type FormEvent, useState } from 'react';
import { api } from '../api.ts';
import { ErrorAlert } from '../components/error-alert.tsx';
import { useSession } from '../session.tsx';

function timeZones(): string[] {
  const intl = Intl as typeof Intl & { supportedValuesOf?: (key: 'timeZone') => string[] };
  return intl.supportedValuesOf?.('timeZone') ?? ['UTC'];
}

export function ProfileSettings() {
  const session = useSession();
  const [displayName, setDisplayName] = useState(session.user.displayName ?? '');
  const [timezone, setTimezone] = useState(session.user.timezone);
  const [error, setError] = useState<unknown>();
  const [status, setStatus] = useState('');
  const zones = timeZones();
  const deviceZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setStatus('');
    try {
      session.setUser(await api.updateMe({ timezone, displayName: displayName.trim() === '' ? null : displayName.trim() }));
      setStatus('Saved.');
    } catch (caught) {
      setError(caught);
    }
  };

  return (
    <form onSubmit={save}>
      <div className="field">
        <label htmlFor="settings-name">Your name</label>
        <input id="settings-name" value={displayName} maxLength={80} autoComplete="name" onChange={(event) => setDisplayName(event.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="settings-timezone">Time zone</label>
        <select id="settings-timezone" value={timezone} aria-describedby="settings-timezone-hint" onChange={(event) => setTimezone(event.target.value)}>
          {!zones.includes(timezone) && <option value={timezone}>{timezone}</option>}
          {zones.map((zone) => (
            <option key={zone} value={zone}>
              {zone.replaceAll('_', ' ')}
            </option>
          ))}
        </select>
        <p id="settings-timezone-hint" className="settings-muted">
          Used for dates, times and reminders.
          {deviceZone && deviceZone !== timezone && zones.includes(deviceZone) && (
            <>
              {' '}
              <button type="button" className="settings-inline-action" onClick={() => setTimezone(deviceZone)}>
                Use this device's ({deviceZone.replaceAll('_', ' ')})
              </button>
            </>
          )}
        </p>
      </div>
      <ErrorAlert error={error} />
      <div className="actions">
        <button type="submit" className="button primary">
          Save
        </button>
        <span role="status" className="settings-status">
          {status}
        </span>
      </div>
    </form>
  );
}

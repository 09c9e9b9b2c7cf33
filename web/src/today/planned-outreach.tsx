// What the companion plans to bring up by itself, in its own voice and plain words, with the way
// to change it.
import type { OutreachAnswer } from '../../../common/client.ts';
import { ErrorAlert } from '../components/error-alert.tsx';
import { Link } from '../router.tsx';
import { settingsPath } from '../settings/settings-routes.ts';
import { describePlanned } from './today-format.ts';

interface PlannedOutreachProps {
  outreach: OutreachAnswer | undefined;
  error: unknown;
  timeZone: string;
  companionName: string;
}

export function PlannedOutreach({ outreach, error, timeZone, companionName }: PlannedOutreachProps) {
  const now = new Date();
  return (
    <section className="card today-section" aria-labelledby="today-planned-heading">
      <h2 id="today-planned-heading">What I plan to bring up</h2>
      <p className="hint">Things {companionName} will mention by itself, within your waking hours.</p>
      <ErrorAlert error={error} />
      {outreach === undefined && error === undefined && <p className="empty">Loading…</p>}
      {outreach?.settings.paused && <p className="today-paused">Paused: {companionName} won't reach out first. Reminders you set still come.</p>}
      {outreach !== undefined && !outreach.settings.paused && outreach.planned.length === 0 && <p className="empty">Nothing planned right now.</p>}
      {outreach !== undefined && outreach.planned.length > 0 && (
        <ul className="plain-list today-planned">
          {outreach.planned.map((item) => {
            const { what, when } = describePlanned(item, now, timeZone);
            return (
              <li key={`${item.kind}-${item.at}-${item.reason}`} className="today-planned-item">
                <span className="today-planned-what">{what}</span>
                <span className="today-planned-when">{when}</span>
              </li>
            );
          })}
        </ul>
      )}
      <p>
        <Link href={settingsPath('outreach')}>Reaching-out settings</Link>
      </p>
    </section>
  );
}

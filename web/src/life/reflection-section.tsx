// The weekly reflection: when on, the companion writes what happened, what went well and what is
// next from the week's conversations, goals and moods, and sends it like its other messages. Each
// change is saved the moment it is made, and the next one's time comes back from the server.
import { useEffect, useRef, useState } from 'react';
import type { ReflectionAnswer, ReflectionSettingsPatch } from '../../../common/client.ts';
import type { Weekday } from '../../../common/goals.ts';
import { api } from '../api.ts';
import { ErrorAlert } from '../components/error-alert.tsx';
import { SwitchRow } from '../components/switch-row.tsx';
import { Link } from '../router.tsx';
import { useSession } from '../session.tsx';
import { settingsPath } from '../settings/settings-routes.ts';
import { describeNextReflection, weekdayNames, weekdays } from './life-words.ts';

export function ReflectionSection() {
  const { user, companion } = useSession();
  const [answer, setAnswer] = useState<ReflectionAnswer>();
  const [loadError, setLoadError] = useState<unknown>();
  const [error, setError] = useState<unknown>();
  const [status, setStatus] = useState('');
  const latestChange = useRef(0);

  useEffect(() => {
    api.reflection().then(setAnswer, setLoadError);
  }, []);

  const change = async (current: ReflectionAnswer, patch: ReflectionSettingsPatch) => {
    const changeNumber = ++latestChange.current;
    // The controls show the change at once, and go back if the server says no.
    setAnswer({ ...current, settings: { ...current.settings, ...patch } });
    setError(undefined);
    setStatus('');
    try {
      const saved = await api.updateReflection(patch);
      if (changeNumber !== latestChange.current) return;
      setAnswer(saved);
      // The sentence below the controls says when the next one comes; the status only confirms.
      setStatus(saved.settings.enabled ? 'Saved.' : 'Saved: the weekly reflection is off.');
    } catch (caught) {
      if (changeNumber !== latestChange.current) return;
      setAnswer(current);
      setError(caught);
    }
  };

  return (
    <section className="card life-section" aria-labelledby="life-reflection-heading">
      <h2 id="life-reflection-heading">Weekly reflection</h2>
      {answer === undefined ? (
        loadError ? (
          <ErrorAlert error={loadError} />
        ) : (
          <p className="empty">Loading…</p>
        )
      ) : (
        <>
          <ul className="settings-toggles">
            <SwitchRow
              id="reflection-enabled"
              title="Write me a weekly reflection"
              description={`Once a week, ${companion.name} writes what happened, what went well and what is next, from your conversations, goals and moods.`}
              checked={answer.settings.enabled}
              onChange={() => void change(answer, { enabled: !answer.settings.enabled })}
            />
          </ul>
          <div className="life-form-pair">
            <div className="field">
              <label htmlFor="reflection-weekday">Day</label>
              <select
                id="reflection-weekday"
                value={answer.settings.weekday}
                disabled={!answer.settings.enabled}
                onChange={(event) => void change(answer, { weekday: event.target.value as Weekday })}
              >
                {weekdays.map((day) => (
                  <option key={day} value={day}>
                    {weekdayNames[day]}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="reflection-time">Time</label>
              <input
                id="reflection-time"
                type="time"
                required
                value={answer.settings.time}
                disabled={!answer.settings.enabled}
                // A half-typed time is not sent; the input reports "" until it is whole.
                onChange={(event) => event.target.value !== '' && void change(answer, { time: event.target.value })}
              />
            </div>
          </div>
          <p className="hint" data-testid="reflection-next">
            {describeNextReflection(answer.nextAt, new Date(), user.timezone)} It comes like {companion.name}'s other messages, outside your quiet hours (
            <Link href={settingsPath('outreach')}>reaching-out settings</Link>).
          </p>
          <ErrorAlert error={error} focus />
          <p role="status" className="life-status">
            {status}
          </p>
        </>
      )}
    </section>
  );
}

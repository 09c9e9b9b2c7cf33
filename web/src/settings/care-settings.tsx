// Which country's help lines a reply to a worrying message carries. Beside the time zone in Profile,
// since that is what "automatic" follows; saved the moment it is picked, like the voice's switches.
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { CareSettings } from '../../../common/client.ts';
import { api } from '../api.ts';
import { automaticCountry, countryChoices, countryFromChoice } from '../care/care-countries.ts';
import { ErrorAlert } from '../components/error-alert.tsx';

export function CareCountrySettings() {
  const [settings, setSettings] = useState<CareSettings>();
  const [loadError, setLoadError] = useState<unknown>();
  const [error, setError] = useState<unknown>();
  const [status, setStatus] = useState('');
  const latestChange = useRef(0);
  const selectId = useId();
  const hintId = useId();
  const headingId = useId();
  const savedCountry = settings?.country ?? null;
  const choices = useMemo(() => countryChoices(navigator.language, savedCountry), [savedCountry]);

  useEffect(() => {
    api.careSettings().then(setSettings, setLoadError);
  }, []);

  const choose = async (current: CareSettings, value: string) => {
    const changeNumber = ++latestChange.current;
    const country = countryFromChoice(value);
    // The select shows the choice at once, and goes back if the server says no.
    setSettings({ country });
    setError(undefined);
    setStatus('');
    try {
      const saved = await api.updateCareSettings({ country });
      if (changeNumber !== latestChange.current) return;
      setSettings(saved);
      setStatus('Saved.');
    } catch (caught) {
      if (changeNumber !== latestChange.current) return;
      setSettings(current);
      setError(caught);
    }
  };

  return (
    <section className="settings-block care-settings" aria-labelledby={headingId}>
      <h3 id={headingId}>Help in a crisis</h3>
      {settings === undefined ? (
        loadError ? (
          <ErrorAlert error={loadError} />
        ) : (
          <p className="settings-muted">Loading…</p>
        )
      ) : (
        <>
          <div className="field">
            <label htmlFor={selectId}>Country for help lines</label>
            <select
              id={selectId}
              value={settings.country ?? automaticCountry}
              aria-describedby={hintId}
              onChange={(event) => void choose(settings, event.target.value)}
            >
              <option value={automaticCountry}>Automatic (from your time zone)</option>
              {choices.map((choice) => (
                <option key={choice.code} value={choice.code}>
                  {choice.name}
                </option>
              ))}
            </select>
            <p id={hintId} className="settings-muted">
              If something you write sounds like you may be in danger, Kindred shows crisis lines and the emergency number for this country.
            </p>
          </div>
          <ErrorAlert error={error} />
          <p role="status" className="settings-status">
            {status}
          </p>
        </>
      )}
    </section>
  );
}

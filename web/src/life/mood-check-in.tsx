// The one-tap mood: five big buttons from very low to great, an optional note written first, and
// today's entries (with a way to take one back). Each tap is saved at once; the trend below reloads.
import { useCallback, useEffect, useId, useState } from 'react';
import type { MoodEntry } from '../../../common/client.ts';
import { moodLabels } from '../../../common/mood.ts';
import { api } from '../api.ts';
import { ErrorAlert } from '../components/error-alert.tsx';
import { useSession } from '../session.tsx';
import { clockTimeOf, dayKeyOf } from '../today/today-format.ts';
import { MoodFace } from './mood-face.tsx';

const capitalised = (word: string) => `${word.charAt(0).toUpperCase()}${word.slice(1)}`;

export function MoodCheckIn({ onRecorded }: { onRecorded(): void }) {
  const { user } = useSession();
  const timeZone = user.timezone;
  const [entries, setEntries] = useState<MoodEntry[]>();
  const [loadError, setLoadError] = useState<unknown>();
  const [error, setError] = useState<unknown>();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState('');
  const noteId = useId();
  const hintId = useId();

  const load = useCallback(async () => {
    const today = dayKeyOf(new Date(), timeZone);
    try {
      setEntries(await api.moods({ from: today, to: today }));
      setLoadError(undefined);
    } catch (caught) {
      setLoadError(caught);
    }
  }, [timeZone]);
  useEffect(() => {
    void load();
  }, [load]);

  const record = async (score: number) => {
    setBusy(true);
    setError(undefined);
    setStatus('');
    try {
      const trimmed = note.trim();
      const entry = await api.recordMood(trimmed === '' ? { score } : { score, note: trimmed });
      setEntries((previous) => [entry, ...(previous ?? [])]);
      setNote('');
      setStatus(`Saved: ${moodLabels[score - 1]} at ${clockTimeOf(entry.at, timeZone)}.`);
      onRecorded();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const remove = async (entry: MoodEntry) => {
    setError(undefined);
    setStatus('');
    try {
      await api.deleteMood(entry.id);
      setEntries((previous) => previous?.filter((item) => item.id !== entry.id));
      setStatus(`Removed the ${moodLabels[entry.score - 1]} mood from ${clockTimeOf(entry.at, timeZone)}.`);
      onRecorded();
    } catch (caught) {
      setError(caught);
    }
  };

  return (
    <section className="card life-section" aria-labelledby="life-mood-heading">
      <h2 id="life-mood-heading">How are you feeling?</h2>
      <div className="field">
        <label htmlFor={noteId}>
          Note <span className="optional">(optional)</span>
        </label>
        <textarea
          id={noteId}
          rows={2}
          maxLength={1000}
          value={note}
          aria-describedby={hintId}
          placeholder="What's going on? A walk, a hard meeting, time with a friend…"
          onChange={(event) => setNote(event.target.value)}
        />
        <p id={hintId} className="hint">
          Tap a mood to save it, with the note if you wrote one.
        </p>
      </div>
      <fieldset className="life-moods">
        <legend className="visually-hidden">Your mood now, from very low to great</legend>
        {moodLabels.map((label, index) => (
          <button key={label} type="button" className="life-mood-button" data-score={index + 1} disabled={busy} onClick={() => void record(index + 1)}>
            <MoodFace score={index + 1} />
            <span className="life-mood-word">{capitalised(label)}</span>
          </button>
        ))}
      </fieldset>
      <ErrorAlert error={error} focus />
      <p role="status" className="life-status">
        {status}
      </p>
      <h3>Today</h3>
      <ErrorAlert error={loadError} />
      {entries === undefined && loadError === undefined && <p className="empty">Loading…</p>}
      {entries?.length === 0 && <p className="empty">Nothing yet today.</p>}
      {entries !== undefined && entries.length > 0 && (
        <ul className="plain-list life-mood-entries" aria-label="Today's moods">
          {entries.map((entry) => {
            const textId = `mood-${entry.id}`;
            return (
              <li key={entry.id} className="life-mood-entry" data-testid="mood-entry">
                <span id={textId} className="life-mood-entry-text">
                  <span className="life-mood-entry-when">{clockTimeOf(entry.at, timeZone)}</span> <MoodFace score={entry.score} size={20} />{' '}
                  <strong>{capitalised(moodLabels[entry.score - 1] ?? '')}</strong>
                  {entry.note && <span className="life-mood-entry-note"> “{entry.note}”</span>}
                  {entry.source === 'conversation' && <span className="hint"> (from a conversation)</span>}
                </span>
                <button type="button" className="quiet-button destructive" aria-describedby={textId} onClick={() => void remove(entry)}>
                  Remove
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

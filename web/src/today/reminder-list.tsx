// The person's reminders on the Today screen: add one with words, a date and a time (read in the
// person's time zone, not the device's), and snooze, finish or delete those still open. A reminder
// that comes due while the screen is open is marked at once, from the realtime frame.
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import type { Reminder, UpdateReminderBody } from '../../../common/client.ts';
import { maxReminderTextLength } from '../../../common/protocol.ts';
import { api } from '../api.ts';
import { ErrorAlert } from '../components/error-alert.tsx';
import { useRealtimeFrames } from '../realtime/realtime-context.tsx';
import { useSession } from '../session.tsx';
import { clockTimeOf, dayKeyOf, describeWhen, instantOfWallClock } from './today-format.ts';

/** The reminders still to act on, soonest first: due ones stay until marked done or deleted. */
function openReminders(reminders: Reminder[]): Reminder[] {
  return reminders
    .filter((reminder) => reminder.status === 'scheduled' || reminder.status === 'delivered')
    .sort((left, right) => left.dueAt.localeCompare(right.dueAt));
}

/** The next whole hour in the person's zone: a sensible first guess for a new reminder. */
function nextWholeHour(timeZone: string): { date: string; time: string } {
  const next = new Date(Date.now() + 3_600_000);
  return { date: dayKeyOf(next, timeZone), time: `${clockTimeOf(next, timeZone).slice(0, 2)}:00` };
}

export function ReminderList() {
  const { user } = useSession();
  const timeZone = user.timezone;
  const [reminders, setReminders] = useState<Reminder[]>();
  const [loadError, setLoadError] = useState<unknown>();
  const [actionError, setActionError] = useState<unknown>();
  const [text, setText] = useState('');
  const [{ date, time }, setWhen] = useState(() => nextWholeHour(timeZone));
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState('');

  const reload = useCallback(async () => {
    try {
      setReminders(openReminders(await api.reminders()));
      setLoadError(undefined);
    } catch (caught) {
      setLoadError(caught);
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);

  useRealtimeFrames((frame) => {
    if (frame.type !== 'reminder-due') return;
    const deliveredAt = new Date().toISOString();
    setReminders((previous) => previous?.map((reminder) => (reminder.id === frame.reminder.id ? { ...reminder, status: 'delivered', deliveredAt } : reminder)));
    void reload();
  });

  const add = async (event: FormEvent) => {
    event.preventDefault();
    setActionError(undefined);
    setStatus('');
    const dueAt = instantOfWallClock(date, time, timeZone);
    if (text.trim() === '' || dueAt === undefined) {
      setActionError('Write what to be reminded of, and pick a date and a time.');
      return;
    }
    setBusy(true);
    try {
      const created = await api.createReminder({ text: text.trim(), dueAt });
      setReminders((previous) => openReminders([...(previous ?? []), created]));
      setText('');
      setStatus(`Reminder set for ${describeWhen(created.dueAt, new Date(), timeZone)}.`);
    } catch (caught) {
      setActionError(caught);
    } finally {
      setBusy(false);
    }
  };

  const update = async (reminder: Reminder, body: UpdateReminderBody, done: string) => {
    setActionError(undefined);
    setStatus('');
    try {
      const changed = await api.updateReminder(reminder.id, body);
      setReminders((previous) => openReminders((previous ?? []).map((item) => (item.id === changed.id ? changed : item))));
      setStatus(done);
    } catch (caught) {
      setActionError(caught);
    }
  };

  const remove = async (reminder: Reminder) => {
    setActionError(undefined);
    setStatus('');
    try {
      await api.deleteReminder(reminder.id);
      setReminders((previous) => previous?.filter((item) => item.id !== reminder.id));
      setStatus(`Deleted “${reminder.text}”.`);
    } catch (caught) {
      setActionError(caught);
    }
  };

  const now = new Date();
  return (
    <section className="card today-section" aria-labelledby="today-reminders-heading">
      <h2 id="today-reminders-heading">Reminders</h2>
      <form className="today-reminder-form" onSubmit={add}>
        <div className="field today-reminder-text">
          <label htmlFor="reminder-text">Remind me to</label>
          <input id="reminder-text" value={text} maxLength={maxReminderTextLength} required onChange={(event) => setText(event.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="reminder-date">Date</label>
          <input id="reminder-date" type="date" value={date} required onChange={(event) => setWhen({ date: event.target.value, time })} />
        </div>
        <div className="field">
          <label htmlFor="reminder-time">Time</label>
          <input id="reminder-time" type="time" value={time} required onChange={(event) => setWhen({ date, time: event.target.value })} />
        </div>
        <button type="submit" className="button primary today-reminder-add" disabled={busy}>
          Add reminder
        </button>
      </form>
      <p className="hint">Times are in your time zone, {timeZone.replaceAll('_', ' ')}.</p>
      <ErrorAlert error={actionError} focus />
      <p role="status" className="today-status">
        {status}
      </p>
      <ErrorAlert error={loadError} />
      {reminders === undefined && loadError === undefined && <p className="empty">Loading…</p>}
      {reminders?.length === 0 && <p className="empty">No reminders. Add one above, or ask in the chat.</p>}
      {reminders !== undefined && reminders.length > 0 && (
        <ul className="plain-list today-reminders" aria-label="Your reminders">
          {reminders.map((reminder) => {
            const due = reminder.status === 'delivered';
            const textId = `reminder-${reminder.id}-text`;
            return (
              <li key={reminder.id} className={due ? 'today-reminder due' : 'today-reminder'} data-testid="reminder">
                <div className="today-reminder-what">
                  <span id={textId} className="today-reminder-words">
                    {reminder.text}
                  </span>
                  <span className="today-reminder-when">
                    {due ? `Due ${describeWhen(reminder.dueAt, now, timeZone)}` : describeWhen(reminder.dueAt, now, timeZone)}
                  </span>
                </div>
                <div className="today-reminder-actions">
                  <button
                    type="button"
                    className="button secondary small"
                    aria-describedby={textId}
                    onClick={() => void update(reminder, { snoozeMinutes: 10 }, `Snoozed “${reminder.text}” for 10 minutes.`)}
                  >
                    Snooze 10 min
                  </button>
                  <button
                    type="button"
                    className="button secondary small"
                    aria-describedby={textId}
                    onClick={() => void update(reminder, { snoozeMinutes: 60 }, `Snoozed “${reminder.text}” for an hour.`)}
                  >
                    Snooze 1 h
                  </button>
                  <button
                    type="button"
                    className="button secondary small"
                    aria-describedby={textId}
                    onClick={() => void update(reminder, { status: 'done' }, `Marked “${reminder.text}” done.`)}
                  >
                    Done
                  </button>
                  <button type="button" className="button danger small" aria-describedby={textId} onClick={() => void remove(reminder)}>
                    Delete
                  </button>
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

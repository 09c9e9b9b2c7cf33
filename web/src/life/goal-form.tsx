// Adding a goal or a habit: the part of life it belongs to, what it is, why it matters, a habit's
// target (times a day or a week), how often the companion asks about it, and when the person hopes
// to get there. Check-in times are read in the person's time zone, like every time in Kindred.
import { type FormEvent, useId, useState } from 'react';
import type { CreateGoalBody, Goal, LifeArea } from '../../../common/client.ts';
import type { GoalCheckIn, Weekday } from '../../../common/goals.ts';
import { api } from '../api.ts';
import { ErrorAlert } from '../components/error-alert.tsx';
import { useSession } from '../session.tsx';
import { dayKeyOf } from '../today/today-format.ts';
import { lifeAreaNames, lifeAreas, weekdayNames, weekdayOf, weekdays } from './life-words.ts';

type Kind = 'goal' | 'habit';
type CheckInEvery = GoalCheckIn['every'];

export function GoalForm({ onCreated }: { onCreated(goal: Goal): void }) {
  const { user } = useSession();
  const [kind, setKind] = useState<Kind>('goal');
  const [area, setArea] = useState<LifeArea>('health');
  const [title, setTitle] = useState('');
  const [notes, setNotes] = useState('');
  // Kept as typed, so the field can be emptied and retyped; read as a whole number on submit.
  const [times, setTimes] = useState('1');
  const [period, setPeriod] = useState<'day' | 'week'>('day');
  const [every, setEvery] = useState<CheckInEvery>('week');
  const [weekday, setWeekday] = useState<Weekday>(() => weekdayOf(dayKeyOf(new Date(), user.timezone)));
  const [time, setTime] = useState('18:00');
  const [targetDate, setTargetDate] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [status, setStatus] = useState('');
  const id = useId();

  const checkIn = (): GoalCheckIn => (every === 'off' ? { every } : every === 'day' ? { every, time } : { every, weekday, time });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setStatus('');
    if (title.trim() === '') {
      setError(kind === 'habit' ? 'Write the habit you want to keep.' : 'Write the goal you want to reach.');
      return;
    }
    const timesPerPeriod = Number(times);
    if (kind === 'habit' && !(Number.isInteger(timesPerPeriod) && timesPerPeriod >= 1 && timesPerPeriod <= 50)) {
      setError('Say how many times, from 1 to 50.');
      return;
    }
    const body: CreateGoalBody = {
      area,
      kind,
      title: title.trim(),
      checkIn: checkIn(),
      ...(notes.trim() === '' ? {} : { notes: notes.trim() }),
      ...(kind === 'habit' ? { habit: { timesPerPeriod, period } } : {}),
      ...(targetDate === '' ? {} : { targetDate }),
    };
    setBusy(true);
    try {
      const created = await api.createGoal(body);
      onCreated(created);
      setTitle('');
      setNotes('');
      setTargetDate('');
      setStatus(`Added “${created.title}” to ${lifeAreaNames[created.area]}.`);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="life-goal-form" onSubmit={submit} aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>Add a goal or a habit</h3>
      <fieldset className="segmented life-kind">
        <legend className="visually-hidden">Goal or habit</legend>
        {(['goal', 'habit'] as const).map((option) => (
          <label key={option} className="segmented-option">
            <input type="radio" name={`${id}-kind`} value={option} checked={kind === option} onChange={() => setKind(option)} />
            <span>{option === 'goal' ? 'Goal' : 'Habit'}</span>
          </label>
        ))}
      </fieldset>
      <p className="hint">
        {kind === 'goal' ? 'Something to reach, step by step, from 0 to 100%.' : 'Something to do regularly, a number of times a day or a week.'}
      </p>
      <div className="field">
        <label htmlFor={`${id}-title`}>{kind === 'goal' ? 'Goal' : 'Habit'}</label>
        <input
          id={`${id}-title`}
          value={title}
          maxLength={200}
          required
          placeholder={kind === 'goal' ? 'Run a 10k' : 'Walk for 20 minutes'}
          onChange={(event) => setTitle(event.target.value)}
        />
      </div>
      <div className="life-form-pair">
        <div className="field">
          <label htmlFor={`${id}-area`}>Part of life</label>
          <select id={`${id}-area`} value={area} onChange={(event) => setArea(event.target.value as LifeArea)}>
            {lifeAreas.map((option) => (
              <option key={option} value={option}>
                {lifeAreaNames[option]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-target-date`}>
            Target date <span className="optional">(optional)</span>
          </label>
          <input id={`${id}-target-date`} type="date" value={targetDate} onChange={(event) => setTargetDate(event.target.value)} />
        </div>
      </div>
      {kind === 'habit' && (
        <fieldset className="life-fieldset">
          <legend>How often</legend>
          <div className="life-form-pair">
            <div className="field">
              <label htmlFor={`${id}-times`}>Times</label>
              <input
                id={`${id}-times`}
                type="number"
                inputMode="numeric"
                min={1}
                max={50}
                required
                value={times}
                onChange={(event) => setTimes(event.target.value)}
              />
            </div>
            <div className="field">
              <label htmlFor={`${id}-period`}>Per</label>
              <select id={`${id}-period`} value={period} onChange={(event) => setPeriod(event.target.value as 'day' | 'week')}>
                <option value="day">Day</option>
                <option value="week">Week</option>
              </select>
            </div>
          </div>
        </fieldset>
      )}
      <div className="field">
        <label htmlFor={`${id}-notes`}>
          Why it matters <span className="optional">(optional)</span>
        </label>
        <textarea id={`${id}-notes`} rows={2} maxLength={2000} value={notes} onChange={(event) => setNotes(event.target.value)} />
      </div>
      <fieldset className="life-fieldset">
        <legend>Check-ins</legend>
        <p id={`${id}-check-in-hint`} className="hint">
          Your companion asks how it is going, in your time zone ({user.timezone.replaceAll('_', ' ')}), outside your quiet hours.
        </p>
        <div className="life-form-row">
          <div className="field">
            <label htmlFor={`${id}-every`}>How often</label>
            <select
              id={`${id}-every`}
              aria-describedby={`${id}-check-in-hint`}
              value={every}
              onChange={(event) => setEvery(event.target.value as CheckInEvery)}
            >
              <option value="off">Never</option>
              <option value="day">Daily</option>
              <option value="week">Weekly</option>
            </select>
          </div>
          {every === 'week' && (
            <div className="field">
              <label htmlFor={`${id}-weekday`}>On</label>
              <select id={`${id}-weekday`} value={weekday} onChange={(event) => setWeekday(event.target.value as Weekday)}>
                {weekdays.map((option) => (
                  <option key={option} value={option}>
                    {weekdayNames[option]}
                  </option>
                ))}
              </select>
            </div>
          )}
          {every !== 'off' && (
            <div className="field">
              <label htmlFor={`${id}-time`}>At</label>
              <input id={`${id}-time`} type="time" required value={time} onChange={(event) => setTime(event.target.value)} />
            </div>
          )}
        </div>
      </fieldset>
      <ErrorAlert error={error} focus />
      <div className="actions">
        <button type="submit" className="button primary" disabled={busy}>
          {kind === 'goal' ? 'Add goal' : 'Add habit'}
        </button>
        <span role="status" className="life-status">
          {status}
        </span>
      </div>
    </form>
  );
}

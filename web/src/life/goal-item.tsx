// One goal or habit in the list. A habit: this period's count against its target, the streak, and a
// one-tap "Done". A goal: its progress bar, and a slider and note to record a step. Both: complete,
// archive or delete (each asked first, by the list), or, once finished or put away, reopen.
import { type FormEvent, useId, useState } from 'react';
import type { Goal, GoalUpdateBody } from '../../../common/client.ts';
import { describeCheckIn, describeHabitCount, describeHabitTarget, describeProgress, describeStreak, describeTargetDate } from './life-words.ts';

/** What the list asks before doing: each changes or removes the goal. */
export type GoalAction = 'complete' | 'archive' | 'delete' | 'reopen';

interface GoalItemProps {
  goal: Goal;
  locale: string | undefined;
  /** Records a step; resolves once saved, rejects with the server's refusal. */
  onUpdate(goal: Goal, body: GoalUpdateBody, done: string): Promise<void>;
  onAction(goal: Goal, action: GoalAction): void;
}

function ProgressBar({ value, label, valueText }: { value: number; label: string; valueText: string }) {
  return (
    <div
      className="life-progress"
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(value)}
      aria-valuetext={valueText}
    >
      <div className="life-progress-fill" style={{ width: `${Math.min(100, Math.max(0, value))}%` }} />
    </div>
  );
}

function GoalProgressForm({ goal, onUpdate }: Pick<GoalItemProps, 'goal' | 'onUpdate'>) {
  const [progress, setProgress] = useState(Math.round(goal.progress));
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const id = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = note.trim();
    // Progress goes with the step when it moved, or when there is nothing else to record.
    const withProgress = progress !== Math.round(goal.progress) || trimmed === '';
    const body: GoalUpdateBody = { ...(withProgress ? { progress } : {}), ...(trimmed === '' ? {} : { note: trimmed }) };
    const done = withProgress ? `“${goal.title}” is at ${progress}%${trimmed === '' ? '.' : ', with your note.'}` : `Saved your note on “${goal.title}”.`;
    setBusy(true);
    try {
      await onUpdate(goal, body, done);
      setNote('');
    } catch {
      // The list shows the error; the slider and note keep what was entered, to try again.
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="life-goal-update" onSubmit={submit}>
      <div className="field life-slider-field">
        <label htmlFor={`${id}-progress`}>Progress</label>
        <div className="life-slider-row">
          <input
            id={`${id}-progress`}
            type="range"
            min={0}
            max={100}
            step={5}
            value={progress}
            aria-valuetext={`${progress}%`}
            onChange={(event) => setProgress(Number(event.target.value))}
          />
          <output htmlFor={`${id}-progress`} className="life-slider-value">
            {progress}%
          </output>
        </div>
      </div>
      <div className="field">
        <label htmlFor={`${id}-note`}>
          Note <span className="optional">(optional)</span>
        </label>
        <input
          id={`${id}-note`}
          value={note}
          maxLength={2000}
          placeholder="What moved it on, or what is in the way"
          onChange={(event) => setNote(event.target.value)}
        />
      </div>
      <button type="submit" className="button secondary small" disabled={busy}>
        Save progress
      </button>
    </form>
  );
}

export function GoalItem({ goal, locale, onUpdate, onAction }: GoalItemProps) {
  const titleId = useId();
  const active = goal.status === 'active';
  const details = [
    goal.habit ? describeHabitTarget(goal.habit) : undefined,
    goal.targetDate ? describeTargetDate(goal.targetDate, locale) : undefined,
    active ? describeCheckIn(goal.checkIn) : undefined,
  ]
    .filter((part) => part !== undefined)
    .join(' · ');
  return (
    <li className="life-goal" data-testid="goal" data-kind={goal.kind}>
      <div className="life-goal-heading">
        <h4 id={titleId} className="life-goal-title">
          {goal.title}
        </h4>
        <span className="tag">{goal.kind === 'habit' ? 'Habit' : 'Goal'}</span>
      </div>
      {goal.notes && <p className="life-goal-notes">{goal.notes}</p>}
      {details && <p className="hint">{details}</p>}
      {goal.status === 'completed' && goal.completedAt && (
        <p className="hint">
          Reached {new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric' }).format(new Date(goal.completedAt))}
        </p>
      )}
      {goal.habit !== null ? (
        <div className="life-habit">
          <ProgressBar value={goal.progress} label={`${goal.title}: done`} valueText={describeHabitCount(goal)} />
          <p className="life-habit-count">
            <strong data-testid="habit-count">{describeHabitCount(goal)}</strong> · {describeStreak(goal)}
          </p>
          {active && (
            <button
              type="button"
              className="button primary life-done"
              aria-describedby={titleId}
              onClick={() =>
                void onUpdate(goal, { done: true }, `“${goal.title}” done. ${describeHabitCount({ ...goal, doneThisPeriod: goal.doneThisPeriod + 1 })}.`).catch(
                  () => undefined,
                )
              }
            >
              Done
            </button>
          )}
        </div>
      ) : (
        <div className="life-goal-progress">
          <div className="life-progress-row">
            <ProgressBar value={goal.progress} label={`${goal.title}: progress`} valueText={describeProgress(goal.progress)} />
            <span className="life-progress-value" data-testid="goal-progress">
              {describeProgress(goal.progress)}
            </span>
          </div>
          {active && <GoalProgressForm key={goal.updatedAt} goal={goal} onUpdate={onUpdate} />}
        </div>
      )}
      <div className="life-goal-actions">
        {active ? (
          <>
            <button type="button" className="quiet-button" aria-describedby={titleId} onClick={() => onAction(goal, 'complete')}>
              {goal.kind === 'habit' ? 'Finish' : 'Complete'}
            </button>
            <button type="button" className="quiet-button" aria-describedby={titleId} onClick={() => onAction(goal, 'archive')}>
              Archive
            </button>
          </>
        ) : (
          <button type="button" className="quiet-button" aria-describedby={titleId} onClick={() => onAction(goal, 'reopen')}>
            Reopen
          </button>
        )}
        <button type="button" className="quiet-button destructive" aria-describedby={titleId} onClick={() => onAction(goal, 'delete')}>
          Delete
        </button>
      </div>
    </li>
  );
}

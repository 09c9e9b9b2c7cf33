// Goals and habits: the active ones grouped by part of life, the form to add one, and the finished
// and put-away ones a tap away. Completing, archiving, reopening and deleting are asked first.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Goal, GoalUpdateBody } from '../../../common/client.ts';
import { api } from '../api.ts';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { ErrorAlert } from '../components/error-alert.tsx';
import { GoalForm } from './goal-form.tsx';
import { type GoalAction, GoalItem } from './goal-item.tsx';
import { groupByArea, lifeAreaNames } from './life-words.ts';

type Shown = 'active' | 'completed' | 'archived';
const shownNames: Record<Shown, string> = { active: 'Active', completed: 'Completed', archived: 'Archived' };
const emptySentences: Record<Shown, string> = {
  active: 'No goals or habits yet. Add one below, or tell your companion in the chat.',
  completed: 'Nothing completed yet. It will be here when you get there.',
  archived: 'Nothing archived.',
};

interface Question {
  goal: Goal;
  action: GoalAction;
}

const questions: Record<GoalAction, { title: (goal: Goal) => string; body: string; confirm: string }> = {
  complete: {
    title: (goal) => `Mark “${goal.title}” as ${goal.kind === 'habit' ? 'finished' : 'reached'}?`,
    body: 'It moves to Completed, and check-ins about it stop. You can reopen it later.',
    confirm: 'Complete',
  },
  archive: {
    title: (goal) => `Archive “${goal.title}”?`,
    body: 'It is put away without being finished, and check-ins about it stop. You can reopen it later.',
    confirm: 'Archive',
  },
  reopen: { title: (goal) => `Reopen “${goal.title}”?`, body: 'It becomes active again, with its check-ins.', confirm: 'Reopen' },
  delete: {
    title: (goal) => `Delete “${goal.title}”?`,
    body: 'It is deleted with all of its progress and notes. This cannot be undone.',
    confirm: 'Delete',
  },
};

const doneSentences: Record<Exclude<GoalAction, 'delete'>, (goal: Goal) => string> = {
  complete: (goal) => `“${goal.title}” is completed. Well done.`,
  archive: (goal) => `“${goal.title}” is archived.`,
  reopen: (goal) => `“${goal.title}” is active again.`,
};

const statusAfter: Record<Exclude<GoalAction, 'delete'>, Goal['status']> = { complete: 'completed', archive: 'archived', reopen: 'active' };

export function GoalsSection() {
  const [shown, setShown] = useState<Shown>('active');
  const [goals, setGoals] = useState<Goal[]>();
  const [loadError, setLoadError] = useState<unknown>();
  const [error, setError] = useState<unknown>();
  const [status, setStatus] = useState('');
  const [question, setQuestion] = useState<Question>();
  const heading = useRef<HTMLHeadingElement>(null);
  const locale = typeof navigator === 'undefined' ? undefined : navigator.language;

  const load = useCallback(async (which: Shown) => {
    setGoals(undefined);
    try {
      setGoals(await api.goals(which));
      setLoadError(undefined);
    } catch (caught) {
      setLoadError(caught);
    }
  }, []);
  useEffect(() => {
    void load(shown);
  }, [load, shown]);

  const replace = (changed: Goal) =>
    setGoals((previous) =>
      changed.status === shown ? (previous ?? []).map((item) => (item.id === changed.id ? changed : item)) : previous?.filter((item) => item.id !== changed.id),
    );

  const update = async (goal: Goal, body: GoalUpdateBody, done: string) => {
    setError(undefined);
    setStatus('');
    try {
      const answer = await api.recordGoalUpdate(goal.id, body);
      replace(answer.goal);
      setStatus(done);
    } catch (caught) {
      setError(caught);
      throw caught;
    }
  };

  const confirm = async ({ goal, action }: Question) => {
    setQuestion(undefined);
    setError(undefined);
    setStatus('');
    try {
      if (action === 'delete') {
        await api.deleteGoal(goal.id);
        setGoals((previous) => previous?.filter((item) => item.id !== goal.id));
        setStatus(`Deleted “${goal.title}”.`);
      } else {
        replace(await api.updateGoal(goal.id, { status: statusAfter[action] }));
        setStatus(doneSentences[action](goal));
      }
      // Every answer takes the goal out of the list shown, and the button that asked with it: focus goes
      // to the list's heading rather than back to the top of the page.
      heading.current?.focus();
    } catch (caught) {
      setError(caught);
    }
  };

  const groups = goals ? groupByArea(goals) : [];
  const asked = question ? questions[question.action] : undefined;
  return (
    <section className="card life-section life-goals" aria-labelledby="life-goals-heading">
      <h2 id="life-goals-heading" ref={heading} tabIndex={-1}>
        Goals and habits
      </h2>
      <fieldset className="segmented life-goal-filter">
        <legend className="visually-hidden">Which goals to show</legend>
        {(Object.keys(shownNames) as Shown[]).map((option) => (
          <label key={option} className="segmented-option">
            <input type="radio" name="goal-filter" value={option} checked={shown === option} onChange={() => setShown(option)} />
            <span>{shownNames[option]}</span>
          </label>
        ))}
      </fieldset>
      <ErrorAlert error={error} focus />
      <p role="status" className="life-status">
        {status}
      </p>
      <ErrorAlert error={loadError} />
      {goals === undefined && loadError === undefined && <p className="empty">Loading…</p>}
      {goals?.length === 0 && <p className="empty">{emptySentences[shown]}</p>}
      {groups.map((group) => (
        <div key={group.area} className="life-area">
          <h3>{lifeAreaNames[group.area]}</h3>
          <ul className="plain-list life-goal-list">
            {group.goals.map((goal) => (
              <GoalItem key={goal.id} goal={goal} locale={locale} onUpdate={update} onAction={(item, action) => setQuestion({ goal: item, action })} />
            ))}
          </ul>
        </div>
      ))}
      {shown === 'active' && (
        <GoalForm
          onCreated={(created) => {
            setError(undefined);
            setGoals((previous) => [...(previous ?? []), created]);
          }}
        />
      )}
      <ConfirmDialog
        open={question !== undefined}
        title={question && asked ? asked.title(question.goal) : ''}
        confirmLabel={asked?.confirm ?? ''}
        destructive={question?.action === 'delete'}
        onConfirm={() => question && void confirm(question)}
        onCancel={() => setQuestion(undefined)}
      >
        <p>{asked?.body}</p>
      </ConfirmDialog>
    </section>
  );
}

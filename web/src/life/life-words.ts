// The Life screen's words, kept apart from React so they can be tested: life areas and weekdays by
// name, a habit's count and streak, a goal's check-in and target date, the insights from the
// person's notes, and when the next weekly reflection comes.
import type { Goal, LifeArea, MoodSummary } from '../../../common/client.ts';
import { type GoalCheckIn, lifeAreaSchema, type Weekday, weekdaySchema } from '../../../common/goals.ts';
import { describeWhen } from '../today/today-format.ts';

export const lifeAreas: readonly LifeArea[] = lifeAreaSchema.options;
export const weekdays: readonly Weekday[] = weekdaySchema.options;

export const lifeAreaNames: Record<LifeArea, string> = {
  health: 'Health',
  relationships: 'Relationships',
  education: 'Learning',
  career: 'Work & career',
  'well-being': 'Well-being',
  finances: 'Money',
  other: 'Other',
};

export const weekdayNames: Record<Weekday, string> = {
  monday: 'Monday',
  tuesday: 'Tuesday',
  wednesday: 'Wednesday',
  thursday: 'Thursday',
  friday: 'Friday',
  saturday: 'Saturday',
  sunday: 'Sunday',
};

/** The weekday a calendar day (`YYYY-MM-DD`) falls on. */
export function weekdayOf(day: string): Weekday {
  // getUTCDay: 0 is Sunday; the list starts on Monday.
  return weekdays[(new Date(`${day}T12:00:00Z`).getUTCDay() + 6) % 7] as Weekday;
}

/** Active goals grouped by life area, in the areas' fixed order, each area's goals by title. Empty areas are left out. */
export function groupByArea(goals: readonly Goal[]): { area: LifeArea; goals: Goal[] }[] {
  return lifeAreas
    .map((area) => ({ area, goals: goals.filter((goal) => goal.area === area).sort((left, right) => left.title.localeCompare(right.title)) }))
    .filter((group) => group.goals.length > 0);
}

/** A habit's count this period: "2 of 3 today", "1 of 4 this week". */
export function describeHabitCount(goal: Pick<Goal, 'habit' | 'doneThisPeriod'>): string {
  if (goal.habit === null) return '';
  const period = goal.habit.period === 'day' ? 'today' : 'this week';
  return `${goal.doneThisPeriod} of ${goal.habit.timesPerPeriod} ${period}`;
}

/** A habit's target in words: "Once a day", "3 times a week". */
export function describeHabitTarget(habit: NonNullable<Goal['habit']>): string {
  const times = habit.timesPerPeriod === 1 ? 'Once' : habit.timesPerPeriod === 2 ? 'Twice' : `${habit.timesPerPeriod} times`;
  return `${times} a ${habit.period}`;
}

/** "3 days in a row", "1 week in a row", or "No streak yet". */
export function describeStreak(goal: Pick<Goal, 'habit' | 'streak'>): string {
  if (goal.habit === null) return '';
  if (goal.streak === 0) return 'No streak yet';
  const unit = goal.habit.period === 'day' ? 'day' : 'week';
  return `${goal.streak} ${unit}${goal.streak === 1 ? '' : 's'} in a row`;
}

/** How often the companion asks about it: "No check-ins", "Check-in every day at 18:00", "Check-in on Sundays at 10:00". */
export function describeCheckIn(checkIn: GoalCheckIn): string {
  switch (checkIn.every) {
    case 'off':
      return 'No check-ins';
    case 'day':
      return `Check-in every day at ${checkIn.time}`;
    case 'week':
      return `Check-in on ${weekdayNames[checkIn.weekday]}s at ${checkIn.time}`;
  }
}

/** A target date in the person's locale: "by 31 Mar 2027". */
export function describeTargetDate(day: string, locale?: string): string {
  const date = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${day}T12:00:00Z`));
  return `by ${date}`;
}

type Themes = MoodSummary['insights']['goodDays'];

/** "walks (5 days), Sam (3 days)": the themes that came up most, at most `limit` of them. */
export function describeThemes(themes: Themes, limit = 5): string {
  return [...themes]
    .sort((left, right) => right.days - left.days || left.theme.localeCompare(right.theme))
    .slice(0, limit)
    .map((theme) => `${theme.theme} (${theme.days} day${theme.days === 1 ? '' : 's'})`)
    .join(', ');
}

/** When the next reflection comes, or that none is planned: "Next one: Sunday… " */
export function describeNextReflection(nextAt: string | null, now: Date, timeZone: string): string {
  if (nextAt === null) return 'Off: no reflection is planned.';
  return `The next one comes ${describeWhen(nextAt, now, timeZone)}.`;
}

/** A goal's progress as the bar's text: "40%". */
export function describeProgress(progress: number): string {
  return `${Math.round(progress)}%`;
}

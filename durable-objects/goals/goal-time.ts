import type { GoalCheckIn, Weekday } from '../../common/goals.ts';
import { firstOnComingDays, instantOf, type LocalDateTime, localAt } from '../../server/time/zoned-time.ts';

/**
 * The calendar arithmetic of goals and habits, in the person's time zone: which day or week an
 * instant falls in (weeks start on Monday), a habit's count and streak, and when a goal's next
 * check-in is. Pure functions of explicit instants, so they are tested without a clock.
 */

/** By `Date.getUTCDay()`: 0 is Sunday. */
const weekdaysFromSunday: readonly Weekday[] = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

type CalendarDay = Pick<LocalDateTime, 'year' | 'month' | 'day'>;

const millisecondsPerDay = 86_400_000;

/** Days since 1970-01-01 of a calendar date: consecutive days are consecutive numbers, whatever DST does to the hours. */
const dayNumberOf = (day: CalendarDay): number => Math.floor(Date.UTC(day.year, day.month - 1, day.day) / millisecondsPerDay);

/** The person's weekday at an instant. */
export function weekdayAt(instant: number, timezone: string): Weekday {
  const local = localAt(instant, timezone);
  return weekdaysFromSunday[new Date(Date.UTC(local.year, local.month - 1, local.day)).getUTCDay()] as Weekday;
}

/**
 * The habit period an instant falls in, as a day number: the local date for a daily habit, the
 * Monday of that local week for a weekly one. The period before is this minus 1 or minus 7.
 */
export function periodNumberOf(instant: number, period: 'day' | 'week', timezone: string): number {
  const dayNumber = dayNumberOf(localAt(instant, timezone));
  if (period === 'day') return dayNumber;
  // 1970-01-01 was a Thursday, so day number 4 is a Monday.
  return dayNumber - ((((dayNumber - 4) % 7) + 7) % 7);
}

/** How many times a habit was done in each period (keyed by `periodNumberOf`). */
export function countsByPeriod(doneAt: readonly number[], period: 'day' | 'week', timezone: string): Map<number, number> {
  const counts = new Map<number, number>();
  for (const at of doneAt) {
    const key = periodNumberOf(at, period, timezone);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

const periodLength = (period: 'day' | 'week') => (period === 'day' ? 1 : 7);

/**
 * A habit's standing at `now`: how often it was done in the current period, and how many periods in
 * a row met the target, counting back from the last finished period (or from this one, once it is
 * met, so doing it today never breaks a streak that today has not finished yet). The target as it is
 * now applies to every period: a changed target is read back over the past as well.
 */
export function habitStanding(
  doneAt: readonly number[],
  target: { timesPerPeriod: number; period: 'day' | 'week' },
  now: number,
  timezone: string,
): { doneThisPeriod: number; streak: number } {
  const counts = countsByPeriod(
    doneAt.filter((at) => at <= now),
    target.period,
    timezone,
  );
  const step = periodLength(target.period);
  const current = periodNumberOf(now, target.period, timezone);
  const doneThisPeriod = counts.get(current) ?? 0;
  let period = doneThisPeriod >= target.timesPerPeriod ? current : current - step;
  let streak = 0;
  while ((counts.get(period) ?? 0) >= target.timesPerPeriod) {
    streak++;
    period -= step;
  }
  return { doneThisPeriod, streak };
}

/** A habit's share of this period's target, in whole percent, capped at 100. */
export const habitProgress = (doneThisPeriod: number, timesPerPeriod: number): number => Math.min(100, Math.round((doneThisPeriod / timesPerPeriod) * 100));

/**
 * The check-in a goal gets when none is given: once a week, on the weekday it was set, at the
 * person's outreach check-in time. Weekly rather than daily because a goal is a longer thing than a
 * day, and the person's own check-in time is the hour they already chose to hear from the companion.
 */
export function defaultCheckIn(now: number, timezone: string, checkInTime: string): GoalCheckIn {
  return { every: 'week', weekday: weekdayAt(now, timezone), time: checkInTime };
}

/** A check-in slot: the local date and wall-clock time, `YYYY-MM-DDTHH:MM`, the same for every goal due then. */
export type CheckInSlot = string;

/**
 * The instant of a slot in `timezone`. A time the clock skips that day (02:30 when DST starts) lands
 * just after the gap, as the outreach check-in does (`checkInTimeOn`, through `instantOf`); in the
 * hour a clock repeats, its first pass.
 */
export function slotInstant(slot: CheckInSlot, timezone: string): number {
  const [date = '', time = ''] = slot.split('T');
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  return instantOf({ year, month, day, hour, minute, second: 0 }, timezone);
}

/** The next check-in of a goal strictly after `after`; undefined when its check-ins are off. */
export function nextCheckInSlot(checkIn: GoalCheckIn, after: number, timezone: string): { at: number; slot: CheckInSlot } | undefined {
  if (checkIn.every === 'off') return undefined;
  const onThisDay = (date: string) => checkIn.every === 'day' || weekdaysFromSunday[new Date(`${date}T00:00:00Z`).getUTCDay()] === checkIn.weekday;
  // Nine days reach the same weekday next week even when today's time has passed.
  const found = firstOnComingDays(after, timezone, 9, (date) => (onThisDay(date) ? slotInstant(`${date}T${checkIn.time}`, timezone) : undefined));
  return found && { at: found.at, slot: `${found.date}T${checkIn.time}` };
}

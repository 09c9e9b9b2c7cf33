import type { Weekday } from '../../common/goals.ts';
import type { ReflectionSettings } from '../../common/reflection.ts';
import { firstOnComingDays, instantOf, type LocalDateTime } from '../../server/time/zoned-time.ts';
import { minutesOf } from '../outreach/outreach-time.ts';

/** One weekly reflection: the person's calendar date it is written on, and the instant it is due. */
export interface ReflectionSlot {
  /** `YYYY-MM-DD` in the person's zone: names the week (its source key and its row in `reflection_weeks`). */
  date: string;
  at: number;
}

/** The week a reflection looks back on: the seven days before it, `to` exclusive. */
export interface ReflectionWeek {
  from: number;
  to: number;
}

/** Index of each weekday as `Date#getUTCDay` numbers them (0 = Sunday). */
const weekdayNumbers: Record<Weekday, number> = { sunday: 0, monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6 };

const dayOf = (date: string): Pick<LocalDateTime, 'year' | 'month' | 'day'> => {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return { year, month, day };
};

const clockOf = (time: string) => ({ hour: Math.floor(minutesOf(time) / 60), minute: minutesOf(time) % 60, second: 0 });

/**
 * The instant of the reflection on a local date: the chosen wall-clock time that day in the person's
 * zone, found through the zone, so 18:00 stays 18:00 across daylight-saving changes. Undefined when
 * the reflection is off or the date is not its weekday.
 */
export function reflectionTimeOn(date: string, timezone: string, settings: ReflectionSettings): number | undefined {
  if (!settings.enabled) return undefined;
  const day = dayOf(date);
  if (new Date(Date.UTC(day.year, day.month - 1, day.day)).getUTCDay() !== weekdayNumbers[settings.weekday]) return undefined;
  return instantOf({ ...day, ...clockOf(settings.time) }, timezone);
}

/** The first reflection at or after `from`, looking eight days ahead; undefined when the reflection is off. */
export function nextReflectionSlot(from: number, timezone: string, settings: ReflectionSettings): ReflectionSlot | undefined {
  return firstOnComingDays(from, timezone, 9, (date) => reflectionTimeOn(date, timezone, settings), { inclusive: true });
}

/**
 * The seven days a reflection looks back on: from the same wall-clock time a week before (so a week
 * with a daylight-saving change is 167 or 169 hours, as the person lived it) up to the reflection.
 */
export function weekBefore(slot: ReflectionSlot, timezone: string, time: string): ReflectionWeek {
  const day = dayOf(slot.date);
  const weekEarlier = new Date(Date.UTC(day.year, day.month - 1, day.day - 7));
  const from = instantOf(
    { year: weekEarlier.getUTCFullYear(), month: weekEarlier.getUTCMonth() + 1, day: weekEarlier.getUTCDate(), ...clockOf(time) },
    timezone,
  );
  return { from, to: slot.at };
}

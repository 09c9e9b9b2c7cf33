import type { OutreachSettings } from '../../common/outreach.ts';
import { firstOnComingDays, instantOf, type LocalDateTime, localAt, localDateOf } from '../../server/time/zoned-time.ts';

/** Minutes since local midnight of an `HH:MM` time. */
export const minutesOf = (clock: string): number => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));

/** The person's wall-clock time (`HH:MM`) at an instant, as a message names it: "starts at 09:30". */
export function clockAt(instant: number, timezone: string): string {
  const local = localAt(instant, timezone);
  return `${String(local.hour).padStart(2, '0')}:${String(local.minute).padStart(2, '0')}`;
}

/** Whether the wall-clock minute falls in the quiet hours (which may run across midnight). */
export function inQuietHours(local: Pick<LocalDateTime, 'hour' | 'minute'>, quietHours: OutreachSettings['quietHours']): boolean {
  const minute = local.hour * 60 + local.minute;
  const start = minutesOf(quietHours.start);
  const end = minutesOf(quietHours.end);
  if (start === end) return false;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/** 0 = Sunday … 6 = Saturday, of a calendar date. */
const weekdayOf = (local: Pick<LocalDateTime, 'year' | 'month' | 'day'>): number => new Date(Date.UTC(local.year, local.month - 1, local.day)).getUTCDay();

function cadenceAllows(cadence: OutreachSettings['checkInCadence'], local: Pick<LocalDateTime, 'year' | 'month' | 'day'>): boolean {
  const weekday = weekdayOf(local);
  if (cadence === 'daily') return true;
  if (cadence === 'weekdays') return weekday >= 1 && weekday <= 5;
  if (cadence === 'weekly') return weekday === 1;
  return false;
}

/**
 * The instant of the check-in on a local date (`YYYY-MM-DD`): the chosen wall-clock time that day in
 * the person's zone, found through the zone, so 18:00 stays 18:00 across DST. Undefined when that
 * date has none: check-ins are off, the cadence skips the day, or the time is inside quiet hours
 * (a check-in time inside them has no check-in at all).
 */
export function checkInTimeOn(date: string, timezone: string, settings: OutreachSettings): number | undefined {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  if (!cadenceAllows(settings.checkInCadence, { year, month, day })) return undefined;
  const clock = minutesOf(settings.checkInTime);
  const time = { hour: Math.floor(clock / 60), minute: clock % 60 };
  if (inQuietHours(time, settings.quietHours)) return undefined;
  return instantOf({ year, month, day, ...time, second: 0 }, timezone);
}

/** The next check-in strictly after `after`, looking a week ahead; undefined when there is none (check-ins off, or their time is in quiet hours). */
export function nextCheckInAt(after: number, timezone: string, settings: OutreachSettings): { at: number; date: string } | undefined {
  const found = firstOnComingDays(after, timezone, 8, (date) => checkInTimeOn(date, timezone, settings));
  return found && { at: found.at, date: localDateOf(found.at, timezone) };
}

/** The first instant at or after `from` outside quiet hours, looking a day ahead at most (minute steps are enough for people). */
export function firstWakingInstant(from: number, timezone: string, quietHours: OutreachSettings['quietHours']): number {
  let at = from;
  for (let step = 0; step < 24 * 4; step++) {
    if (!inQuietHours(localAt(at, timezone), quietHours)) return at;
    at += 15 * 60_000;
  }
  return from;
}

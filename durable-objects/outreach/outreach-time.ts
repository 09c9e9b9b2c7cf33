import type { OutreachSettings } from '../../common/outreach.ts';
import { instantOf, type LocalDateTime, localAt, nextDay } from '../../server/time/zoned-time.ts';

/** Minutes since local midnight of an `HH:MM` time. */
export const minutesOf = (clock: string): number => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));

/** Whether the wall-clock minute falls in the quiet hours (which may run across midnight). */
export function inQuietHours(local: Pick<LocalDateTime, 'hour' | 'minute'>, quietHours: OutreachSettings['quietHours']): boolean {
  const minute = local.hour * 60 + local.minute;
  const start = minutesOf(quietHours.start);
  const end = minutesOf(quietHours.end);
  if (start === end) return false;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/** The person's calendar date (`YYYY-MM-DD`) at an instant: the key of the daily cap and of each day's check-in. */
export function localDateOf(instant: number, timezone: string): string {
  const local = localAt(instant, timezone);
  return `${String(local.year).padStart(4, '0')}-${String(local.month).padStart(2, '0')}-${String(local.day).padStart(2, '0')}`;
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
 * The next check-in strictly after `after`: at the chosen time, on a day the cadence allows, and
 * never inside quiet hours (a check-in time inside them has no check-in at all). Undefined when
 * check-ins are off. Wall-clock arithmetic through the zone, so 18:00 stays 18:00 across DST.
 */
export function nextCheckInAt(after: number, timezone: string, settings: OutreachSettings): { at: number; date: string } | undefined {
  if (settings.checkInCadence === 'off') return undefined;
  const clock = minutesOf(settings.checkInTime);
  if (inQuietHours({ hour: Math.floor(clock / 60), minute: clock % 60 }, settings.quietHours)) return undefined;
  let day: LocalDateTime = { ...localAt(after, timezone), hour: 0, minute: 0, second: 0 };
  for (let offset = 0; offset < 8; offset++) {
    if (cadenceAllows(settings.checkInCadence, day)) {
      const at = instantOf({ ...day, hour: Math.floor(clock / 60), minute: clock % 60, second: 0 }, timezone);
      if (at > after) return { at, date: localDateOf(at, timezone) };
    }
    day = nextDay(day);
  }
  return undefined;
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

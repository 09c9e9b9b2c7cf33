import * as chrono from 'chrono-node';
import { instantOf, localAt, offsetMinutesAt } from '../../server/time/zoned-time.ts';

/** An ISO 8601 instant with its offset (`2026-12-01T09:00:00Z`, `…+09:00`): taken as is, never re-read as local time. */
const isoInstantPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/i;

/**
 * When a reminder said in words is due: "tomorrow at 9", "in 2 hours", "friday 18:30", or an ISO
 * instant. Words are read relative to `now` in the person's IANA zone. Undefined when nothing in the
 * words is a time.
 *
 * chrono-node's own zone handling is not enough: it takes one fixed offset in minutes (or an
 * abbreviation), the offset in force at the reference instant. "Tomorrow at 9" said the evening
 * before a daylight-saving change would then be 9 o'clock in yesterday's offset, an hour off. So
 * chrono reads the words against the person's wall clock, as if it were UTC, and answers wall-clock
 * fields; the zone's rules for that day, from `Intl.DateTimeFormat`, turn those into an instant.
 * Pure durations ("in 2 hours") are the exception: they count elapsed time from now, whatever the
 * wall clock does meanwhile, so they are added to the real instant.
 */
export function resolveDueTime(when: string, now: Date, timezone: string): Date | undefined {
  const trimmed = when.trim();
  if (isoInstantPattern.test(trimmed)) return parseIsoInstant(trimmed);
  const wall = localAt(now.getTime(), timezone);
  const wallNow = new Date(Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second));
  const [result] = chrono.parse(trimmed, { instant: wallNow, timezone: 0 }, { forwardDate: true });
  if (!result) return undefined;
  const start = result.start;
  if (start.tags().has('result/relativeDateAndTime')) {
    // Elapsed time: read again against the real instant, where chrono adds the duration to now.
    const [elapsed] = chrono.parse(trimmed, { instant: now, timezone: offsetMinutesAt(now.getTime(), timezone) }, { forwardDate: true });
    return elapsed?.start.date();
  }
  // "9am EST": the person named an offset themselves, and chrono applies it exactly.
  if (start.isCertain('timezoneOffset')) return start.date();
  const due = instantOf(
    {
      year: start.get('year') ?? 0,
      month: start.get('month') ?? 1,
      day: start.get('day') ?? 1,
      hour: start.get('hour') ?? 0,
      minute: start.get('minute') ?? 0,
      second: start.get('second') ?? 0,
    },
    timezone,
  );
  return new Date(due);
}

/**
 * An ISO instant, or undefined when it names a day that does not exist (`2026-02-30`), which
 * `Date.parse` would quietly roll over into March.
 */
export function parseIsoInstant(value: string): Date | undefined {
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed)) return undefined;
  const [year, month, day] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (calendar.getUTCFullYear() !== year || calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) return undefined;
  return new Date(parsed);
}

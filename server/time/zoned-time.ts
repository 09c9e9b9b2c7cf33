/**
 * Wall-clock times in an IANA zone, turned into instants and back with `Intl.DateTimeFormat`.
 *
 * Why not ical.js's own zones: ical.js converts between zones only with VTIMEZONE data, and no tz
 * database is bundled with it. The runtime already carries one (ICU, behind `Intl`), so recurrences
 * are expanded by ical.js in floating local time and each occurrence's wall-clock time is turned
 * into an instant here, which keeps a weekly 09:00 at 09:00 across daylight-saving changes.
 */

import { zonedFormat } from './formatters.ts';

/** A wall-clock date and time, with no zone: months 1–12. */
export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatterFor = zonedFormat('en-US', {
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

export function isKnownTimezone(timezone: string): boolean {
  try {
    formatterFor(timezone);
    return true;
  } catch {
    return false;
  }
}

/**
 * The last UTC minute each zone was read at, and its wall-clock time then. A reminder going out asks
 * the same zone about the same minute several times (its local day, quiet hours, the daily cap), and
 * `formatToParts` is the costliest step of that. Since 1973 (when Liberia, the last, left a local mean
 * time) every zone's offset is whole minutes and every change falls on a whole minute, so within one
 * UTC minute the wall-clock minute holds and only the second moves. Earlier instants, and any offset
 * with seconds, are read afresh every time.
 */
const wholeMinuteOffsetsSince = Date.UTC(1973, 0, 1);
const lastMinuteRead = new Map<string, { minute: number; local: LocalDateTime }>();

/** The wall-clock time in `timezone` at an instant. */
export function localAt(instant: number, timezone: string): LocalDateTime {
  const minute = Math.floor(instant / 60_000);
  const read = lastMinuteRead.get(timezone);
  if (read?.minute === minute) return { ...read.local, second: Math.floor(instant / 1000) - minute * 60 };
  const local = formattedLocal(instant, timezone);
  const offsetMs = wallClockAsUtc(local) - Math.floor(instant / 1000) * 1000;
  if (instant >= wholeMinuteOffsetsSince && offsetMs % 60_000 === 0) lastMinuteRead.set(timezone, { minute, local });
  return local;
}

function formattedLocal(instant: number, timezone: string): LocalDateTime {
  const parts = Object.fromEntries(
    formatterFor(timezone)
      .formatToParts(new Date(instant))
      .map((part) => [part.type, part.value]),
  );
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

const wallClockAsUtc = (local: LocalDateTime): number => Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);

/** Minutes `timezone` is ahead of UTC at an instant. */
export function offsetMinutesAt(instant: number, timezone: string): number {
  const flooredToSecond = Math.floor(instant / 1000) * 1000;
  return Math.round((wallClockAsUtc(localAt(flooredToSecond, timezone)) - flooredToSecond) / 60_000);
}

/**
 * The instant a wall-clock time in `timezone` names. The zone's offsets a day either side are tried,
 * and those that read back as the same wall-clock time win: in the hour a clock repeats, its first
 * pass; in the hour a clock skips, no candidate reads back, and the time lands after the gap.
 */
export function instantOf(local: LocalDateTime, timezone: string): number {
  const asUtc = wallClockAsUtc(local);
  const offsets = new Set([-86_400_000, 0, 86_400_000].map((shift) => offsetMinutesAt(asUtc + shift, timezone)));
  const candidates = [...offsets].map((offset) => asUtc - offset * 60_000);
  const exact = candidates.filter((instant) => wallClockAsUtc(localAt(instant, timezone)) === asUtc);
  return exact.length > 0 ? Math.min(...exact) : Math.max(...candidates);
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

export const formatLocalDate = (local: Pick<LocalDateTime, 'year' | 'month' | 'day'>): string => `${pad(local.year, 4)}-${pad(local.month)}-${pad(local.day)}`;

export const formatLocalDateTime = (local: LocalDateTime): string => `${formatLocalDate(local)}T${pad(local.hour)}:${pad(local.minute)}:${pad(local.second)}`;

/** ISO 8601 with the zone's offset at that instant, such as `2026-03-30T09:00:00+02:00`. */
export function formatInZone(instant: number, timezone: string): string {
  const offset = offsetMinutesAt(instant, timezone);
  const sign = offset < 0 ? '-' : '+';
  const absolute = Math.abs(offset);
  return `${formatLocalDateTime(localAt(instant, timezone))}${sign}${pad(Math.floor(absolute / 60))}:${pad(absolute % 60)}`;
}

const localDateTimePattern = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$/;
const offsetPattern = /(Z|[+-]\d{2}:\d{2})$/i;

/**
 * A date (`2026-03-02`), a wall-clock time (`2026-03-02T09:00`), or a time with an offset
 * (`2026-03-02T08:00:00Z`), read as a wall-clock time in `timezone`. Undefined when it is not one
 * of those or names an impossible date, such as 2026-02-30.
 */
export function parseLocal(text: string, timezone: string): { local: LocalDateTime; dateOnly: boolean } | undefined {
  const offset = offsetPattern.exec(text);
  if (offset && text.includes('T')) {
    const instant = Date.parse(text);
    const withoutOffset = parseLocal(text.slice(0, -offset[0].length), timezone);
    if (Number.isNaN(instant) || !withoutOffset || withoutOffset.dateOnly) return undefined;
    return { local: localAt(instant, timezone), dateOnly: false };
  }
  const match = localDateTimePattern.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => (part === undefined ? 0 : Number(part))) as number[];
  const local = { year, month, day, hour, minute, second } as LocalDateTime;
  const check = new Date(wallClockAsUtc(local));
  const valid =
    check.getUTCFullYear() === local.year &&
    check.getUTCMonth() === local.month - 1 &&
    check.getUTCDate() === local.day &&
    local.hour < 24 &&
    local.minute < 60 &&
    local.second < 60;
  return valid ? { local, dateOnly: match[4] === undefined } : undefined;
}

/** The calendar day after `local`'s, at midnight. */
export function nextDay(local: Pick<LocalDateTime, 'year' | 'month' | 'day'>): LocalDateTime {
  const next = new Date(Date.UTC(local.year, local.month - 1, local.day + 1));
  return { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate(), hour: 0, minute: 0, second: 0 };
}

/** The calendar date (`YYYY-MM-DD`) at an instant in an IANA zone. */
export const localDateOf = (instant: number, timezone: string): string => formatLocalDate(localAt(instant, timezone));

/**
 * The first instant a per-day rule gives on the local dates from `from`'s onwards (`days` of them):
 * `timeOn(date)` answers the rule's instant on that date, or undefined when the date has none. The
 * first one after `from` wins (or at `from`, when `inclusive`). The check-ins of outreach and of
 * goals and the weekly reflection all find their next moment this way.
 */
export function firstOnComingDays(
  from: number,
  timezone: string,
  days: number,
  timeOn: (date: string) => number | undefined,
  options: { inclusive?: boolean } = {},
): { at: number; date: string } | undefined {
  let day: Pick<LocalDateTime, 'year' | 'month' | 'day'> = localAt(from, timezone);
  for (let offset = 0; offset < days; offset++) {
    const date = formatLocalDate(day);
    const at = timeOn(date);
    if (at !== undefined && (options.inclusive ? at >= from : at > from)) return { at, date };
    day = nextDay(day);
  }
  return undefined;
}

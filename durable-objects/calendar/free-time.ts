import { formatInZone, instantOf, type LocalDateTime, nextDay, parseLocal } from '../../server/time/zoned-time.ts';

/** Waking hours, as wall-clock hours of the person's zone: free time is only looked for between them. */
export const wakingHours = { from: 8, to: 20 } as const;

export type FreeSlot = {
  start: string;
  end: string;
  minutes: number;
};

/** The days from `from` to `to`, both included, as local dates; undefined when either is not a real date or they are reversed. */
export function daysBetween(from: string, to: string): LocalDateTime[] | undefined {
  const first = parseLocal(from, 'UTC');
  const last = parseLocal(to, 'UTC');
  if (!first?.dateOnly || !last?.dateOnly) return undefined;
  const days: LocalDateTime[] = [];
  for (let day = first.local; days.length <= 31; day = nextDay(day)) {
    if (Date.UTC(day.year, day.month - 1, day.day) > Date.UTC(last.local.year, last.local.month - 1, last.local.day)) break;
    days.push(day);
  }
  return days.length > 0 ? days : undefined;
}

/**
 * The gaps of at least `minutes` between busy intervals, within waking hours of each day in
 * `timezone`, earliest first. Busy intervals are instants; all-day events count as busy too, since
 * a person who marked a day away is not free that day.
 */
export function findFreeSlots(options: {
  days: LocalDateTime[];
  timezone: string;
  minutes: number;
  busy: { startsAt: number; endsAt: number }[];
  notBefore?: number;
}): FreeSlot[] {
  const busy = [...options.busy].sort((left, right) => left.startsAt - right.startsAt);
  const slots: FreeSlot[] = [];
  for (const day of options.days) {
    let cursor = Math.max(instantOf({ ...day, hour: wakingHours.from, minute: 0, second: 0 }, options.timezone), options.notBefore ?? 0);
    const dayEnd = instantOf({ ...day, hour: wakingHours.to, minute: 0, second: 0 }, options.timezone);
    const keep = (start: number, end: number) => {
      if (end - start >= options.minutes * 60_000) {
        slots.push({ start: formatInZone(start, options.timezone), end: formatInZone(end, options.timezone), minutes: Math.round((end - start) / 60_000) });
      }
    };
    for (const interval of busy) {
      if (interval.endsAt <= cursor || interval.startsAt >= dayEnd) continue;
      if (interval.startsAt > cursor) keep(cursor, interval.startsAt);
      cursor = Math.max(cursor, interval.endsAt);
    }
    if (cursor < dayEnd) keep(cursor, dayEnd);
  }
  return slots;
}

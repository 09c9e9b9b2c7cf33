import type { MoodRange, MoodSummary } from '../../common/mood.ts';
import { type MoodInsightEntry, moodInsights } from './mood-insights.ts';

const dayMs = 86_400_000;

/** A calendar date (`YYYY-MM-DD`) as days since 1970-01-01, for arithmetic that knows no time zone. */
const dayNumber = (date: string): number => Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / dayMs;
const dateOf = (day: number): string => new Date(day * dayMs).toISOString().slice(0, 10);

/** The calendar date `days` after `date` (before, when negative). */
export const addDays = (date: string, days: number): string => dateOf(dayNumber(date) + days);

/** The Monday that starts the week of `date` (weeks start on Monday, as ISO 8601 has them). */
export function mondayOf(date: string): string {
  // 1970-01-01 was a Thursday: day 0 is 3 days after a Monday.
  const sinceMonday = (((dayNumber(date) + 3) % 7) + 7) % 7;
  return addDays(date, -sinceMonday);
}

/** How each range is cut: its buckets and how far back it reaches from today. */
const windows: Record<MoodRange, { bucket: 'day' | 'week'; from: (today: string) => string }> = {
  // The last 28 local days, today included.
  '4w': { bucket: 'day', from: (today) => addDays(today, -27) },
  // Thirteen weeks (about three months), this one included.
  '3m': { bucket: 'week', from: (today) => addDays(mondayOf(today), -12 * 7) },
  // Fifty-two weeks, this one included.
  '12m': { bucket: 'week', from: (today) => addDays(mondayOf(today), -51 * 7) },
};

/** The first and last local day a range covers, ending `today`: the entries to read for it. */
export function moodWindow(range: MoodRange, today: string): { bucket: 'day' | 'week'; from: string; to: string } {
  const window = windows[range];
  return { bucket: window.bucket, from: window.from(today), to: today };
}

const roundedAverage = (total: number, count: number) => Math.round((total / count) * 100) / 100;

/**
 * The trend and the insights for `range`, ending on the person's local day `today`, from the entries
 * of that window (any outside it are ignored). Only buckets with entries are listed, oldest first;
 * averages are rounded to two decimals; the overall average is over entries, not over buckets.
 */
export function summarizeMoods(range: MoodRange, today: string, entries: readonly MoodInsightEntry[]): MoodSummary {
  const { bucket, from, to } = moodWindow(range, today);
  const inWindow = entries.filter((entry) => entry.localDate >= from && entry.localDate <= to);
  const buckets = new Map<string, { total: number; count: number; low: number; high: number }>();
  let total = 0;
  for (const entry of inWindow) {
    const start = bucket === 'day' ? entry.localDate : mondayOf(entry.localDate);
    const point = buckets.get(start) ?? { total: 0, count: 0, low: entry.score, high: entry.score };
    point.total += entry.score;
    point.count += 1;
    point.low = Math.min(point.low, entry.score);
    point.high = Math.max(point.high, entry.score);
    buckets.set(start, point);
    total += entry.score;
  }
  const points = [...buckets]
    .sort(([left], [right]) => left.localeCompare(right))
    .map(([start, point]) => ({ start, average: roundedAverage(point.total, point.count), count: point.count, low: point.low, high: point.high }));
  return {
    range,
    bucket,
    from,
    to,
    points,
    average: inWindow.length > 0 ? roundedAverage(total, inWindow.length) : null,
    insights: moodInsights(inWindow),
  };
}

// The mood trend chart's geometry and words, kept apart from React so they can be tested: where a
// bucket's point goes, the line through the points, which dates label the x axis (in the person's
// locale), and the sentence and table that say what the chart shows to someone who cannot see it.
import type { MoodRange, MoodSummary } from '../../../common/client.ts';
import { moodLabels } from '../../../common/mood.ts';

/** The drawing area inside the SVG: room on the left for the mood words, below for the dates. */
export interface ChartFrame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** The frame for a chart `width` pixels wide: a phone gets the same height, so the line is not squashed flat. */
export function chartFrame(width: number, height = 220): ChartFrame {
  return { width, height, left: 72, right: 16, top: 14, bottom: 32 };
}

const dayMilliseconds = 86_400_000;

/** Whole days from `from` to `day` (both `YYYY-MM-DD`); negative when `day` is earlier. */
export function daysBetween(from: string, day: string): number {
  return Math.round((Date.parse(`${day}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / dayMilliseconds);
}

/** The day `days` after `day`. */
export function addCalendarDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * dayMilliseconds).toISOString().slice(0, 10);
}

/**
 * The x position of a calendar day. The span starts at the earlier of the summary's `from` and its
 * first bucket, since a week bucket starts on a Monday that may lie before `from`.
 */
export function xScale(frame: ChartFrame, first: string, last: string): (day: string) => number {
  const span = Math.max(1, daysBetween(first, last));
  const plotWidth = frame.width - frame.left - frame.right;
  return (day) => frame.left + (Math.min(span, Math.max(0, daysBetween(first, day))) / span) * plotWidth;
}

/** The y position of a mood from 1 (very low, at the bottom) to 5 (great, at the top). */
export function yScale(frame: ChartFrame): (score: number) => number {
  const plotHeight = frame.height - frame.top - frame.bottom;
  return (score) => frame.top + ((5 - Math.min(5, Math.max(1, score))) / 4) * plotHeight;
}

export interface ChartPoint {
  x: number;
  y: number;
  start: string;
  average: number;
  count: number;
}

/** The first and last day the x axis covers. */
export function chartSpan(summary: Pick<MoodSummary, 'from' | 'to' | 'points'>): { first: string; last: string } {
  const firstPoint = summary.points[0]?.start;
  const first = firstPoint !== undefined && firstPoint < summary.from ? firstPoint : summary.from;
  return { first, last: summary.to };
}

/** Each bucket with entries as a point, in date order. */
export function chartPoints(summary: Pick<MoodSummary, 'from' | 'to' | 'points'>, frame: ChartFrame): ChartPoint[] {
  const { first, last } = chartSpan(summary);
  const x = xScale(frame, first, last);
  const y = yScale(frame);
  return [...summary.points]
    .sort((left, right) => left.start.localeCompare(right.start))
    .map((point) => ({ x: round(x(point.start)), y: round(y(point.average)), start: point.start, average: point.average, count: point.count }));
}

const round = (value: number) => Math.round(value * 10) / 10;

/** The SVG path through the points, left to right; empty when there are none. */
export function linePath(points: readonly Pick<ChartPoint, 'x' | 'y'>[]): string {
  return points.map((point, index) => `${index === 0 ? 'M' : 'L'}${point.x} ${point.y}`).join(' ');
}

/** `count` days spread evenly from `first` to `last`, both ends included (one day when they are the same). */
export function tickDays(first: string, last: string, count: number): string[] {
  const span = daysBetween(first, last);
  if (span <= 0 || count < 2) return [first];
  const days: string[] = [];
  for (let index = 0; index < count; index++) {
    const day = addCalendarDays(first, Math.round((span * index) / (count - 1)));
    if (days.at(-1) !== day) days.push(day);
  }
  return days;
}

/**
 * A date as the x axis writes it, in the person's locale: day and month over weeks and months
 * ("2 Nov", "Nov 2"), month and year over a year ("Nov 2025"). Calendar days, so read in UTC.
 */
export function formatTickDate(day: string, range: MoodRange, locale?: string): string {
  const options: Intl.DateTimeFormatOptions = range === '12m' ? { month: 'short', year: 'numeric' } : { day: 'numeric', month: 'short' };
  return new Intl.DateTimeFormat(locale, { ...options, timeZone: 'UTC' }).format(new Date(`${day}T12:00:00Z`));
}

/** A calendar day written out for the table and the summary: "Mon, 2 Nov 2026" in en-GB. */
export function formatLongDate(day: string, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(`${day}T12:00:00Z`),
  );
}

/** The mood word nearest an average: 3.4 → "okay", 3.6 → "good". */
export function moodWord(average: number): string {
  const index = Math.min(4, Math.max(0, Math.round(average) - 1));
  return moodLabels[index] as string;
}

/** An average as the person reads it: one decimal, without a trailing ".0". */
export function formatAverage(average: number, locale?: string): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(Math.round(average * 10) / 10);
}

export const rangeNames: Record<MoodRange, string> = { '4w': '4 weeks', '3m': '3 months', '12m': '12 months' };

/** The chart's text alternative: span, how many days or weeks had entries, the average, lowest and highest. */
export function describeTrend(summary: MoodSummary, locale?: string): string {
  const bucketWord = summary.bucket === 'day' ? 'day' : 'week';
  const span = `over the last ${rangeNames[summary.range]} (${formatLongDate(summary.from, locale)} to ${formatLongDate(summary.to, locale)})`;
  if (summary.points.length === 0 || summary.average === null) return `Mood ${span}: nothing recorded yet.`;
  const count = summary.points.length;
  const lowest = Math.min(...summary.points.map((point) => point.average));
  const highest = Math.max(...summary.points.map((point) => point.average));
  const average = `average ${formatAverage(summary.average, locale)} of 5 (${moodWord(summary.average)})`;
  return `Mood ${span}: ${count} ${bucketWord}${count === 1 ? '' : 's'} with entries, ${average}, lowest ${formatAverage(lowest, locale)}, highest ${formatAverage(highest, locale)}.`;
}

/** One row of the chart's table: the day (or the week it starts), the average and how many entries. */
export function tableRows(summary: Pick<MoodSummary, 'points' | 'bucket'>, locale?: string): { when: string; average: string; entries: string }[] {
  return [...summary.points]
    .sort((left, right) => left.start.localeCompare(right.start))
    .map((point) => ({
      when: summary.bucket === 'week' ? `Week of ${formatLongDate(point.start, locale)}` : formatLongDate(point.start, locale),
      average: `${formatAverage(point.average, locale)} (${moodWord(point.average)})`,
      entries: String(point.count),
    }));
}

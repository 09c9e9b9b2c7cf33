import * as chrono from 'chrono-node';
import { zonedFormat } from '../../server/time/formatters.ts';

/**
 * Resolves what a person said about time ("next Friday", "tomorrow at 3pm", "in two weeks")
 * against the moment they said it, in their own time zone. chrono-node does the parsing; we give
 * it the message time and the zone's offset at that instant, and format the result back in the
 * user's zone, so "tomorrow" said at 23:30 in Tokyo is the Tokyo tomorrow, not the UTC one.
 */
export interface ResolvedDate {
  /** The calendar date in the user's zone, YYYY-MM-DD. */
  date: string;
  /** The exact instant when a time of day was said, else null. */
  instant: string | null;
  /** The words that were resolved. */
  text: string;
}

export function resolveRelativeDate(expression: string, spokenAt: Date, timezone: string): ResolvedDate | null {
  const [result] = chrono.parse(expression, { instant: spokenAt, timezone: offsetMinutes(spokenAt, timezone) }, { forwardDate: false });
  if (!result) return null;
  const start = result.start.date();
  return {
    date: calendarDate(start, timezone),
    instant: result.start.isCertain('hour') ? start.toISOString() : null,
    text: result.text,
  };
}

/** The calendar date of an instant in a zone, as YYYY-MM-DD. */
export function calendarDate(instant: Date, timezone: string): string {
  // The prompt's memory block dates every memory.
  return isoDate(timezone).format(instant);
}

const isoDate = zonedFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit' });
const offsetName = zonedFormat('en-US', { timeZoneName: 'longOffset' });

/** The zone's offset from UTC at that instant, in minutes (daylight saving included). */
export function offsetMinutes(instant: Date, timezone: string): number {
  const name = offsetName(timezone)
    .formatToParts(instant)
    .find((part) => part.type === 'timeZoneName')?.value;
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name ?? '');
  if (!match) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}

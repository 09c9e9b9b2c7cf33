// The Today screen's words and groupings, kept apart from React so they can be tested: which day an
// event falls on in the person's time zone (not the device's), how the companion's plans read in
// plain language, and the channel order's moves.
import type { EventOccurrenceView, OutreachAnswer, OutreachKind } from '../../../common/client.ts';

/** A calendar day in some time zone, as `YYYY-MM-DD`. */
export type DayKey = string;

const dayFormats = new Map<string, Intl.DateTimeFormat>();
const timeFormats = new Map<string, Intl.DateTimeFormat>();

function cached(cache: Map<string, Intl.DateTimeFormat>, timeZone: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let format = cache.get(timeZone);
  if (format === undefined) {
    format = make();
    cache.set(timeZone, format);
  }
  return format;
}

/** The day an instant falls on in `timeZone`. */
export function dayKeyOf(instant: Date | string, timeZone: string): DayKey {
  // en-CA writes dates as YYYY-MM-DD.
  const format = cached(dayFormats, timeZone, () => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }));
  return format.format(typeof instant === 'string' ? new Date(instant) : instant);
}

/** The day `days` after `day` (negative goes back). */
export function addDays(day: DayKey, days: number): DayKey {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** A time of day in `timeZone`, 24-hour, as `HH:MM`. */
export function clockTimeOf(instant: Date | string, timeZone: string): string {
  const format = cached(timeFormats, timeZone, () => new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }));
  return format.format(typeof instant === 'string' ? new Date(instant) : instant);
}

/** "today", "tomorrow", or the weekday and date ("Wed 2 Dec"), seen from `now` in `timeZone`. */
export function relativeDayName(day: DayKey, now: Date, timeZone: string): string {
  const today = dayKeyOf(now, timeZone);
  if (day === today) return 'today';
  if (day === addDays(today, 1)) return 'tomorrow';
  if (day === addDays(today, -1)) return 'yesterday';
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short' }).format(new Date(`${day}T12:00:00Z`));
}

/** "today at 18:00", "tomorrow at 09:15", "Wed 2 Dec at 07:00". */
export function describeWhen(instant: string, now: Date, timeZone: string): string {
  return `${relativeDayName(dayKeyOf(instant, timeZone), now, timeZone)} at ${clockTimeOf(instant, timeZone)}`;
}

/**
 * The days an occurrence covers. An all-day event's dates are the wall dates it was written with
 * (its end is the day after its last, as in iCalendar), wherever the person is; a timed one covers
 * every day of the person's zone it overlaps.
 */
export function daysCovered(event: Pick<EventOccurrenceView, 'start' | 'end' | 'allDay'>, timeZone: string): DayKey[] {
  const first = event.allDay ? event.start.slice(0, 10) : dayKeyOf(event.start, timeZone);
  const last = event.allDay ? addDays(event.end.slice(0, 10), -1) : dayKeyOf(new Date(Math.max(Date.parse(event.start), Date.parse(event.end) - 1)), timeZone);
  const days: DayKey[] = [first];
  // Bounded: the agenda asks for a few days, and a long event needs no more than those.
  for (let day = first; day < last && days.length < 400; ) {
    day = addDays(day, 1);
    days.push(day);
  }
  return days;
}

export interface AgendaDay {
  day: DayKey;
  /** "Today", "Tomorrow". */
  title: string;
  events: EventOccurrenceView[];
}

/** Today's and the following days' events, each day's by start (all-day ones first). */
export function groupAgenda(events: EventOccurrenceView[], now: Date, timeZone: string, dayCount = 2): AgendaDay[] {
  const today = dayKeyOf(now, timeZone);
  const days: AgendaDay[] = Array.from({ length: dayCount }, (_, index) => {
    const day = addDays(today, index);
    const name = relativeDayName(day, now, timeZone);
    return { day, title: name.charAt(0).toUpperCase() + name.slice(1), events: [] };
  });
  for (const event of events) {
    const covered = new Set(daysCovered(event, timeZone));
    for (const agendaDay of days) if (covered.has(agendaDay.day)) agendaDay.events.push(event);
  }
  for (const agendaDay of days) {
    agendaDay.events.sort((left, right) => Number(right.allDay) - Number(left.allDay) || Date.parse(left.start) - Date.parse(right.start));
  }
  return days;
}

/** "All day", or "09:30–10:15" in the person's zone. */
export function describeEventTime(event: Pick<EventOccurrenceView, 'start' | 'end' | 'allDay'>, timeZone: string): string {
  if (event.allDay) return 'All day';
  return `${clockTimeOf(event.start, timeZone)}–${clockTimeOf(event.end, timeZone)}`;
}

/** The `from`–`to` range that covers the agenda's days, with a day's margin for every time zone. */
export function agendaRange(now: Date, dayCount = 2): { from: string; to: string } {
  const from = new Date(now.getTime() - 36 * 3_600_000);
  const to = new Date(now.getTime() + (dayCount * 24 + 36) * 3_600_000);
  return { from: from.toISOString(), to: to.toISOString() };
}

/** Why the companion spoke first, as the small label on its message. */
export const outreachKindLabels: Record<OutreachKind, string> = {
  reminder: 'Reminder',
  'event-soon': 'Event soon',
  'check-in': 'Check-in',
  'follow-up': 'Follow-up',
  'goal-check-in': 'Goals',
  reflection: 'Weekly reflection',
};

type PlannedOutreach = OutreachAnswer['planned'][number];

/** A check-in's reason carries its cadence ("Check-in (daily at 18:00)"), which the plan's time already says. */
function whatIsPlanned(item: PlannedOutreach): string {
  switch (item.kind) {
    case 'check-in':
      return 'Check-in';
    case 'event-soon':
      // The reason names the event and its time: "Dentist at 09:30".
      return `Reminder before ${item.reason}`;
    case 'follow-up':
      return `Ask how it went: ${item.reason}`;
    case 'reminder':
      return `Reminder: ${item.reason}`;
    case 'goal-check-in':
      return `Ask about ${item.reason}`;
    case 'reflection':
      return 'Weekly reflection';
  }
}

/** One thing the companion plans to bring up, in plain words: "Check-in today at 18:00". */
export function describePlanned(item: PlannedOutreach, now: Date, timeZone: string): { what: string; when: string } {
  return { what: whatIsPlanned(item), when: describeWhen(item.at, now, timeZone) };
}

/**
 * The channel order after moving the channel at `index` one place up (-1) or down (+1). Moving past
 * either end leaves the order as it was; the original is never changed.
 */
export function moveChannel<Channel>(order: readonly Channel[], index: number, direction: -1 | 1): Channel[] {
  const target = index + direction;
  const next = order.slice();
  if (index < 0 || index >= order.length || target < 0 || target >= order.length) return next;
  [next[index], next[target]] = [next[target] as Channel, next[index] as Channel];
  return next;
}

/** How far `timeZone` is ahead of UTC at `instant`, in milliseconds. */
function offsetAt(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const part = (type: string) => Number(parts.find((item) => item.type === type)?.value);
  const asUtc = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant of a wall-clock `date` (`YYYY-MM-DD`) and `time` (`HH:MM`) in the person's zone, which
 * may differ from the device's. The object has the same conversion in `server/time`; the web app
 * does not import server code. A time skipped by a daylight-saving change moves forward by the gap.
 */
export function instantOfWallClock(date: string, time: string, timeZone: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const clock = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  if (!match || !clock) return undefined;
  const wall = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]), Number(clock[1]), Number(clock[2]));
  if (Number.isNaN(wall)) return undefined;
  let instant = wall - offsetAt(wall, timeZone);
  // The offset at the guess may differ from the offset at the answer near a change; once more settles it.
  instant = wall - offsetAt(instant, timeZone);
  return new Date(instant).toISOString();
}

import { z } from 'zod';
import type { JsonValue } from '../../common/protocol.ts';
import { formatLocalDate, instantOf, localAt, nextDay } from '../../server/time/zoned-time.ts';
import { defineTool, type Tool } from '../tools/tool.ts';
import { daysBetween, findFreeSlots, wakingHours } from './free-time.ts';
import type { CalendarEvent, EventDraft, EventOccurrence } from './ical-event.ts';

const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date such as 2026-03-02');

/** What the tools need of the calendar: this user's events only, so no tool can reach another user. */
export interface CalendarToolServices {
  between(from: number, to: number): Promise<EventOccurrence[]>;
  create(draft: EventDraft): Promise<CalendarEvent>;
}

const presentOccurrence = (occurrence: EventOccurrence): JsonValue => ({
  eventId: occurrence.id,
  title: occurrence.title,
  start: occurrence.start,
  end: occurrence.end,
  allDay: occurrence.allDay,
  location: occurrence.location,
  repeats: occurrence.recurrence,
});

/** The instants from the start of `from` to the end of `to`, as days in `timezone`. */
function dayRange(from: string, to: string | undefined, timezone: string): { start: number; end: number; days: ReturnType<typeof daysBetween> } {
  const days = daysBetween(from, to ?? from);
  const first = days?.[0];
  const last = days?.at(-1);
  if (!first || !last) throw new Error('The dates must be real dates, the first not after the last, at most 31 days apart.');
  return { start: instantOf(first, timezone), end: instantOf(nextDay(last), timezone), days };
}

/** The companion's calendar tools: read a range, find free time, add an event. Moving and cancelling will ask first, later. */
export function createCalendarTools(services: CalendarToolServices): Tool[] {
  return [
    defineTool({
      id: 'calendar-list-events',
      name: 'list_events',
      title: 'Check your calendar',
      summary: 'Looks at what is on your calendar when you ask about your plans.',
      description:
        "Lists the user's calendar events between two dates (inclusive, in the user's time zone), each occurrence of repeating events separately. Use it before answering about their plans or schedule.",
      inputSchema: z.object({ from: localDate, to: localDate.optional().describe('Last day to include; defaults to `from`') }),
      enabledByDefault: true,
      risk: 'read',
      async execute({ from, to }, context) {
        const range = dayRange(from, to, context.timezone);
        return { events: (await services.between(range.start, range.end)).map(presentOccurrence) };
      },
    }),
    defineTool({
      id: 'calendar-find-free-time',
      name: 'find_free_time',
      title: 'Find free time',
      summary: 'Finds open moments in your day, between 8 in the morning and 8 in the evening.',
      description: `Finds free slots of at least \`minutes\` in the user's calendar, within waking hours (${wakingHours.from}:00 to ${wakingHours.to}:00 in the user's time zone), for a day or a range of days.`,
      inputSchema: z.object({
        from: localDate,
        to: localDate.optional().describe('Last day to search; defaults to `from`'),
        minutes: z
          .number()
          .int()
          .min(5)
          .max(12 * 60),
      }),
      enabledByDefault: true,
      risk: 'read',
      async execute({ from, to, minutes }, context) {
        const range = dayRange(from, to, context.timezone);
        const busy = await services.between(range.start, range.end);
        const slots = findFreeSlots({ days: range.days ?? [], timezone: context.timezone, minutes, busy, notBefore: context.now.getTime() });
        return { timezone: context.timezone, today: formatLocalDate(localAt(context.now.getTime(), context.timezone)), slots: slots.slice(0, 20) };
      },
    }),
    defineTool({
      id: 'calendar-create-event',
      name: 'create_event',
      title: 'Add to your calendar',
      summary: 'Puts plans you mention on your calendar when you ask it to.',
      description:
        "Adds an event to the user's calendar when they ask. Times are wall-clock times in the user's time zone (2026-03-02T09:00); an all-day event takes dates, its end being the day after the last day. `rrule` is an iCalendar RRULE for repeating events.",
      inputSchema: z.object({
        title: z.string().min(1).max(500),
        start: z.string().max(40),
        end: z.string().max(40),
        allDay: z.boolean().optional(),
        location: z.string().max(1000).optional(),
        notes: z.string().max(2000).optional(),
        rrule: z.string().max(500).optional(),
      }),
      enabledByDefault: true,
      risk: 'change',
      async execute(input, context) {
        const event = await services.create({
          title: input.title,
          start: input.start,
          end: input.end,
          timezone: context.timezone,
          allDay: input.allDay ?? false,
          location: input.location ?? null,
          notes: input.notes ?? null,
          recurrence: input.rrule ? { rrule: input.rrule } : null,
        });
        return { created: true, eventId: event.id, start: event.start, end: event.end, repeats: event.recurrence?.rrule ?? null };
      },
    }),
  ];
}

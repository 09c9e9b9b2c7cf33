import { z } from 'zod';
import type { ConfirmationEvent, ConfirmationSummary, JsonValue } from '../../common/protocol.ts';
import { AppError } from '../../server/errors/app-error.ts';
import { zonedFormat } from '../../server/time/formatters.ts';
import { formatInZone, formatLocalDate, formatLocalDateTime, instantOf, localAt, parseLocal } from '../../server/time/zoned-time.ts';
import type { ConfirmationHandler, Confirmations } from '../confirmations/confirmations-capability.ts';
import { defineTool, type Tool, type ToolContext } from '../tools/tool.ts';
import {
  describeEvent,
  type EventEdit,
  type EventOccurrence,
  occurrencesBetween,
  type ParsedEvent,
  recurrenceIdOf,
  recurrenceWallClockMs,
  wallClockMs,
  wallClockText,
} from './ical-event.ts';

/** What the change tools need of the calendar: read an event, check or make a change, and ask the person. */
export interface CalendarChangeServices {
  get(id: string): Promise<ParsedEvent | undefined>;
  edit(id: string, edit: EventEdit, options: { write: boolean }): Promise<ParsedEvent | null | undefined>;
  confirmations: Pick<Confirmations, 'request'>;
}

/** The confirmation actions the calendar handles. */
export const calendarActions = { move: 'calendar.move-event', cancel: 'calendar.cancel-event' } as const;

/** What a calendar confirmation keeps, sealed, until the person answers: the change, and the sentences that say what became of it. */
const changePayloadSchema = z.object({
  eventId: z.string(),
  title: z.string(),
  edit: z.custom<EventEdit>((value) => typeof value === 'object' && value !== null && 'kind' in value && 'scope' in value),
  doneText: z.string(),
});
type ChangePayload = z.infer<typeof changePayloadSchema>;

const oneDay = 86_400_000;

const quoted = (title: string) => `“${title || 'Untitled'}”`;

const dayFormat = zonedFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'short' });
const timeFormat = zonedFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** "Thursday 3 Dec, 10:00–11:00" in the event's zone; all-day events by their days alone. */
export function describeWhen(startsAt: number, endsAt: number, timezone: string, allDay: boolean): string {
  const day = (instant: number) => dayFormat(timezone).format(instant);
  const time = (instant: number) => timeFormat(timezone).format(instant);
  if (allDay) {
    // The end of an all-day event is midnight after its last day; half a day back is inside that day, even across a DST change.
    const lastDay = Math.max(endsAt - oneDay / 2, startsAt);
    return day(lastDay) === day(startsAt) ? day(startsAt) : `${day(startsAt)} to ${day(lastDay)}`;
  }
  if (day(startsAt) === day(endsAt)) return `${day(startsAt)}, ${time(startsAt)}–${time(endsAt)}`;
  return `${day(startsAt)}, ${time(startsAt)} to ${day(endsAt)}, ${time(endsAt)}`;
}

const instantOfWallClock = (text: string, timezone: string): number => {
  const parsed = parseLocal(text, timezone);
  if (!parsed) throw new AppError('invalid_event', `${JSON.stringify(text)} is not a real date or time.`);
  return instantOf(parsed.local, timezone);
};

/** The occurrence a request names, and whether the event repeats. */
async function findTarget(
  services: CalendarChangeServices,
  input: { eventId: string; occurrenceStart?: string; scope?: 'occurrence' | 'series' },
  context: ToolContext,
): Promise<{ event: ParsedEvent; occurrence: EventOccurrence; repeats: boolean; scope: 'occurrence' | 'series' }> {
  const event = await services.get(input.eventId);
  if (!event) throw new AppError('not_found', 'There is no event with this eventId: take it from list_events.');
  const repeats = event.master.component.hasProperty('rrule') || event.master.component.hasProperty('rdate');
  const scope = repeats ? (input.scope ?? 'occurrence') : 'series';
  if (input.occurrenceStart === undefined) {
    if (repeats && scope === 'occurrence') {
      throw new AppError('invalid_event', 'This event repeats: give occurrenceStart (the start list_events gave that occurrence), or scope "series".');
    }
    // The first occurrence: the event's own first start is always one.
    const start = Date.parse(describeEvent(event).start);
    const [first] = occurrencesBetween(event, start, start + 1);
    if (!first) throw new AppError('invalid_event', 'This event has no occurrence left.');
    return { event, occurrence: first, repeats, scope };
  }
  // The start as list_events gave it (with its offset), or a wall-clock time in the person's zone.
  const instant = instantOfWallClock(input.occurrenceStart, context.timezone);
  const occurrence = occurrencesBetween(event, instant - oneDay, instant + oneDay).find((candidate) => candidate.startsAt === instant);
  if (!occurrence) throw new AppError('invalid_event', `No occurrence of this event starts at ${input.occurrenceStart}: take the start from list_events.`);
  return { event, occurrence, repeats, scope };
}

const shownEvent = (occurrence: EventOccurrence): ConfirmationEvent => ({
  title: occurrence.title,
  start: occurrence.start,
  end: occurrence.end,
  timezone: occurrence.timezone,
  allDay: occurrence.allDay,
  location: occurrence.location,
  repeats: occurrence.recurrence,
});

const askedNote =
  'Nothing has changed yet. The person now sees a card in the chat with the event, to confirm or keep it as it is; it happens only if they confirm. Tell them so, and do not say it is done.';

const targetFields = {
  eventId: z.string().min(1).max(64).describe('The eventId list_events gave'),
  occurrenceStart: z.string().max(40).optional().describe('For a repeating event: the start list_events gave the occurrence meant (with its offset, as given)'),
  scope: z.enum(['occurrence', 'series']).optional().describe('For a repeating event: just that occurrence (the default), or the whole series'),
};

/**
 * The tools that move and cancel events. Neither changes anything: each checks the change can be
 * made, then asks the person to confirm it in the chat, with the event shown. The change is made by
 * the handlers below, once the person accepts.
 */
export function createCalendarChangeTools(services: CalendarChangeServices): Tool[] {
  async function ask(context: ToolContext, action: string, payload: ChangePayload, summary: ConfirmationSummary): Promise<JsonValue> {
    if (!context.conversationId) throw new AppError('invalid_event', 'The person can only be asked in a conversation.');
    const confirmation = await services.confirmations.request({
      action,
      payload,
      summary,
      conversationId: context.conversationId,
      ...(context.messageId ? { messageId: context.messageId } : {}),
    });
    return { status: 'awaiting-confirmation', confirmationId: confirmation.id, asked: summary.headline, note: askedNote };
  }

  return [
    defineTool({
      id: 'calendar-move-event',
      name: 'move_event',
      title: 'Move an event',
      summary: 'Moves an event on your calendar to another time, once you confirm it in the chat.',
      description:
        "Proposes moving an event of the user's calendar to a new time; the user must confirm in the chat before anything changes. Times are wall-clock times in the user's time zone (2026-03-02T09:00), dates for all-day events. Without `end` or `durationMinutes` the event keeps its length.",
      inputSchema: z.object({
        ...targetFields,
        start: z.string().max(40).describe('The new start'),
        end: z.string().max(40).optional().describe('The new end'),
        durationMinutes: z
          .number()
          .int()
          .min(1)
          .max(7 * 24 * 60)
          .optional(),
      }),
      enabledByDefault: true,
      risk: 'change',
      confirmsItself: true,
      async execute(input, context) {
        const { event, occurrence, repeats, scope } = await findTarget(services, input, context);
        const timezone = event.timezone;
        // The new times, read in the person's zone and written in the event's own.
        let startsAt: number;
        let endsAt: number;
        let startText: string;
        let endText: string;
        if (event.allDay) {
          const start = parseLocal(input.start, timezone);
          if (!start?.dateOnly) throw new AppError('invalid_event', 'This is an all-day event: give the new start as a date such as 2026-03-02.');
          const days = input.end
            ? Math.round((instantOfWallClock(input.end, timezone) - instantOf(start.local, timezone)) / oneDay)
            : input.durationMinutes
              ? Math.max(1, Math.ceil(input.durationMinutes / (24 * 60)))
              : Math.round((wallClockMs(localAt(occurrence.endsAt, timezone)) - wallClockMs(localAt(occurrence.startsAt, timezone))) / oneDay);
          startText = formatLocalDate(start.local);
          endText = wallClockText(wallClockMs(start.local) + days * oneDay, true);
          startsAt = instantOf(start.local, timezone);
          endsAt = instantOfWallClock(endText, timezone);
        } else {
          startsAt = instantOfWallClock(input.start, context.timezone);
          endsAt = input.end
            ? instantOfWallClock(input.end, context.timezone)
            : startsAt + (input.durationMinutes ? input.durationMinutes * 60_000 : occurrence.endsAt - occurrence.startsAt);
          startText = formatLocalDateTime(localAt(startsAt, timezone));
          endText = formatLocalDateTime(localAt(endsAt, timezone));
        }
        let edit: EventEdit;
        if (scope === 'occurrence') {
          edit = { kind: 'move', scope, recurrenceId: recurrenceIdOf(occurrence), start: startText, end: endText };
        } else {
          // The series moves by the distance between the occurrence's place in the rule and its new start.
          const reference = repeats ? recurrenceWallClockMs(recurrenceIdOf(occurrence)) : wallClockMs(localAt(occurrence.startsAt, timezone));
          const shift = wallClockMs(localAt(startsAt, timezone)) - reference;
          const firstStart = describeEvent(event).start;
          const firstLocal = parseLocal(firstStart, timezone);
          if (!firstLocal) throw new Error('A stored event has an unreadable start.');
          const newFirst = wallClockMs(firstLocal.local) + (event.allDay ? Math.round(shift / oneDay) * oneDay : shift);
          const length = wallClockMs(localAt(endsAt, timezone)) - wallClockMs(localAt(startsAt, timezone));
          edit = { kind: 'move', scope, start: wallClockText(newFirst, event.allDay), end: wallClockText(newFirst + length, event.allDay) };
        }
        // Checked now, so the person is never asked about a change that cannot be made.
        await services.edit(event.id, edit, { write: false });
        const when = describeWhen(startsAt, endsAt, timezone, event.allDay);
        const title = occurrence.title;
        const series = repeats && scope === 'series';
        const summary: ConfirmationSummary = {
          headline: series ? `Move every ${quoted(title)} so this one is on ${when}?` : `Move ${quoted(title)} to ${when}?`,
          acceptLabel: 'Confirm',
          declineLabel: 'Keep as is',
          event: shownEvent(occurrence),
          after: { start: formatInZone(startsAt, timezone), end: formatInZone(endsAt, timezone) },
          ...(repeats ? { scope } : {}),
        };
        const doneText = series ? `Moved every ${quoted(title)}: this one is now on ${when}.` : `Moved ${quoted(title)} to ${when}.`;
        return ask(context, calendarActions.move, { eventId: event.id, title, edit, doneText }, summary);
      },
    }),
    defineTool({
      id: 'calendar-cancel-event',
      name: 'cancel_event',
      title: 'Cancel an event',
      summary: 'Takes an event off your calendar, once you confirm it in the chat.',
      description:
        'Proposes cancelling (deleting) an event of the user\'s calendar; the user must confirm in the chat before anything changes. For a repeating event, one occurrence or, with scope "series", all of them.',
      inputSchema: z.object(targetFields),
      enabledByDefault: true,
      risk: 'change',
      confirmsItself: true,
      async execute(input, context) {
        const { event, occurrence, repeats, scope } = await findTarget(services, input, context);
        const edit: EventEdit = scope === 'occurrence' ? { kind: 'cancel', scope, recurrenceId: recurrenceIdOf(occurrence) } : { kind: 'cancel', scope };
        await services.edit(event.id, edit, { write: false });
        const when = describeWhen(occurrence.startsAt, occurrence.endsAt, event.timezone, event.allDay);
        const title = occurrence.title;
        const series = repeats && scope === 'series';
        const summary: ConfirmationSummary = {
          headline: series ? `Cancel ${quoted(title)} and every time it repeats?` : `Cancel ${quoted(title)} on ${when}?`,
          acceptLabel: 'Confirm',
          declineLabel: 'Keep as is',
          event: shownEvent(occurrence),
          ...(repeats ? { scope } : {}),
        };
        const doneText = series ? `Cancelled ${quoted(title)} and every time it repeats.` : `Cancelled ${quoted(title)} on ${when}.`;
        return ask(context, calendarActions.cancel, { eventId: event.id, title, edit, doneText }, summary);
      },
    }),
  ];
}

/** What the calendar does when the person answers: the change, made once, against the event as it is now. */
export function calendarConfirmationHandlers(services: Pick<CalendarChangeServices, 'edit'>): Record<string, ConfirmationHandler> {
  const handler: ConfirmationHandler = {
    async accept(payload) {
      const change = changePayloadSchema.parse(payload);
      const result = await services.edit(change.eventId, change.edit, { write: true });
      if (result === undefined) throw new AppError('not_found', `${quoted(change.title)} is no longer on your calendar.`);
      return change.doneText;
    },
    declined: (payload) => `Kept ${quoted(changePayloadSchema.parse(payload).title)} as it is.`,
  };
  return { [calendarActions.move]: handler, [calendarActions.cancel]: handler };
}

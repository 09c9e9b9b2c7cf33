import {
  type CalendarEventView,
  type CreateEventBody,
  type EventOccurrenceView,
  type ListEventsQuery,
  maxEventRangeDays,
  type UpdateEventBody,
} from '../../common/protocol.ts';
import { AppError, notFound } from '../../server/errors/app-error.ts';
import type { CompanionCapability } from '../companion/companion-capability.ts';
import type { Confirmations } from '../confirmations/confirmations-capability.ts';
import type { Capability, CapabilityHost } from '../host/capability.ts';
import { exportList } from '../host/export-document.ts';
import { calendarConfirmationHandlers, createCalendarChangeTools } from './calendar-change-tools.ts';
import { CalendarStore } from './calendar-store.ts';
import { createCalendarTools } from './calendar-tools.ts';
import { describeEvent, type EventEdit, type EventOccurrence, writeIcs } from './ical-event.ts';
import { calendarSchemaSteps } from './schema.ts';
import { createUidHasher } from './uid-hash.ts';

const presentOccurrence = ({ startsAt: _startsAt, endsAt: _endsAt, ...occurrence }: EventOccurrence): EventOccurrenceView => occurrence;

/** The person's calendar: events sealed as iCalendar in their object, listed by occurrence, imported and exported as ICS. */
export function createCalendarCapability(host: CapabilityHost, dependencies: { companion: CompanionCapability; confirmations: Confirmations }) {
  const store = new CalendarStore(
    host.sql,
    host.vault,
    () => host.now(),
    createUidHasher(async () => (await host.vault.keys()).blindIndex),
  );
  const changes = {
    get: (id: string) => store.get(id),
    edit: (id: string, edit: EventEdit, options: { write: boolean }) => store.edit(id, edit, options),
  };
  const tools = [
    ...createCalendarTools({ between: (from, to) => store.between(from, to), create: (draft) => store.create(draft) }),
    // Moving and cancelling ask the person first: the tools only ask, the handlers act once they accept.
    ...createCalendarChangeTools({ ...changes, confirmations: dependencies.confirmations }),
  ];
  dependencies.confirmations.register(calendarConfirmationHandlers(changes));

  return {
    name: 'calendar',
    schema: calendarSchemaSteps,
    /** Other capabilities (reminders, outreach) read the calendar through this, never its table. */
    occurrencesBetween: (from: number, to: number): Promise<EventOccurrence[]> => store.between(from, to),
    rpc: {
      async list(query: ListEventsQuery): Promise<EventOccurrenceView[]> {
        const from = Date.parse(query.from);
        const to = Date.parse(query.to);
        if (!(to > from)) throw new AppError('validation_failed', '`to` must be after `from`.');
        if (to - from > maxEventRangeDays * 86_400_000) throw new AppError('range_too_wide', `A range covers at most ${maxEventRangeDays} days.`);
        return (await store.between(from, to)).map(presentOccurrence);
      },
      create: async (body: CreateEventBody): Promise<CalendarEventView> =>
        store.create({
          title: body.title,
          start: body.start,
          end: body.end,
          timezone: body.timezone,
          allDay: body.allDay ?? false,
          location: body.location ?? null,
          notes: body.notes ?? null,
          recurrence: body.recurrence ?? null,
        }),
      async update(id: string, change: UpdateEventBody): Promise<CalendarEventView> {
        return (await store.update(id, change)) ?? Promise.reject(notFound('event'));
      },
      async delete(id: string): Promise<null> {
        if (!store.delete(id)) throw notFound('event');
        return null;
      },
      /** Times without a zone (floating) and zones the runtime does not know are read in the person's own zone. */
      async importIcs(text: string): Promise<{ imported: number }> {
        const { timezone } = await dependencies.companion.settings.profile();
        return { imported: await store.importIcs(text, timezone) };
      },
      async exportIcs(): Promise<string> {
        const events = [];
        for await (const event of store.all()) events.push(event);
        return writeIcs(events);
      },
    },
    tools: () => tools,
    exportData: async () => ({
      calendar: {
        events: exportList(async function* () {
          for await (const event of store.all()) yield describeEvent(event);
        }),
      },
    }),
  } satisfies Capability;
}

export type CalendarCapability = ReturnType<typeof createCalendarCapability>;

import type { ImportDocument } from '../../common/import.ts';
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
import type { ImportPlan } from '../host/import-document.ts';
import { lazily } from '../host/lazily.ts';
import { calendarConfirmationHandlers, createCalendarChangeTools } from './calendar-change-tools.ts';
import { CalendarStore } from './calendar-store.ts';
import { createCalendarTools } from './calendar-tools.ts';
import { type CalendarEvent, describeEvent, type EventDraft, type EventEdit, type EventOccurrence, readIcs, writeIcs } from './ical-event.ts';
import { calendarSchemaSteps } from './schema.ts';
import { createUidHasher } from './uid-hash.ts';

/** A change a person made to an event (through the API, a tool or an import), as calendar sync hears of it. */
export interface LocalEventChange {
  eventId: string;
  kind: 'created' | 'updated' | 'deleted';
}

const presentOccurrence = ({ startsAt: _startsAt, endsAt: _endsAt, ...occurrence }: EventOccurrence): EventOccurrenceView => occurrence;

/** The person's calendar: events sealed as iCalendar in their object, listed by occurrence, imported and exported as ICS. */
export function createCalendarCapability(host: CapabilityHost, dependencies: { companion: CompanionCapability; confirmations: Confirmations }) {
  // Whatever plans around the person's events (outreach's heads-ups) listens here: told of every
  // write and deletion, sync's own included, so it can plan again at once rather than on its next round.
  const eventChangeListeners: ((eventId: string) => Promise<void>)[] = [];
  const store = new CalendarStore(
    host.sql,
    host.vault,
    () => host.now(),
    createUidHasher(async () => (await host.vault.keys()).blindIndex),
    async (eventId) => {
      for (const listener of eventChangeListeners) await listener(eventId);
    },
  );
  // Calendar sync listens here; changes sync itself writes (`sync.write`, `sync.remove`) are not announced.
  const changeListeners: ((change: LocalEventChange) => Promise<void>)[] = [];
  const announce = async (eventId: string, kind: LocalEventChange['kind']) => {
    for (const listener of changeListeners) await listener({ eventId, kind });
  };
  const createEvent = async (draft: EventDraft): Promise<CalendarEvent> => {
    const created = await store.create(draft);
    await announce(created.id, 'created');
    return created;
  };
  const changes = {
    get: (id: string) => store.get(id),
    async edit(id: string, edit: EventEdit, options: { write: boolean }) {
      const edited = await store.edit(id, edit, options);
      // A confirmed move or cancellation reaches connected calendars like any other change.
      if (options.write && edited !== undefined) await announce(id, edited === null ? 'deleted' : 'updated');
      return edited;
    },
  };
  const tools = lazily(() => [
    ...createCalendarTools({ between: (from, to) => store.between(from, to), create: createEvent }),
    // Moving and cancelling ask the person first: the tools only ask, the handlers act once they accept.
    ...createCalendarChangeTools({ ...changes, confirmations: dependencies.confirmations }),
  ]);
  dependencies.confirmations.register(calendarConfirmationHandlers(changes));

  return {
    name: 'calendar',
    schema: calendarSchemaSteps,
    /**
     * What calendar sync (`calendar-sources`) needs, and nothing more: to hear of the person's changes,
     * and to read and write events as iCalendar text without those writes being announced back.
     */
    sync: {
      onLocalChange: (listener: (change: LocalEventChange) => Promise<void>): void => {
        changeListeners.push(listener);
      },
      readText: (id: string): Promise<string | undefined> => store.readText(id),
      /** Stores an event from a connected calendar; floating times are read in the person's zone. */
      async write(text: string, id?: string): Promise<{ id: string; text: string }> {
        const { timezone } = await dependencies.companion.settings.profile();
        return store.writeForeign(text, timezone, id);
      },
      remove: (id: string): Promise<boolean> => store.delete(id),
      /** Text from elsewhere in the stored form, without storing it: what sync compares a remote version in. */
      async normalize(text: string): Promise<string> {
        const { timezone } = await dependencies.companion.settings.profile();
        const [calendar] = readIcs(text, timezone);
        if (!calendar) throw new AppError('invalid_calendar', 'The calendar object holds no event.');
        return calendar.toString();
      },
      describe: async (id: string): Promise<CalendarEvent | undefined> => {
        const event = await store.get(id);
        return event ? describeEvent(event) : undefined;
      },
    },
    /**
     * Tells `listener` of every event written or deleted, by anyone (the API, the companion's tools,
     * an ICS import, a connected calendar's sync), after the change is stored. It is awaited, once per
     * event: a sync or an import of many events calls it many times, so a listener with costly work
     * coalesces it. An account import does not call it (see `CalendarStore`).
     */
    onChange: (listener: (eventId: string) => Promise<void>): void => {
      eventChangeListeners.push(listener);
    },
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
        createEvent({
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
        const updated = await store.update(id, change);
        if (!updated) throw notFound('event');
        await announce(id, 'updated');
        return updated;
      },
      async delete(id: string): Promise<null> {
        if (!(await store.delete(id))) throw notFound('event');
        await announce(id, 'deleted');
        return null;
      },
      /** Times without a zone (floating) and zones the runtime does not know are read in the person's own zone. */
      async importIcs(text: string): Promise<{ imported: number }> {
        const { timezone } = await dependencies.companion.settings.profile();
        const written: LocalEventChange[] = [];
        const imported = await store.importIcs(text, timezone, (eventId, created) => written.push({ eventId, kind: created ? 'created' : 'updated' }));
        for (const change of written) await announce(change.eventId, change.kind);
        return { imported };
      },
      async exportIcs(): Promise<string> {
        const events = [];
        for await (const event of store.all()) events.push(event);
        return writeIcs(events);
      },
    },
    tools,
    holdsData: async () => host.sql.exec('SELECT 1 FROM calendar_events LIMIT 1').toArray().length > 0,
    /**
     * Every event under its own id, at its wall-clock times in its zone, with its rule, dates and
     * overridden instances. Events that came from a connected calendar come back as the person's own:
     * the connection is not part of an export (it must be made again), and without it nothing would
     * keep them in step with the other calendar.
     */
    async importData(document: ImportDocument): Promise<ImportPlan> {
      const events = document.calendar?.events;
      if (!events) return { imported: {}, write: () => undefined };
      // Before anything made after the import, in the export's order.
      const start = host.now() - events.length;
      const write = await store.prepareImport(events, (index) => start + index);
      return { imported: { calendar: events.length }, write };
    },
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

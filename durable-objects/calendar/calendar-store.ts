import { createId } from '../../server/crypto/encoding.ts';
import { AppError } from '../../server/errors/app-error.ts';
import type { UserVault } from '../host/user-vault.ts';
import {
  applyEventEdit,
  boundsOf,
  buildEventCalendar,
  type CalendarEvent,
  calendarOfDescription,
  describeEvent,
  draftOf,
  type EventDraft,
  type EventEdit,
  type EventOccurrence,
  occurrencesBetween,
  type ParsedEvent,
  parseEventCalendar,
  readIcs,
} from './ical-event.ts';

type EventRow = { id: string; calendar_sealed: string };

const uidOf = (event: ParsedEvent): string => String(event.master.component.getFirstPropertyValue('uid') ?? event.id);

/** A change to an event: any of its fields; `null` clears location, notes or the recurrence. */
export type EventChange = Partial<EventDraft>;

/**
 * The person's events in their object: each one an iCalendar VCALENDAR (the event and the instances
 * that override it), sealed whole, beside the plain span a range query filters on.
 *
 * `changed` is told of every event written or deleted here, whoever asked (the API, the companion's
 * tools, an ICS file, a connected calendar's sync), once the row is written: what plans around the
 * calendar hears of a change at the one place all of them pass. An account import (`prepareImport`)
 * is the exception: its writes run inside the import's transaction, and what reads the calendar
 * plans again once the import has settled.
 */
export class CalendarStore {
  constructor(
    private readonly sql: SqlStorage,
    private readonly vault: UserVault,
    private readonly now: () => number,
    private readonly hashUid: (uid: string) => Promise<string>,
    private readonly changed: (eventId: string) => Promise<void> = async () => undefined,
  ) {}

  async create(draft: EventDraft): Promise<CalendarEvent> {
    const now = this.now();
    const id = createId('evt', now);
    const calendar = buildEventCalendar(id, draft, { now });
    return describeEvent(await this.#write(id, calendar.toString(), { createdAt: now }));
  }

  async get(id: string): Promise<ParsedEvent | undefined> {
    const row = this.sql.exec<EventRow>('SELECT id, calendar_sealed FROM calendar_events WHERE id = ?', id).toArray()[0];
    return row ? this.#open(row) : undefined;
  }

  async update(id: string, change: EventChange): Promise<CalendarEvent | undefined> {
    const current = await this.get(id);
    if (!current) return undefined;
    const defined = Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined));
    const calendar = buildEventCalendar(id, { ...draftOf(current), ...defined }, { now: this.now(), keep: current });
    return describeEvent(await this.#write(id, calendar.toString()));
  }

  /**
   * Lays a confirmed change over the event (see `applyEventEdit`); with `write: false`, only checks
   * that it can be made. Answers the event as it is (or would be) after it, null when the change
   * removes the event, undefined when there is no such event.
   */
  async edit(id: string, edit: EventEdit, options: { write: boolean }): Promise<ParsedEvent | null | undefined> {
    const current = await this.get(id);
    if (!current) return undefined;
    const calendar = applyEventEdit(current, edit, { now: this.now() });
    if (calendar === null) {
      if (options.write) await this.delete(id);
      return null;
    }
    if (!options.write) {
      const parsed = parseEventCalendar(id, calendar.toString());
      boundsOf(parsed);
      return parsed;
    }
    return this.#write(id, calendar.toString());
  }

  async delete(id: string): Promise<boolean> {
    const deleted = this.sql.exec('DELETE FROM calendar_events WHERE id = ?', id).rowsWritten > 0;
    if (deleted) await this.changed(id);
    return deleted;
  }

  /** Every occurrence overlapping `[from, to)`, by start. Only events whose span meets the range are opened. */
  async between(from: number, to: number): Promise<EventOccurrence[]> {
    const rows = this.sql
      .exec<EventRow>(
        'SELECT id, calendar_sealed FROM calendar_events WHERE first_start < ? AND (last_end IS NULL OR last_end >= ?) ORDER BY first_start, id',
        to,
        from,
      )
      .toArray();
    const occurrences: EventOccurrence[] = [];
    for (const row of rows) occurrences.push(...occurrencesBetween(await this.#open(row), from, to));
    return occurrences.sort((left, right) => left.startsAt - right.startsAt || left.id.localeCompare(right.id));
  }

  /**
   * Every event of an ICS file; answers how many. An event whose UID is already in the calendar
   * replaces it, so importing a file again (or the calendar's own export) does not double it. The
   * file is read whole before anything is stored.
   */
  async importIcs(text: string, defaultTimezone: string, onWritten?: (id: string, created: boolean) => void): Promise<number> {
    const calendars = readIcs(text, defaultTimezone);
    const now = this.now();
    const checked = calendars.map((calendar) => {
      const id = createId('evt', now);
      try {
        // Read back as it will be stored, so a file whose events cannot be expanded fails before any is kept.
        const parsed = parseEventCalendar(id, calendar.toString());
        boundsOf(parsed);
        return { id, uid: uidOf(parsed), text: calendar.toString() };
      } catch (error) {
        throw new AppError('invalid_calendar', `An event could not be read: ${error instanceof Error ? error.message : 'unreadable'}.`, { cause: error });
      }
    });
    for (const event of checked) {
      const existing = this.sql.exec<{ id: string }>('SELECT id FROM calendar_events WHERE uid_hash = ?', await this.hashUid(event.uid)).toArray()[0];
      await this.#write(existing?.id ?? event.id, event.text, { createdAt: now });
      onWritten?.(existing?.id ?? event.id, !existing);
    }
    return checked.length;
  }

  /** The stored iCalendar text of an event, exactly as kept: what calendar sync compares and sends. */
  async readText(id: string): Promise<string | undefined> {
    const row = this.sql.exec<EventRow>('SELECT id, calendar_sealed FROM calendar_events WHERE id = ?', id).toArray()[0];
    return row ? this.vault.open(row.calendar_sealed, `calendar:${row.id}:calendar`) : undefined;
  }

  /**
   * Writes an event that came from elsewhere (a connected calendar) in the stored form: into `id`
   * when given, else over the event with the same UID, else as a new event. Answers its id and the
   * text as stored. Refuses (`invalid_calendar`) text that holds no readable event.
   */
  async writeForeign(text: string, defaultTimezone: string, id?: string): Promise<{ id: string; text: string }> {
    const [calendar] = readIcs(text, defaultTimezone);
    if (!calendar) throw new AppError('invalid_calendar', 'The calendar object holds no event.');
    const now = this.now();
    const stored = calendar.toString();
    let target = id;
    if (!target) {
      const uid = uidOf(parseEventCalendar('pending', stored));
      target =
        this.sql.exec<{ id: string }>('SELECT id FROM calendar_events WHERE uid_hash = ?', await this.hashUid(uid)).toArray()[0]?.id ?? createId('evt', now);
    }
    try {
      await this.#write(target, stored, { createdAt: now });
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError('invalid_calendar', `The event could not be read: ${error instanceof Error ? error.message : 'unreadable'}.`, { cause: error });
    }
    return { id: target, text: stored };
  }

  /** Every event, oldest first (those of one import by start), opened one at a time: for the export and the ICS download. */
  async *all(): AsyncGenerator<ParsedEvent> {
    const ids = this.sql
      .exec<{ id: string }>('SELECT id FROM calendar_events ORDER BY created_at, first_start, id')
      .toArray()
      .map((row) => row.id);
    for (const id of ids) {
      const event = await this.get(id);
      if (event) yield event;
    }
  }

  /**
   * Events of an imported export, each as `describeEvent` gave it, checked and sealed: answers the
   * write that stores them under their own ids, in their order (`createdAt` gives each its place in
   * the list, before anything made after the import). Throws `invalid_event` for one that is not valid.
   */
  async prepareImport(events: readonly CalendarEvent[], createdAt: (index: number) => number): Promise<() => void> {
    const now = this.now();
    const writes: (() => void)[] = [];
    for (const [index, event] of events.entries()) {
      writes.push((await this.#prepare(event.id, calendarOfDescription(event, { now }).toString(), { createdAt: createdAt(index) })).write);
    }
    return () => {
      for (const write of writes) write();
    };
  }

  async #write(id: string, text: string, options: { createdAt?: number } = {}): Promise<ParsedEvent> {
    const prepared = await this.#prepare(id, text, options);
    prepared.write();
    await this.changed(id);
    return prepared.parsed;
  }

  /** Reads, checks and seals an event's text; the write that stores it is apart, so an import can run it inside its transaction. */
  async #prepare(id: string, text: string, options: { createdAt?: number }): Promise<{ parsed: ParsedEvent; write: () => void }> {
    const parsed = parseEventCalendar(id, text);
    const { firstStart, lastEnd } = boundsOf(parsed);
    const now = this.now();
    const sealed = await this.vault.seal(text, `calendar:${id}:calendar`);
    const uidHash = await this.hashUid(uidOf(parsed));
    const write = () =>
      this.sql.exec(
        `INSERT INTO calendar_events (id, uid_hash, calendar_sealed, first_start, last_end, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET uid_hash = excluded.uid_hash, calendar_sealed = excluded.calendar_sealed,
         first_start = excluded.first_start, last_end = excluded.last_end, updated_at = excluded.updated_at`,
        id,
        uidHash,
        sealed,
        firstStart,
        lastEnd,
        options.createdAt ?? now,
        now,
      );
    return { parsed, write };
  }

  async #open(row: EventRow): Promise<ParsedEvent> {
    return parseEventCalendar(row.id, await this.vault.open(row.calendar_sealed, `calendar:${row.id}:calendar`));
  }
}

import ICAL from 'ical.js';
import { AppError } from '../../server/errors/app-error.ts';
import {
  formatInZone,
  formatLocalDate,
  formatLocalDateTime,
  instantOf,
  isKnownTimezone,
  type LocalDateTime,
  localAt,
  nextDay,
  parseLocal,
} from '../../server/time/zoned-time.ts';

type IcalTime = InstanceType<typeof ICAL.Time>;
type IcalComponent = InstanceType<typeof ICAL.Component>;
type IcalEvent = InstanceType<typeof ICAL.Event>;

/** The zone an event's wall-clock times are in, kept in the sealed VEVENT beside its (floating) times. */
const timezoneProperty = 'x-kindred-timezone';

/** A recurrence as people give it: the rule, and dates left out or added, as wall-clock times of the event's zone. */
export interface RecurrenceDraft {
  rrule: string;
  exdates?: string[];
  rdates?: string[];
}

/** An event as the person writes it: wall-clock `start` and `end` in `timezone`, or dates when `allDay` (the end day excluded, as in iCalendar). */
export interface EventDraft {
  title: string;
  start: string;
  end: string;
  timezone: string;
  allDay: boolean;
  location: string | null;
  notes: string | null;
  recurrence: RecurrenceDraft | null;
}

/** An event as stored and shown: its first occurrence, its recurrence and any instances moved or changed. */
export interface CalendarEvent {
  id: string;
  title: string;
  start: string;
  end: string;
  timezone: string;
  allDay: boolean;
  location: string | null;
  notes: string | null;
  recurrence: { rrule: string; exdates: string[]; rdates: string[] } | null;
  /** Instances that differ from the rule (RECURRENCE-ID), each named by the wall-clock start the rule gave it. */
  overrides: { recurrenceId: string; start: string; end: string; title: string; location: string | null; notes: string | null }[];
}

/** One occurrence of an event, as `GET /events` lists it. */
export interface EventOccurrence {
  id: string;
  occurrenceId: string;
  start: string;
  end: string;
  /** Instants, for sorting and free-time arithmetic. */
  startsAt: number;
  endsAt: number;
  timezone: string;
  allDay: boolean;
  title: string;
  location: string | null;
  notes: string | null;
  recurrence: string | null;
}

/** An event read back from its sealed iCalendar text. */
export interface ParsedEvent {
  id: string;
  calendar: IcalComponent;
  master: IcalEvent;
  timezone: string;
  allDay: boolean;
}

/** Expansion stops after this many occurrences: a rule such as FREQ=SECONDLY must not hold the object's CPU. */
const maxExpandedOccurrences = 50_000;

const invalidEvent = (message: string) => new AppError('invalid_event', message);

function localFromTime(time: IcalTime): LocalDateTime {
  return { year: time.year, month: time.month, day: time.day, hour: time.hour, minute: time.minute, second: time.second };
}

function icalTime(local: LocalDateTime, dateOnly: boolean): IcalTime {
  return ICAL.Time.fromData(dateOnly ? { year: local.year, month: local.month, day: local.day, isDate: true } : { ...local, isDate: false });
}

/** The instant a time of the event starts, in its zone; a date starts at midnight there. */
function instantOfTime(time: IcalTime, timezone: string): number {
  return instantOf(time.isDate ? { ...localFromTime(time), hour: 0, minute: 0, second: 0 } : localFromTime(time), timezone);
}

const showTime = (time: IcalTime): string => (time.isDate ? formatLocalDate(localFromTime(time)) : formatLocalDateTime(localFromTime(time)));

function addTime(component: IcalComponent, name: string, time: IcalTime, timezone: string): void {
  const property = new ICAL.Property(name, component);
  property.setValue(time);
  if (!time.isDate) property.setParameter('tzid', timezone);
  component.addProperty(property);
}

function readDraftTime(text: string, draft: Pick<EventDraft, 'timezone' | 'allDay'>, field: string): IcalTime {
  const parsed = parseLocal(text, draft.timezone);
  if (!parsed) throw invalidEvent(`${field} is not a real date or time: ${JSON.stringify(text)}.`);
  if (draft.allDay && !parsed.dateOnly) throw invalidEvent(`${field} must be a date such as 2026-03-02 for an all-day event.`);
  if (!draft.allDay && parsed.dateOnly) throw invalidEvent(`${field} must be a date and time such as 2026-03-02T09:00 (or set allDay).`);
  return icalTime(parsed.local, parsed.dateOnly);
}

/** Rules more frequent than daily are refused from people: no calendar entry means "every minute". */
const refusedFrequencies = new Set(['SECONDLY', 'MINUTELY', 'HOURLY']);

function readRule(rrule: string): InstanceType<typeof ICAL.Recur> {
  let rule: InstanceType<typeof ICAL.Recur>;
  try {
    rule = ICAL.Recur.fromString(rrule.replace(/^RRULE:/i, ''));
  } catch (error) {
    throw invalidEvent(`The recurrence rule is not valid: ${error instanceof Error ? error.message : 'unreadable'}.`);
  }
  if (!rule.freq || refusedFrequencies.has(rule.freq)) throw invalidEvent('The recurrence rule must repeat daily, weekly, monthly or yearly.');
  // A rule that repeats no time at all is refused rather than stored as an event no one sees.
  if (!(rule.interval >= 1) || (rule.count !== null && rule.count !== undefined && rule.count < 1)) {
    throw invalidEvent('The recurrence rule needs an INTERVAL and a COUNT of at least 1.');
  }
  return rule;
}

/**
 * The event as an iCalendar VEVENT inside a VCALENDAR, with wall-clock times and a TZID naming the
 * IANA zone (no VTIMEZONE: see `zoned-time.ts`). Overrides of earlier instances are kept when a
 * change is written over an existing event.
 */
export function buildEventCalendar(id: string, draft: EventDraft, options: { now: number; keep?: ParsedEvent }): IcalComponent {
  if (!isKnownTimezone(draft.timezone)) throw new AppError('validation_failed', `Unknown time zone ${JSON.stringify(draft.timezone)}.`);
  const start = readDraftTime(draft.start, draft, 'start');
  const end = readDraftTime(draft.end, draft, 'end');
  if (end.compare(start) < 0 || (draft.allDay && end.compare(start) === 0)) {
    throw invalidEvent(draft.allDay ? 'end must be after start (the end day is not included).' : 'end must not be before start.');
  }
  const calendar = newCalendar();
  const event = new ICAL.Component('vevent');
  const previous = options.keep?.master.component;
  event.addPropertyWithValue('uid', previous?.getFirstPropertyValue('uid') ?? `${id}@kindred`);
  event.addPropertyWithValue('dtstamp', ICAL.Time.fromJSDate(new Date(options.now), true));
  addTime(event, 'dtstart', start, draft.timezone);
  addTime(event, 'dtend', end, draft.timezone);
  event.addPropertyWithValue('summary', draft.title);
  if (draft.location) event.addPropertyWithValue('location', draft.location);
  if (draft.notes) event.addPropertyWithValue('description', draft.notes);
  event.addPropertyWithValue(timezoneProperty, draft.timezone);
  if (draft.recurrence) {
    event.addPropertyWithValue('rrule', readRule(draft.recurrence.rrule));
    for (const exdate of draft.recurrence.exdates ?? []) addTime(event, 'exdate', readDraftTime(exdate, draft, 'exdates'), draft.timezone);
    for (const rdate of draft.recurrence.rdates ?? []) addTime(event, 'rdate', readDraftTime(rdate, draft, 'rdates'), draft.timezone);
  }
  calendar.addSubcomponent(event);
  if (draft.recurrence && options.keep) {
    for (const override of options.keep.calendar.getAllSubcomponents('vevent')) {
      if (override.hasProperty('recurrence-id')) calendar.addSubcomponent(override);
    }
  }
  let yieldsNothing: boolean;
  try {
    const parsed = parseEventCalendar(id, calendar.toString());
    yieldsNothing = !parsed.master.iterator().next();
    boundsOf(parsed);
  } catch (error) {
    throw invalidEvent(`The recurrence cannot be expanded: ${error instanceof Error ? error.message : 'unreadable'}.`);
  }
  // A rule that yields nothing (an UNTIL before the start) would store an event no one can see.
  if (yieldsNothing) throw invalidEvent('The recurrence yields no occurrence at all.');
  return calendar;
}

function newCalendar(): IcalComponent {
  const calendar = new ICAL.Component('vcalendar');
  calendar.addPropertyWithValue('version', '2.0');
  calendar.addPropertyWithValue('prodid', '-//Kindred//Calendar//EN');
  return calendar;
}

/** A stored event's text, read back. The stored text was written by `buildEventCalendar` or the import, so it is well-formed. */
export function parseEventCalendar(id: string, text: string): ParsedEvent {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const components = calendar.getAllSubcomponents('vevent');
  const masterComponent = components.find((component) => !component.hasProperty('recurrence-id')) ?? components[0];
  if (!masterComponent) throw new Error('A stored event has no VEVENT.');
  const master = new ICAL.Event(masterComponent);
  for (const component of components) if (component !== masterComponent) master.relateException(component);
  const timezone = String(masterComponent.getFirstPropertyValue(timezoneProperty) ?? 'UTC');
  return { id, calendar, master, timezone, allDay: master.startDate.isDate };
}

const textOf = (component: IcalComponent, name: string): string | null => {
  const value = component.getFirstPropertyValue(name);
  return value === null || value === undefined || value === '' ? null : String(value);
};

/** An all-day end is the day after the last one; a timed end is the wall-clock end. */
function endOf(start: IcalTime, end: IcalTime | undefined | null): IcalTime {
  if (end && end.compare(start) >= 0) return end;
  if (start.isDate) return icalTime(nextDay(localFromTime(start)), true);
  return start;
}

/** The event as shown in its first occurrence and exported: the rule's own text, its dates, its overrides. */
export function describeEvent(event: ParsedEvent): CalendarEvent {
  const master = event.master.component;
  const start = event.master.startDate;
  const end = endOf(start, event.master.endDate);
  const rule = master.getFirstPropertyValue('rrule');
  const datesOf = (name: string) => master.getAllProperties(name).flatMap((property) => property.getValues().map((value) => showTime(value as IcalTime)));
  return {
    id: event.id,
    title: textOf(master, 'summary') ?? '',
    start: formatInZone(instantOfTime(start, event.timezone), event.timezone),
    end: formatInZone(instantOfTime(end, event.timezone), event.timezone),
    timezone: event.timezone,
    allDay: event.allDay,
    location: textOf(master, 'location'),
    notes: textOf(master, 'description'),
    recurrence: rule ? { rrule: String(rule), exdates: datesOf('exdate'), rdates: datesOf('rdate') } : null,
    overrides: Object.values(event.master.exceptions as unknown as Record<string, IcalEvent>).map((override) => {
      const overrideEnd = endOf(override.startDate, override.endDate);
      return {
        recurrenceId: showTime(override.recurrenceId),
        start: formatInZone(instantOfTime(override.startDate, event.timezone), event.timezone),
        end: formatInZone(instantOfTime(overrideEnd, event.timezone), event.timezone),
        title: textOf(override.component, 'summary') ?? '',
        location: textOf(override.component, 'location'),
        notes: textOf(override.component, 'description'),
      };
    }),
  };
}

/** The event as a draft again, in wall-clock times, so a change can be laid over it. */
export function draftOf(event: ParsedEvent): EventDraft {
  const described = describeEvent(event);
  const start = event.master.startDate;
  return {
    title: described.title,
    start: showTime(start),
    end: showTime(endOf(start, event.master.endDate)),
    timezone: event.timezone,
    allDay: event.allDay,
    location: described.location,
    notes: described.notes,
    recurrence: described.recurrence,
  };
}

/** A wall-clock time read as if it were UTC: within a day of the instant it names in any zone, and cheap. */
const roughInstant = (time: IcalTime): number => Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute, time.second);

const oneDay = 86_400_000;

/**
 * A later start for the walk that gives the same occurrences from there on, or undefined: ical.js
 * steps through every occurrence from DTSTART (a daily rule of ten years is 3,650 steps, each a
 * fraction of a millisecond), so a rule that repeats every n days or weeks with no COUNT is moved on
 * by whole periods to just before `target`. Daily rules with BY parts are left alone, since a moved
 * start could land on a day their filter leaves out, and DTSTART is always an occurrence.
 */
function fastForwardStart(event: ParsedEvent, target: number): IcalTime | undefined {
  const rules = event.master.component.getAllProperties('rrule');
  const rule = rules[0]?.getFirstValue() as InstanceType<typeof ICAL.Recur> | undefined;
  if (!rule || rules.length !== 1 || rule.count || !Number.isFinite(target)) return undefined;
  const hasParts = Object.keys(rule.parts ?? {}).length > 0;
  const periodDays = rule.freq === 'WEEKLY' ? 7 : rule.freq === 'DAILY' && !hasParts ? 1 : 0;
  if (periodDays === 0) return undefined;
  const step = periodDays * (rule.interval || 1);
  const start = event.master.startDate;
  const periods = Math.floor((target - roughInstant(start)) / (step * oneDay));
  if (periods <= 0) return undefined;
  const moved = start.clone();
  moved.adjust(periods * step, 0, 0, 0);
  return moved;
}

/**
 * Every occurrence of the event, in the order the rule gives them, each with the instants of its
 * start and end. `stopAfter` ends the walk once the rule's own times pass it (an override may move
 * an instance, so the walk goes on until the last override's original time too). Occurrences that
 * end well before `skipBefore` are passed over without converting their times, which is most of
 * the work for a rule that began years ago.
 */
function* walkOccurrences(event: ParsedEvent, stopAfter: number, skipBefore = Number.NEGATIVE_INFINITY): Generator<EventOccurrence> {
  const exceptions = event.master.exceptions as unknown as Record<string, IcalEvent>;
  const overrides = Object.values(exceptions);
  const lastOverride = Math.max(Number.NEGATIVE_INFINITY, ...overrides.map((override) => instantOfTime(override.recurrenceId, event.timezone)));
  const until = Math.max(stopAfter, lastOverride);
  const masterStart = event.master.startDate;
  const masterLength = roughInstant(endOf(masterStart, event.master.endDate)) - roughInstant(masterStart);
  const rule = event.master.component.getFirstPropertyValue('rrule');
  // Overrides are named by the time the rule gave them: the walk must still pass the earliest.
  const firstOverride = Math.min(Number.POSITIVE_INFINITY, ...overrides.map((override) => roughInstant(override.recurrenceId)));
  const iterator = event.master.iterator(fastForwardStart(event, Math.min(skipBefore, firstOverride) - masterLength - 2 * oneDay));
  for (let count = 0; count < maxExpandedOccurrences; count += 1) {
    const next = iterator.next();
    if (!next) return;
    const rough = roughInstant(next);
    if (rough - oneDay > until) return;
    if (!Object.hasOwn(exceptions, next.toString()) && rough + masterLength + oneDay < skipBefore) continue;
    if (instantOfTime(next, event.timezone) > until) return;
    const details = event.master.getOccurrenceDetails(next);
    const startsAt = instantOfTime(details.startDate, event.timezone);
    const endsAt = instantOfTime(endOf(details.startDate, details.endDate), event.timezone);
    yield {
      id: event.id,
      occurrenceId: `${event.id}:${next.toICALString()}`,
      start: formatInZone(startsAt, event.timezone),
      end: formatInZone(endsAt, event.timezone),
      startsAt,
      endsAt,
      timezone: event.timezone,
      allDay: event.allDay,
      title: textOf(details.item.component, 'summary') ?? '',
      location: textOf(details.item.component, 'location'),
      notes: textOf(details.item.component, 'description'),
      recurrence: rule ? String(rule) : null,
    };
  }
}

/** The occurrences that overlap `[from, to)`, by start. */
export function occurrencesBetween(event: ParsedEvent, from: number, to: number): EventOccurrence[] {
  const found: EventOccurrence[] = [];
  for (const occurrence of walkOccurrences(event, to, from)) {
    if (occurrence.startsAt < to && (occurrence.endsAt > from || (occurrence.endsAt === occurrence.startsAt && occurrence.startsAt >= from))) {
      found.push(occurrence);
    }
  }
  return found.sort((left, right) => left.startsAt - right.startsAt);
}

/**
 * What the plain index keeps of an event so a range query reads only the events that may fall in
 * it: the first start, and the last end, or null when the rule has no end (or more occurrences than
 * are ever walked).
 */
export function boundsOf(event: ParsedEvent): { firstStart: number; lastEnd: number | null } {
  const rule = event.master.component.getFirstPropertyValue('rrule') as InstanceType<typeof ICAL.Recur> | null;
  if (rule !== null && !rule.isFinite()) {
    // An endless rule is not walked: its first occurrence, or an override moved before it, starts it.
    const first = event.master.iterator().next();
    const overrides = Object.values(event.master.exceptions as unknown as Record<string, IcalEvent>);
    const starts = [first ? event.master.getOccurrenceDetails(first).startDate : event.master.startDate, ...overrides.map((override) => override.startDate)];
    return { firstStart: Math.min(...starts.map((start) => instantOfTime(start, event.timezone))), lastEnd: null };
  }
  let firstStart = Number.POSITIVE_INFINITY;
  let lastEnd = Number.NEGATIVE_INFINITY;
  let count = 0;
  for (const occurrence of walkOccurrences(event, Number.POSITIVE_INFINITY)) {
    firstStart = Math.min(firstStart, occurrence.startsAt);
    lastEnd = Math.max(lastEnd, occurrence.endsAt);
    count += 1;
  }
  if (count === 0) {
    const start = instantOfTime(event.master.startDate, event.timezone);
    return { firstStart: start, lastEnd: start };
  }
  return { firstStart, lastEnd: count >= maxExpandedOccurrences ? null : lastEnd };
}

// --- import ------------------------------------------------------------------------------------

/**
 * Reads an ICS file into one calendar per event (its VEVENT and the VEVENTs that override its
 * instances, grouped by UID), each rewritten to the stored form: wall-clock times with a TZID
 * naming an IANA zone. A TZID the runtime does not know (Outlook's "W. Europe Standard Time") is
 * converted through the file's own VTIMEZONE when ical.js can, and its times put in the person's zone.
 */
export function readIcs(text: string, defaultTimezone: string): IcalComponent[] {
  let root: IcalComponent;
  try {
    root = new ICAL.Component(ICAL.parse(text));
  } catch (error) {
    throw new AppError('invalid_calendar', `The file is not valid iCalendar: ${error instanceof Error ? error.message : 'unreadable'}.`);
  }
  if (root.name !== 'vcalendar') throw new AppError('invalid_calendar', 'The file must hold a VCALENDAR.');
  const byUid = new Map<string, IcalComponent[]>();
  for (const component of root.getAllSubcomponents('vevent')) {
    const uid = String(component.getFirstPropertyValue('uid') ?? crypto.randomUUID());
    byUid.set(uid, [...(byUid.get(uid) ?? []), component]);
  }
  const calendars: IcalComponent[] = [];
  for (const [uid, components] of byUid) {
    try {
      calendars.push(normalizeImported(uid, components, defaultTimezone));
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError('invalid_calendar', `The event ${JSON.stringify(uid)} could not be read: ${error instanceof Error ? error.message : 'unreadable'}.`);
    }
  }
  return calendars;
}

function zoneOfImported(component: IcalComponent, defaultTimezone: string): string {
  const start = component.getFirstProperty('dtstart');
  if (!start) throw new AppError('invalid_calendar', 'An event has no DTSTART.');
  const tzid = start.getParameter('tzid');
  const tzidText = Array.isArray(tzid) ? tzid[0] : tzid;
  if (tzidText && isKnownTimezone(tzidText)) return tzidText;
  const value = start.getFirstValue() as IcalTime;
  // A recurring event written in UTC repeats at the same UTC time; kept in UTC, it still does.
  if (value.zone === ICAL.Timezone.utcTimezone && component.hasProperty('rrule')) return 'UTC';
  return defaultTimezone;
}

/** A time of an imported event as a wall-clock time in `timezone`. */
function toZone(time: IcalTime, property: InstanceType<typeof ICAL.Property>, timezone: string): IcalTime {
  if (time.isDate) return icalTime(localFromTime(time), true);
  const tzid = property.getParameter('tzid');
  const tzidText = Array.isArray(tzid) ? tzid[0] : tzid;
  const floating = time.zone === undefined || time.zone === ICAL.Timezone.localTimezone || time.zone?.tzid === 'floating';
  if (tzidText === timezone || (floating && !tzidText) || (floating && tzidText && !isKnownTimezone(tzidText))) {
    return icalTime(localFromTime(time), false);
  }
  if (tzidText && isKnownTimezone(tzidText) && floating) return icalTime(localAt(instantOf(localFromTime(time), tzidText), timezone), false);
  return icalTime(localAt(time.toUnixTime() * 1000, timezone), false);
}

const timeProperties = ['dtstart', 'dtend', 'recurrence-id', 'exdate', 'rdate'];

/** ical.js rolls an impossible date over (30 February becomes 2 March); a file that says one is refused instead. */
function refuseImpossibleTimes(component: IcalComponent): void {
  for (const name of timeProperties) {
    for (const property of component.getAllProperties(name)) {
      for (const raw of property.jCal.slice(3)) {
        const text = Array.isArray(raw) ? raw[0] : raw;
        if (typeof text === 'string' && !parseLocal(text.replace(/Z$/i, ''), 'UTC')) {
          throw new AppError('invalid_calendar', `${name.toUpperCase()} is not a real date or time: ${JSON.stringify(text)}.`);
        }
      }
    }
  }
}

function normalizeImported(uid: string, components: IcalComponent[], defaultTimezone: string): IcalComponent {
  for (const component of components) refuseImpossibleTimes(component);
  const master = components.find((component) => !component.hasProperty('recurrence-id')) ?? components[0];
  if (!master) throw new AppError('invalid_calendar', 'An event has no VEVENT.');
  const timezone = zoneOfImported(master, defaultTimezone);
  const calendar = newCalendar();
  for (const source of [master, ...components.filter((component) => component !== master)]) {
    const event = new ICAL.Event(source);
    if (!source.hasProperty('dtstart')) throw new AppError('invalid_calendar', 'An event has no DTSTART.');
    const start = event.startDate;
    if (!start || Number.isNaN(start.year)) throw new AppError('invalid_calendar', 'An event has an unreadable DTSTART.');
    const end = endOf(start, event.endDate);
    const target = new ICAL.Component('vevent');
    target.addPropertyWithValue('uid', uid);
    for (const property of source.getAllProperties()) {
      if (timeProperties.includes(property.name) || property.name === 'duration' || property.name === 'uid') continue;
      if (['summary', 'location', 'description', 'rrule', 'dtstamp', 'sequence', 'status', 'transp'].includes(property.name)) {
        target.addProperty(ICAL.Property.fromString(property.toICALString()));
      }
    }
    addTime(target, 'dtstart', toZone(start, source.getFirstProperty('dtstart') as InstanceType<typeof ICAL.Property>, timezone), timezone);
    // An end from DURATION, or none, is in the start's zone.
    const endProperty = (source.getFirstProperty('dtend') ?? source.getFirstProperty('dtstart')) as InstanceType<typeof ICAL.Property>;
    addTime(target, 'dtend', toZone(end, endProperty, timezone), timezone);
    for (const name of ['recurrence-id', 'exdate', 'rdate']) {
      for (const property of source.getAllProperties(name)) {
        for (const value of property.getValues()) {
          // RDATE may be a PERIOD; only its start is an occurrence's start here.
          const time = value instanceof ICAL.Period ? value.start : (value as IcalTime);
          addTime(target, name, toZone(time, property, timezone), timezone);
        }
      }
    }
    if (source === master) target.addPropertyWithValue(timezoneProperty, timezone);
    calendar.addSubcomponent(target);
  }
  return calendar;
}

/** Every event as one ICS file. */
export function writeIcs(events: Iterable<ParsedEvent>): string {
  const calendar = newCalendar();
  for (const event of events) for (const component of event.calendar.getAllSubcomponents('vevent')) calendar.addSubcomponent(component);
  return calendar.toString();
}

// --- changes the person confirms ------------------------------------------------------------------

/**
 * A change to an event, in wall-clock times of the event's own zone. An occurrence is named by its
 * RECURRENCE-ID (the start the rule gives it, as iCalendar text such as `20260406T100000`), which
 * stays its name even after it was moved. `series` on an event that does not repeat is the event itself.
 */
export type EventEdit =
  | { kind: 'move'; scope: 'occurrence'; recurrenceId: string; start: string; end: string }
  | { kind: 'move'; scope: 'series'; start: string; end: string }
  | { kind: 'cancel'; scope: 'occurrence'; recurrenceId: string }
  | { kind: 'cancel'; scope: 'series' };

/** The RECURRENCE-ID of an occurrence, from its `occurrenceId` (`<event id>:<recurrence id>`). */
export const recurrenceIdOf = (occurrence: Pick<EventOccurrence, 'id' | 'occurrenceId'>): string => occurrence.occurrenceId.slice(occurrence.id.length + 1);

/** The wall-clock start the rule gives the occurrence named `recurrenceId`, as `wallClockMs` reads it. */
export const recurrenceWallClockMs = (recurrenceId: string): number => wallClockMs(localFromTime(timeFromIcalText(recurrenceId)));

function timeFromIcalText(text: string): IcalTime {
  const match = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2}))?$/.exec(text);
  if (!match) throw invalidEvent('The occurrence is not named correctly.');
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => (part === undefined ? 0 : Number(part))) as number[];
  return icalTime({ year, month, day, hour, minute, second } as LocalDateTime, match[4] === undefined);
}

/** The wall-clock time as if it were UTC, so two of them subtract to the wall-clock distance, whatever the offsets. */
export const wallClockMs = (local: LocalDateTime): number => Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);

export function wallClockText(milliseconds: number, dateOnly: boolean): string {
  const date = new Date(milliseconds);
  const local = {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds(),
  };
  return dateOnly ? formatLocalDate(local) : formatLocalDateTime(local);
}

/** Whether the rule gives (or once gave, before it was moved) the occurrence named `recurrenceId`. */
function hasOccurrence(event: ParsedEvent, recurrenceId: string): boolean {
  const exceptions = event.master.exceptions as unknown as Record<string, IcalEvent>;
  if (Object.values(exceptions).some((override) => override.recurrenceId.toICALString() === recurrenceId)) return true;
  const instant = instantOfTime(timeFromIcalText(recurrenceId), event.timezone);
  return occurrencesBetween(event, instant - 2 * oneDay, instant + 2 * oneDay).some((occurrence) => recurrenceIdOf(occurrence) === recurrenceId);
}

const copyOf = (event: ParsedEvent): IcalComponent => new ICAL.Component(ICAL.parse(event.calendar.toString()));

function withoutOverride(calendar: IcalComponent, recurrenceId: string): void {
  for (const component of calendar.getAllSubcomponents('vevent')) {
    const value = component.getFirstPropertyValue('recurrence-id') as IcalTime | null;
    if (value && value.toICALString() === recurrenceId) calendar.removeSubcomponent(component);
  }
}

/** Rule parts that pin the days a series falls on: moving such a series to another day would contradict its own rule. */
const dayPinningParts = ['BYDAY', 'BYMONTHDAY', 'BYYEARDAY', 'BYWEEKNO', 'BYSETPOS'];

/**
 * The event's calendar with `edit` laid over it, ready to store, or null when the edit removes the
 * whole event. Throws `invalid_event` when the occurrence is not the event's or the new times are not
 * valid, so a request can be checked before the person is asked, and again when they accept.
 */
export function applyEventEdit(event: ParsedEvent, edit: EventEdit, options: { now: number }): IcalComponent | null {
  if (edit.kind === 'cancel' && edit.scope === 'series') return null;
  const repeats = event.master.component.hasProperty('rrule') || event.master.component.hasProperty('rdate');
  if (edit.scope === 'occurrence') {
    if (!repeats) throw invalidEvent('This event does not repeat: change the whole event.');
    if (!hasOccurrence(event, edit.recurrenceId)) throw invalidEvent('That occurrence is not on the calendar any more.');
  }
  if (edit.kind === 'cancel') {
    const calendar = copyOf(event);
    withoutOverride(calendar, edit.recurrenceId);
    const master = calendar.getAllSubcomponents('vevent').find((component) => !component.hasProperty('recurrence-id')) as IcalComponent;
    addTime(master, 'exdate', timeFromIcalText(edit.recurrenceId), event.timezone);
    return calendar;
  }
  const draft = { timezone: event.timezone, allDay: event.allDay };
  const start = readDraftTime(edit.start, draft, 'start');
  const end = readDraftTime(edit.end, draft, 'end');
  if (end.compare(start) < 0 || (event.allDay && end.compare(start) === 0)) {
    throw invalidEvent(event.allDay ? 'end must be after start (the end day is not included).' : 'end must not be before start.');
  }
  if (edit.scope === 'occurrence') {
    const details = event.master.getOccurrenceDetails(timeFromIcalText(edit.recurrenceId));
    const calendar = copyOf(event);
    withoutOverride(calendar, edit.recurrenceId);
    const texts = Object.fromEntries(['summary', 'location', 'description'].map((name) => [name, textOf(details.item.component, name)]));
    calendar.addSubcomponent(
      overrideComponent(
        event.master.component.getFirstPropertyValue('uid'),
        timeFromIcalText(edit.recurrenceId),
        { start, end },
        texts,
        event.timezone,
        options,
      ),
    );
    parseEventCalendar(event.id, calendar.toString());
    return calendar;
  }
  // The whole series (or a single event): its first start moves by the same wall-clock distance as
  // asked, and so do the dates it leaves out or adds and the names of its moved instances, so every
  // occurrence keeps its place in the rule, at the same local time on either side of a DST change.
  const current = draftOf(event);
  const shift = wallClockMs(localFromTime(start)) - wallClockMs(localFromTime(event.master.startDate));
  const rule = event.master.component.getFirstPropertyValue('rrule') as InstanceType<typeof ICAL.Recur> | null;
  const changesDay = formatLocalDate(localFromTime(start)) !== formatLocalDate(localFromTime(event.master.startDate));
  if (rule && changesDay && dayPinningParts.some((part) => Object.hasOwn(rule.parts ?? {}, part))) {
    throw invalidEvent('This series repeats on set days, so it cannot move to another day as a whole: move one occurrence, or change its rule.');
  }
  const shifted = (text: string) => {
    const parsed = parseLocal(text, event.timezone);
    return parsed ? wallClockText(wallClockMs(parsed.local) + shift, parsed.dateOnly) : text;
  };
  const recurrence = current.recurrence && {
    rrule: current.recurrence.rrule,
    exdates: (current.recurrence.exdates ?? []).map(shifted),
    rdates: (current.recurrence.rdates ?? []).map(shifted),
  };
  // A copy is kept from: the overrides are carried over by reference and renamed below.
  const keep = parseEventCalendar(event.id, event.calendar.toString());
  const calendar = buildEventCalendar(event.id, { ...current, start: edit.start, end: edit.end, recurrence }, { now: options.now, keep });
  for (const override of calendar.getAllSubcomponents('vevent')) {
    const property = override.getFirstProperty('recurrence-id');
    if (!property) continue;
    const moved = (property.getFirstValue() as IcalTime).clone();
    moved.adjust(0, 0, 0, shift / 1000);
    property.setValue(moved);
  }
  parseEventCalendar(event.id, calendar.toString());
  return calendar;
}

/** An instance that differs from the rule: its RECURRENCE-ID, its own times and texts (summary, location, description; null ones left out). */
function overrideComponent(
  uid: unknown,
  recurrenceId: IcalTime,
  times: { start: IcalTime; end: IcalTime },
  texts: Readonly<Record<string, string | null | undefined>>,
  timezone: string,
  options: { now: number },
): IcalComponent {
  const override = new ICAL.Component('vevent');
  override.addPropertyWithValue('uid', uid);
  override.addPropertyWithValue('dtstamp', ICAL.Time.fromJSDate(new Date(options.now), true));
  addTime(override, 'recurrence-id', recurrenceId, timezone);
  addTime(override, 'dtstart', times.start, timezone);
  addTime(override, 'dtend', times.end, timezone);
  for (const [name, value] of Object.entries(texts)) if (value) override.addPropertyWithValue(name, value);
  override.addPropertyWithValue(timezoneProperty, timezone);
  return override;
}

/**
 * An event as the export describes it (`describeEvent`), made into its calendar again: the rule, its
 * dates and every overridden instance, at the same wall-clock times in its zone. The export keeps no
 * iCalendar UID, so the event gets the one Kindred gives its own events. Throws `invalid_event` for a
 * description that is not a valid event.
 */
export function calendarOfDescription(event: CalendarEvent, options: { now: number }): IcalComponent {
  const wallClock = (text: string, field: string): IcalTime => {
    const parsed = parseLocal(text, event.timezone);
    if (!parsed) throw invalidEvent(`${field} is not a real date or time: ${JSON.stringify(text)}.`);
    // An all-day event's times are exported as the midnight its days start at.
    return icalTime(parsed.local, event.allDay);
  };
  const draftTime = (text: string, field: string) => showTime(wallClock(text, field));
  const calendar = buildEventCalendar(
    event.id,
    {
      title: event.title,
      start: draftTime(event.start, 'start'),
      end: draftTime(event.end, 'end'),
      timezone: event.timezone,
      allDay: event.allDay,
      location: event.location,
      notes: event.notes,
      recurrence: event.recurrence,
    },
    options,
  );
  const uid = calendar.getFirstSubcomponent('vevent')?.getFirstPropertyValue('uid');
  for (const override of event.overrides) {
    calendar.addSubcomponent(
      overrideComponent(
        uid,
        wallClock(override.recurrenceId, 'recurrenceId'),
        { start: wallClock(override.start, 'start'), end: wallClock(override.end, 'end') },
        { summary: override.title, location: override.location, description: override.notes },
        event.timezone,
        options,
      ),
    );
  }
  parseEventCalendar(event.id, calendar.toString());
  return calendar;
}

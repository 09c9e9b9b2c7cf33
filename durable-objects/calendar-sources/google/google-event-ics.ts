import ICAL from 'ical.js';
import { z } from 'zod';
import { AppError } from '../../../server/errors/app-error.ts';
import { formatLocalDate, formatLocalDateTime, instantOf, isKnownTimezone, type LocalDateTime, localAt, parseLocal } from '../../../server/time/zoned-time.ts';

/**
 * Google Calendar's event JSON ⇄ the iCalendar text that crosses `CalendarSourceAdapter`, in the form
 * the calendar capability stores (`durable-objects/calendar/ical-event.ts`): wall-clock times with a
 * TZID naming an IANA zone, no VTIMEZONE, the zone also in `X-KINDRED-TIMEZONE` on the master.
 *
 * A recurring event on Google is one event whose `recurrence` holds RRULE/EXDATE/RDATE lines, plus
 * one event per changed instance (`recurringEventId` and `originalStartTime`): a moved or edited
 * instance becomes a VEVENT with RECURRENCE-ID, a cancelled one an EXDATE. Recurrence lines are
 * parsed and written by ical.js, never by hand.
 */

type IcalComponent = InstanceType<typeof ICAL.Component>;
type IcalProperty = InstanceType<typeof ICAL.Property>;
type IcalTime = InstanceType<typeof ICAL.Time>;

const timezoneProperty = 'x-kindred-timezone';

/** A start, an end or an original start: `date` for all-day, else `dateTime` (RFC 3339) and the zone it repeats in. */
export const googleEventTimeSchema = z.object({
  date: z.string().optional(),
  dateTime: z.string().optional(),
  timeZone: z.string().optional(),
});
export type GoogleEventTime = z.infer<typeof googleEventTimeSchema>;

/** The fields of Google's event resource this adapter reads; a deleted event in a list has only the first four. */
export const googleEventSchema = z.object({
  id: z.string().min(1),
  status: z.string().optional(),
  etag: z.string().optional(),
  recurringEventId: z.string().optional(),
  originalStartTime: googleEventTimeSchema.optional(),
  iCalUID: z.string().optional(),
  summary: z.string().optional(),
  description: z.string().optional(),
  location: z.string().optional(),
  start: googleEventTimeSchema.optional(),
  end: googleEventTimeSchema.optional(),
  recurrence: z.array(z.string()).optional(),
  updated: z.string().optional(),
});
export type GoogleEvent = z.infer<typeof googleEventSchema>;

/** What Google is sent to write an event (`events.insert`, `events.update`). */
export interface GoogleEventBody {
  summary: string;
  description?: string;
  location?: string;
  start: GoogleEventTime;
  end: GoogleEventTime;
  recurrence?: string[];
  iCalUID?: string;
  recurringEventId?: string;
  originalStartTime?: GoogleEventTime;
  status?: string;
}

/** An event read from iCalendar text, ready to send: the master, and each overridden instance under the id Google gives instances. */
export interface GoogleSeriesBody {
  uid: string;
  master: GoogleEventBody;
  /** `instanceSuffix` is what follows `{eventId}_` in the instance's id: its original start in UTC, or its date. */
  overrides: { instanceSuffix: string; body: GoogleEventBody }[];
}

const invalidAnswer = (message: string) => new AppError('source_invalid', `Google answered an event Kindred cannot read: ${message}.`);

const localOf = (time: IcalTime): LocalDateTime => ({
  year: time.year,
  month: time.month,
  day: time.day,
  hour: time.hour,
  minute: time.minute,
  second: time.second,
});

function dateTime(local: LocalDateTime): IcalTime {
  return ICAL.Time.fromData({ ...local, isDate: false });
}

function dateOnly(text: string): IcalTime {
  const parsed = parseLocal(text, 'UTC');
  if (!parsed?.dateOnly) throw invalidAnswer(`${JSON.stringify(text)} is not a date`);
  return ICAL.Time.fromData({ year: parsed.local.year, month: parsed.local.month, day: parsed.local.day, isDate: true });
}

/** The instant a Google `dateTime` names: it carries an offset, except when `timeZone` says where it is. */
function instantOfGoogle(time: GoogleEventTime, zone: string): number {
  const text = time.dateTime ?? '';
  const parsed = parseLocal(text, time.timeZone ?? zone);
  if (!parsed || parsed.dateOnly) throw invalidAnswer(`${JSON.stringify(text)} is not a date and time`);
  return /(Z|[+-]\d{2}:\d{2})$/i.test(text) ? Date.parse(text) : instantOf(parsed.local, time.timeZone ?? zone);
}

/** A Google time as an iCalendar time in the event's zone. */
function toIcalTime(time: GoogleEventTime, zone: string): IcalTime {
  if (time.date !== undefined) return dateOnly(time.date);
  if (time.dateTime === undefined) throw invalidAnswer('a time has neither date nor dateTime');
  return dateTime(localAt(instantOfGoogle(time, zone), zone));
}

function setTime(component: IcalComponent, name: string, time: IcalTime, zone: string): void {
  const property = new ICAL.Property(name, component);
  property.setValue(time);
  if (!time.isDate) property.setParameter('tzid', zone);
  component.addProperty(property);
}

/**
 * One EXDATE or RDATE line of Google's `recurrence`, its times moved to the event's zone: Google
 * writes them in UTC (`EXDATE:20261207T080000Z`) or with a TZID, possibly not the event's.
 */
function addRecurrenceDates(component: IcalComponent, line: string, zone: string): void {
  const source = ICAL.Property.fromString(line);
  const tzidParameter = source.getParameter('tzid');
  const tzid = Array.isArray(tzidParameter) ? tzidParameter[0] : tzidParameter;
  for (const value of source.getValues()) {
    const time = value instanceof ICAL.Period ? value.start : (value as IcalTime);
    if (time.isDate) {
      setTime(component, source.name, ICAL.Time.fromData({ year: time.year, month: time.month, day: time.day, isDate: true }), zone);
      continue;
    }
    let instant: number;
    if (time.zone === ICAL.Timezone.utcTimezone) instant = time.toUnixTime() * 1000;
    else instant = instantOf(localOf(time), typeof tzid === 'string' && isKnownTimezone(tzid) ? tzid : zone);
    setTime(component, source.name, dateTime(localAt(instant, zone)), zone);
  }
}

function addText(component: IcalComponent, name: string, value: string | undefined): void {
  if (value !== undefined && value !== '') component.addPropertyWithValue(name, value);
}

/** The zone an event's times are written in: its own, else the calendar's. */
export function zoneOfGoogleEvent(event: GoogleEvent, calendarZone: string): string {
  const zone = event.start?.timeZone;
  return zone !== undefined && isKnownTimezone(zone) ? zone : isKnownTimezone(calendarZone) ? calendarZone : 'UTC';
}

function eventComponent(event: GoogleEvent, uid: string, zone: string): IcalComponent {
  if (!event.start || !event.end) throw invalidAnswer(`the event ${JSON.stringify(event.id)} has no start or end`);
  const component = new ICAL.Component('vevent');
  component.addPropertyWithValue('uid', uid);
  const updated = event.updated === undefined ? Number.NaN : Date.parse(event.updated);
  component.addPropertyWithValue('dtstamp', ICAL.Time.fromJSDate(new Date(Number.isNaN(updated) ? 0 : updated), true));
  setTime(component, 'dtstart', toIcalTime(event.start, zone), zone);
  setTime(component, 'dtend', toIcalTime(event.end, zone), zone);
  addText(component, 'summary', event.summary);
  addText(component, 'description', event.description);
  addText(component, 'location', event.location);
  return component;
}

/**
 * A Google event and its changed instances as one VCALENDAR. `instances` are the events whose
 * `recurringEventId` is the master's id; cancelled ones become EXDATEs.
 */
export function googleEventToIcs(master: GoogleEvent, instances: GoogleEvent[], calendarZone: string): string {
  const zone = zoneOfGoogleEvent(master, calendarZone);
  const uid = master.iCalUID ?? master.id;
  const calendar = new ICAL.Component('vcalendar');
  calendar.addPropertyWithValue('version', '2.0');
  calendar.addPropertyWithValue('prodid', '-//Kindred//Google Calendar//EN');
  const component = eventComponent(master, uid, zone);
  try {
    for (const line of master.recurrence ?? []) {
      const name = line.slice(0, line.search(/[:;]/)).toLowerCase();
      if (name === 'rrule' || name === 'exrule') component.addProperty(ICAL.Property.fromString(line));
      else if (name === 'exdate' || name === 'rdate') addRecurrenceDates(component, line, zone);
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw invalidAnswer(`its recurrence cannot be read (${error instanceof Error ? error.message : 'unreadable'})`);
  }
  const overrides: IcalComponent[] = [];
  for (const instance of instances) {
    if (!instance.originalStartTime) continue;
    const originalStart = toIcalTime(instance.originalStartTime, zone);
    if (instance.status === 'cancelled') {
      setTime(component, 'exdate', originalStart, zone);
      continue;
    }
    const override = eventComponent(instance, uid, zone);
    setTime(override, 'recurrence-id', originalStart, zone);
    overrides.push(override);
  }
  component.addPropertyWithValue(timezoneProperty, zone);
  calendar.addSubcomponent(component);
  for (const override of overrides) calendar.addSubcomponent(override);
  return calendar.toString();
}

// --- iCalendar → Google ----------------------------------------------------------------------------

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

function tzidOf(property: IcalProperty | null): string | undefined {
  const parameter = property?.getParameter('tzid');
  const tzid = Array.isArray(parameter) ? parameter[0] : parameter;
  return typeof tzid === 'string' && isKnownTimezone(tzid) ? tzid : undefined;
}

/** A time of the event as Google takes it: a wall-clock `dateTime` with the `timeZone` it is in, or a `date`. */
function toGoogleTime(time: IcalTime, property: IcalProperty | null, zone: string): { time: GoogleEventTime; instant: number | null } {
  if (time.isDate) return { time: { date: formatLocalDate(localOf(time)) }, instant: null };
  if (time.zone === ICAL.Timezone.utcTimezone) {
    const instant = time.toUnixTime() * 1000;
    return { time: { dateTime: new Date(instant).toISOString().replace('.000Z', 'Z'), timeZone: zone }, instant };
  }
  const timeZone = tzidOf(property) ?? zone;
  return { time: { dateTime: formatLocalDateTime(localOf(time)), timeZone }, instant: instantOf(localOf(time), timeZone) };
}

/** How Google names an instance of a recurring event after its event's id: `_20261207T080000Z`, or `_20261207` all day. */
function instanceSuffixOf(time: IcalTime, instant: number | null): string {
  if (instant === null) return `${pad(time.year, 4)}${pad(time.month)}${pad(time.day)}`;
  return new Date(instant)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function bodyOf(component: IcalComponent, zone: string): GoogleEventBody {
  const event = new ICAL.Event(component);
  const startProperty = component.getFirstProperty('dtstart');
  if (!startProperty) throw new AppError('invalid_event', 'An event sent to Google has no DTSTART.');
  const start = toGoogleTime(event.startDate, startProperty, zone);
  // No DTEND: an all-day event lasts its day, a timed one no time at all (RFC 5545 §3.6.1).
  const endTime = event.endDate ?? event.startDate;
  const end = toGoogleTime(endTime, component.getFirstProperty('dtend') ?? startProperty, zone);
  const text = (name: string) => {
    const value = component.getFirstPropertyValue(name);
    return value === null || value === undefined || value === '' ? undefined : String(value);
  };
  return {
    summary: text('summary') ?? '',
    ...(text('description') === undefined ? {} : { description: text('description') }),
    ...(text('location') === undefined ? {} : { location: text('location') }),
    start: start.time,
    end: end.time,
  };
}

/** The event in `ics` as Google's JSON: its master (with recurrence lines) and its overridden instances. */
export function icsToGoogleSeries(ics: string): GoogleSeriesBody {
  let calendar: IcalComponent;
  try {
    calendar = new ICAL.Component(ICAL.parse(ics));
  } catch (error) {
    throw new AppError('invalid_event', `The event is not valid iCalendar: ${error instanceof Error ? error.message : 'unreadable'}.`);
  }
  const components = calendar.name === 'vevent' ? [calendar] : calendar.getAllSubcomponents('vevent');
  const master = components.find((component) => !component.hasProperty('recurrence-id'));
  if (!master) throw new AppError('invalid_event', 'The iCalendar text holds no event.');
  const zoneValue = master.getFirstPropertyValue(timezoneProperty);
  const zone = typeof zoneValue === 'string' && isKnownTimezone(zoneValue) ? zoneValue : (tzidOf(master.getFirstProperty('dtstart')) ?? 'UTC');
  const uid = String(master.getFirstPropertyValue('uid') ?? '');
  const body = bodyOf(master, zone);
  const recurrence = ['rrule', 'exrule', 'rdate', 'exdate'].flatMap((name) => master.getAllProperties(name).map((property) => property.toICALString()));
  if (recurrence.length > 0) {
    body.recurrence = recurrence;
    // Google repeats a timed event in its start's zone and refuses a recurring event without one.
    if (body.start.dateTime !== undefined) {
      body.start.timeZone ??= zone;
      body.end.timeZone ??= zone;
    }
  }
  const overrides = components
    .filter((component) => component !== master)
    .map((component) => {
      const property = component.getFirstProperty('recurrence-id');
      const originalStart = toGoogleTime(component.getFirstPropertyValue('recurrence-id') as IcalTime, property, zone);
      const overrideBody: GoogleEventBody = { ...bodyOf(component, zone), originalStartTime: originalStart.time, status: 'confirmed' };
      return { instanceSuffix: instanceSuffixOf(component.getFirstPropertyValue('recurrence-id') as IcalTime, originalStart.instant), body: overrideBody };
    });
  return { uid, master: body, overrides };
}

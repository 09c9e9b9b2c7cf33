import ICAL from 'ical.js';

type IcalComponent = InstanceType<typeof ICAL.Component>;

/**
 * The parts of an event that change independently, each compared and carried as a whole: its times
 * move together with their zone, and a rule with its exceptions; the overridden instances are one
 * part. Only what Kindred lets a person edit is compared: DTSTAMP, SEQUENCE, STATUS, alarms and
 * whatever else a remote keeps are never seen as changed here, so a push never takes them away.
 */
const fieldGroups: Record<string, readonly string[]> = {
  title: ['summary'],
  location: ['location'],
  notes: ['description'],
  when: ['dtstart', 'dtend', 'duration', 'x-kindred-timezone'],
  recurrence: ['rrule', 'exdate', 'rdate'],
};
const overridesField = 'overrides';

export type EventField = keyof typeof fieldGroups | typeof overridesField;

const parse = (text: string): IcalComponent => new ICAL.Component(ICAL.parse(text));
const masterOf = (calendar: IcalComponent): IcalComponent | undefined =>
  calendar.getAllSubcomponents('vevent').find((component) => !component.hasProperty('recurrence-id')) ?? calendar.getFirstSubcomponent('vevent') ?? undefined;
const overridesOf = (calendar: IcalComponent): IcalComponent[] =>
  calendar.getAllSubcomponents('vevent').filter((component) => component.hasProperty('recurrence-id'));

function fieldsOf(text: string): Map<EventField, string> {
  const calendar = parse(text);
  const master = masterOf(calendar);
  const fields = new Map<EventField, string>();
  for (const [field, names] of Object.entries(fieldGroups)) {
    const values = names.flatMap((name) => master?.getAllProperties(name).map((property) => property.toICALString()) ?? []);
    fields.set(field as EventField, values.sort().join('\n'));
  }
  const overrides = overridesOf(calendar).map((component) => {
    const copy = new ICAL.Component(component.toJSON());
    copy.removeAllProperties('dtstamp');
    copy.removeAllProperties('sequence');
    return copy.toString();
  });
  fields.set(overridesField, overrides.sort().join('\n'));
  return fields;
}

/** The fields in which `changed` differs from `base`. Both are texts in the calendar's stored form. */
export function changedFields(base: string, changed: string): EventField[] {
  const before = fieldsOf(base);
  const after = fieldsOf(changed);
  return [...after.keys()].filter((field) => before.get(field) !== after.get(field));
}

/**
 * `target` with the given fields taken from `source`: everything else of `target` (alarms,
 * attendees, time zone definitions a remote keeps) stays as it is.
 */
export function withFieldsFrom(target: string, source: string, fields: readonly EventField[]): string {
  const into = parse(target);
  const from = parse(source);
  const intoMaster = masterOf(into);
  const fromMaster = masterOf(from);
  if (!intoMaster || !fromMaster) return source;
  for (const field of fields) {
    if (field === overridesField) {
      for (const override of overridesOf(into)) into.removeSubcomponent(override);
      for (const override of overridesOf(from)) into.addSubcomponent(new ICAL.Component(override.toJSON()));
      continue;
    }
    for (const name of fieldGroups[field] ?? []) {
      intoMaster.removeAllProperties(name);
      for (const property of fromMaster.getAllProperties(name)) intoMaster.addProperty(ICAL.Property.fromString(property.toICALString()));
    }
  }
  return into.toString();
}

/**
 * A three-way merge of an event changed on both sides since `base`: when the two changed different
 * fields (or the same field the same way), the remote text with the local changes laid over it;
 * otherwise undefined, and the caller keeps both versions.
 */
export function mergeEvent(base: string, local: string, remote: string): string | undefined {
  const localChanges = changedFields(base, local);
  const remoteChanges = new Set(changedFields(base, remote));
  const localFields = fieldsOf(local);
  const remoteFields = fieldsOf(remote);
  const clash = localChanges.some((field) => remoteChanges.has(field) && localFields.get(field) !== remoteFields.get(field));
  return clash ? undefined : withFieldsFrom(remote, local, localChanges);
}

/** The UID of an event's text. */
export function uidOfText(text: string): string | undefined {
  const value = masterOf(parse(text))?.getFirstPropertyValue('uid');
  return value === null || value === undefined ? undefined : String(value);
}

/** A copy of the event under a new UID, its title marked, to keep one side of a conflict that could not be merged. */
export function conflictCopyOf(text: string, uid: string, marker: string): string {
  const calendar = parse(text);
  for (const component of calendar.getAllSubcomponents('vevent')) {
    component.updatePropertyWithValue('uid', uid);
    const summary = component.getFirstPropertyValue('summary');
    component.updatePropertyWithValue('summary', `${summary === null || summary === undefined ? '' : String(summary)} ${marker}`.trim());
  }
  return calendar.toString();
}

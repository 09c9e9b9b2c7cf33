import { describe, expect, it } from 'vitest';
import { boundsOf, buildEventCalendar, occurrencesBetween, parseEventCalendar, readIcs } from './ical-event.ts';

const daily = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Test//EN'];

describe('expanding an event', () => {
  it('finds this week of a daily rule that began years ago, an override included', () => {
    const [calendar] = readIcs(
      [
        ...daily,
        'BEGIN:VEVENT',
        'UID:walk',
        'DTSTART;TZID=Europe/Berlin:20100101T090000',
        'DTEND;TZID=Europe/Berlin:20100101T093000',
        'RRULE:FREQ=DAILY',
        'SUMMARY:Walk',
        'END:VEVENT',
        'BEGIN:VEVENT',
        'UID:walk',
        'RECURRENCE-ID;TZID=Europe/Berlin:20260329T090000',
        'DTSTART;TZID=Europe/Berlin:20260329T120000',
        'DTEND;TZID=Europe/Berlin:20260329T130000',
        'SUMMARY:Long walk',
        'END:VEVENT',
        'END:VCALENDAR',
        '',
      ].join('\r\n'),
      'UTC',
    );
    const event = parseEventCalendar('evt_walk', String(calendar));
    expect(boundsOf(event)).toEqual({ firstStart: Date.parse('2010-01-01T08:00:00Z'), lastEnd: null });
    const occurrences = occurrencesBetween(event, Date.parse('2026-03-28T00:00:00+01:00'), Date.parse('2026-03-31T00:00:00+02:00'));
    expect(occurrences.map((occurrence) => [occurrence.title, occurrence.start])).toEqual([
      ['Walk', '2026-03-28T09:00:00+01:00'],
      ['Long walk', '2026-03-29T12:00:00+02:00'],
      ['Walk', '2026-03-30T09:00:00+02:00'],
    ]);
  });

  it('keeps an event whose end is its start, and counts an UNTIL rule as ending', () => {
    const draft = { title: 'Reminder-ish', start: '2026-01-05T10:00', end: '2026-01-05T10:00', timezone: 'UTC', allDay: false, location: null, notes: null };
    const event = parseEventCalendar(
      'evt_1',
      buildEventCalendar('evt_1', { ...draft, recurrence: { rrule: 'FREQ=WEEKLY;UNTIL=20260126T100000Z' } }, { now: 0 }).toString(),
    );
    expect(boundsOf(event)).toEqual({ firstStart: Date.parse('2026-01-05T10:00:00Z'), lastEnd: Date.parse('2026-01-26T10:00:00Z') });
    expect(occurrencesBetween(event, Date.parse('2026-01-12T10:00:00Z'), Date.parse('2026-01-12T10:00:01Z'))).toHaveLength(1);
  });
});

import { describe, expect, it } from 'vitest';
import type { EventOccurrenceView } from '../../../common/client.ts';
import { agendaRange, daysCovered, describeEventTime, describePlanned, groupAgenda, instantOfWallClock, moveChannel } from './today-format.ts';

function occurrence(title: string, start: string, end: string, allDay = false): EventOccurrenceView {
  return { id: title, occurrenceId: title, start, end, timezone: 'UTC', allDay, title, location: null, notes: null, recurrence: null };
}

describe('the agenda, by day in the person’s time zone', () => {
  // 23:30 UTC on 1 December is already 2 December in Tokyo and still 1 December in New York.
  const now = new Date('2026-12-01T23:30:00Z');

  it('puts an event on the day it falls on in the person’s zone, not in UTC', () => {
    const events = [occurrence('Breakfast', '2026-12-02T00:00:00Z', '2026-12-02T01:00:00Z')];
    const tokyo = groupAgenda(events, now, 'Asia/Tokyo');
    expect(tokyo.map((day) => [day.day, day.title, day.events.map((event) => event.title)])).toEqual([
      ['2026-12-02', 'Today', ['Breakfast']],
      ['2026-12-03', 'Tomorrow', []],
    ]);
    const newYork = groupAgenda(events, now, 'America/New_York');
    expect(newYork.map((day) => [day.day, day.events.map((event) => event.title)])).toEqual([
      ['2026-12-01', ['Breakfast']],
      ['2026-12-02', []],
    ]);
  });

  it('shows an event on every day it spans, all-day ones first, the rest by start', () => {
    const events = [
      occurrence('Late film', '2026-12-02T22:00:00Z', '2026-12-03T01:00:00Z'),
      occurrence('Dentist', '2026-12-02T09:30:00Z', '2026-12-02T10:00:00Z'),
      occurrence('Conference', '2026-12-02T00:00:00+01:00', '2026-12-04T00:00:00+01:00', true),
      occurrence('Yesterday', '2026-12-01T09:00:00Z', '2026-12-01T10:00:00Z'),
    ];
    const days = groupAgenda(events, new Date('2026-12-02T08:00:00Z'), 'Europe/London');
    expect(days.map((day) => day.events.map((event) => event.title))).toEqual([
      ['Conference', 'Dentist', 'Late film'],
      ['Conference', 'Late film'],
    ]);
  });

  it('reads an all-day event’s dates as written, and its end as the day after its last', () => {
    expect(daysCovered(occurrence('Holiday', '2026-12-24T00:00:00-05:00', '2026-12-26T00:00:00-05:00', true), 'Asia/Tokyo')).toEqual([
      '2026-12-24',
      '2026-12-25',
    ]);
    // An event ending exactly at midnight does not reach into the next day.
    expect(daysCovered(occurrence('Evening', '2026-12-24T20:00:00Z', '2026-12-25T00:00:00Z'), 'UTC')).toEqual(['2026-12-24']);
  });

  it('writes times in the person’s zone, on a 24-hour clock', () => {
    expect(describeEventTime(occurrence('Dentist', '2026-12-02T09:30:00Z', '2026-12-02T10:00:00Z'), 'Europe/Paris')).toBe('10:30–11:00');
    expect(describeEventTime(occurrence('Holiday', '2026-12-24T00:00:00Z', '2026-12-25T00:00:00Z', true), 'Europe/Paris')).toBe('All day');
  });

  it('asks for a range wide enough for today and tomorrow in any zone', () => {
    const range = agendaRange(now);
    expect(Date.parse(range.from)).toBeLessThanOrEqual(Date.parse('2026-12-01T00:00:00-12:00') - 0);
    expect(Date.parse(range.to)).toBeGreaterThanOrEqual(Date.parse('2026-12-04T00:00:00+14:00'));
  });
});

describe('what the companion plans to bring up, in plain words', () => {
  const now = new Date('2026-12-01T08:00:00Z');

  it('says a check-in’s time, without repeating its cadence', () => {
    expect(describePlanned({ kind: 'check-in', at: '2026-12-01T18:00:00Z', reason: 'Check-in (daily at 18:00)' }, now, 'Europe/London')).toEqual({
      what: 'Check-in',
      when: 'today at 18:00',
    });
  });

  it('names the event a reminder comes before, and when it goes out', () => {
    expect(describePlanned({ kind: 'event-soon', at: '2026-12-02T09:15:00Z', reason: 'Dentist at 09:30' }, now, 'UTC')).toEqual({
      what: 'Reminder before Dentist at 09:30',
      when: 'tomorrow at 09:15',
    });
  });

  it('says which day a later plan falls on in the person’s zone', () => {
    const planned = describePlanned({ kind: 'follow-up', at: '2026-12-03T23:30:00Z', reason: 'Job interview on Wednesday' }, now, 'Asia/Tokyo');
    expect(planned).toEqual({ what: 'Ask how it went: Job interview on Wednesday', when: 'Fri 4 Dec at 08:30' });
  });
});

describe('moving a channel in the order', () => {
  it('swaps with its neighbour, and leaves the order alone at either end', () => {
    const order = ['app', 'push', 'whatsapp'] as const;
    expect(moveChannel(order, 1, -1)).toEqual(['push', 'app', 'whatsapp']);
    expect(moveChannel(order, 1, 1)).toEqual(['app', 'whatsapp', 'push']);
    expect(moveChannel(order, 0, -1)).toEqual(['app', 'push', 'whatsapp']);
    expect(moveChannel(order, 2, 1)).toEqual(['app', 'push', 'whatsapp']);
    expect(order).toEqual(['app', 'push', 'whatsapp']);
  });
});

describe('a reminder’s time typed in the person’s zone', () => {
  it('is read in that zone, whatever the device’s', () => {
    expect(instantOfWallClock('2026-12-02', '09:30', 'Europe/Paris')).toBe('2026-12-02T08:30:00.000Z');
    expect(instantOfWallClock('2026-07-02', '09:30', 'Europe/Paris')).toBe('2026-07-02T07:30:00.000Z');
    expect(instantOfWallClock('2026-12-02', '09:30', 'America/New_York')).toBe('2026-12-02T14:30:00.000Z');
  });

  it('moves a time skipped by the clocks going forward past the gap', () => {
    // London skips 01:00–02:00 on 29 March 2026.
    expect(instantOfWallClock('2026-03-29', '01:30', 'Europe/London')).toBe('2026-03-29T01:30:00.000Z');
  });

  it('refuses what is not a date and a time', () => {
    expect(instantOfWallClock('2026-12-02', '', 'UTC')).toBeUndefined();
    expect(instantOfWallClock('tomorrow', '09:30', 'UTC')).toBeUndefined();
  });
});

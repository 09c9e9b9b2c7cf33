import { describe, expect, it } from 'vitest';
import { executeToolCall, type Tool } from '../tools/tool.ts';
import { createCalendarTools } from './calendar-tools.ts';
import { buildEventCalendar, type EventDraft, type EventOccurrence, occurrencesBetween, parseEventCalendar } from './ical-event.ts';

/** An in-memory calendar behind the tools: the same event code as the store, without the object. */
function calendarOf(drafts: EventDraft[]) {
  const events = drafts.map((draft, position) => parseEventCalendar(`evt_${position}`, buildEventCalendar(`evt_${position}`, draft, { now: 0 }).toString()));
  const created: EventDraft[] = [];
  const tools = createCalendarTools({
    between: async (from, to) => events.flatMap((event) => occurrencesBetween(event, from, to)).sort((left, right) => left.startsAt - right.startsAt),
    create: async (draft) => {
      created.push(draft);
      const event = parseEventCalendar('evt_new', buildEventCalendar('evt_new', draft, { now: 0 }).toString());
      const [first] = occurrencesBetween(event, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY) as [EventOccurrence];
      return { ...first, recurrence: draft.recurrence ? { rrule: draft.recurrence.rrule, exdates: [], rdates: [] } : null, overrides: [] };
    },
  });
  const tool = (name: string) => tools.find((entry) => entry.name === name) as Tool;
  return { tool, created };
}

const event = (draft: Partial<EventDraft>): EventDraft => ({
  title: 'Busy',
  start: '2026-03-30T09:00',
  end: '2026-03-30T10:00',
  timezone: 'Europe/Berlin',
  allDay: false,
  location: null,
  notes: null,
  recurrence: null,
  ...draft,
});

// A Sunday evening in Berlin, before the Monday the tests look at.
const context = { userId: 'user_test', timezone: 'Europe/Berlin', now: new Date('2026-03-29T18:00:00Z') };

describe('the calendar tools', () => {
  it('are declared with a human title and summary, and switched on by default', () => {
    const { tool } = calendarOf([]);
    for (const name of ['list_events', 'find_free_time', 'create_event']) {
      expect(tool(name)).toMatchObject({ enabledByDefault: true });
      expect(tool(name).title.length).toBeGreaterThan(0);
      expect(tool(name).summary.length).toBeGreaterThan(0);
    }
  });

  it('list_events reads whole days in the person’s zone, each occurrence separately', async () => {
    const { tool } = calendarOf([
      event({ title: 'Standup', recurrence: { rrule: 'FREQ=DAILY;COUNT=3' } }),
      event({ title: 'Late', start: '2026-03-31T23:30', end: '2026-04-01T00:30' }),
    ]);
    const { output } = await executeToolCall(tool('list_events'), JSON.stringify({ from: '2026-03-31' }), context);
    expect(output).toEqual({
      events: [
        {
          eventId: 'evt_0',
          title: 'Standup',
          start: '2026-03-31T09:00:00+02:00',
          end: '2026-03-31T10:00:00+02:00',
          allDay: false,
          location: null,
          repeats: 'FREQ=DAILY;COUNT=3',
        },
        { eventId: 'evt_1', title: 'Late', start: '2026-03-31T23:30:00+02:00', end: '2026-04-01T00:30:00+02:00', allDay: false, location: null, repeats: null },
      ],
    });
    expect((await executeToolCall(tool('list_events'), JSON.stringify({ from: '2026-02-30' }), context)).output).toMatchObject({ error: expect.any(String) });
  });

  it('find_free_time answers the gaps between events within 08:00–20:00 local time', async () => {
    const { tool } = calendarOf([
      event({ start: '2026-03-30T09:00', end: '2026-03-30T10:30' }),
      event({ start: '2026-03-30T10:00', end: '2026-03-30T12:00' }),
      event({ start: '2026-03-30T19:30', end: '2026-03-30T21:00' }),
    ]);
    const { output } = await executeToolCall(tool('find_free_time'), JSON.stringify({ from: '2026-03-30', minutes: 45 }), context);
    expect(output).toEqual({
      timezone: 'Europe/Berlin',
      today: '2026-03-29',
      slots: [
        { start: '2026-03-30T08:00:00+02:00', end: '2026-03-30T09:00:00+02:00', minutes: 60 },
        { start: '2026-03-30T12:00:00+02:00', end: '2026-03-30T19:30:00+02:00', minutes: 450 },
      ],
    });
    const longer = await executeToolCall(tool('find_free_time'), JSON.stringify({ from: '2026-03-30', to: '2026-03-31', minutes: 600 }), context);
    // Only the free Tuesday has 10 hours in one piece.
    expect(longer.output).toMatchObject({ slots: [{ start: '2026-03-31T08:00:00+02:00', end: '2026-03-31T20:00:00+02:00', minutes: 720 }] });
  });

  it('create_event puts the event in the person’s zone', async () => {
    const { tool, created } = calendarOf([]);
    const { output } = await executeToolCall(
      tool('create_event'),
      JSON.stringify({ title: 'Dinner with Sam', start: '2026-04-02T19:00', end: '2026-04-02T21:00', location: 'Luigi’s' }),
      context,
    );
    expect(output).toMatchObject({ created: true, start: '2026-04-02T19:00:00+02:00', end: '2026-04-02T21:00:00+02:00', repeats: null });
    expect(created).toEqual([{ ...event({ title: 'Dinner with Sam', start: '2026-04-02T19:00', end: '2026-04-02T21:00' }), location: 'Luigi’s' }]);
    const refused = await executeToolCall(tool('create_event'), JSON.stringify({ title: 'Oops', start: '2026-04-02T19:00', end: '2026-04-02T18:00' }), context);
    expect(refused.output).toEqual({ error: 'end must not be before start.' });
  });
});

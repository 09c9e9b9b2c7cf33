import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../common/protocol.ts';
import type { ConfirmationRequest } from '../confirmations/confirmations-capability.ts';
import { executeToolCall, type Tool } from '../tools/tool.ts';
import { calendarConfirmationHandlers, createCalendarChangeTools } from './calendar-change-tools.ts';
import {
  applyEventEdit,
  buildEventCalendar,
  describeEvent,
  type EventDraft,
  type EventEdit,
  occurrencesBetween,
  type ParsedEvent,
  parseEventCalendar,
} from './ical-event.ts';

/** An in-memory calendar behind the change tools and their handlers, with every request to confirm recorded. */
function calendarOf(drafts: EventDraft[]) {
  const events = new Map(
    drafts.map((draft, position) => [
      `evt_${position}`,
      parseEventCalendar(`evt_${position}`, buildEventCalendar(`evt_${position}`, draft, { now: 0 }).toString()),
    ]),
  );
  const writes: EventEdit[] = [];
  const requests: ConfirmationRequest[] = [];
  const services = {
    get: async (id: string) => events.get(id),
    async edit(id: string, edit: EventEdit, options: { write: boolean }) {
      const event = events.get(id);
      if (!event) return undefined;
      const calendar = applyEventEdit(event, edit, { now: 0 });
      if (!options.write) return calendar && parseEventCalendar(id, calendar.toString());
      writes.push(edit);
      if (calendar === null) {
        events.delete(id);
        return null;
      }
      const written = parseEventCalendar(id, calendar.toString());
      events.set(id, written);
      return written;
    },
  };
  const tools = createCalendarChangeTools({
    ...services,
    confirmations: {
      async request(request) {
        requests.push(request);
        return {
          id: `cnf_${requests.length}`,
          action: request.action,
          status: 'pending',
          summary: request.summary,
          conversationId: request.conversationId,
          messageId: request.messageId ?? null,
          createdAt: new Date(0).toISOString(),
          expiresAt: new Date(86_400_000).toISOString(),
          answeredAt: null,
        };
      },
    },
  });
  const handlers = calendarConfirmationHandlers(services);
  const tool = (name: string) => tools.find((entry) => entry.name === name) as Tool;
  /** Accepts the newest request, as the person confirming it would. */
  const accept = async () => {
    const request = requests.at(-1) as ConfirmationRequest;
    return (handlers[request.action] as (typeof handlers)[string]).accept(request.payload as JsonValue);
  };
  const starts = (id = 'evt_0') => {
    const event = events.get(id) as ParsedEvent | undefined;
    return event ? occurrencesBetween(event, Date.parse('2026-01-01T00:00:00Z'), Date.parse('2027-01-01T00:00:00Z')).map((occurrence) => occurrence.start) : [];
  };
  return { tool, writes, requests, accept, starts, events };
}

const event = (draft: Partial<EventDraft>): EventDraft => ({
  title: 'Yoga',
  start: '2026-03-23T18:00',
  end: '2026-03-23T19:00',
  timezone: 'Europe/Berlin',
  allDay: false,
  location: null,
  notes: null,
  recurrence: null,
  ...draft,
});

const context = { userId: 'user_test', timezone: 'Europe/Berlin', now: new Date('2026-03-20T12:00:00Z'), conversationId: 'conv_1', messageId: 'msg_1' };

describe('the calendar change tools', () => {
  it('are declared for people, and switched on by default', () => {
    const { tool } = calendarOf([]);
    for (const name of ['move_event', 'cancel_event']) {
      expect(tool(name)).toMatchObject({ enabledByDefault: true });
      expect(tool(name).summary).toMatch(/confirm/);
    }
  });

  it('only ask: the event changes when the handler runs, not before', async () => {
    const calendar = calendarOf([event({ title: 'Dentist', start: '2026-12-01T10:00', end: '2026-12-01T11:00', location: 'Main Street 4' })]);
    const { output } = await executeToolCall(calendar.tool('move_event'), JSON.stringify({ eventId: 'evt_0', start: '2026-12-03T10:00' }), context);
    expect(output).toMatchObject({ status: 'awaiting-confirmation', confirmationId: 'cnf_1' });
    expect(calendar.writes).toEqual([]);
    expect(calendar.starts()).toEqual(['2026-12-01T10:00:00+01:00']);
    expect(calendar.requests[0]).toMatchObject({ action: 'calendar.move-event', conversationId: 'conv_1', messageId: 'msg_1' });
    expect(await calendar.accept()).toBe('Moved “Dentist” to Thursday 3 Dec, 10:00–11:00.');
    expect(calendar.starts()).toEqual(['2026-12-03T10:00:00+01:00']);
  });

  it('refuse to ask outside a conversation', async () => {
    const calendar = calendarOf([event({})]);
    const { conversationId: _conversation, ...outside } = context;
    const { output } = await executeToolCall(calendar.tool('cancel_event'), JSON.stringify({ eventId: 'evt_0' }), outside);
    expect(output).toEqual({ error: 'The person can only be asked in a conversation.' });
    expect(calendar.requests).toEqual([]);
  });

  it('read the new time in the person’s zone and write it in the event’s own', async () => {
    const calendar = calendarOf([event({ title: 'Call', start: '2026-12-01T10:00', end: '2026-12-01T10:30', timezone: 'America/New_York' })]);
    await executeToolCall(calendar.tool('move_event'), JSON.stringify({ eventId: 'evt_0', start: '2026-12-02T20:00' }), context);
    expect(calendar.requests[0]?.summary.after).toEqual({ start: '2026-12-02T14:00:00-05:00', end: '2026-12-02T14:30:00-05:00' });
    await calendar.accept();
    expect(calendar.starts()).toEqual(['2026-12-02T14:00:00-05:00']);
  });

  it('move an all-day event by its dates, keeping how many days it lasts', async () => {
    const calendar = calendarOf([event({ title: 'Trip', start: '2026-03-27', end: '2026-03-30', allDay: true })]);
    await executeToolCall(calendar.tool('move_event'), JSON.stringify({ eventId: 'evt_0', start: '2026-04-03' }), context);
    expect(calendar.requests[0]?.summary.headline).toBe('Move “Trip” to Friday 3 Apr to Sunday 5 Apr?');
    await calendar.accept();
    expect(describeEvent(calendar.events.get('evt_0') as ParsedEvent)).toMatchObject({ start: '2026-04-03T00:00:00+02:00', end: '2026-04-06T00:00:00+02:00' });
  });

  it('move a series whose one instance was already moved, that instance keeping its own time', async () => {
    const calendar = calendarOf([event({ recurrence: { rrule: 'FREQ=WEEKLY;COUNT=3' } })]);
    await executeToolCall(
      calendar.tool('move_event'),
      JSON.stringify({ eventId: 'evt_0', occurrenceStart: '2026-03-30T18:00:00+02:00', start: '2026-03-30T20:00' }),
      context,
    );
    await calendar.accept();
    await executeToolCall(
      calendar.tool('move_event'),
      JSON.stringify({ eventId: 'evt_0', occurrenceStart: '2026-03-23T18:00:00+01:00', scope: 'series', start: '2026-03-23T17:00' }),
      context,
    );
    expect(await calendar.accept()).toBe('Moved every “Yoga”: this one is now on Monday 23 Mar, 17:00–18:00.');
    expect(calendar.starts()).toEqual(['2026-03-23T17:00:00+01:00', '2026-03-30T20:00:00+02:00', '2026-04-06T17:00:00+02:00']);
  });

  it('refuse to move a series pinned to weekdays onto another day, and cancel one occurrence of it', async () => {
    const calendar = calendarOf([event({ recurrence: { rrule: 'FREQ=WEEKLY;BYDAY=MO;COUNT=3' } })]);
    const refused = await executeToolCall(
      calendar.tool('move_event'),
      JSON.stringify({ eventId: 'evt_0', occurrenceStart: '2026-03-23T18:00:00+01:00', scope: 'series', start: '2026-03-24T18:00' }),
      context,
    );
    expect(refused.output).toEqual({ error: expect.stringContaining('repeats on set days') });
    const needsOccurrence = await executeToolCall(calendar.tool('cancel_event'), JSON.stringify({ eventId: 'evt_0' }), context);
    expect(needsOccurrence.output).toEqual({ error: expect.stringContaining('occurrenceStart') });
    await executeToolCall(calendar.tool('cancel_event'), JSON.stringify({ eventId: 'evt_0', occurrenceStart: '2026-03-30T18:00:00+02:00' }), context);
    expect(calendar.requests).toHaveLength(1);
    expect(await calendar.accept()).toBe('Cancelled “Yoga” on Monday 30 Mar, 18:00–19:00.');
    expect(calendar.starts()).toEqual(['2026-03-23T18:00:00+01:00', '2026-04-06T18:00:00+02:00']);
  });
});

import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';
import {
  type Confirmation,
  calendarEventSchema,
  confirmationAnsweredSchema,
  confirmationsAnswerSchema,
  eventsAnswerSchema,
  exportDocumentSchema,
  messagesPageSchema,
  turnAnswerSchema,
} from '../../common/protocol.ts';
import { api, buildUser, expectError, openRealtime, readJson, uniqueText } from '../../test-support/api.ts';
import { type FakeToolCall, recordedChatRequests, scriptFakeOpenAI } from '../../test-support/fake-openai/control.ts';
import { exportOf, importInto } from '../../test-support/round-trip/move-account.ts';
import { runScheduledWork } from '../../test-support/scheduled-work.ts';
import type { CompanionAgent } from '../companion-agent.ts';

const fakeUrl = inject('fakeOpenAIUrl');
const testEnv = env as unknown as { COMPANION: DurableObjectNamespace<CompanionAgent> };

type User = Awaited<ReturnType<typeof buildUser>>;

const berlinUser = () => buildUser({ timezone: 'Europe/Berlin' });

async function createEvent(token: string, body: Record<string, unknown>) {
  return readJson(await api('/api/v1/events', { token, body: { timezone: 'Europe/Berlin', ...body } }), calendarEventSchema, 201);
}

async function eventsBetween(token: string, from: string, to: string) {
  return (await readJson(await api(`/api/v1/events?${new URLSearchParams({ from, to })}`, { token }), eventsAnswerSchema)).events;
}

async function confirmationsOf(token: string, status?: string): Promise<Confirmation[]> {
  const query = status ? `?status=${status}` : '';
  return (await readJson(await api(`/api/v1/confirmations${query}`, { token }), confirmationsAnswerSchema)).confirmations;
}

const answer = (token: string, id: string, accept: boolean) => api(`/api/v1/confirmations/${id}`, { token, body: { accept } });

async function messagesOf(token: string) {
  return (await readJson(await api('/api/v1/messages', { token }), messagesPageSchema)).messages;
}

/** The model calls `toolCall`, then says `reply`; answers the turn and the id of the confirmation the tool asked for, if any. */
async function askThroughModel(user: User, toolCall: FakeToolCall, reply = 'I have asked you to confirm.') {
  const text = uniqueText('please change my calendar');
  await scriptFakeOpenAI(fakeUrl, text, [{ toolCalls: [toolCall] }, { text: reply }]);
  const turn = await readJson(await api('/api/v1/messages', { token: user.token, body: { text } }), turnAnswerSchema);
  const output = turn.assistantMessage.tools[0]?.output as { confirmationId?: string; error?: string } | undefined;
  return { turn, output, confirmationId: output?.confirmationId };
}

/** As `askThroughModel`, for a request the tool accepts: answers the confirmation's id. */
async function askedThroughModel(user: User, toolCall: FakeToolCall): Promise<string> {
  const { output, confirmationId } = await askThroughModel(user, toolCall);
  expect(output, 'the tool asked for a confirmation').toMatchObject({ status: 'awaiting-confirmation' });
  return String(confirmationId);
}

describe('moving an event, confirmed in the chat', () => {
  it('asks every open client with the event shown, changes nothing until confirmed, then moves it once', async () => {
    const user = await berlinUser();
    const dentist = await createEvent(user.token, { title: 'Dentist', start: '2026-12-01T10:00', end: '2026-12-01T11:00', location: 'Main Street 4' });
    const phone = await openRealtime(user.token);
    const laptop = await openRealtime(user.token);
    const text = uniqueText('move the dentist to Thursday');
    await scriptFakeOpenAI(fakeUrl, text, [
      { toolCalls: [{ name: 'move_event', arguments: { eventId: dentist.id, start: '2026-12-03T10:00' } }] },
      { text: 'I have asked you to confirm the move.' },
    ]);
    phone.socket.send(JSON.stringify({ type: 'message-send', text }));

    const asked = await laptop.next('confirmation-request');
    expect(await phone.next('confirmation-request')).toEqual(asked);
    expect(asked.confirmation).toMatchObject({
      action: 'calendar.move-event',
      status: 'pending',
      answeredAt: null,
      summary: {
        headline: 'Move “Dentist” to Thursday 3 Dec, 10:00–11:00?',
        acceptLabel: 'Confirm',
        declineLabel: 'Keep as is',
        event: {
          title: 'Dentist',
          start: '2026-12-01T10:00:00+01:00',
          end: '2026-12-01T11:00:00+01:00',
          timezone: 'Europe/Berlin',
          allDay: false,
          location: 'Main Street 4',
          repeats: null,
        },
        after: { start: '2026-12-03T10:00:00+01:00', end: '2026-12-03T11:00:00+01:00' },
      },
    });
    expect(Date.parse(asked.confirmation.expiresAt) - Date.parse(asked.confirmation.createdAt)).toBe(24 * 3600_000);
    const end = await phone.next('message-end');
    expect(asked.confirmation).toMatchObject({ conversationId: end.message.conversationId, messageId: end.message.id });
    // The tool result, with the confirmation's id, is stored on the message, so a reloaded chat shows the card.
    expect(end.message.tools).toEqual([
      {
        toolName: 'move_event',
        input: { eventId: dentist.id, start: '2026-12-03T10:00' },
        output: expect.objectContaining({ status: 'awaiting-confirmation', confirmationId: asked.confirmation.id }),
      },
    ]);
    // The model was told nothing happened yet.
    const [, second] = await recordedChatRequests(fakeUrl, text);
    expect(JSON.stringify(second?.body)).toContain('Nothing has changed yet');
    expect((await eventsBetween(user.token, '2026-12-01T00:00:00+01:00', '2026-12-05T00:00:00+01:00')).map((event) => event.start)).toEqual([
      '2026-12-01T10:00:00+01:00',
    ]);
    expect((await confirmationsOf(user.token, 'pending')).map((confirmation) => confirmation.id)).toEqual([asked.confirmation.id]);

    laptop.socket.send(JSON.stringify({ type: 'confirmation-answer', confirmationId: asked.confirmation.id, accept: true }));
    const resolved = await phone.next('confirmation-resolved');
    expect(await laptop.next('confirmation-resolved')).toEqual(resolved);
    expect(resolved.confirmation).toMatchObject({ id: asked.confirmation.id, status: 'accepted', answeredAt: expect.any(String) });
    expect(resolved.message).toMatchObject({
      role: 'assistant',
      text: 'Moved “Dentist” to Thursday 3 Dec, 10:00–11:00.',
      conversationId: end.message.conversationId,
    });
    expect(await eventsBetween(user.token, '2026-12-01T00:00:00+01:00', '2026-12-05T00:00:00+01:00')).toMatchObject([
      { id: dentist.id, title: 'Dentist', start: '2026-12-03T10:00:00+01:00', end: '2026-12-03T11:00:00+01:00', location: 'Main Street 4' },
    ]);

    // A second answer, on the socket or over HTTP, finds nothing waiting, and nothing runs again.
    phone.socket.send(JSON.stringify({ type: 'confirmation-answer', confirmationId: asked.confirmation.id, accept: true }));
    expect(await phone.next('error')).toMatchObject({ id: 'confirmation_not_found', confirmationId: asked.confirmation.id });
    await expectError(await answer(user.token, asked.confirmation.id, false), 'confirmation_not_found');
    const history = await messagesOf(user.token);
    expect(history.filter((message) => message.text.startsWith('Moved'))).toHaveLength(1);
    expect(history[0]?.text).toBe('Moved “Dentist” to Thursday 3 Dec, 10:00–11:00.');
    expect(await confirmationsOf(user.token, 'pending')).toEqual([]);
    expect((await confirmationsOf(user.token)).map((confirmation) => confirmation.status)).toEqual(['accepted']);
    phone.socket.close();
    laptop.socket.close();
  });

  it('moves one occurrence of a weekly series across a DST change, the others staying at their wall-clock time', async () => {
    const user = await berlinUser();
    // Mondays at 18:00 in Berlin: the 23rd is in winter time, the clocks go forward on the 29th.
    const yoga = await createEvent(user.token, {
      title: 'Yoga',
      start: '2026-03-23T18:00',
      end: '2026-03-23T19:00',
      recurrence: { rrule: 'FREQ=WEEKLY;COUNT=4' },
    });
    const confirmationId = await askedThroughModel(user, {
      name: 'move_event',
      arguments: { eventId: yoga.id, occurrenceStart: '2026-03-30T18:00:00+02:00', scope: 'occurrence', start: '2026-03-31T07:30' },
    });
    const listed = () => eventsBetween(user.token, '2026-03-20T00:00:00+01:00', '2026-04-20T00:00:00+02:00');
    const before = (await listed()).map((event) => event.start);
    expect(before).toEqual(['2026-03-23T18:00:00+01:00', '2026-03-30T18:00:00+02:00', '2026-04-06T18:00:00+02:00', '2026-04-13T18:00:00+02:00']);
    const answered = await readJson(await answer(user.token, confirmationId, true), confirmationAnsweredSchema);
    expect(answered.message?.text).toBe('Moved “Yoga” to Tuesday 31 Mar, 07:30–08:30.');
    expect((await listed()).map((event) => [event.start, event.end])).toEqual([
      ['2026-03-23T18:00:00+01:00', '2026-03-23T19:00:00+01:00'],
      ['2026-03-31T07:30:00+02:00', '2026-03-31T08:30:00+02:00'],
      ['2026-04-06T18:00:00+02:00', '2026-04-06T19:00:00+02:00'],
      ['2026-04-13T18:00:00+02:00', '2026-04-13T19:00:00+02:00'],
    ]);
  });

  it('moves a whole series by the wall-clock distance asked, on either side of the DST change', async () => {
    const user = await berlinUser();
    const yoga = await createEvent(user.token, {
      title: 'Yoga',
      start: '2026-03-23T18:00',
      end: '2026-03-23T19:00',
      recurrence: { rrule: 'FREQ=WEEKLY;COUNT=3' },
    });
    const confirmationId = await askedThroughModel(user, {
      name: 'move_event',
      arguments: { eventId: yoga.id, occurrenceStart: '2026-03-30T18:00:00+02:00', scope: 'series', start: '2026-03-30T17:00' },
    });
    await readJson(await answer(user.token, confirmationId, true), confirmationAnsweredSchema);
    expect((await eventsBetween(user.token, '2026-03-20T00:00:00+01:00', '2026-04-20T00:00:00+02:00')).map((event) => event.start)).toEqual([
      '2026-03-23T17:00:00+01:00',
      '2026-03-30T17:00:00+02:00',
      '2026-04-06T17:00:00+02:00',
    ]);
  });

  it('leaves the event as it is when declined, and says so in the conversation', async () => {
    const user = await berlinUser();
    const dentist = await createEvent(user.token, { title: 'Dentist', start: '2026-12-01T10:00', end: '2026-12-01T11:00' });
    const confirmationId = await askedThroughModel(user, {
      name: 'move_event',
      arguments: { eventId: dentist.id, start: '2026-12-02T15:00', durationMinutes: 30 },
    });
    const declined = await readJson(await answer(user.token, confirmationId, false), confirmationAnsweredSchema);
    expect(declined.confirmation).toMatchObject({ status: 'declined' });
    expect(declined.message?.text).toBe('Kept “Dentist” as it is.');
    expect((await eventsBetween(user.token, '2026-12-01T00:00:00+01:00', '2026-12-05T00:00:00+01:00')).map((event) => event.start)).toEqual([
      '2026-12-01T10:00:00+01:00',
    ]);
    await expectError(await answer(user.token, confirmationId, true), 'confirmation_not_found');
    expect((await eventsBetween(user.token, '2026-12-01T00:00:00+01:00', '2026-12-05T00:00:00+01:00')).map((event) => event.start)).toEqual([
      '2026-12-01T10:00:00+01:00',
    ]);
  });

  it('lets exactly one of two answers racing through, and the action runs once', async () => {
    const user = await berlinUser();
    const dentist = await createEvent(user.token, { title: 'Dentist', start: '2026-12-01T10:00', end: '2026-12-01T11:00' });
    const confirmationId = await askedThroughModel(user, { name: 'move_event', arguments: { eventId: dentist.id, start: '2026-12-04T09:00' } });
    const answers = await Promise.all([answer(user.token, confirmationId, true), answer(user.token, confirmationId, true)]);
    expect(answers.map((response) => response.status).sort()).toEqual([200, 404]);
    expect((await messagesOf(user.token)).filter((message) => message.text.startsWith('Moved “Dentist”'))).toHaveLength(1);
  });

  it('refuses, without asking, an event that does not exist or a time that does not', async () => {
    const user = await berlinUser();
    const dentist = await createEvent(user.token, { title: 'Dentist', start: '2026-12-01T10:00', end: '2026-12-01T11:00' });
    const impossible = await askThroughModel(user, { name: 'move_event', arguments: { eventId: dentist.id, start: '2026-02-30T10:00' } });
    expect(impossible.output).toEqual({ error: expect.stringContaining('not a real date') });
    const backwards = await askThroughModel(user, {
      name: 'move_event',
      arguments: { eventId: dentist.id, start: '2026-12-02T10:00', end: '2026-12-02T09:00' },
    });
    expect(backwards.output).toEqual({ error: 'end must not be before start.' });
    const unknown = await askThroughModel(user, { name: 'cancel_event', arguments: { eventId: 'evt_missing' } });
    expect(unknown.output).toEqual({ error: expect.stringContaining('no event with this eventId') });
    const repeating = await createEvent(user.token, {
      title: 'Standup',
      start: '2026-12-01T09:00',
      end: '2026-12-01T09:15',
      recurrence: { rrule: 'FREQ=DAILY;COUNT=5' },
    });
    const noOccurrence = await askThroughModel(user, {
      name: 'cancel_event',
      arguments: { eventId: repeating.id, occurrenceStart: '2026-12-02T10:00:00+01:00' },
    });
    expect(noOccurrence.output).toEqual({ error: expect.stringContaining('No occurrence of this event starts') });
    expect(await confirmationsOf(user.token)).toEqual([]);
  });
});

describe('cancelling an event, confirmed in the chat', () => {
  it('removes one occurrence, or with scope series every one of them', async () => {
    const user = await berlinUser();
    const standup = await createEvent(user.token, {
      title: 'Standup',
      start: '2026-12-01T09:00',
      end: '2026-12-01T09:15',
      recurrence: { rrule: 'FREQ=DAILY;COUNT=4' },
    });
    const listed = async () =>
      (await eventsBetween(user.token, '2026-11-30T00:00:00+01:00', '2026-12-10T00:00:00+01:00')).map((event) => event.start.slice(0, 10));
    const one = await askedThroughModel(user, { name: 'cancel_event', arguments: { eventId: standup.id, occurrenceStart: '2026-12-02T09:00:00+01:00' } });
    expect(await listed()).toEqual(['2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04']);
    const first = await readJson(await answer(user.token, one, true), confirmationAnsweredSchema);
    expect(first.message?.text).toBe('Cancelled “Standup” on Wednesday 2 Dec, 09:00–09:15.');
    expect(await listed()).toEqual(['2026-12-01', '2026-12-03', '2026-12-04']);

    const all = await askedThroughModel(user, {
      name: 'cancel_event',
      arguments: { eventId: standup.id, occurrenceStart: '2026-12-03T09:00:00+01:00', scope: 'series' },
    });
    const pending = await confirmationsOf(user.token, 'pending');
    expect(pending.map((confirmation) => confirmation.summary)).toEqual([
      expect.objectContaining({
        headline: 'Cancel “Standup” and every time it repeats?',
        scope: 'series',
        event: expect.objectContaining({ repeats: 'FREQ=DAILY;COUNT=4' }),
      }),
    ]);
    expect(await listed()).toEqual(['2026-12-01', '2026-12-03', '2026-12-04']);
    const second = await readJson(await answer(user.token, all, true), confirmationAnsweredSchema);
    expect(second.message?.text).toBe('Cancelled “Standup” and every time it repeats.');
    expect(await listed()).toEqual([]);
  });

  it('fails, saying why, when the event went away before the person confirmed', async () => {
    const user = await berlinUser();
    const dentist = await createEvent(user.token, { title: 'Dentist', start: '2026-12-01T10:00', end: '2026-12-01T11:00' });
    const confirmationId = await askedThroughModel(user, { name: 'cancel_event', arguments: { eventId: dentist.id } });
    expect((await api(`/api/v1/events/${dentist.id}`, { method: 'DELETE', token: user.token })).status).toBe(204);
    const answered = await readJson(await answer(user.token, confirmationId, true), confirmationAnsweredSchema);
    expect(answered.confirmation.status).toBe('failed');
    expect(answered.message?.text).toBe("I couldn't do that after all. “Dentist” is no longer on your calendar.");
  });
});

describe('a confirmation', () => {
  it('expires after a day: its cards are told, and it can no longer be accepted', async () => {
    const user = await berlinUser();
    const dentist = await createEvent(user.token, { title: 'Dentist', start: '2026-12-01T10:00', end: '2026-12-01T11:00' });
    const confirmationId = await askedThroughModel(user, { name: 'cancel_event', arguments: { eventId: dentist.id } });
    const socket = await openRealtime(user.token);
    expect(await runScheduledWork(user.user.id)).toBe(true);
    expect(await socket.next('confirmation-resolved')).toMatchObject({ confirmation: { id: confirmationId, status: 'expired' }, message: null });
    await expectError(await answer(user.token, confirmationId, true), 'confirmation_not_found');
    expect(await eventsBetween(user.token, '2026-12-01T00:00:00+01:00', '2026-12-02T00:00:00+01:00')).toHaveLength(1);
    expect((await confirmationsOf(user.token)).map((confirmation) => confirmation.status)).toEqual(['expired']);
    expect((await confirmationsOf(user.token, 'expired')).map((confirmation) => confirmation.id)).toEqual([confirmationId]);
    expect(await confirmationsOf(user.token, 'pending')).toEqual([]);
    socket.socket.close();
  });

  it("is another person's to answer: their id answers 404 to everyone else, over HTTP and the socket", async () => {
    const owner = await berlinUser();
    const stranger = await berlinUser();
    const dentist = await createEvent(owner.token, { title: 'Dentist', start: '2026-12-01T10:00', end: '2026-12-01T11:00' });
    const confirmationId = await askedThroughModel(owner, { name: 'cancel_event', arguments: { eventId: dentist.id } });
    await expectError(await answer(stranger.token, confirmationId, true), 'confirmation_not_found');
    const socket = await openRealtime(stranger.token);
    socket.socket.send(JSON.stringify({ type: 'confirmation-answer', confirmationId, accept: true }));
    expect(await socket.next('error')).toMatchObject({ id: 'confirmation_not_found', confirmationId });
    expect(await confirmationsOf(stranger.token)).toEqual([]);
    expect((await confirmationsOf(owner.token, 'pending')).map((confirmation) => confirmation.id)).toEqual([confirmationId]);
    await expectError(await answer(owner.token, 'cnf_unknown', true), 'confirmation_not_found');
    await expectError(await api(`/api/v1/confirmations/${confirmationId}`, { body: { accept: true } }), 'unauthenticated');
    await expectError(await api(`/api/v1/confirmations/${confirmationId}`, { token: owner.token, body: { accept: 'yes' } }), 'validation_failed');
    socket.socket.close();
  });

  it('is sealed in storage and part of the export', async () => {
    const user = await berlinUser();
    const title = uniqueText('Secret appointment');
    const event = await createEvent(user.token, { title, start: '2026-12-01T10:00', end: '2026-12-01T11:00' });
    await askedThroughModel(user, { name: 'cancel_event', arguments: { eventId: event.id } });
    const stored = await runInDurableObject(testEnv.COMPANION.getByName(user.user.id), (_instance, state) =>
      JSON.stringify(state.storage.sql.exec('SELECT * FROM confirmations').toArray()),
    );
    expect(stored).toContain('calendar.cancel-event');
    expect(stored).not.toContain(title);
    expect(stored).not.toContain(event.id);
    const exported = exportDocumentSchema.parse(await (await api('/api/v1/me/export', { token: user.token })).json());
    expect(exported.confirmations).toMatchObject([{ action: 'calendar.cancel-event', status: 'pending', summary: { event: { title } } }]);
  });
});

describe('confirmations brought over by an import', () => {
  it('come as history: one still pending comes in expired, and cannot be answered into an action on the new account', async () => {
    const before = await berlinUser();
    const dentist = await createEvent(before.token, { title: 'Dentist', start: '2027-02-01T10:00', end: '2027-02-01T11:00' });
    const confirmationId = await askedThroughModel(before, { name: 'cancel_event', arguments: { eventId: dentist.id } });
    const [pending] = await confirmationsOf(before.token, 'pending');
    expect(pending).toMatchObject({ id: confirmationId, status: 'pending' });
    const document = await exportOf(before.token);

    const after = await berlinUser();
    expect((await importInto(after.token, document)).imported).toMatchObject({ confirmations: 1, calendar: 1 });
    expect(await confirmationsOf(after.token)).toEqual([{ ...pending, status: 'expired' }]);
    expect(await confirmationsOf(after.token, 'pending')).toEqual([]);
    await expectError(await answer(after.token, confirmationId, true), 'confirmation_not_found');
    // The event it would have cancelled is still there.
    expect((await eventsBetween(after.token, '2027-02-01T00:00:00+01:00', '2027-02-02T00:00:00+01:00')).map((event) => event.id)).toEqual([dentist.id]);
  });
});

import { describe, expect, it } from 'vitest';
import type { CalendarConnectionOutcome } from '../../../common/calendar-app-links.ts';
import { calendarConnectedLink, calendarConnectFailedLink, readCalendarAppLink } from '../../../common/calendar-app-links.ts';
import { sentenceForErrorId } from '../error-messages.ts';
import { calendarOutcomeNotice, connectedElsewhereSentence, createCalendarAppReturn } from './calendar-app-return.ts';

describe('calendar deep links', () => {
  it('read back what the callback wrote', () => {
    expect(readCalendarAppLink(calendarConnectedLink('src_01abc'))).toEqual({ outcome: 'connected', sourceId: 'src_01abc' });
    expect(readCalendarAppLink(calendarConnectFailedLink('source_access_denied'))).toEqual({ outcome: 'failed', errorId: 'source_access_denied' });
  });

  it('are only the two calendar links, with a well-formed value', () => {
    for (const link of [
      'kindred://conversation/conv_1',
      'kindred://calendar/connected',
      'kindred://calendar/connected?source=../../evil',
      'kindred://calendar/connect-failed?error=Not%20an%20id',
      'kindred://calendar/elsewhere?source=src_1',
      'https://kindred.example/calendar/connected?source=src_1',
      'evil://calendar/connected?source=src_1',
    ]) {
      expect(readCalendarAppLink(link), link).toBeUndefined();
    }
    // An id this build does not know still says the connection failed.
    expect(readCalendarAppLink('kindred://calendar/connect-failed?error=something_newer')).toEqual({ outcome: 'failed', errorId: 'internal_error' });
  });
});

describe('the hand-over to the calendar connections screen', () => {
  it('gives a link to the screen that is listening, and ignores links that are not about calendars', () => {
    const hand = createCalendarAppReturn();
    const seen: CalendarConnectionOutcome[] = [];
    const stop = hand.subscribe((outcome) => seen.push(outcome));
    expect(hand.receive('kindred://conversation/conv_1')).toBe(false);
    expect(hand.receive(calendarConnectedLink('src_1'))).toBe(true);
    expect(seen).toEqual([{ outcome: 'connected', sourceId: 'src_1' }]);
    stop();
    expect(hand.receive(calendarConnectFailedLink('invalid_oauth_state'))).toBe(true);
    expect(seen).toHaveLength(1);
  });

  it('keeps an outcome that arrived before the screen, and gives it once', () => {
    const hand = createCalendarAppReturn();
    hand.receive(calendarConnectFailedLink('source_auth_failed'));
    const first: CalendarConnectionOutcome[] = [];
    hand.subscribe((outcome) => first.push(outcome))();
    expect(first).toEqual([{ outcome: 'failed', errorId: 'source_auth_failed' }]);
    const second: CalendarConnectionOutcome[] = [];
    hand.subscribe((outcome) => second.push(outcome));
    expect(second).toEqual([]);
  });

  it('names the connected calendar, or says why it was not connected', () => {
    const sources = [{ id: 'src_1', name: 'ada@example.com' }];
    expect(calendarOutcomeNotice({ outcome: 'connected', sourceId: 'src_1' }, sources)).toEqual({ status: 'Connected ada@example.com.' });
    // A calendar this account does not have went to whoever started the connection: the person is told so.
    expect(calendarOutcomeNotice({ outcome: 'connected', sourceId: 'src_elsewhere' }, sources)).toEqual({ error: connectedElsewhereSentence });
    expect(calendarOutcomeNotice({ outcome: 'failed', errorId: 'source_access_denied' }, sources)).toEqual({
      error: sentenceForErrorId('source_access_denied'),
    });
    expect(sentenceForErrorId('source_access_denied')).toMatch(/Google was not given access/);
  });
});

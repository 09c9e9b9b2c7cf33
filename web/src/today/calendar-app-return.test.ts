import { describe, expect, it } from 'vitest';
import type { CalendarAppLink } from '../../../common/calendar-app-links.ts';
import { calendarConnectFailedLink, calendarGoogleReturnLink, readCalendarAppLink } from '../../../common/calendar-app-links.ts';
import { KindredApiError } from '../../../common/client.ts';
import { sentenceForErrorId } from '../error-messages.ts';
import { createCalendarAppReturn, finishCalendarAppLink } from './calendar-app-return.ts';

const googleCode = '4/0AeaYSHB-x_y.z~Q';
const appState = 'app.c2VhbGVkLXN0YXRlLWZvci10aGUtdGVzdA_-';

describe('calendar deep links', () => {
  it('read back what the callback wrote', () => {
    expect(readCalendarAppLink(calendarGoogleReturnLink(googleCode, appState))).toEqual({ outcome: 'google-return', code: googleCode, state: appState });
    expect(readCalendarAppLink(calendarConnectFailedLink('source_access_denied'))).toEqual({ outcome: 'failed', errorId: 'source_access_denied' });
  });

  it('are only the two calendar links, with well-formed values', () => {
    for (const link of [
      'kindred://conversation/conv_1',
      // The old link of a callback that connected by itself: no longer produced, and never followed.
      'kindred://calendar/connected?source=src_1',
      'kindred://calendar/google-return',
      `kindred://calendar/google-return?code=${encodeURIComponent(googleCode)}`,
      `kindred://calendar/google-return?state=${appState}`,
      `kindred://calendar/google-return?code=has%20a%20space&state=${appState}`,
      `kindred://calendar/google-return?code=4%2Fok&state=${encodeURIComponent('app.<script>')}`,
      `kindred://calendar/google-return?code=4%2Fok&state=${'a'.repeat(513)}`,
      'kindred://calendar/connect-failed?error=Not%20an%20id',
      'kindred://calendar/elsewhere?error=source_auth_failed',
      `https://kindred.example/calendar/google-return?code=4%2Fok&state=${appState}`,
      `evil://calendar/google-return?code=4%2Fok&state=${appState}`,
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
    const seen: CalendarAppLink[] = [];
    const stop = hand.subscribe((link) => seen.push(link));
    expect(hand.receive('kindred://conversation/conv_1')).toBe(false);
    expect(hand.receive(calendarGoogleReturnLink(googleCode, appState))).toBe(true);
    expect(seen).toEqual([{ outcome: 'google-return', code: googleCode, state: appState }]);
    stop();
    expect(hand.receive(calendarConnectFailedLink('invalid_oauth_state'))).toBe(true);
    expect(seen).toHaveLength(1);
  });

  it('keeps a link that arrived before the screen, and gives it once', () => {
    const hand = createCalendarAppReturn();
    hand.receive(calendarConnectFailedLink('source_auth_failed'));
    const first: CalendarAppLink[] = [];
    hand.subscribe((link) => first.push(link))();
    expect(first).toEqual([{ outcome: 'failed', errorId: 'source_auth_failed' }]);
    const second: CalendarAppLink[] = [];
    hand.subscribe((link) => second.push(link));
    expect(second).toEqual([]);
  });

  it('gives the same Google answer only once, since its code can be used only once', () => {
    const hand = createCalendarAppReturn();
    const seen: CalendarAppLink[] = [];
    hand.subscribe((link) => seen.push(link));
    // The launch URL and an appUrlOpen event can both bring the link that woke the app.
    expect(hand.receive(calendarGoogleReturnLink(googleCode, appState))).toBe(true);
    expect(hand.receive(calendarGoogleReturnLink(googleCode, appState))).toBe(true);
    expect(hand.receive(calendarGoogleReturnLink(googleCode, `${appState}2`))).toBe(true);
    expect(seen.map((link) => (link.outcome === 'google-return' ? link.state : link.errorId))).toEqual([appState, `${appState}2`]);
  });
});

describe('finishing the connection in the app', () => {
  it("sends Google's code and state to the completion, then names the connected calendar", async () => {
    const sent: { code: string; state: string }[] = [];
    const notice = await finishCalendarAppLink({ outcome: 'google-return', code: googleCode, state: appState }, async (grant) => {
      sent.push(grant);
      return { name: 'ada@example.com' };
    });
    expect(sent).toEqual([{ code: googleCode, state: appState }]);
    expect(notice).toEqual({ status: 'Connected ada@example.com.' });
  });

  it("says the completion's refusal, such as a connection someone else started, and never claims it connected", async () => {
    const refused = await finishCalendarAppLink({ outcome: 'google-return', code: googleCode, state: appState }, async () => {
      throw new KindredApiError('invalid_oauth_state', 'This calendar connection was not started here.', 400);
    });
    expect(refused).toEqual({ error: sentenceForErrorId('invalid_oauth_state') });
    expect(sentenceForErrorId('invalid_oauth_state')).toMatch(/started elsewhere/);
  });

  it('says why nothing was connected when Google gave no code, without asking the server', async () => {
    const sent: unknown[] = [];
    const notice = await finishCalendarAppLink({ outcome: 'failed', errorId: 'source_access_denied' }, async (grant) => {
      sent.push(grant);
      return { name: 'never' };
    });
    expect(notice).toEqual({ error: sentenceForErrorId('source_access_denied') });
    expect(sentenceForErrorId('source_access_denied')).toMatch(/Google was not given access/);
    expect(sent).toEqual([]);
  });
});

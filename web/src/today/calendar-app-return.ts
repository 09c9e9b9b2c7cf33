// How a Google Calendar connection started in the mobile app comes back to it. The app opens
// Google's consent page in the system browser (Google refuses it in embedded web views); Kindred's
// callback then sends that browser to `kindred://calendar/connected?source=<id>` or
// `kindred://calendar/connect-failed?error=<id>`, which the operating system hands to the app's
// `appUrlOpen` listener (native.ts). The calendar connections screen may not be showing at that
// moment, so an outcome waits here until the screen subscribes.
import { type CalendarConnectionOutcome, readCalendarAppLink } from '../../../common/calendar-app-links.ts';
import { sentenceForErrorId } from '../error-messages.ts';

type OutcomeListener = (outcome: CalendarConnectionOutcome) => void;

/** The hand-over between the deep-link listener and the calendar connections screen. */
export interface CalendarAppReturn {
  /** Takes a deep link: true when it was a calendar link (then given to the screen, or kept for it). */
  receive(link: string): boolean;
  /** The screen listens; an outcome that arrived before it did is given at once, and only once. */
  subscribe(listener: OutcomeListener): () => void;
}

export function createCalendarAppReturn(): CalendarAppReturn {
  let waiting: CalendarConnectionOutcome | undefined;
  const listeners = new Set<OutcomeListener>();
  return {
    receive(link) {
      const outcome = readCalendarAppLink(link);
      if (outcome === undefined) return false;
      if (listeners.size === 0) waiting = outcome;
      else for (const listener of listeners) listener(outcome);
      return true;
    },
    subscribe(listener) {
      listeners.add(listener);
      if (waiting !== undefined) {
        const outcome = waiting;
        waiting = undefined;
        listener(outcome);
      }
      return () => {
        listeners.delete(listener);
      };
    },
  };
}

/** The app's one hand-over. */
export const calendarAppReturn = createCalendarAppReturn();

/**
 * Said when the link names a calendar this account does not have. The callback connects before it
 * redirects, so the calendar went to another Kindred account: someone else started the connection
 * and this person granted it. They are told plainly, with the way to take that access back.
 */
export const connectedElsewhereSentence =
  "That Google Calendar was connected, but not to the account signed in here. If you did not start this, remove Kindred's access in your Google Account's security settings.";

/** What the screen says once the connections are reloaded: which calendar is now connected, or why not. */
export function calendarOutcomeNotice(
  outcome: CalendarConnectionOutcome,
  sources: readonly { id: string; name: string }[],
): { status: string } | { error: string } {
  if (outcome.outcome === 'failed') return { error: sentenceForErrorId(outcome.errorId) };
  const source = sources.find((candidate) => candidate.id === outcome.sourceId);
  return source ? { status: `Connected ${source.name}.` } : { error: connectedElsewhereSentence };
}

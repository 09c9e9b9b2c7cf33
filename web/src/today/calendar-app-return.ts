// How a Google Calendar connection started in the mobile app comes back to it. The app opens
// Google's consent page in the system browser (Google refuses it in embedded web views); Kindred's
// callback then sends that browser to `kindred://calendar/google-return?code=<code>&state=<state>`
// or `kindred://calendar/connect-failed?error=<id>`, which the operating system hands to the app's
// `appUrlOpen` listener (native.ts). The callback connected nothing: the app finishes the connection
// here with its own session, and the server refuses it unless this session's person started it, so
// a consent link someone else sent connects nothing to their account. The calendar connections
// screen may not be showing when the link arrives, so a link waits here until the screen subscribes.
import { type CalendarAppLink, readCalendarAppLink } from '../../../common/calendar-app-links.ts';
import type { CalendarSource } from '../../../common/client.ts';
import { sentenceForError, sentenceForErrorId } from '../error-messages.ts';

type LinkListener = (link: CalendarAppLink) => void;

/** The hand-over between the deep-link listener and the calendar connections screen. */
export interface CalendarAppReturn {
  /** Takes a deep link: true when it was a calendar link (then given to the screen, or kept for it). */
  receive(link: string): boolean;
  /** The screen listens; a link that arrived before it did is given at once, and only once. */
  subscribe(listener: LinkListener): () => void;
}

export function createCalendarAppReturn(): CalendarAppReturn {
  let waiting: CalendarAppLink | undefined;
  const listeners = new Set<LinkListener>();
  // Google's code works once: the same return link arriving twice (as the launch URL and as an
  // `appUrlOpen` event) must not be completed twice, or the second failure would hide the first's success.
  const returnedStates = new Set<string>();
  return {
    receive(text) {
      const link = readCalendarAppLink(text);
      if (link === undefined) return false;
      if (link.outcome === 'google-return') {
        if (returnedStates.has(link.state)) return true;
        returnedStates.add(link.state);
      }
      if (listeners.size === 0) waiting = link;
      else for (const listener of listeners) listener(link);
      return true;
    },
    subscribe(listener) {
      listeners.add(listener);
      if (waiting !== undefined) {
        const link = waiting;
        waiting = undefined;
        listener(link);
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
 * Finishes what a calendar link started and says how it ended: Google's code and state go to
 * `complete` (the client's `completeGoogleConnection`, with this app's session), and the new calendar
 * is named; or the sentence for why nothing was connected (the link's error, or the completion's,
 * such as `invalid_oauth_state` when someone else started this connection).
 */
export async function finishCalendarAppLink(
  link: CalendarAppLink,
  complete: (grant: { code: string; state: string }) => Promise<Pick<CalendarSource, 'name'>>,
): Promise<{ status: string } | { error: string }> {
  if (link.outcome === 'failed') return { error: sentenceForErrorId(link.errorId) };
  try {
    const source = await complete({ code: link.code, state: link.state });
    return { status: `Connected ${source.name}.` };
  } catch (error) {
    return { error: sentenceForError(error) };
  }
}

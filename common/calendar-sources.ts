import { z } from 'zod';

// The same as protocol.ts's `isoDateTime`, written here because protocol.ts imports this module (the
// export document lists connected calendars): importing it back would be a cycle.
const isoDateTime = z.iso.datetime({ offset: true });

/** The wire shapes of connected calendars: `GET/POST /calendar/sources`, `DELETE /calendar/sources/:id`. */

export const calendarSourceBodySchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('caldav'),
      /** The CalDAV server (or the calendar collection itself). */
      url: z.string().url().max(2048),
      username: z.string().min(1).max(256),
      password: z.string().min(1).max(1024),
      name: z.string().trim().max(100).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('google'),
      /**
       * Where Google's answer comes back. `web` (the default): Google sends the browser back to
       * `redirectUri`, whose page posts the code to `/calendar/sources/google/complete`. `app`: the
       * mobile app opens Google in the system browser, Google sends it back to Kindred's own callback,
       * which bounces the code and state to `kindred://calendar/google-return` (or to
       * `connect-failed?error=<id>`), and the app posts them to the same completion with its session;
       * no `redirectUri` then, since the app's return address is fixed.
       */
      returnTo: z.enum(['web', 'app']).optional(),
      /** Where Google sends the browser back with the code: the same address the authorization started with. */
      redirectUri: z.string().url().max(2048).optional(),
    })
    .strict()
    .refine((body) => (body.returnTo === 'app') === (body.redirectUri === undefined), {
      message: "Give redirectUri for a connection finished on the web, and none with returnTo 'app'.",
      path: ['redirectUri'],
    }),
]);
export type CalendarSourceBody = z.infer<typeof calendarSourceBodySchema>;

export const calendarSourceSchema = z.object({
  id: z.string(),
  kind: z.enum(['caldav', 'google']),
  name: z.string(),
  status: z.enum(['connecting', 'ok', 'error']),
  /** The stable error id of the last failed sync, while it keeps failing. */
  errorId: z.string().optional(),
  lastSyncedAt: isoDateTime.optional(),
  createdAt: isoDateTime,
});
export type CalendarSource = z.infer<typeof calendarSourceSchema>;
export const calendarSourcesAnswerSchema = z.object({ sources: z.array(calendarSourceSchema) });

/** `POST /calendar/sources` for Google answers where to send the person to grant access. */
export const googleAuthorizationAnswerSchema = z.object({ authorizationUrl: z.string().url() });

/**
 * `POST /calendar/sources/google/complete`: Google's `code` and the `state` Kindred issued, from the web
 * page at `redirectUri` or the app's `kindred://calendar/google-return` link, sent with the session of
 * the person who started the connection → 201 the new source.
 */
export const googleCompletionBodySchema = z.object({ code: z.string().min(1).max(2048), state: z.string().min(1).max(512) }).strict();

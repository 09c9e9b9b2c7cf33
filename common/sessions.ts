import { z } from 'zod';

/**
 * The wire shapes of the person's sessions (`/me/sessions`): every device signed in with a signed
 * token, so that one lost or shared can be signed out from another.
 */

const isoDateTime = z.iso.datetime({ offset: true });

export const sessionSchema = z.object({
  id: z.string(),
  createdAt: isoDateTime,
  expiresAt: isoDateTime,
  /** The device as its browser or app named itself at sign-in (its user agent); null when it named none. */
  device: z.string().nullable(),
  /** Whether this is the session the request was made with. */
  current: z.boolean(),
});
export type Session = z.infer<typeof sessionSchema>;

export const sessionsAnswerSchema = z.object({ sessions: z.array(sessionSchema) });
export type SessionsAnswer = z.infer<typeof sessionsAnswerSchema>;

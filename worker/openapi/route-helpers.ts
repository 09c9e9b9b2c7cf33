import { z } from 'zod';
import { type ErrorId, errorStatus } from '../../common/error-ids.ts';
import type { errorBodySchema } from '../../common/protocol.ts';

/** Small builders for `createRoute` so each route reads as its method, path, input and answer. */
export const jsonBody = <Schema extends z.ZodType>(schema: Schema) => ({
  body: { content: { 'application/json': { schema } }, required: true },
});

export const jsonAnswer = <Schema extends z.ZodType>(schema: Schema, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});

export const noContent = { description: 'Done, nothing to return.' };

type ErrorAnswer = ReturnType<typeof jsonAnswer<typeof errorBodySchema>>;

/**
 * A route's error answers, from the ids it can fail with: each id is declared under the status the
 * error table gives it, in a body whose `id` can only be one of the ids of that status.
 */
export function errorAnswers<const Ids extends readonly ErrorId[]>(...ids: Ids): { [Status in (typeof errorStatus)[Ids[number]]]: ErrorAnswer } {
  const idsByStatus = new Map<number, ErrorId[]>();
  for (const id of new Set(ids)) idsByStatus.set(errorStatus[id], [...(idsByStatus.get(errorStatus[id]) ?? []), id]);
  const answers = [...idsByStatus].map(([status, statusIds]) => [
    status,
    jsonAnswer(z.object({ error: z.object({ id: z.enum(statusIds), message: z.string() }) }), `Fails with ${statusIds.map((id) => `\`${id}\``).join(', ')}.`),
  ]);
  return Object.fromEntries(answers);
}

/** What any API route can fail with: a wrong setting, read at the first request, and our own faults. */
export const serverErrors = ['configuration_invalid', 'internal_error'] as const;

/** What any route behind a session can fail with. */
export const sessionErrors = ['unauthenticated', 'origin_not_allowed', ...serverErrors] as const;

/** What a route that takes a JSON body can fail with before its handler runs. */
export const bodyErrors = ['invalid_json', 'validation_failed', 'payload_too_large'] as const;

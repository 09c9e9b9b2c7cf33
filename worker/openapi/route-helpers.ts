import { z } from 'zod';
import { errorIds } from '../../common/error-ids.ts';

/** Small builders for `createRoute` so each route reads as its method, path, input and answer. */
export const errorBodySchema = z.object({ error: z.object({ id: z.enum(errorIds), message: z.string() }) });

export const jsonBody = <Schema extends z.ZodType>(schema: Schema) => ({
  body: { content: { 'application/json': { schema } }, required: true },
});

export const jsonAnswer = <Schema extends z.ZodType>(schema: Schema, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});

export const noContent = { description: 'Done, nothing to return.' };

const errorAnswer = (description: string) => jsonAnswer(errorBodySchema, description);

/** The failures every authenticated route may answer with. */
export const authenticatedErrors = {
  400: errorAnswer('The input is not valid (`validation_failed`, `invalid_json`).'),
  401: errorAnswer('No valid session (`unauthenticated`).'),
} as const;

export const notFoundError = { 404: errorAnswer('No such resource, or it belongs to someone else (`not_found`).') } as const;

export { errorAnswer };

export const bearerSecurity = [{ bearerAuth: [] }, { sessionCookie: [] }];

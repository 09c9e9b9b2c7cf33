import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { errorIds, errorStatus } from '../../common/error-ids.ts';
import { errorBodySchema } from '../../common/protocol.ts';
import { AppError } from './app-error.ts';
import { errorResponse } from './error-handler.ts';
import { fail, unwrapOutcome } from './outcome.ts';

/** An app whose only route fails as told, answered by the one error handler. */
function failingApp(failure: () => never): Hono {
  const app = new Hono();
  app.get('/', () => failure());
  app.onError(errorResponse);
  return app;
}

describe('the error table', () => {
  it.each(errorIds)('gives %s an error status, which the handler writes in the one error shape', async (id) => {
    const status = errorStatus[id];
    expect(Number.isInteger(status) && status >= 400 && status <= 599).toBe(true);
    const response = await failingApp(() => {
      throw new AppError(id, 'what went wrong');
    }).request('/');
    expect(response.status).toBe(status);
    expect(errorBodySchema.parse(await response.json())).toEqual({ error: { id, message: 'what went wrong' } });
  });

  it.each(errorIds)('answers %s with the same status after it crossed RPC as an outcome', async (id) => {
    const response = await failingApp(() => unwrapOutcome(fail(id, 'from the object'))).request('/');
    expect(response.status).toBe(errorStatus[id]);
    expect(errorBodySchema.parse(await response.json())).toEqual({ error: { id, message: 'from the object' } });
  });
});

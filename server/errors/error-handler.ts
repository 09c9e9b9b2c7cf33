import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import type { ErrorBody } from '../../common/protocol.ts';
import { log } from '../logging/log.ts';
import { metricsOf } from '../observability/metrics.ts';
import { AppError } from './app-error.ts';

/** Writes the one wire shape for every failure, `{ error: { id, message } }`, and logs unexpected ones. */
export function errorResponse(error: unknown, context: Context): Response {
  const appError = noteError(error, context);
  const body: ErrorBody = { error: { id: appError.id, message: appError.message } };
  return context.json(body, appError.status as ContentfulStatusCode, appError.headers);
}

/**
 * Logs an unexpected failure and counts every one, answering the AppError it stands for; for the few
 * routes that tell the client about a failure other than with JSON (a redirect carrying the id).
 */
export function noteError(error: unknown, context: Context): AppError {
  const appError = toAppError(error);
  if (appError.status >= 500) {
    log.error('request failed', {
      requestId: context.get('requestId'),
      errorId: appError.id,
      cause: describeCause(appError.cause ?? error),
    });
  }
  metricsOf(context.env ?? {}).record({ name: 'error', errorId: appError.id, route: context.req.routePath, status: appError.status });
  return appError;
}

function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof HTTPException) {
    if (error.status === 413) return new AppError('payload_too_large', 'The request body is too large.');
    // Hono's validator reports unparsable JSON this way; it has no other marker.
    if (error.status === 400 && error.message.includes('Malformed JSON')) return new AppError('invalid_json', 'The request body is not valid JSON.');
    if (error.status === 401) return new AppError('unauthenticated', error.message || 'Sign in first.');
    if (error.status < 500) return new AppError('validation_failed', error.message || 'The request is not valid.');
  }
  return new AppError('internal_error', 'Something went wrong on our side. Please try again.', { cause: error });
}

/** Turns a zod failure into a sentence naming the fields, without echoing the values (they may be private). */
export function validationError(error: ZodError, where: 'body' | 'query' | 'path' = 'body'): AppError {
  return new AppError('validation_failed', `The ${where} is not valid: ${describeIssues(error, where)}.`);
}

/** As `validationError`, but a message's text over the limit has its own id, so a client can say how long one may be. */
export function messageValidationError(error: ZodError): AppError {
  const tooLong = error.issues.some((issue) => issue.code === 'too_big' && issue.path.join('.') === 'text');
  if (tooLong) return new AppError('message_too_long', `The message is too long (${describeIssues(error, 'body')}).`);
  return validationError(error);
}

function describeIssues(error: ZodError, where: string): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : where}: ${issue.message}`)
    .join('; ');
}

function describeCause(cause: unknown): string {
  // drizzle's "Failed query" repeats the statement's parameters (emails, sealed text): keep only the statement.
  if (cause instanceof Error)
    return `${cause.name}: ${cause.message.split('\nparams:')[0]}${cause.cause instanceof Error ? ` (${describeCause(cause.cause)})` : ''}`;
  return String(cause);
}

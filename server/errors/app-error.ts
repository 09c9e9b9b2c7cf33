import { type ErrorId, errorStatus } from '../../common/error-ids.ts';

/**
 * The one error base: a stable snake_case id clients rely on, the HTTP status the error table gives
 * that id (never chosen where the error is raised), and an optional cause for the logs.
 */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly id: ErrorId;
  readonly status: (typeof errorStatus)[ErrorId];
  readonly headers: Record<string, string>;

  constructor(id: ErrorId, message: string, options: { cause?: unknown; headers?: Record<string, string> } = {}) {
    super(message, { cause: options.cause });
    this.id = id;
    this.status = errorStatus[id];
    this.headers = options.headers ?? {};
  }
}

export const notFound = (what = 'resource') => new AppError('not_found', `No such ${what}.`);

export const unauthenticated = (message = 'Sign in first: send a valid session token.') => new AppError('unauthenticated', message);

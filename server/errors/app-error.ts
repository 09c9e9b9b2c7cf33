import type { ErrorId } from '../../common/error-ids.ts';

/** The one error base: a status, a stable snake_case id clients rely on, and an optional cause for the logs. */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly status: number;
  readonly id: ErrorId;
  readonly headers: Record<string, string>;

  constructor(status: number, id: ErrorId, message: string, options: { cause?: unknown; headers?: Record<string, string> } = {}) {
    super(message, { cause: options.cause });
    this.status = status;
    this.id = id;
    this.headers = options.headers ?? {};
  }
}

export const notFound = (what = 'resource') => new AppError(404, 'not_found', `No such ${what}.`);

export const unauthenticated = (message = 'Sign in first: send a valid session token.') => new AppError(401, 'unauthenticated', message);

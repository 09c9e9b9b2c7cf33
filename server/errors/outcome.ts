import type { ErrorId } from '../../common/error-ids.ts';
import { AppError } from './app-error.ts';

/**
 * Expected failures cross the Durable Object RPC boundary as values: RPC keeps only an error's
 * message, so a thrown AppError would lose its status and id on the way back to the Worker.
 */
export type Outcome<Value> = { success: true; value: Value } | { success: false; error: { status: number; id: ErrorId; message: string } };

export const succeed = <Value>(value: Value): Outcome<Value> => ({ success: true, value });

export const fail = (status: number, id: ErrorId, message: string): Outcome<never> => ({
  success: false,
  error: { status, id, message },
});

export const failWith = (error: AppError): Outcome<never> => fail(error.status, error.id, error.message);

/** Back in the Worker: the value, or the AppError the object described. */
export function unwrapOutcome<Value>(outcome: Outcome<Value>): Value {
  if (outcome.success) return outcome.value;
  throw new AppError(outcome.error.status, outcome.error.id, outcome.error.message);
}

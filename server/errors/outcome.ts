import type { ErrorId } from '../../common/error-ids.ts';
import { AppError } from './app-error.ts';

/**
 * Expected failures cross the Durable Object RPC boundary as values: RPC keeps only an error's
 * message, so a thrown AppError would lose its id on the way back to the Worker. The status is not
 * carried: the error table gives it again from the id.
 */
export type Outcome<Value> = { success: true; value: Value } | { success: false; error: { id: ErrorId; message: string } };

export const succeed = <Value>(value: Value): Outcome<Value> => ({ success: true, value });

export const fail = (id: ErrorId, message: string): Outcome<never> => ({ success: false, error: { id, message } });

export const failWith = (error: AppError): Outcome<never> => fail(error.id, error.message);

/** The value `work` answers, or the AppError it threw as a failure; any other error is thrown on. */
export async function outcomeOf<Value>(work: () => Promise<Value>): Promise<Outcome<Value>> {
  try {
    return succeed(await work());
  } catch (error) {
    if (error instanceof AppError) return failWith(error);
    throw error;
  }
}

/** Back in the Worker: the value, or the AppError the object described. */
export function unwrapOutcome<Value>(outcome: Outcome<Value>): Value {
  if (outcome.success) return outcome.value;
  throw new AppError(outcome.error.id, outcome.error.message);
}

/**
 * Firing reminders on the millisecond, with as few alarms as that allows.
 *
 * The Agents SDK stores a schedule's time in whole seconds (rounded down) and sets the object's
 * alarm from it. Rounding the due time up instead would never be early, but would be up to a second
 * late. And each alarm the SDK runs costs a dozen SQLite statements and three alarm writes of its
 * own (its fallback alarm, the due-job scan, the re-arm), more than delivering the reminder itself;
 * with many reminders close together that overhead, not the delivery, is what makes them late.
 *
 * So the reminders of each ten-second window (each person's windows shifted by a few seconds of
 * their own, so that objects do not all wake together) share one schedule, set at the window's start:
 * its job takes every reminder still scheduled and due before the window ends (or overdue) and waits
 * for each, at once, to its own millisecond, holding the alarm (which keeps the object alive) until
 * the last has gone. The SDK runs an alarm's due jobs one after the other, so a job that waited only
 * for its own reminder would hold back the next one; and one job per window rather than per reminder
 * spares the SDK's per-job statements.
 *
 * Ten seconds keeps the hold well inside the SDK's 30-second hung-job and dead-man timers, and a
 * check-in or other job due meanwhile waits at most that long (their slack is two minutes).
 */

import { offsetWithin } from '../host/spread.ts';

/** The clock the waiting reads and sleeps on: the real one in the object, a fake one in tests. */
export interface ReminderClock {
  now(): number;
  /** Resolves after at least `milliseconds`. */
  sleep(milliseconds: number): Promise<void>;
}

export const realClock: ReminderClock = {
  now: () => Date.now(),
  sleep: (milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds)),
};

/**
 * The window one alarm delivers, and so how early a job may wake and still wait for its reminder. A
 * job run further ahead of its reminder was run by hand (a test, an operator), not by the alarm, and
 * delivers at once rather than holding the object for hours.
 */
export const scheduleGranularityMs = 10_000;

/**
 * The start of the window `time` falls in. Each person's windows are shifted by a whole number of
 * seconds of their own (`phaseMs`, see `windowPhaseOf`): with windows aligned for everyone, every
 * object holding a reminder in a window would wake at its first instant, together.
 */
function windowStart(time: number, phaseMs: number): number {
  return Math.floor((time - phaseMs) / scheduleGranularityMs) * scheduleGranularityMs + phaseMs;
}

/** A person's window phase: whole seconds (the SDK keeps seconds only), spread by their id. */
export function windowPhaseOf(userId: string): number {
  return Math.floor(offsetWithin(userId, scheduleGranularityMs) / 1000) * 1000;
}

/** When to set a reminder's schedule: the start of its window, a whole second at or before it is due. */
export function scheduleTimeFor(dueAt: number, phaseMs = 0): Date {
  return new Date(windowStart(dueAt, phaseMs));
}

/** Resolves at `dueAt` or after, never before (a timer may fire early by a millisecond; the loop checks again). */
export async function waitUntilDue(dueAt: number, clock: ReminderClock): Promise<void> {
  let remaining = dueAt - clock.now();
  if (remaining > scheduleGranularityMs) return;
  while (remaining > 0) {
    await clock.sleep(remaining);
    remaining = dueAt - clock.now();
  }
}

/**
 * The reminders one woken job takes care of: its own, and every other reminder still scheduled and
 * due before the end of the window the job woke in (or overdue). The windows are those the schedules
 * are set at: a reminder due in the next window has a schedule there that wakes for it.
 */
export function dueWindowEnd(now: number, phaseMs = 0): number {
  return windowStart(now, phaseMs) + scheduleGranularityMs;
}

/**
 * Delivers each reminder at its own due millisecond, all at once: none waits for another. Each
 * delivery is handed its `waitForDue`, to call once it has done what can be done ahead (reading and
 * opening the reminder), so that only the write and the push are left after the due time. Resolves
 * when every delivery has settled; one that throws does not stop the others, and the first error is
 * thrown at the end so the job is retried (the claim makes a retry deliver nothing twice).
 */
export async function deliverEachOnTime(
  reminders: readonly { id: string; dueAt: number }[],
  clock: ReminderClock,
  deliver: (reminderId: string, waitForDue: () => Promise<void>) => Promise<void>,
): Promise<void> {
  const results = await Promise.allSettled(reminders.map(async (reminder) => deliver(reminder.id, () => waitUntilDue(reminder.dueAt, clock))));
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
}

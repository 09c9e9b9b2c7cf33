/**
 * Firing reminders on the millisecond with a scheduler that keeps whole seconds.
 *
 * The Agents SDK stores a schedule's time in whole seconds (rounded down) and sets the object's
 * alarm from it. Rounding the due time up instead would never be early, but is on average half a
 * second late, and up to a second. So a reminder's schedule is set at the whole second at or before
 * its due time, and the job, woken up to a second early, waits in the object for the exact
 * millisecond. The alarm handler awaits the job, so the object stays alive while it waits.
 *
 * The SDK runs an alarm's due jobs one after the other. A job that only waited for its own reminder
 * would hold back the next one due in the same second (and a reminder due at .300 would go out
 * after one due at .800, half a second late). So the first job to wake in a second waits for every
 * reminder due before the end of that second at once, each to its own millisecond; the jobs of
 * the others then find them delivered and return.
 */

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
 * How early a job may wake and still wait for its reminder: the scheduler's rounding, one second.
 * A job run further ahead of its reminder was run by hand (a test, an operator), not by the alarm,
 * and delivers at once rather than holding the object for hours.
 */
export const scheduleGranularityMs = 1000;

/** When to set a reminder's schedule: the whole second at or before it is due (the SDK keeps seconds only). */
export function scheduleTimeFor(dueAt: number): Date {
  return new Date(Math.floor(dueAt / scheduleGranularityMs) * scheduleGranularityMs);
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
 * due before the end of the second the job woke in (or overdue). The window is whole seconds, like
 * the schedules: a reminder due in the next second has a schedule of its own that wakes for it.
 */
export function dueWindowEnd(now: number): number {
  return Math.floor(now / scheduleGranularityMs) * scheduleGranularityMs + scheduleGranularityMs;
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

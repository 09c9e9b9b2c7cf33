import { describe, expect, it } from 'vitest';
import { deliverEachOnTime, dueWindowEnd, type ReminderClock, scheduleTimeFor, waitUntilDue, windowPhaseOf } from './on-time.ts';

/**
 * A clock that moves only when the test says. `sleep` resolves when the clock is moved past its end;
 * `timerSlackMs` makes every timer fire that much early, as real timers may by a millisecond.
 */
class ManualClock implements ReminderClock {
  #time: number;
  readonly #timers: { at: number; resolve: () => void }[] = [];

  constructor(
    start: number,
    private readonly timerSlackMs = 0,
  ) {
    this.#time = start;
  }

  now(): number {
    return this.#time;
  }

  sleep(milliseconds: number): Promise<void> {
    return new Promise((resolve) => this.#timers.push({ at: this.#time + Math.max(1, milliseconds - this.timerSlackMs), resolve }));
  }

  /** Moves to `end`, stopping at each timer on the way so that what it wakes runs at its own time. */
  async advanceTo(end: number): Promise<void> {
    for (;;) {
      await settleMicrotasks();
      this.#timers.sort((left, right) => left.at - right.at);
      const next = this.#timers[0];
      if (!next || next.at > end) break;
      this.#timers.shift();
      this.#time = Math.max(this.#time, next.at);
      next.resolve();
    }
    this.#time = end;
    await settleMicrotasks();
  }
}

/** Lets every promise chain that can run without the clock run to its end. */
async function settleMicrotasks(): Promise<void> {
  for (let round = 0; round < 20; round++) await Promise.resolve();
}

const second = (n: number) => Date.UTC(2026, 10, 30, 15, 0, n);

describe('scheduling on ten-second windows', () => {
  it('arms the schedule at the start of the window the due time falls in, a whole second, never after the due time', () => {
    expect(scheduleTimeFor(second(19) + 999).getTime()).toBe(second(10));
    expect(scheduleTimeFor(second(17) + 1).getTime()).toBe(second(10));
    expect(scheduleTimeFor(second(10)).getTime()).toBe(second(10));
    expect(scheduleTimeFor(second(9) + 999).getTime()).toBe(second(0));
    expect(dueWindowEnd(second(10) + 3)).toBe(second(20));
    expect(dueWindowEnd(second(10))).toBe(second(20));
    expect(dueWindowEnd(second(19) + 999)).toBe(second(20));
  });

  it('shifts the windows of each person by whole seconds of their own, so objects do not all wake together', () => {
    const phases = new Set(Array.from({ length: 200 }, (_, index) => windowPhaseOf(`usr_${index}`)));
    expect(phases.size).toBe(10);
    for (const phase of phases) expect(phase % 1000).toBe(0);
    expect(windowPhaseOf('usr_7')).toBe(windowPhaseOf('usr_7'));
    expect(scheduleTimeFor(second(12) + 500, 3000).getTime()).toBe(second(3));
    expect(scheduleTimeFor(second(13), 3000).getTime()).toBe(second(13));
    expect(dueWindowEnd(second(12) + 500, 3000)).toBe(second(13));
    expect(dueWindowEnd(second(13), 3000)).toBe(second(23));
  });
});

describe('waiting for the due millisecond', () => {
  it('resolves at the due time, not before, even when timers fire early', async () => {
    const clock = new ManualClock(second(7), 2);
    let resolvedAt: number | undefined;
    const waiting = waitUntilDue(second(7) + 640, clock).then(() => {
      resolvedAt = clock.now();
    });
    await clock.advanceTo(second(7) + 637);
    expect(resolvedAt).toBeUndefined();
    await clock.advanceTo(second(7) + 639);
    expect(resolvedAt).toBeUndefined();
    await clock.advanceTo(second(7) + 640);
    await waiting;
    expect(resolvedAt).toBe(second(7) + 640);
  });

  it('does not wait for a time already past, nor for one further off than a window (a job run by hand)', async () => {
    const clock = new ManualClock(second(7));
    let settled = 0;
    void waitUntilDue(second(6), clock).then(() => settled++);
    void waitUntilDue(second(7) + 10_001, clock).then(() => settled++);
    void waitUntilDue(second(7) + 3600_000, clock).then(() => settled++);
    await settleMicrotasks();
    expect(settled).toBe(3);
  });

  it('waits for a reminder up to a whole window ahead, as the first job of a window does for its last', async () => {
    const clock = new ManualClock(second(10));
    let resolvedAt: number | undefined;
    const waiting = waitUntilDue(second(19) + 900, clock).then(() => {
      resolvedAt = clock.now();
    });
    await clock.advanceTo(second(19));
    expect(resolvedAt).toBeUndefined();
    await clock.advanceTo(second(20));
    await waiting;
    expect(resolvedAt).toBe(second(19) + 900);
  });
});

describe('delivering the reminders of one window', () => {
  it('delivers each on its own millisecond, a later one never holding back an earlier one, an overdue one at once', async () => {
    const woke = second(7);
    const clock = new ManualClock(woke);
    const delivered: [string, number][] = [];
    const done = deliverEachOnTime(
      [
        { id: 'late-in-second', dueAt: woke + 800 },
        { id: 'early-in-second', dueAt: woke + 300 },
        { id: 'overdue', dueAt: woke - 1500 },
        { id: 'mid-second', dueAt: woke + 550 },
      ],
      clock,
      async (id, waitForDue) => {
        await waitForDue();
        delivered.push([id, clock.now()]);
      },
    );
    await clock.advanceTo(woke);
    expect(delivered).toEqual([['overdue', woke]]);
    await clock.advanceTo(woke + 299);
    expect(delivered).toHaveLength(1);
    await clock.advanceTo(woke + 1000);
    await done;
    expect(delivered).toEqual([
      ['overdue', woke],
      ['early-in-second', woke + 300],
      ['mid-second', woke + 550],
      ['late-in-second', woke + 800],
    ]);
  });

  it('goes on with the others when one delivery fails, then reports the failure so the job is retried', async () => {
    const clock = new ManualClock(second(7));
    const delivered: string[] = [];
    const done = deliverEachOnTime(
      [
        { id: 'broken', dueAt: second(7) + 100 },
        { id: 'fine', dueAt: second(7) + 200 },
      ],
      clock,
      async (id, waitForDue) => {
        await waitForDue();
        if (id === 'broken') throw new Error('storage failed');
        delivered.push(id);
      },
    );
    const outcome = done.then(
      () => 'resolved',
      (error: Error) => error.message,
    );
    await clock.advanceTo(second(8));
    expect(await outcome).toBe('storage failed');
    expect(delivered).toEqual(['fine']);
  });
});

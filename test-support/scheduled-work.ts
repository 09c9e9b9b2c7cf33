import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import type { CompanionAgent } from '../durable-objects/companion-agent.ts';

const testEnv = env as unknown as { COMPANION: DurableObjectNamespace<CompanionAgent> };

/** How long the due jobs may take to finish once the alarm has started them. */
const settleTimeoutMs = 20_000;

/**
 * Runs the user's scheduled background work now, and waits until it is done: every waiting job of
 * the object (but the periodic backup, unless `backups` is set; only those due within `dueWithinMs`
 * when it is given) is moved into the past, the Workers test integration fires the object's alarm, which
 * starts the due jobs, and the object says when they have finished. Answers whether any job was due.
 * The tests configure background delays of an hour, so nothing runs unless a test drives it here.
 *
 * The Agents SDK keeps its jobs in `cf_agents_jobs` (`time` in milliseconds) and deletes a one-shot
 * job's row when it has run; this helper is the one place tests rely on that table.
 */
export async function runScheduledWork(userId: string, options: { backups?: boolean; dueWithinMs?: number } = {}): Promise<boolean> {
  const stub = testEnv.COMPANION.getByName(userId);
  // Every object arms its periodic backup when it starts, and the backup arms the next: run with the
  // rest, it would make every object's work never done. Only the tests that mean it ask for it.
  const leftAlone = options.backups ? '' : ` AND payload NOT LIKE '%"capability":"backups"%'`;
  // With `dueWithinMs`, only the jobs due that soon run: what happens now, not what waits for later.
  const soonEnough = options.dueWithinMs === undefined ? '' : ` AND time <= ${Math.floor(Date.now() + options.dueWithinMs)}`;
  // The SDK keeps an alarm armed for its next job: moving the jobs is enough for that alarm to find them due.
  const due = await runInDurableObject(
    stub,
    (_instance, state) => state.storage.sql.exec(`UPDATE cf_agents_jobs SET time = 0 WHERE running = 0${leftAlone}${soonEnough}`).rowsWritten > 0,
  );
  if (!due) return false;
  // False when the SDK's own short fallback alarm fired first: the jobs then run from that one.
  await runDurableObjectAlarm(stub);
  const deadline = Date.now() + settleTimeoutMs;
  for (;;) {
    const waiting = await runInDurableObject(stub, async (instance, state) => {
      await instance.jobsSettled();
      return state.storage.sql.exec<{ waiting: number }>('SELECT count(*) AS waiting FROM cf_agents_jobs WHERE time = 0').one().waiting;
    });
    if (waiting === 0) return true;
    if (Date.now() > deadline) throw new Error(`${waiting} scheduled jobs did not run within ${settleTimeoutMs} ms.`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A job waiting in the user's object: when it is due (milliseconds) and the payload it will get. */
export interface WaitingJob {
  time: number;
  payload: Record<string, unknown>;
}

/** The jobs of one capability and name waiting (not running) in the user's object, soonest first. */
export async function waitingJobs(userId: string, capability: string, job: string): Promise<WaitingJob[]> {
  const rows = await runInDurableObject(testEnv.COMPANION.getByName(userId), (_instance, state) =>
    state.storage.sql.exec<{ time: number; payload: string }>('SELECT time, payload FROM cf_agents_jobs WHERE running = 0 ORDER BY time, id').toArray(),
  );
  return rows.flatMap((row) => {
    // The SDK's row holds its own fields around the `ScheduledJob` the object passed to it.
    const scheduled = (JSON.parse(row.payload) as { payload?: { capability?: string; job?: string; payload?: Record<string, unknown> } }).payload;
    return scheduled?.capability === capability && scheduled.job === job ? [{ time: row.time, payload: scheduled.payload ?? {} }] : [];
  });
}

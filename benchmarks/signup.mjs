// `npm run bench -- signup [--rounds 12]`
//
// Whether sign-up's timing tells who has an account: alternately signs up a new email and one that is
// already taken, against `wrangler dev --local` with a fresh database, and compares the two latency
// distributions. Both paths hash the password (scrypt) before anything else, so they should match
// within noise; before that change a taken email answered in 11 ms and a new one in 165 ms.
//
// The human summary goes to stderr; the last line of stdout is the JSON report, also written to
// bench-results/signup.json.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { format, progress, round } from '../scripts/bench-support.mjs';
import { freePort, prepareSnapshot, root, startWranglerDev, stopProcessGroup, waitForHealth } from '../scripts/local-server.mjs';

function percentile(sorted, fraction) {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))];
}

function summarise(samples) {
  const sorted = [...samples].sort((left, right) => left - right);
  return { count: sorted.length, p50: round(percentile(sorted, 0.5)), p90: round(percentile(sorted, 0.9)), min: round(sorted[0]), max: round(sorted.at(-1)) };
}

export async function run(argv) {
  const { values } = parseArgs({ args: argv, options: { rounds: { type: 'string', default: '12' } } });
  const rounds = Number(values.rounds);
  const workDirectory = await mkdtemp(path.join(os.tmpdir(), 'kindred-bench-signup-'));
  const quiet = { stdio: ['ignore', 'ignore', 'inherit'] };
  const host = '127.0.0.1';
  const port = await freePort(host);
  const baseUrl = `http://${host}:${port}`;
  const persistTo = path.join(workDirectory, 'state');
  const snapshot = await prepareSnapshot({ directory: workDirectory, persistTo, stepOptions: quiet });
  const server = startWranglerDev({
    port,
    host,
    inspectorPort: await freePort(host),
    persistTo,
    snapshot,
    variables: { MASTER_KEY: randomBytes(32).toString('base64'), SIGNUPS_PER_ADDRESS: '1000000', LLM_PROVIDER: 'none', VECTOR_INDEX: 'local' },
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  try {
    await waitForHealth(baseUrl, { child: server, timeoutMs: 120_000 });
    const signUp = async (email) => {
      const startedAt = performance.now();
      const response = await fetch(`${baseUrl}/api/v1/auth/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: 'quiet river morning' }),
      });
      await response.body?.cancel();
      return { status: response.status, ms: performance.now() - startedAt };
    };
    const taken = `taken-${Date.now()}@example.com`;
    if ((await signUp(taken)).status !== 201) throw new Error('the first sign-up failed');
    // A warm-up of each path, so neither pays for the isolate's first scrypt or first query.
    await signUp(`warm-${Date.now()}@example.com`);
    await signUp(taken);
    const newTimes = [];
    const takenTimes = [];
    progress(`Signing up ${rounds} new and ${rounds} taken emails, alternately…`);
    for (let round = 0; round < rounds; round++) {
      const fresh = await signUp(`new-${round}-${Date.now()}@example.com`);
      const repeat = await signUp(taken);
      if (fresh.status !== 201 || repeat.status !== 409) throw new Error(`unexpected answers ${fresh.status} and ${repeat.status}`);
      newTimes.push(fresh.ms);
      takenTimes.push(repeat.ms);
    }
    const report = { benchmark: 'signup', rounds, newEmail: summarise(newTimes), takenEmail: summarise(takenTimes) };
    report.p50RatioTakenToNew = round(report.takenEmail.p50 / report.newEmail.p50);
    progress(`new email:   p50 ${format(report.newEmail.p50)}  p90 ${format(report.newEmail.p90)}`);
    progress(`taken email: p50 ${format(report.takenEmail.p50)}  p90 ${format(report.takenEmail.p90)}  (ratio ${report.p50RatioTakenToNew})`);
    await mkdir(path.join(root, 'bench-results'), { recursive: true });
    await writeFile(path.join(root, 'bench-results/signup.json'), `${JSON.stringify(report, null, 2)}\n`);
    console.log(JSON.stringify(report));
    return 0;
  } finally {
    await stopProcessGroup(server);
    await rm(workDirectory, { recursive: true, force: true });
  }
}

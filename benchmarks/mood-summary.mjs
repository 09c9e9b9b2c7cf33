// `npm run bench -- mood-summary [--entries 1000] [--rounds 20]`
//
// How long the mood chart's summary takes for a person with a year of check-ins, several a day. One
// person records `--entries` check-ins through the API, spread evenly over the last 350 days, two in
// three with a short note; then `GET /moods/summary` is timed `--rounds` times for each range. Every
// summary opens the score of every check-in in its window (and the notes of good and bad days).
//
// Kindred runs under `wrangler dev --local` from a bundle made at the start, with a fresh database and
// no chat model. Times are at the client and include the trip through wrangler's local proxy.
//
// The human summary goes to stderr; the last line of stdout is the JSON report, also written to
// bench-results/mood-summary.json.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { format, percentile, progress, round } from '../scripts/bench-support.mjs';
import { freePort, prepareSnapshot, root, startWranglerDev, stopProcessGroup, waitForHealth } from '../scripts/local-server.mjs';

const day = 86_400_000;
const requestsInFlight = 16;
const words = ['walk', 'work', 'deadline', 'friends', 'sleep', 'rain', 'yoga', 'family', 'headache', 'music'];

function summarise(samples) {
  const sorted = [...samples].sort((left, right) => left - right);
  return { count: sorted.length, p50: round(percentile(sorted, 0.5)), p90: round(percentile(sorted, 0.9)), min: round(sorted[0]), max: round(sorted.at(-1)) };
}

export async function run(argv) {
  const { values } = parseArgs({ args: argv, options: { entries: { type: 'string', default: '1000' }, rounds: { type: 'string', default: '20' } } });
  const entries = Number(values.entries);
  const rounds = Number(values.rounds);
  if (!Number.isInteger(entries) || entries < 1 || !Number.isInteger(rounds) || rounds < 1) {
    console.error('Usage: npm run bench -- mood-summary [--entries N] [--rounds N]');
    return 1;
  }
  const workDirectory = await mkdtemp(path.join(os.tmpdir(), 'kindred-bench-mood-summary-'));
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
    variables: { MASTER_KEY: randomBytes(32).toString('base64'), LLM_PROVIDER: 'none', VECTOR_INDEX: 'local' },
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  try {
    await waitForHealth(baseUrl, { child: server, timeoutMs: 120_000 });
    const signup = await fetch(`${baseUrl}/api/v1/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `mood-bench-${Date.now()}@example.com`, password: 'quiet river morning', timezone: 'Europe/Berlin' }),
    });
    if (signup.status !== 201) throw new Error(`signing up answered ${signup.status}`);
    const { token } = await signup.json();
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };

    progress(`Recording ${entries} check-ins over 350 days…`);
    const now = Date.now();
    let next = 0;
    const recordNext = async () => {
      while (next < entries) {
        const index = next;
        next += 1;
        const note = index % 3 === 0 ? undefined : `A ${words[index % words.length]} day with ${words[(index * 7) % words.length]} and some time to think`;
        const at = new Date(now - Math.floor((index * 350 * day) / entries) - 60_000).toISOString();
        const response = await fetch(`${baseUrl}/api/v1/moods`, { method: 'POST', headers, body: JSON.stringify({ score: (index % 5) + 1, note, at }) });
        const body = await response.text();
        if (response.status !== 201) throw new Error(`recording check-in ${index} answered ${response.status}: ${body.slice(0, 300)}`);
      }
    };
    await Promise.all(Array.from({ length: requestsInFlight }, recordNext));

    const timeSummary = async (range) => {
      const startedAt = performance.now();
      const response = await fetch(`${baseUrl}/api/v1/moods/summary?range=${range}`, { headers });
      const summary = await response.json();
      if (response.status !== 200) throw new Error(`the ${range} summary answered ${response.status}`);
      return { ms: performance.now() - startedAt, entries: summary.points.reduce((sum, point) => sum + point.count, 0) };
    };
    const report = { benchmark: 'mood-summary', entries, rounds, ranges: {} };
    for (const range of ['12m', '3m', '4w']) {
      const first = await timeSummary(range);
      const times = [];
      for (let index = 0; index < rounds; index++) times.push((await timeSummary(range)).ms);
      report.ranges[range] = { entriesInWindow: first.entries, firstMs: round(first.ms), ...summarise(times) };
      progress(
        `${range.padEnd(3)} ${String(first.entries).padStart(5)} check-ins: p50 ${format(report.ranges[range].p50)}  p90 ${format(report.ranges[range].p90)}`,
      );
    }
    await mkdir(path.join(root, 'bench-results'), { recursive: true });
    await writeFile(path.join(root, 'bench-results/mood-summary.json'), `${JSON.stringify(report, null, 2)}\n`);
    console.log(JSON.stringify(report));
    return 0;
  } finally {
    await stopProcessGroup(server);
    await rm(workDirectory, { recursive: true, force: true });
  }
}

// `npm run bench -- auth [--users 40] [--requests 50] [--port 0]`
//
// What authenticating a request costs on the hot path: `--users` people, each signed in, send
// `--requests` authenticated `GET /api/v1/me` one after another, all people at once. `/me` is the
// cheapest authenticated read (the session check, then the profile from the person's own object), so
// its latency is mostly the session check and the trip to the object. Reports latency p50/p95/p99 at
// the client, requests per second over the measured phase, and workerd's CPU per request (user +
// system time of wrangler's workerd processes over the phase, from /proc; null elsewhere), which other
// work on a shared machine disturbs far less than latency.
//
// Kindred runs under `wrangler dev --local` from a bundle made at the start, with a fresh database and
// no chat model; local D1 is a SQLite file beside workerd, with none of a real D1's network distance to
// its one primary, so the local figures understate what the D1 lookup costs in production. Times
// include the trip through wrangler's local proxy; this machine's cores are shared with the clients.
//
// The human summary goes to stderr; the last line of stdout is the JSON report, also written to
// bench-results/auth.json.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import {
  cleanUpOnExit,
  format,
  noModelServerVariables,
  percentile,
  progress,
  round,
  signUpUsers,
  startBenchServer,
  workerdCpuSeconds,
} from '../scripts/bench-support.mjs';
import { prepareSnapshot, root } from '../scripts/local-server.mjs';

const host = '127.0.0.1';
/** Unmeasured requests per person first, so neither the isolate's start nor each object's first wake is timed. */
const warmUpRequests = 3;

function readOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      users: { type: 'string', default: '40' },
      requests: { type: 'string', default: '50' },
      port: { type: 'string', default: '0' },
    },
  });
  const options = { users: Number(values.users), requests: Number(values.requests), port: Number(values.port) };
  const invalid = Object.entries(options).find(([name, value]) => !Number.isInteger(value) || value < (name === 'port' ? 0 : 1));
  if (invalid) {
    console.error(`--${invalid[0]} must be a whole number${invalid[0] === 'port' ? '' : ' of at least 1'}.`);
    console.error('Usage: npm run bench -- auth [--users N] [--requests N] [--port N]');
    return undefined;
  }
  return options;
}

export async function run(argv) {
  const options = readOptions(argv);
  if (options === undefined) return 1;
  const workDirectory = await mkdtemp(path.join(os.tmpdir(), 'kindred-bench-auth-'));
  const cleanups = cleanUpOnExit();
  cleanups.push(() => rm(workDirectory, { recursive: true, force: true }));
  try {
    progress('Bundling a snapshot of the Worker and preparing a fresh database…');
    const persistTo = path.join(workDirectory, 'state');
    const snapshot = await prepareSnapshot({ directory: workDirectory, persistTo, stepOptions: { stdio: ['ignore', 'ignore', 'inherit'] } });
    const { server, baseUrl } = await startBenchServer({
      port: options.port,
      host,
      persistTo,
      snapshot,
      variables: noModelServerVariables(),
      logFile: path.join(workDirectory, 'wrangler.log'),
      cleanups,
    });

    progress(`Signing up ${options.users} people (not measured)…`);
    const tokens = await signUpUsers(baseUrl, options.users, { prefix: 'auth-bench', concurrency: 4 });
    const getMe = async (token) => {
      const startedAt = performance.now();
      const response = await fetch(`${baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
      const body = await response.text();
      if (response.status !== 200) throw new Error(`GET /api/v1/me answered ${response.status}: ${body.slice(0, 300)}`);
      return performance.now() - startedAt;
    };
    await Promise.all(
      tokens.map(async (token) => {
        for (let index = 0; index < warmUpRequests; index++) await getMe(token);
      }),
    );

    progress(`${options.users} people sending ${options.requests} GET /api/v1/me each, all at once…`);
    const latencies = [];
    const cpuAtStart = workerdCpuSeconds(server.pid);
    const startedAt = performance.now();
    await Promise.all(
      tokens.map(async (token) => {
        for (let index = 0; index < options.requests; index++) latencies.push(await getMe(token));
      }),
    );
    const elapsedMs = performance.now() - startedAt;
    const cpuAtEnd = workerdCpuSeconds(server.pid);
    const sorted = latencies.sort((left, right) => left - right);
    const report = {
      benchmark: 'auth',
      route: 'GET /api/v1/me',
      users: options.users,
      requestsPerUser: options.requests,
      requests: sorted.length,
      latencyMs: { p50: round(percentile(sorted, 0.5)), p95: round(percentile(sorted, 0.95)), p99: round(percentile(sorted, 0.99)), max: round(sorted.at(-1)) },
      requestsPerSecond: round((sorted.length / elapsedMs) * 1000, 1),
      // Everything workerd ran meanwhile (the Worker, the objects, local D1, wrangler's proxy), per request.
      workerdCpuMsPerRequest: cpuAtStart === null || cpuAtEnd === null ? null : round(((cpuAtEnd - cpuAtStart) * 1000) / sorted.length),
    };
    progress(
      `p50 ${format(report.latencyMs.p50)}  p95 ${format(report.latencyMs.p95)}  p99 ${format(report.latencyMs.p99)}  ${report.requestsPerSecond} requests/s  workerd CPU ${report.workerdCpuMsPerRequest} ms a request`,
    );
    await mkdir(path.join(root, 'bench-results'), { recursive: true });
    await writeFile(path.join(root, 'bench-results/auth.json'), `${JSON.stringify(report, null, 2)}\n`);
    console.log(JSON.stringify(report));
    return 0;
  } catch (error) {
    if (cleanups.interrupted) return 130;
    throw error;
  } finally {
    await cleanups.release();
  }
}

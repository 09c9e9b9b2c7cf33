// `npm run bench -- reminders [--users 2000] [--per-user 50] [--spread 180] [--lead auto] [--grace 30] [--shards 1]`
//
// Whether reminders go out on time, once, when many people's objects fire alarms together. N users each
// hold a realtime WebSocket (opened with a ticket, as the apps do) and set M reminders through the API,
// due at random moments over `--spread` seconds starting `--lead` seconds after the first is set. Each
// `reminder-due` frame is timed on arrival, at the client, against its `dueAt`; after the last one is
// due plus `--grace` seconds, every reminder should have arrived exactly once.
//
// Kindred runs under `wrangler dev --local` from a bundle made at the start, with a fresh database and no
// chat model (delivery needs none). Lateness includes the frame's trip through wrangler's local proxy,
// and both clocks are this machine's.
//
// Local workerd runs every Durable Object of a Worker on one thread, so with one server the whole
// benchmark is bounded by one core; on Cloudflare each person's object runs where it lives, never
// queued behind two thousand others. `--shards N` starts N servers (each its own workerd, database and
// objects) and gives each a share of the users, round robin, so the objects are spread over N threads
// as Cloudflare spreads them over machines. The report says how many there were, and CPU is summed
// over all of them.
//
// CPU per fired reminder: the user+system CPU time of the workerd processes (from /proc/<pid>/stat,
// summed over wrangler's process group) between the first due time and the last frame's arrival,
// divided by the reminders delivered. It is everything workerd did in that window (the alarms, the
// sealed conversation message each reminder writes, the frames, and the sockets' pings), so it is an
// upper bound on the firing itself. Linux only; elsewhere it is reported as null.
//
// The human summary goes to stderr; the last line of stdout is the JSON report, also written to
// bench-results/reminders.json. Exits with 1 when a reminder fired twice or never, or a call failed.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startV8Profiler, summariseV8Profile } from '../scripts/bench-cpu-profile.mjs';
import { format, formatSeconds, noModelServerVariables, percentile, progress, round, shardsCpuSeconds, signUpOverShards } from '../scripts/bench-support.mjs';
import { applyMigrations, freePort, prepareSnapshot, root, startWranglerDev, stopProcessGroup, waitForHealth } from '../scripts/local-server.mjs';

const host = '127.0.0.1';
/** Sign-up hashes the password with scrypt (32 MiB): more at once than the cores only queues them. */
const signupsInFlight = 4;
const requestsInFlight = 16;
/**
 * Reminders set per second per shard, which sizes `--lead auto`: 2,000 users over two shards set 153 a
 * second in all on one machine, 83 on a slower one and 65–68 on a slower one still (2 December; 400
 * users set 260, as fewer objects stay warm). Sized for the slowest, so that setting them never runs
 * into the first due time.
 */
const assumedCreationsPerSecond = 30;

const usage = `Usage: npm run bench -- reminders [options]
  --users N       users, each with a realtime WebSocket (default 2000)
  --per-user N    reminders per user (default 50; --reminders is the same)
  --spread S      seconds over which the reminders fall due (default 180)
  --lead S        seconds between setting the first reminder and the earliest due time (default auto:
                  the reminders divided by ${assumedCreationsPerSecond} a second per shard, the rate wrangler dev sets them at here)
  --grace S       seconds to wait after the last due time for late frames (default 30)
  --port N        port for wrangler dev; 0 picks a free one (default 0; with --shards, the first shard's)
  --shards N      local servers the users are spread over, one workerd thread each (default 1)
  --profile       run V8's sampling profiler over the firing window and report where workerd's CPU went
                  (written to bench-results/reminders-kindred.cpuprofile); it slows workerd, so the
                  lateness of a profiled run is not comparable with an unprofiled one`;

function readOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      users: { type: 'string', default: '2000' },
      'per-user': { type: 'string' },
      reminders: { type: 'string' },
      spread: { type: 'string', default: '180' },
      lead: { type: 'string', default: 'auto' },
      grace: { type: 'string', default: '30' },
      port: { type: 'string', default: '0' },
      shards: { type: 'string', default: '1' },
      profile: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  values.reminders = values['per-user'] ?? values.reminders ?? '50';
  if (values.lead === 'auto') {
    const shards = Math.max(1, Number(values.shards) || 1);
    values.lead = String(Math.ceil((Number(values.users) * Number(values.reminders)) / (assumedCreationsPerSecond * shards)) + 20);
  }
  const options = Object.fromEntries(['users', 'reminders', 'spread', 'lead', 'grace', 'port', 'shards'].map((name) => [name, Number(values[name])]));
  const invalid = Object.entries(options).find(([name, value]) => !Number.isInteger(value) || value < (name === 'port' || name === 'grace' ? 0 : 1));
  if (values.help || invalid) {
    if (invalid) console.error(`--${invalid[0]} must be a whole number${invalid[0] === 'port' || invalid[0] === 'grace' ? '' : ' of at least 1'}.`);
    console.error(usage);
    return undefined;
  }
  return { ...options, profile: values.profile };
}

/**
 * Lateness in ten-second stretches of due time: whether the tail is spread evenly (a thread short of
 * CPU) or in bursts (objects waking together, a pause), which the overall percentiles cannot tell.
 */
function latenessByDueTime(created, arrivals) {
  const firstDue = created.reduce((first, reminder) => Math.min(first, Date.parse(reminder.dueAt)), Number.POSITIVE_INFINITY);
  const buckets = new Map();
  for (const reminder of created) {
    const arrival = arrivals.get(reminder.id)?.[0];
    if (!arrival) continue;
    const bucket = Math.floor((Date.parse(reminder.dueAt) - firstDue) / 10_000) * 10;
    if (!buckets.has(bucket)) buckets.set(bucket, []);
    buckets.get(bucket).push(arrival.arrivedAt - arrival.dueAt);
  }
  return [...buckets.entries()]
    .sort(([left], [right]) => left - right)
    .map(([fromSecond, values]) => {
      values.sort((left, right) => left - right);
      return { fromSecond, count: values.length, p50: round(percentile(values, 0.5)), p99: round(percentile(values, 0.99)), max: round(values.at(-1)) };
    });
}

/** Runs `work` over `items` with at most `limit` at once; answers the results in order. */
async function inPool(items, limit, work) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export async function run(argv) {
  const options = readOptions(argv);
  if (options === undefined) return 1;
  const benchmarkStartedAt = Date.now();
  const workDirectory = await mkdtemp(path.join(os.tmpdir(), 'kindred-bench-reminders-'));
  const quiet = { stdio: ['ignore', 2, 2] };
  progress(`Bundling a snapshot of the Worker and preparing ${options.shards === 1 ? 'a fresh database' : `${options.shards} fresh databases`}…`);
  // Every database is ready before the first server starts, so a failed step leaves nothing running.
  const persistTo = Array.from({ length: options.shards }, (_, shard) => path.join(workDirectory, `state-${shard}`));
  const snapshot = await prepareSnapshot({ directory: workDirectory, persistTo: persistTo[0], stepOptions: quiet });
  for (const directory of persistTo.slice(1)) await applyMigrations({ persistTo: directory, ...quiet });
  const ports = [];
  for (let shard = 0; shard < options.shards; shard++) {
    ports.push({ port: shard === 0 && options.port ? options.port : await freePort(host), inspectorPort: await freePort(host) });
  }
  const servers = [];
  for (const [shard, { port, inspectorPort }] of ports.entries()) {
    const server = startWranglerDev({
      port,
      host,
      inspectorPort,
      persistTo: persistTo[shard],
      snapshot,
      variables: noModelServerVariables(),
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    servers.push({ server, baseUrl: `http://${host}:${port}`, inspectorPort });
  }
  const workerdCpu = () => shardsCpuSeconds(servers);
  const sockets = [];
  const stopOnSignal = (signal) => {
    progress(`Received ${signal}: stopping the servers.`);
    for (const socket of sockets) socket.close();
    void Promise.all(servers.map(({ server }) => stopProcessGroup(server))).finally(() => process.exit(130));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  try {
    await Promise.all(servers.map(({ server, baseUrl }) => waitForHealth(baseUrl, { child: server, timeoutMs: 120_000 })));
    const call = async ({ baseUrl, token }, method, route, body) => {
      const response = await fetch(`${baseUrl}/api/v1${route}`, {
        method,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${route} answered ${response.status}: ${text.slice(0, 200)}`);
      return text === '' ? undefined : JSON.parse(text);
    };

    progress(`Signing up ${options.users} users…`);
    const signupStartedAt = Date.now();
    const users = await signUpOverShards(servers, options.users, { prefix: 'reminders', concurrency: signupsInFlight });
    progress(`Signed up in ${formatSeconds(Date.now() - signupStartedAt)}. Opening ${options.users} realtime sockets…`);

    /** Arrivals per reminder id: each `reminder-due` frame's arrival time. */
    const arrivals = new Map();
    let unexpectedCloses = 0;
    let stopping = false;
    await inPool(users, requestsInFlight, async (user) => {
      const { ticket } = await call(user, 'POST', '/realtime/tickets');
      const socket = new WebSocket(`${user.baseUrl.replace(/^http/, 'ws')}/api/v1/realtime?ticket=${encodeURIComponent(ticket)}`);
      await new Promise((resolve, reject) => {
        socket.addEventListener('open', resolve, { once: true });
        socket.addEventListener('error', () => reject(new Error('a realtime socket did not open')), { once: true });
      });
      socket.addEventListener('message', (event) => {
        const arrivedAt = Date.now();
        const frame = JSON.parse(String(event.data));
        if (frame.type !== 'reminder-due') return;
        const list = arrivals.get(frame.reminder.id) ?? [];
        list.push({ arrivedAt, dueAt: Date.parse(frame.reminder.dueAt) });
        arrivals.set(frame.reminder.id, list);
      });
      socket.addEventListener('close', () => {
        if (!stopping) unexpectedCloses++;
      });
      sockets.push(socket);
    });
    // Keeps the sockets of a hibernating object alive through the whole window, as an app's pings do.
    const pinger = setInterval(() => {
      for (const socket of sockets) if (socket.readyState === WebSocket.OPEN) socket.send('{"type":"ping"}');
    }, 20_000);

    const total = options.users * options.reminders;
    const firstDueAt = Date.now() + options.lead * 1000;
    const lastDueAt = firstDueAt + options.spread * 1000;
    progress(`Setting ${total} reminders, due over ${options.spread} s from ${options.lead} s from now…`);
    const creationStartedAt = Date.now();
    const creationCpuStart = workerdCpu();
    // Soonest first, so that a slow setting phase eats into the lead of the latest reminders, not the earliest.
    const jobs = users
      .flatMap((user, userIndex) =>
        Array.from({ length: options.reminders }, (_, reminderIndex) => ({
          user,
          text: `Reminder ${reminderIndex + 1} of user ${userIndex + 1}`,
          dueAt: new Date(firstDueAt + Math.floor(Math.random() * options.spread * 1000)).toISOString(),
        })),
      )
      .sort((left, right) => left.dueAt.localeCompare(right.dueAt));
    let creationFailures = 0;
    let settled = 0;
    const creationProgress = setInterval(() => {
      const seconds = (Date.now() - creationStartedAt) / 1000;
      progress(`  ${settled} of ${total} set in ${seconds.toFixed(0)} s (${(settled / seconds).toFixed(0)} a second)`);
    }, 30_000);
    const created = (
      await inPool(jobs, requestsInFlight, async (job) => {
        try {
          return await call(job.user, 'POST', '/reminders', { text: job.text, dueAt: job.dueAt });
        } catch (error) {
          creationFailures++;
          progress(`A reminder was not set: ${error.message}`);
          return undefined;
        } finally {
          settled++;
        }
      })
    ).filter((reminder) => reminder !== undefined);
    clearInterval(creationProgress);
    const creationMs = Date.now() - creationStartedAt;
    const creationCpuEnd = workerdCpu();
    progress(`Set ${created.length} reminders in ${formatSeconds(creationMs)}; waiting for them to fall due…`);
    if (Date.now() > firstDueAt) progress('Setting them took longer than --lead: reminders fell due while others were still being set.');

    // The firing window's CPU starts at the first due time, or now if setting them ran past it.
    if (Date.now() < firstDueAt) await new Promise((resolve) => setTimeout(resolve, firstDueAt - Date.now()));
    // With shards, the first one's workerd stands for the rest: they run the same code on like loads.
    const profiler = options.profile ? await startV8Profiler({ host, inspectorPort: servers[0].inspectorPort, samplingMicroseconds: 1000 }) : undefined;
    const firingCpuStart = workerdCpu();
    let firingCpuEnd;
    let lastArrivalSeen = 0;
    const waitUntil = lastDueAt + options.grace * 1000;
    while (Date.now() < waitUntil) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      // Sampled each second while frames still come, so the idle tail after the last one is not counted.
      if (arrivals.size !== lastArrivalSeen) {
        lastArrivalSeen = arrivals.size;
        firingCpuEnd = workerdCpu();
      }
      if (arrivals.size === created.length) {
        // Everything arrived once; a second copy of any would come within a moment, not after the grace.
        await new Promise((resolve) => setTimeout(resolve, 2_000));
        break;
      }
    }
    const profile = await profiler?.stop();
    stopping = true;
    clearInterval(pinger);
    for (const socket of sockets) socket.close();

    const lateness = [];
    let firedTwice = 0;
    let neverFired = 0;
    for (const reminder of created) {
      const received = arrivals.get(reminder.id) ?? [];
      if (received.length === 0) neverFired++;
      if (received.length > 1) firedTwice++;
      if (received[0]) lateness.push(received[0].arrivedAt - received[0].dueAt);
    }
    lateness.sort((left, right) => left - right);
    const byDueTime = latenessByDueTime(created, arrivals);
    const cpuMsPer = (start, end, count) =>
      start === null || end === null || end === undefined || count === 0 ? null : round(((end - start) * 1000) / count, 3);
    const report = {
      benchmark: 'reminders',
      users: options.users,
      remindersPerUser: options.reminders,
      shards: options.shards,
      spreadSeconds: options.spread,
      leadSeconds: options.lead,
      runtimeMs: Date.now() - benchmarkStartedAt,
      reminders: created.length,
      creationFailures,
      creationMs,
      delivered: lateness.length,
      firedTwice,
      neverFired,
      unexpectedSocketCloses: unexpectedCloses,
      cpuMsPerFiredReminder: cpuMsPer(firingCpuStart, firingCpuEnd, lateness.length),
      cpuMsPerCreatedReminder: cpuMsPer(creationCpuStart, creationCpuEnd, created.length),
      latenessMs:
        lateness.length === 0
          ? null
          : { p50: round(percentile(lateness, 0.5)), p99: round(percentile(lateness, 0.99)), max: round(lateness.at(-1)), min: round(lateness[0]) },
      latenessByDueTime: byDueTime,
    };
    progress(
      `Delivered ${report.delivered} of ${report.reminders}; fired twice ${firedTwice}, never fired ${neverFired}; lateness p50 ${format(report.latenessMs?.p50 ?? 0)}, p99 ${format(report.latenessMs?.p99 ?? 0)}, max ${format(report.latenessMs?.max ?? 0)}; workerd CPU ${report.cpuMsPerFiredReminder ?? 'n/a'} ms per fired reminder.`,
    );
    progress(
      `Lateness by when the reminders fell due (seconds from the first: p99 ms): ${byDueTime.map((bucket) => `${bucket.fromSecond}s ${format(bucket.p99)}`).join(', ')}`,
    );
    await mkdir(path.join(root, 'bench-results'), { recursive: true });
    if (profile) {
      report.profile = await summariseV8Profile(profile, { bundle: snapshot.script, file: path.join(root, 'bench-results/reminders-kindred.cpuprofile') });
      progress(`Profile: ${JSON.stringify(report.profile, null, 2)}`);
    }
    await writeFile(path.join(root, 'bench-results/reminders.json'), `${JSON.stringify(report, null, 2)}\n`);
    console.log(JSON.stringify(report));
    return firedTwice > 0 || neverFired > 0 || creationFailures > 0 ? 1 : 0;
  } finally {
    for (const socket of sockets) socket.close();
    await Promise.all(servers.map(({ server }) => stopProcessGroup(server)));
    await rm(workDirectory, { recursive: true, force: true });
  }
}

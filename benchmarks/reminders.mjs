// `npm run bench -- reminders [--users 200] [--reminders 10] [--spread 60] [--lead 60] [--grace 15]`
//
// Whether reminders go out on time, once, when many people's objects fire alarms together. N users each
// hold a realtime WebSocket (opened with a ticket, as the apps do) and set M reminders through the API,
// due at random moments over `--spread` seconds starting `--lead` seconds after the first is set. Each
// `reminder-due` frame is timed on arrival against its `dueAt`; after the last one is due plus `--grace`
// seconds, every reminder should have arrived exactly once.
//
// Kindred runs under `wrangler dev --local` from a bundle made at the start, with a fresh database and no
// chat model (delivery needs none). Lateness includes the frame's trip through wrangler's local proxy,
// and both clocks are this machine's.
//
// The human summary goes to stderr; the last line of stdout is the JSON report, also written to
// bench-results/reminders.json. Exits with 1 when a reminder fired twice or never, or a call failed.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { format, formatSeconds, progress, round } from '../scripts/bench-support.mjs';
import { applyMigrations, buildWeb, bundleWorker, freePort, root, startWranglerDev, stopProcessGroup, waitForHealth } from '../scripts/local-server.mjs';

const host = '127.0.0.1';
/** Sign-up hashes the password with scrypt (32 MiB): more at once than the cores only queues them. */
const signupsInFlight = 4;
const requestsInFlight = 16;

const usage = `Usage: npm run bench -- reminders [options]
  --users N       users, each with a realtime WebSocket (default 200)
  --reminders N   reminders per user (default 10)
  --spread S      seconds over which the reminders fall due (default 60)
  --lead S        seconds between setting the first reminder and the earliest due time (default 60);
                  setting 2000 reminders on wrangler dev takes about a minute on two cores
  --grace S       seconds to wait after the last due time for late frames (default 15)
  --port N        port for wrangler dev; 0 picks a free one (default 0)`;

function readOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      users: { type: 'string', default: '200' },
      reminders: { type: 'string', default: '10' },
      spread: { type: 'string', default: '60' },
      lead: { type: 'string', default: '60' },
      grace: { type: 'string', default: '15' },
      port: { type: 'string', default: '0' },
      help: { type: 'boolean', default: false },
    },
  });
  const options = Object.fromEntries(['users', 'reminders', 'spread', 'lead', 'grace', 'port'].map((name) => [name, Number(values[name])]));
  const invalid = Object.entries(options).find(([name, value]) => !Number.isInteger(value) || value < (name === 'port' || name === 'grace' ? 0 : 1));
  if (values.help || invalid) {
    if (invalid) console.error(`--${invalid[0]} must be a whole number${invalid[0] === 'port' || invalid[0] === 'grace' ? '' : ' of at least 1'}.`);
    console.error(usage);
    return undefined;
  }
  return options;
}

function percentile(sorted, fraction) {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))];
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
  const workDirectory = await mkdtemp(path.join(os.tmpdir(), 'kindred-bench-reminders-'));
  const quiet = { stdio: ['ignore', 2, 2] };
  const port = options.port || (await freePort(host));
  const baseUrl = `http://${host}:${port}`;
  progress('Bundling a snapshot of the Worker and preparing a fresh database…');
  // The bundle reads the assets directory from wrangler.toml, so it must exist although nothing here serves it.
  if (!existsSync(path.join(root, 'web/dist'))) await buildWeb(quiet);
  await bundleWorker(path.join(workDirectory, 'worker'), quiet);
  const persistTo = path.join(workDirectory, 'state');
  await applyMigrations({ persistTo, ...quiet });
  await mkdir(path.join(workDirectory, 'assets'), { recursive: true });
  const server = startWranglerDev({
    port,
    host,
    inspectorPort: await freePort(host),
    persistTo,
    snapshot: { script: path.join(workDirectory, 'worker/index.js'), assets: path.join(workDirectory, 'assets') },
    variables: { MASTER_KEY: randomBytes(32).toString('base64'), SIGNUPS_PER_ADDRESS: '1000000', LLM_PROVIDER: 'none', VECTOR_INDEX: 'local' },
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  const sockets = [];
  const stopOnSignal = (signal) => {
    progress(`Received ${signal}: stopping the server.`);
    for (const socket of sockets) socket.close();
    void stopProcessGroup(server).finally(() => process.exit(130));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  try {
    await waitForHealth(baseUrl, { child: server, timeoutMs: 120_000 });
    const call = async (method, route, token, body) => {
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
    const runId = Date.now().toString(36);
    const tokens = await inPool(
      Array.from({ length: options.users }, (_, index) => index),
      signupsInFlight,
      async (index) => {
        const answer = await call('POST', '/auth/signup', undefined, { email: `reminders-${runId}-${index}@example.com`, password: 'quiet river morning' });
        return answer.token;
      },
    );
    progress(`Signed up in ${formatSeconds(Date.now() - signupStartedAt)}. Opening ${options.users} realtime sockets…`);

    /** Arrivals per reminder id: each `reminder-due` frame's arrival time. */
    const arrivals = new Map();
    let unexpectedCloses = 0;
    let stopping = false;
    await inPool(tokens, requestsInFlight, async (token) => {
      const { ticket } = await call('POST', '/realtime/tickets', token);
      const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/api/v1/realtime?ticket=${encodeURIComponent(ticket)}`);
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
    // Soonest first, so that a slow setting phase eats into the lead of the latest reminders, not the earliest.
    const jobs = tokens
      .flatMap((token, userIndex) =>
        Array.from({ length: options.reminders }, (_, reminderIndex) => ({
          token,
          text: `Reminder ${reminderIndex + 1} of user ${userIndex + 1}`,
          dueAt: new Date(firstDueAt + Math.floor(Math.random() * options.spread * 1000)).toISOString(),
        })),
      )
      .sort((left, right) => left.dueAt.localeCompare(right.dueAt));
    let creationFailures = 0;
    const created = (
      await inPool(jobs, requestsInFlight, async (job) => {
        try {
          return await call('POST', '/reminders', job.token, { text: job.text, dueAt: job.dueAt });
        } catch (error) {
          creationFailures++;
          progress(`A reminder was not set: ${error.message}`);
          return undefined;
        }
      })
    ).filter((reminder) => reminder !== undefined);
    const creationMs = Date.now() - creationStartedAt;
    progress(`Set ${created.length} reminders in ${formatSeconds(creationMs)}; waiting for them to fall due…`);
    if (Date.now() > firstDueAt) progress('Setting them took longer than --lead: reminders fell due while others were still being set.');

    const waitUntil = lastDueAt + options.grace * 1000;
    while (Date.now() < waitUntil) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      if (arrivals.size === created.length) {
        // Everything arrived once; a second copy of any would come within a moment, not after the grace.
        await new Promise((resolve) => setTimeout(resolve, 2_000));
        break;
      }
    }
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
    const report = {
      benchmark: 'reminders',
      users: options.users,
      remindersPerUser: options.reminders,
      spreadSeconds: options.spread,
      reminders: created.length,
      creationFailures,
      creationMs,
      delivered: lateness.length,
      firedTwice,
      neverFired,
      unexpectedSocketCloses: unexpectedCloses,
      latenessMs:
        lateness.length === 0
          ? null
          : { p50: round(percentile(lateness, 0.5)), p99: round(percentile(lateness, 0.99)), max: round(lateness.at(-1)), min: round(lateness[0]) },
    };
    progress(
      `Delivered ${report.delivered} of ${report.reminders}; fired twice ${firedTwice}, never fired ${neverFired}; lateness p50 ${format(report.latenessMs?.p50 ?? 0)}, p99 ${format(report.latenessMs?.p99 ?? 0)}, max ${format(report.latenessMs?.max ?? 0)}.`,
    );
    await mkdir(path.join(root, 'bench-results'), { recursive: true });
    await writeFile(path.join(root, 'bench-results/reminders.json'), `${JSON.stringify(report, null, 2)}\n`);
    console.log(JSON.stringify(report));
    return firedTwice > 0 || neverFired > 0 || creationFailures > 0 ? 1 : 0;
  } finally {
    for (const socket of sockets) socket.close();
    await stopProcessGroup(server);
    await rm(workDirectory, { recursive: true, force: true });
  }
}

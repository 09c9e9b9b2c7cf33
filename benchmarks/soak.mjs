// `npm run bench -- soak [--minutes 10] [--users 50] [--window-seconds 60] [--think-ms 2000] [--delay-ms 150]
//   [--heap-slope-limit 0.5] [--heap-snapshots] [--port 0]`
//
// Whether Kindred holds up under a realistic mixed load for a long time, and whether workerd's memory
// stays bounded while it does. N simulated people act one after another, each pausing a random
// think time (uniform 0–2 × `--think-ms`) between actions, each action drawn from a fixed mix
// (`actionMix` below): chat turns over HTTP (`POST /messages`, against the fake OpenAI model the chat
// bench uses, with its background summaries and extractions scripted the same way), memories
// created and listed, files written and read back, reminders set to fall due a few seconds later
// (and so fired by the objects' alarms during the run), goals and moods recorded and listed.
// Voice is left out: the voice bench's audio fake lives inside that benchmark, and its turns need a
// paced WebSocket conversation per person; the chat turns already exercise the same model path.
//
// Every `--window-seconds` the report takes a window: requests per second, latency p50/p95/p99 per
// kind, errors by error id (the API's `error.id`, or `http-<status>`/`network` when there is none),
// and the latest memory figures.
//
// Memory, and which of it is Kindred's. `wrangler dev` runs two workerd processes and a Node one
// (scripts/bench-memory.mjs tells them apart): the runtime, which runs the Worker, its Durable Objects
// and miniflare's local D1, R2, Queues and static assets; wrangler's dev proxy, which every request
// passes through first; and wrangler itself. What is checked is the V8 heap of the Worker's isolate
// (every Durable Object of the Worker runs in it), read through the inspector after a forced full
// collection every 15 s, so it counts what our code keeps reachable and not garbage yet to be
// collected: its least-squares slope over the second half of the run (the first half holds the
// warm-up, when objects, modules and caches are first made) must stay under `--heap-slope-limit` MiB a
// minute (default 0.5; on Cloudflare an isolate has 128 MB, which a leak of 0.5 MiB a minute fills in
// hours). `memoryGrowing: true` when it does not.
//
// The processes' RSS (VmRSS from /proc, Linux only, else null) is reported beside it, with its slope
// and, for the runtime, its growth per request over the second half, and not checked. Both workerd
// processes grow under `wrangler dev` with every request, whatever the request does: with nothing but
// `GET /healthz` (no Durable Object, no SQLite, the V8 heap flat at 23 MiB) the runtime grew about
// 17 KiB a request for 11,000 requests and the proxy about 50 KiB, and requests for static files,
// which never reach the Worker, grew both (docs/capacity.md has the runs). Neither process is what
// runs on Cloudflare, so their RSS cannot tell a leak of ours from the local runtime's own growth;
// a runtime growing much faster per request than that baseline is worth a heap snapshot.
// Before this split the report summed both workerd processes, which is kept as `allWorkerdRss`.
//
// The inspector is attached before any load for another reason too: until a DevTools client attaches,
// wrangler's InspectorProxyWorker keeps every message of the runtime's inspector (a console line per
// request) in an array. A run of a minute or two has a short, noisy second half: the flag means
// something at the default 10 minutes and longer. `--heap-snapshots` adds two heap snapshots (half-way
// and at the end) and the kinds of objects that grew between them; taking one streams ~100 MB through
// wrangler's processes, so that run's RSS figures are not comparable with others, and it leaves the
// heap larger for a while, so heap samples pause from the snapshot until 20 s after it.
//
// At the end every person's reminders are read back: each one due before the end should have been
// delivered, once (`deliveredAt`), and its lateness is reported. workerd's CPU (from /proc, as the
// reminders bench reads it: both workerd processes) over the whole measured run divided by the
// requests gives the average CPU per request of this mix, an input of docs/capacity-inputs.json;
// `runtimeCpuMsPerRequest` is the runtime process's alone, without wrangler's proxy.
//
// The human summary goes to stderr; the last line of stdout is the JSON report, also written to
// bench-results/soak.json. Exits with 1 when more than 1% of the requests failed, a due reminder was
// not delivered, or memory kept growing.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { cpuSeconds, heapGrowth, openInspector, sumMiB, wranglerDevProcesses } from '../scripts/bench-memory.mjs';
import {
  cleanUpOnExit,
  countBackgroundCalls,
  fakeModelServerVariables,
  format,
  formatSeconds,
  packageVersion,
  progress,
  round,
  scriptBackgroundAnswers,
  signUpUsers,
  startBenchServer,
  startFakeModel,
  stopChild,
} from '../scripts/bench-support.mjs';
import { localWranglerEnvironment, prepareSnapshot, root } from '../scripts/local-server.mjs';

const host = '127.0.0.1';
const stateDirectory = path.join(root, '.wrangler/soak-state');
const persistDirectory = path.join(stateDirectory, 'data');
const snapshotDirectory = path.join(stateDirectory, 'snapshot');
const resultsDirectory = path.join(root, 'bench-results');
const resultsFile = path.join(resultsDirectory, 'soak.json');
const serverLogFile = path.join(resultsDirectory, 'soak-wrangler.log');
const modelLogFile = path.join(resultsDirectory, 'soak-fake-model.log');
const allowedFailureRatio = 0.01;
const memorySampleMs = 5_000;
// Each heap sample forces a full collection (tens of ms with the isolate paused): every 15 s is enough for a slope.
const heapSampleMs = 15_000;
const requestTimeoutMs = 30_000;

/**
 * What a person does, with relative weights: an assumed day of Kindred use compressed (talking most,
 * then looking things up, then noting things down); docs/capacity.md's assumed day uses the same kinds.
 */
const actionMix = [
  ['chat', 30],
  ['memory-create', 8],
  ['memory-list', 8],
  ['file-write', 6],
  ['file-read', 6],
  ['reminder-create', 6],
  ['reminder-list', 4],
  ['goal-create', 3],
  ['goal-list', 5],
  ['mood-record', 5],
  ['mood-list', 4],
];
const totalWeight = actionMix.reduce((sum, [, weight]) => sum + weight, 0);

const usage = `Usage: npm run bench -- soak [options]
  --minutes N          how long the load runs (default 10)
  --users N            simulated people acting at once (default 50)
  --window-seconds N   length of each reported window (default 60)
  --think-ms N         mean pause between one person's actions (default 2000)
  --delay-ms N         the fake model's time to first token (default 150)
  --heap-slope-limit N MiB per minute of growth of the Worker's V8 heap (after a full collection)
                       over the second half above which memoryGrowing is true (default 0.5)
  --heap-snapshots     also take a heap snapshot of the Worker's isolate half-way and at the end (the
                       isolate pauses a few seconds for each), written beside the report, and
                       report which kinds of objects grew between them
  --port N             port for wrangler dev; 0 picks a free one (default 0)`;

function readOptions(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        minutes: { type: 'string', default: '10' },
        users: { type: 'string', default: '50' },
        'window-seconds': { type: 'string', default: '60' },
        'think-ms': { type: 'string', default: '2000' },
        'delay-ms': { type: 'string', default: '150' },
        'heap-slope-limit': { type: 'string', default: '0.5' },
        port: { type: 'string', default: '0' },
        'heap-snapshots': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    console.error(error.message);
    console.error(usage);
    return undefined;
  }
  if (values.help) {
    console.error(usage);
    return { help: true };
  }
  const options = {
    minutes: Number(values.minutes),
    users: Number(values.users),
    windowSeconds: Number(values['window-seconds']),
    thinkMs: Number(values['think-ms']),
    delayMs: Number(values['delay-ms']),
    heapSlopeLimitMiBPerMinute: Number(values['heap-slope-limit']),
    port: Number(values.port),
    heapSnapshots: values['heap-snapshots'],
  };
  const positive = ['minutes', 'users', 'windowSeconds', 'heapSlopeLimitMiBPerMinute'];
  const invalid = Object.entries(options)
    .filter(([name]) => name !== 'heapSnapshots')
    .find(([name, value]) => !Number.isFinite(value) || value < 0 || (positive.includes(name) && value <= 0));
  if (invalid || !Number.isInteger(options.users) || !Number.isInteger(options.port)) {
    console.error(`--${invalid?.[0] ?? 'users'} is not valid.`);
    console.error(usage);
    return undefined;
  }
  return options;
}

// --- statistics ---------------------------------------------------------------------------------------

/** Nearest rank: the smallest value with at least p% of the values at or below it. */
function percentile(sorted, percent) {
  if (sorted.length === 0) return null;
  return round(sorted[Math.max(0, Math.ceil((percent / 100) * sorted.length) - 1)]);
}

/** Least-squares slope of `samples` ({ atMs, value }) in value units per minute; null with fewer than 3. */
export function slopePerMinute(samples) {
  if (samples.length < 3) return null;
  const xs = samples.map((sample) => sample.atMs / 60_000);
  const meanX = xs.reduce((sum, x) => sum + x, 0) / xs.length;
  const meanY = samples.reduce((sum, sample) => sum + sample.value, 0) / samples.length;
  let numerator = 0;
  let denominator = 0;
  for (let index = 0; index < samples.length; index += 1) {
    numerator += (xs[index] - meanX) * (samples[index].value - meanY);
    denominator += (xs[index] - meanX) ** 2;
  }
  return denominator === 0 ? null : numerator / denominator;
}

/** Per kind: count, requests per second, p50/p95/p99/max ms; plus errors by id. */
function summariseRequests(records, seconds) {
  const byKind = {};
  for (const record of records) {
    byKind[record.kind] ??= [];
    byKind[record.kind].push(record);
  }
  const kinds = {};
  for (const [kind, list] of Object.entries(byKind).sort()) {
    const sorted = list.map((record) => record.ms).sort((left, right) => left - right);
    kinds[kind] = {
      requests: list.length,
      perSecond: round(list.length / seconds, 2),
      errors: list.filter((record) => record.errorId !== undefined).length,
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      p99: percentile(sorted, 99),
      max: percentile(sorted, 100),
    };
  }
  const errorsById = {};
  for (const record of records) if (record.errorId !== undefined) errorsById[record.errorId] = (errorsById[record.errorId] ?? 0) + 1;
  return { requests: records.length, perSecond: round(records.length / seconds, 2), kinds, errorsById };
}

// --- memory ---------------------------------------------------------------------------------------------

/**
 * Samples wrangler dev's processes every 5 s (RSS of workerd's runtime, of wrangler's dev proxy and of
 * wrangler's Node process) and the Worker's V8 heap after a full collection every 15 s, from now
 * until `stop()`, which takes one last sample of each. Times are from `startedAt`: when the first
 * sample was taken.
 *
 * @param {{ processesOf: () => ReturnType<typeof wranglerDevProcesses>, inspector: Awaited<ReturnType<typeof openInspector>>,
 *   nudge: () => Promise<void> }} options (`nudge`: see `heapAfterCollection`)
 */
async function watchMemory({ processesOf, inspector, nudge }) {
  const samples = [];
  let startedAt;
  const sampleProcesses = () => {
    const processes = processesOf();
    return {
      atMs: performance.now() - startedAt,
      runtimeRssMiB: sumMiB(processes.runtime),
      runtimeAnonMiB: sumMiB(processes.runtime, 'rssAnonKiB'),
      proxyRssMiB: sumMiB(processes.proxy),
      wranglerRssMiB: sumMiB(processes.wrangler),
      allWorkerdRssMiB: sumMiB(processes.workerd),
    };
  };
  let heapInFlight = Promise.resolve();
  // A heap snapshot leaves V8's heap larger for a while, even after a full collection (70.7 MiB
  // against 46–49 around it in one run): no heap samples while one is taken and for 20 s after.
  let heapPausedUntil = 0;
  let heapPausedBy;
  const sampleHeap = () => {
    if (heapPausedBy !== undefined || performance.now() < heapPausedUntil) return heapInFlight;
    // One at a time: a slow collection must not pile up behind it.
    heapInFlight = heapInFlight.then(async () => {
      const heap = await inspector.heapAfterCollection({ nudge });
      if (heap !== null) {
        samples.push({ ...sampleProcesses(), heapUsedMiB: heap.usedMiB, heapTotalMiB: heap.totalMiB, backingStoreMiB: heap.backingStoreMiB });
      }
    });
    return heapInFlight;
  };
  startedAt = performance.now();
  await sampleHeap();
  if (samples.length === 0) progress(`Measuring the Worker's V8 heap failed: ${inspector.lastError}.`);
  // The first sample is the start, however long its collection took.
  startedAt = performance.now();
  if (samples[0] !== undefined) samples[0].atMs = 0;
  const processTimer = setInterval(() => samples.push(sampleProcesses()), memorySampleMs);
  const heapTimer = setInterval(sampleHeap, heapSampleMs);
  const lastOf = (field) => samples.findLast((sample) => sample[field] !== null && sample[field] !== undefined)?.[field] ?? null;
  return {
    samples,
    startedAt,
    /** No heap samples until `snapshot` (a promise) settles, and for 20 s after. */
    pauseHeapFor(snapshot) {
      heapPausedBy = snapshot;
      snapshot
        .catch(() => {})
        .finally(() => {
          heapPausedBy = undefined;
          heapPausedUntil = performance.now() + 20_000;
        });
    },
    /** The latest value of each measure. */
    latest: () => ({ heapUsedMiB: lastOf('heapUsedMiB'), runtimeRssMiB: lastOf('runtimeRssMiB'), proxyRssMiB: lastOf('proxyRssMiB') }),
    async stop() {
      clearInterval(processTimer);
      clearInterval(heapTimer);
      await heapInFlight;
      await sampleHeap();
    },
  };
}

/**
 * The memory part of the report: each measure at start and end, its largest value, its samples and
 * the least-squares slope over the run's second half (the first holds the warm-up, when objects,
 * modules and caches are first made). One is checked: the Worker's V8 heap, what Kindred's code keeps
 * reachable. The RSS of workerd's runtime, of wrangler's dev proxy and of wrangler's Node process are
 * reported beside it, the first two also as KiB per request over the second half, and not checked:
 * under wrangler dev both workerd processes grow with every request whatever it does (the header).
 */
function reportMemory(samples, records, options) {
  const halfMs = (options.minutes * 60_000) / 2;
  const lastAtMs = samples.at(-1)?.atMs ?? 0;
  const secondHalfRequestsPerMinute = lastAtMs > halfMs ? records.filter((record) => record.atMs >= halfMs).length / ((lastAtMs - halfMs) / 60_000) : 0;
  /** A slope in MiB a minute as KiB per request served meanwhile. */
  const perRequestKiB = (slope) => (slope === null || secondHalfRequestsPerMinute === 0 ? null : round((slope * 1024) / secondHalfRequestsPerMinute, 1));
  const describe = (field, slopeLimit) => {
    const series = samples
      .filter((sample) => sample[field] !== null && sample[field] !== undefined)
      .map((sample) => ({ atMs: sample.atMs, value: sample[field] }));
    const slope = slopePerMinute(series.filter((sample) => sample.atMs >= halfMs));
    return {
      mibAtStart: round(series[0]?.value, 1),
      mibAtEnd: round(series.at(-1)?.value, 1),
      mibMax: series.length === 0 ? null : round(Math.max(...series.map((sample) => sample.value)), 1),
      secondHalfSlopeMiBPerMinute: round(slope, 3),
      ...(slopeLimit === undefined ? {} : { slopeLimitMiBPerMinute: slopeLimit, growing: slope !== null && slope > slopeLimit }),
      samples: series.map((sample) => [round(sample.atMs / 1000, 0), round(sample.value, 1)]),
    };
  };
  const heap = describe('heapUsedMiB', options.heapSlopeLimitMiBPerMinute);
  const runtimeRss = describe('runtimeRssMiB');
  const proxyRss = describe('proxyRssMiB');
  const lastHeapSample = samples.findLast((sample) => sample.heapUsedMiB !== undefined);
  return {
    memoryGrowing: heap.growing,
    heap: {
      ...heap,
      totalMiBAtEnd: round(lastHeapSample?.heapTotalMiB, 1),
      backingStoreMiBAtEnd: round(lastHeapSample?.backingStoreMiB, 1),
      note: 'The V8 heap of the isolate that runs the Worker and its Durable Objects, used bytes after a full collection (HeapProfiler.collectGarbage, then Runtime.getHeapUsage through the inspector), every 15 s.',
    },
    runtimeRss: {
      ...runtimeRss,
      secondHalfKiBPerRequest: perRequestKiB(runtimeRss.secondHalfSlopeMiBPerMinute),
      anonMiBAtEnd: round(samples.findLast((sample) => sample.runtimeAnonMiB !== null)?.runtimeAnonMiB, 1),
      note: 'VmRSS of workerd’s runtime process (the Worker, its Durable Objects and their SQLite, and miniflare’s local D1, R2, Queues and static assets), every 5 s. Not checked: under wrangler dev it grows with every request whatever the request does (about 17 KiB a GET /healthz, which touches no object; docs/capacity.md), so it cannot tell a leak of ours from the local runtime’s own growth.',
    },
    wranglerProxyRss: {
      ...proxyRss,
      secondHalfKiBPerRequest: perRequestKiB(proxyRss.secondHalfSlopeMiBPerMinute),
      note: 'VmRSS of wrangler dev’s proxy workerd (the process serving the dev port, which every request passes through before the runtime). Not checked: it does not exist on Cloudflare, and it grows with every request it forwards, static files that never reach the Worker included (docs/capacity.md).',
    },
    wranglerNodeRss: { ...describe('wranglerRssMiB'), note: 'VmRSS of wrangler’s own Node process. Not checked.' },
    allWorkerdRss: {
      ...describe('allWorkerdRssMiB'),
      note: 'Both workerd processes summed: what runs before this split reported as “workerd RSS”.',
    },
  };
}

const heapSnapshotFile = (moment) => path.join(resultsDirectory, `soak-${moment}.heapsnapshot`);

/** The end's heap snapshot beside the middle's: their totals, and the kinds of objects that grew most. */
async function compareHeapSnapshots(inspector, middleSnapshot) {
  progress('Taking a heap snapshot of the Worker’s isolate…');
  try {
    const middle = await middleSnapshot;
    const end = await inspector.heapSnapshot({ keepAs: heapSnapshotFile('end') });
    const totals = (summary) => (summary === undefined ? null : { objects: summary.total.count, mib: round(summary.total.bytes / 1024 / 1024, 1) });
    return {
      middle: totals(middle),
      end: totals(end),
      files: middle === undefined ? [heapSnapshotFile('end')] : [heapSnapshotFile('middle'), heapSnapshotFile('end')],
      grewMost: middle === undefined ? null : heapGrowth(middle, end).map((entry) => ({ ...entry, mibAfter: round(entry.bytesAfter / 1024 / 1024, 2) })),
      note: 'Self sizes by kind (objects by constructor name), from the middle of the run to its end; the files open in DevTools’ Memory tab.',
    };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

// --- the simulated people -----------------------------------------------------------------------------

function pickAction(random) {
  let roll = random() * totalWeight;
  for (const [kind, weight] of actionMix) {
    roll -= weight;
    if (roll < 0) return kind;
  }
  return actionMix[0][0];
}

const chatLines = [
  'I slept badly again, the neighbours were loud until two.',
  'Work was fine today, the planning meeting went better than I feared.',
  'Can you remind me what I said about the garden last week?',
  'I went for a run by the river this morning, 5 km.',
  'My sister is visiting on Saturday and I have not cleaned at all.',
  'I feel a bit anxious about the dentist tomorrow.',
];
const memoryLines = [
  'Prefers tea over coffee in the afternoon',
  'Sister Maya visits most Saturdays',
  'Training for a 10 km run in the spring',
  'Allergic to penicillin',
  'Works on the planning team at the library',
];

/**
 * One person's loop until `endsAt`: an action, a think pause, again. Each request is recorded as
 * { kind, atMs, ms, errorId? } in `records`; reminders set are noted in `person.reminders`.
 */
async function actAsPerson(baseUrl, person, options, endsAt, records, startedAt) {
  const random = Math.random;
  const call = async (kind, method, route, body) => {
    const sentAt = performance.now();
    let errorId;
    let answer;
    try {
      const response = await fetch(`${baseUrl}/api/v1${route}`, {
        method,
        headers: { authorization: `Bearer ${person.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(requestTimeoutMs),
      });
      const text = await response.text();
      if (!response.ok) {
        try {
          errorId = JSON.parse(text).error?.id;
        } catch {
          // Not the API's error shape: named by its status below.
        }
        errorId ??= `http-${response.status}`;
      } else if (text !== '') {
        answer = JSON.parse(text);
      }
    } catch (error) {
      errorId = error?.name === 'TimeoutError' ? 'timeout' : 'network';
    }
    records.push({ kind, atMs: sentAt - startedAt, ms: performance.now() - sentAt, ...(errorId === undefined ? {} : { errorId }) });
    return answer;
  };
  let turn = 0;
  while (Date.now() < endsAt) {
    const kind = pickAction(random);
    turn += 1;
    switch (kind) {
      case 'chat':
        await call(kind, 'POST', '/messages', { text: `${chatLines[turn % chatLines.length]} (${person.index}/${turn})` });
        break;
      case 'memory-create':
        await call(kind, 'POST', '/memories', { text: `${memoryLines[turn % memoryLines.length]} (${turn})` });
        break;
      case 'memory-list':
        await call(kind, 'GET', `/memories?limit=10${turn % 2 === 0 ? '&query=sister' : ''}`);
        break;
      case 'file-write': {
        // A handful of notes rewritten over and over: every write is a new version of one of them.
        const name = `notes/soak-${turn % 5}.md`;
        person.files.add(name);
        await call(kind, 'PUT', `/files/${name}`, { content: `# Note ${turn}\n\n${chatLines[turn % chatLines.length]}\n`.repeat(4) });
        break;
      }
      case 'file-read': {
        const name = [...person.files][turn % Math.max(1, person.files.size)];
        await call(kind, 'GET', name === undefined ? '/files' : `/files/${name}`);
        break;
      }
      case 'reminder-create': {
        // Due 3–15 s from now, so the objects' alarms fire during the run, mixed in with the rest.
        const dueAt = new Date(Date.now() + 3_000 + Math.floor(random() * 12_000)).toISOString();
        const reminder = await call(kind, 'POST', '/reminders', { text: `Soak reminder ${turn}`, dueAt });
        if (reminder?.id !== undefined) person.reminders.push({ id: reminder.id, dueAt });
        break;
      }
      case 'reminder-list':
        await call(kind, 'GET', '/reminders');
        break;
      case 'goal-create':
        await call(kind, 'POST', '/goals', { area: 'health', title: `Walk more (${turn})` });
        break;
      case 'goal-list':
        await call(kind, 'GET', '/goals');
        break;
      case 'mood-record':
        await call(kind, 'POST', '/moods', { score: 1 + (turn % 5), note: 'A soak day' });
        break;
      case 'mood-list':
        await call(kind, 'GET', '/moods?limit=20');
        break;
    }
    const pause = random() * 2 * options.thinkMs;
    if (Date.now() + pause < endsAt) await new Promise((resolve) => setTimeout(resolve, pause));
    else break;
  }
}

/** Reads every person's reminders back: those due before `dueBefore` must have been delivered once. */
async function checkReminders(baseUrl, people, dueBefore) {
  let expected = 0;
  let delivered = 0;
  let missing = 0;
  const lateness = [];
  for (const person of people) {
    const response = await fetch(`${baseUrl}/api/v1/reminders`, { headers: { authorization: `Bearer ${person.token}` } });
    if (!response.ok) {
      missing += person.reminders.length;
      continue;
    }
    const stored = new Map((await response.json()).reminders.map((reminder) => [reminder.id, reminder]));
    for (const set of person.reminders) {
      if (Date.parse(set.dueAt) > dueBefore) continue;
      expected += 1;
      const reminder = stored.get(set.id);
      if (reminder?.deliveredAt === undefined) {
        missing += 1;
        continue;
      }
      delivered += 1;
      lateness.push(Date.parse(reminder.deliveredAt) - Date.parse(reminder.dueAt));
    }
  }
  lateness.sort((left, right) => left - right);
  return {
    set: people.reduce((sum, person) => sum + person.reminders.length, 0),
    dueBeforeEnd: expected,
    delivered,
    notDelivered: missing,
    latenessMs: { p50: percentile(lateness, 50), p95: percentile(lateness, 95), max: percentile(lateness, 100) },
  };
}

// --- the run ------------------------------------------------------------------------------------------

export async function run(argv) {
  const options = readOptions(argv);
  if (options === undefined) return 1;
  if (options.help) return 0;
  const loadAverageAtStart = os.loadavg().map((load) => round(load));
  const cleanups = cleanUpOnExit();
  try {
    await rm(stateDirectory, { recursive: true, force: true });
    await mkdir(resultsDirectory, { recursive: true });
    progress('Building a snapshot of the Worker and the web app, and a fresh soak database…');
    const quiet = { stdio: ['ignore', 2, 2], env: localWranglerEnvironment() };
    const snapshot = await prepareSnapshot({ directory: snapshotDirectory, persistTo: persistDirectory, stepOptions: quiet });

    const model = await startFakeModel({ delayMs: options.delayMs, logFile: modelLogFile, host });
    cleanups.push(() => stopChild(model.child));
    // Each marker's answers are scripted once per chat turn a person could take (actions a run can hold,
    // times the chat share, doubled), which is more than either background call can ask for (a summary
    // every 12 messages, an extraction per burst of turns). Past the script the fake would echo ever
    // longer prompts, and the CPU would climb for a reason no real model gives.
    const actionsPerPerson = (options.minutes * 60_000) / Math.max(100, options.thinkMs);
    const chatShare = actionMix.find(([kind]) => kind === 'chat')[1] / totalWeight;
    const scriptedAnswers = Math.ceil(options.users * actionsPerPerson * chatShare * 2) + 100;
    await scriptBackgroundAnswers(model.url, { count: scriptedAnswers, delayMs: options.delayMs });

    const { server, port, baseUrl, inspectorPort } = await startBenchServer({
      port: options.port,
      host,
      persistTo: persistDirectory,
      snapshot,
      // Sign-up is not what this measures.
      variables: { ...fakeModelServerVariables(model.url), PASSWORD_HASH_LOG2_COST: '10' },
      logFile: serverLogFile,
      cleanups,
      withInspector: true,
    });
    // Attached before any load: wrangler's InspectorProxyWorker keeps every message of the runtime's
    // inspector (a console line of every request) in an array until a DevTools client attaches, so a
    // dev server nobody inspects grows for that alone. Attached, the messages are passed on and dropped.
    const inspector = await openInspector({ host, inspectorPort });
    cleanups.push(() => inspector.close());
    const processesOf = () => wranglerDevProcesses(server.pid, { host, port });

    progress(`Signing up ${options.users} people (not measured)…`);
    const tokens = await signUpUsers(baseUrl, options.users, { prefix: 'soak-user', concurrency: 4 });
    const people = tokens.map((token, index) => ({ index, token, files: new Set(), reminders: [] }));

    const records = [];
    const windows = [];
    const nudge = async () => {
      const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(5_000) });
      await response.body?.cancel();
    };
    const memory = await watchMemory({ processesOf, inspector, nudge });
    const { startedAt } = memory;
    const startedAtWall = Date.now();
    const endsAt = startedAtWall + options.minutes * 60_000;
    const cpuAtStart = cpuSeconds(processesOf().workerd);
    const runtimeCpuAtStart = cpuSeconds(processesOf().runtime);
    const atStart = memory.latest();
    progress(
      `Soaking: ${options.users} people for ${options.minutes} min, windows of ${options.windowSeconds} s; at start the Worker's V8 heap ${round(atStart.heapUsedMiB, 1)} MiB, workerd runtime RSS ${round(atStart.runtimeRssMiB, 1)} MiB, wrangler's proxy ${round(atStart.proxyRssMiB, 1)} MiB.`,
    );

    let windowStart = 0;
    const closeWindow = () => {
      const now = performance.now() - startedAt;
      const inWindow = records.filter((record) => record.atMs >= windowStart && record.atMs < now);
      const summary = summariseRequests(inWindow, (now - windowStart) / 1000);
      const latest = memory.latest();
      windows.push({
        index: windows.length,
        fromSeconds: round(windowStart / 1000, 1),
        toSeconds: round(now / 1000, 1),
        heapUsedMiB: round(latest.heapUsedMiB, 1),
        runtimeRssMiB: round(latest.runtimeRssMiB, 1),
        proxyRssMiB: round(latest.proxyRssMiB, 1),
        ...summary,
      });
      const slowest = Object.entries(summary.kinds).sort((left, right) => (right[1].p95 ?? 0) - (left[1].p95 ?? 0))[0];
      progress(
        `  window ${windows.length}: ${summary.requests} requests (${summary.perSecond}/s), errors ${JSON.stringify(summary.errorsById)}, slowest p95 ${slowest ? `${slowest[0]} ${format(slowest[1].p95)}` : 'n/a'}; V8 heap ${round(latest.heapUsedMiB, 1)} MiB, runtime RSS ${round(latest.runtimeRssMiB, 1)} MiB, wrangler's proxy ${round(latest.proxyRssMiB, 1)} MiB`,
      );
      windowStart = now;
    };
    const windowTimer = setInterval(closeWindow, options.windowSeconds * 1000);
    let middleSnapshot;
    const middleSnapshotTimer = options.heapSnapshots
      ? setTimeout(
          () => {
            middleSnapshot = inspector.heapSnapshot({ keepAs: heapSnapshotFile('middle') });
            middleSnapshot.catch(() => {});
            memory.pauseHeapFor(middleSnapshot);
          },
          (options.minutes * 60_000) / 2,
        )
      : undefined;
    await Promise.all(people.map((person) => actAsPerson(baseUrl, person, options, endsAt, records, startedAt)));
    clearInterval(windowTimer);
    // The last samples, then the last, possibly short, window (a person's last request may end a little after `endsAt`).
    await memory.stop();
    if (records.some((record) => record.atMs >= windowStart)) closeWindow();
    const measuredSeconds = (performance.now() - startedAt) / 1000;
    const cpuAtEnd = cpuSeconds(processesOf().workerd);
    const runtimeCpuAtEnd = cpuSeconds(processesOf().runtime);
    clearTimeout(middleSnapshotTimer);
    const heapSnapshots = options.heapSnapshots ? await compareHeapSnapshots(inspector, middleSnapshot) : undefined;

    // Reminders set last fall due up to 15 s after the end: wait for them, then read them all back.
    progress('Waiting for the last reminders to fall due, then reading every person’s reminders back…');
    const lastDue = Math.max(0, ...people.flatMap((person) => person.reminders.map((reminder) => Date.parse(reminder.dueAt))));
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(lastDue + 5_000 - Date.now(), 30_000))));
    const reminders = await checkReminders(baseUrl, people, Date.now() - 5_000);
    const backgroundModelCalls = await countBackgroundCalls(model.url);

    const memoryReport = reportMemory(memory.samples, records, options);
    const overall = summariseRequests(records, measuredSeconds);
    const report = {
      benchmark: 'soak',
      minutes: options.minutes,
      users: options.users,
      thinkMs: options.thinkMs,
      modelDelayMs: options.delayMs,
      windowSeconds: options.windowSeconds,
      measuredSeconds: round(measuredSeconds, 1),
      voice: 'not included: the voice bench keeps its audio fake inside itself; chat turns exercise the same model path',
      throughput: { requests: overall.requests, perSecond: overall.perSecond },
      kinds: overall.kinds,
      errorsById: overall.errorsById,
      errorRatio: overall.requests === 0 ? null : round(Object.values(overall.errorsById).reduce((sum, count) => sum + count, 0) / overall.requests, 4),
      windows,
      reminders,
      backgroundModelCalls,
      workerdCpuMsPerRequest:
        cpuAtStart === null || cpuAtEnd === null || overall.requests === 0 ? null : round(((cpuAtEnd - cpuAtStart) * 1000) / overall.requests, 2),
      runtimeCpuMsPerRequest:
        runtimeCpuAtStart === null || runtimeCpuAtEnd === null || overall.requests === 0
          ? null
          : round(((runtimeCpuAtEnd - runtimeCpuAtStart) * 1000) / overall.requests, 2),
      cpuNote:
        'workerdCpuMsPerRequest: both workerd processes, wrangler’s dev proxy included (as earlier runs reported it); runtimeCpuMsPerRequest: the runtime process alone (the Worker, its objects and the local simulators).',
      memory: memoryReport,
      ...(heapSnapshots === undefined ? {} : { heapSnapshots }),
      environment: {
        node: process.version,
        wrangler: packageVersion('wrangler'),
        workerd: packageVersion('wrangler/node_modules/workerd'),
        cpuCount: os.cpus().length,
        loadAverageAtStart,
        loadAverageAtEnd: os.loadavg().map((load) => round(load)),
        note: 'The simulated people, the fake model and wrangler dev + workerd share this machine’s cores with whatever else runs on it.',
        startedAt: new Date(startedAtWall).toISOString(),
      },
    };
    printSummary(report);
    await writeFile(resultsFile, `${JSON.stringify(report, null, 2)}\n`);
    progress(`Written to ${path.relative(root, resultsFile)}.`);
    process.stdout.write(`${JSON.stringify(report)}\n`);
    if ((report.errorRatio ?? 0) > allowedFailureRatio) {
      progress(`FAILED: ${report.errorRatio * 100}% of the requests failed (over ${allowedFailureRatio * 100}%).`);
      return 1;
    }
    if (reminders.notDelivered > 0) {
      progress(`FAILED: ${reminders.notDelivered} reminders due before the end were not delivered.`);
      return 1;
    }
    if (report.memory.memoryGrowing) {
      progress(
        `FAILED: the Worker's V8 heap kept growing over the second half: ${report.memory.heap.secondHalfSlopeMiBPerMinute} MiB a minute (limit ${report.memory.heap.slopeLimitMiBPerMinute}).`,
      );
      return 1;
    }
    return 0;
  } catch (error) {
    if (cleanups.interrupted) return 130;
    progress(`The benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
    progress(`Server log: ${path.relative(root, serverLogFile)}; model log: ${path.relative(root, modelLogFile)}.`);
    return 1;
  } finally {
    await cleanups.release();
  }
}

function printSummary(report) {
  const kindLines = Object.entries(report.kinds).map(
    ([kind, figures]) =>
      `    ${kind.padEnd(16)} ${String(figures.requests).padStart(6)} (${String(figures.perSecond).padStart(6)}/s)  p50 ${format(figures.p50)}  p95 ${format(figures.p95)}  p99 ${format(figures.p99)}  errors ${figures.errors}`,
  );
  const { memory, reminders } = report;
  const trend = (measure) =>
    `${measure.mibAtStart} → ${measure.mibAtEnd} MiB (max ${measure.mibMax}), second-half slope ${measure.secondHalfSlopeMiBPerMinute ?? 'n/a'} MiB/min`;
  const verdict = (measure) => `(limit ${measure.slopeLimitMiBPerMinute}): ${measure.growing ? 'GROWING' : 'bounded'}`;
  progress(
    [
      '',
      `Soak: ${report.users} people for ${formatSeconds(report.measuredSeconds * 1000)}, ${report.throughput.requests} requests (${report.throughput.perSecond}/s), workerd CPU ${report.workerdCpuMsPerRequest ?? 'n/a'} ms per request (the runtime alone ${report.runtimeCpuMsPerRequest ?? 'n/a'} ms)`,
      ...kindLines,
      `  Errors by id: ${JSON.stringify(report.errorsById)}`,
      `  Reminders: ${reminders.set} set, ${reminders.delivered} of ${reminders.dueBeforeEnd} due delivered, lateness p50 ${format(reminders.latenessMs.p50)} p95 ${format(reminders.latenessMs.p95)}`,
      `  The Worker's V8 heap after a full collection: ${trend(memory.heap)} ${verdict(memory.heap)}`,
      `  Not checked (local tooling grows per request, see the header): workerd runtime RSS ${trend(memory.runtimeRss)}, ${memory.runtimeRss.secondHalfKiBPerRequest ?? 'n/a'} KiB a request;`,
      `    wrangler's dev proxy RSS ${trend(memory.wranglerProxyRss)}, ${memory.wranglerProxyRss.secondHalfKiBPerRequest ?? 'n/a'} KiB a request; wrangler's Node RSS ${trend(memory.wranglerNodeRss)}`,
      ...(report.heapSnapshots?.grewMost
        ? [
            `  Heap snapshots: ${JSON.stringify(report.heapSnapshots.middle)} half-way, ${JSON.stringify(report.heapSnapshots.end)} at the end; grew most:`,
            ...report.heapSnapshots.grewMost.map((entry) => `    ${String(entry.bytes).padStart(10)} B ${String(entry.count).padStart(7)} × ${entry.kind}`),
          ]
        : []),
      `  Voice: ${report.voice}`,
      '',
    ].join('\n'),
  );
}

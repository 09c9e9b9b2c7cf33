// `npm run bench -- chat [--users 200] [--turns 5] [--delay-ms 50] [--port 0] [--timeout-ms 30000] [--profile]`
//
// How much latency Kindred adds to a chat turn over the model itself. Runs the whole stack locally:
// the fake OpenAI-compatible model answering after a fixed delay, and `wrangler dev --local` pointed
// at it. N users each hold a realtime WebSocket and send turns one after another; the time to the
// first `text-delta` minus the model's delay is what Kindred adds. The same load is then applied to
// the fake model directly, so both can be compared on the same machine in the same run. Kindred runs
// from a bundle made at the start, so editing the sources during a run cannot make wrangler reload it.
//
// The human summary goes to stderr; the last line of stdout is the JSON report, also written to
// bench-results/chat.json. Exits with 1 when more than 1% of the measured turns failed.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { format, formatSeconds, packageVersion, progress, round } from '../scripts/bench-support.mjs';
import {
  applyMigrations,
  buildWeb,
  bundleWorker,
  environmentWithThisNode,
  freePort,
  root,
  startWranglerDev,
  stopProcessGroup,
  waitForHealth,
} from '../scripts/local-server.mjs';

const host = '127.0.0.1';
/** Password hashing is deliberately slow (~130 ms of CPU each): more at once only queues on 2 cores. */
const signupConcurrency = 8;
const allowedFailureRatio = 0.01;
const targetAddedMs = { p50: 3, p99: 15 };
/** Wiped at every start, so benchmarks neither see nor pollute the developer's local data. */
const stateDirectory = path.join(root, '.wrangler/bench-state');
const persistDirectory = path.join(stateDirectory, 'data');
const snapshotDirectory = path.join(stateDirectory, 'snapshot');
const resultsDirectory = path.join(root, 'bench-results');
const resultsFile = path.join(resultsDirectory, 'chat.json');
const serverLogFile = path.join(resultsDirectory, 'chat-wrangler.log');
const modelLogFile = path.join(resultsDirectory, 'chat-fake-model.log');
const profileFile = path.join(resultsDirectory, 'chat-kindred.cpuprofile');
/** Microseconds between the profiler's samples: finer costs Kindred more CPU while it runs. */
const profileSamplingMicroseconds = 500;
const fakeModelCli = path.join(root, 'test-support/fake-openai/cli.ts');

const usage = `Usage: npm run bench -- chat [options]
  --users N        concurrent users (default 200)
  --turns N        measured turns per user, after one warm-up turn (default 5)
  --delay-ms N     the fake model's time to first token (default 50)
  --port N         port for wrangler dev; 0 picks a free one (default 0)
  --timeout-ms N   give up on a turn after this long (default 30000)
  --profile        also record a CPU profile of Kindred's Worker during its measured turns, into
                   bench-results/chat-kindred.cpuprofile (the profiler slows it: compare timings
                   only between runs without it)`;

export async function run(argv) {
  const options = readOptions(argv);
  if (options === undefined) return 1;
  if (options.help) return 0;

  const cleanups = [];
  let interrupted = false;
  const cleanUp = async () => {
    while (cleanups.length > 0) await cleanups.pop()();
  };
  // Ctrl+C must not leave workerd or the fake model running in the background.
  const onSignal = (signal) => {
    interrupted = true;
    progress(`Received ${signal}: stopping the servers.`);
    void cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    await rm(stateDirectory, { recursive: true, force: true });
    await mkdir(resultsDirectory, { recursive: true });
    progress('Building a snapshot of the Worker and the web app, and a fresh bench database…');
    // The child processes' output goes to stderr: stdout carries only the report.
    const quiet = { stdio: ['ignore', 2, 2], env: environmentWithThisNode() };
    await buildWeb(quiet);
    const snapshot = { script: path.join(snapshotDirectory, 'worker/index.js'), assets: path.join(snapshotDirectory, 'assets') };
    await bundleWorker(path.dirname(snapshot.script), quiet);
    await cp(path.join(root, 'web/dist'), snapshot.assets, { recursive: true });
    await applyMigrations({ persistTo: persistDirectory, ...quiet });

    const model = await startFakeModel(options.delayMs);
    cleanups.push(() => stopChild(model.child));
    progress(`Fake model on ${model.url}, first token after ${options.delayMs} ms.`);

    const port = options.port === 0 ? await freePort(host) : options.port;
    const baseUrl = `http://${host}:${port}`;
    const inspectorPort = await freePort(host);
    const serverLog = openSync(serverLogFile, 'w');
    const server = startWranglerDev({
      port,
      host,
      inspectorPort,
      persistTo: persistDirectory,
      snapshot,
      variables: {
        LLM_PROVIDER: 'openai-compatible',
        LLM_BASE_URL: model.url,
        LLM_MODEL: 'fake',
        MASTER_KEY: randomBytes(32).toString('base64'),
        // The developer's .dev.vars may name other providers; the benchmark measures chat alone.
        EMBEDDINGS_PROVIDER: 'none',
        STT_PROVIDER: 'none',
        TTS_PROVIDER: 'none',
        VECTOR_INDEX: 'local',
      },
      stdio: ['ignore', serverLog, serverLog],
    });
    cleanups.push(async () => {
      await stopProcessGroup(server);
      closeSync(serverLog);
    });
    progress(`Starting wrangler dev on ${baseUrl} (log: ${path.relative(root, serverLogFile)})…`);
    await waitForHealth(baseUrl, { child: server, timeoutMs: 120_000 });

    progress(`Signing up ${options.users} users, ${signupConcurrency} at a time (not measured)…`);
    const signupStartedAt = performance.now();
    const tokens = await signUpUsers(baseUrl, options.users);
    progress(`Signed up in ${formatSeconds(performance.now() - signupStartedAt)}.`);

    const processes = { serverPid: server.pid, serverPort: port, modelPid: model.child.pid };
    progress(`Direct: ${options.users} clients × ${options.turns} turns against the fake model…`);
    const direct = await measurePhase(processes, options, (index) => directUser(model.url, index, options));
    progress(`Kindred: ${options.users} WebSocket users × ${options.turns} turns…`);
    let profiler;
    let profile;
    const kindred = await measurePhase(processes, options, (index) => kindredUser(baseUrl, tokens[index], index, options), {
      onWindowStart: async () => {
        if (options.profile) profiler = await startProfiler(inspectorPort);
      },
      onWindowEnd: async () => {
        profile = await profiler?.stop();
      },
    });

    const report = buildReport(options, direct, kindred);
    if (profile !== undefined) {
      await writeFile(profileFile, JSON.stringify(profile));
      report.kindred.profile = { file: path.relative(root, profileFile), ...summariseProfile(profile) };
    }
    printSummary(report);
    await writeFile(resultsFile, `${JSON.stringify(report, null, 2)}\n`);
    progress(`Written to ${path.relative(root, resultsFile)}.`);
    process.stdout.write(`${JSON.stringify(report)}\n`);
    const failedRatio = report.kindred.errors / report.kindred.turns;
    if (failedRatio > allowedFailureRatio) {
      progress(`FAILED: ${report.kindred.errors} of ${report.kindred.turns} turns failed (over ${allowedFailureRatio * 100}%).`);
      return 1;
    }
    return 0;
  } catch (error) {
    // Stopping the servers on a signal makes the requests in flight fail; that is not the news.
    if (interrupted) return 130;
    progress(`The benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
    progress(`Server log: ${path.relative(root, serverLogFile)}; model log: ${path.relative(root, modelLogFile)}.`);
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanUp();
  }
}

function readOptions(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        users: { type: 'string', default: '200' },
        turns: { type: 'string', default: '5' },
        'delay-ms': { type: 'string', default: '50' },
        port: { type: 'string', default: '0' },
        'timeout-ms': { type: 'string', default: '30000' },
        profile: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    console.error(`${error.message}\n${usage}`);
    return undefined;
  }
  if (values.help) {
    console.error(usage);
    return { help: true };
  }
  const integer = (name, minimum) => {
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < minimum) throw new Error(`--${name} must be an integer of at least ${minimum}, got "${values[name]}".`);
    return value;
  };
  try {
    return {
      users: integer('users', 1),
      turns: integer('turns', 1),
      delayMs: integer('delay-ms', 0),
      port: integer('port', 0),
      timeoutMs: integer('timeout-ms', 1),
      profile: values.profile,
    };
  } catch (error) {
    console.error(`${error.message}\n${usage}`);
    return undefined;
  }
}

// --- processes --------------------------------------------------------------------------------------

/**
 * The fake model runs in a process of its own rather than inside this one: its CPU is then counted
 * apart from the client's, and the client's busy event loop cannot delay the model's first token.
 */
async function startFakeModel(delayMs) {
  const log = openSync(modelLogFile, 'w');
  const child = spawn(
    process.execPath,
    ['--experimental-strip-types', '--disable-warning=ExperimentalWarning', fakeModelCli, '--host', host, '--port', '0', '--delay-ms', String(delayMs)],
    { cwd: root, stdio: ['ignore', 'pipe', log] },
  );
  child.once('exit', () => closeSync(log));
  const url = await new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`The fake model did not start within 20 s (log: ${modelLogFile}).`));
    }, 20_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /listening on (http:\/\/\S+\/v1)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The fake model exited with ${code} (log: ${modelLogFile}).`));
    });
  });
  return { child, url };
}

async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

const clockTicksPerSecond = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Every live process's parent, name and CPU time (user + system), from /proc; empty off Linux. */
function readProcessTable() {
  const table = new Map();
  if (!existsSync('/proc/self/stat')) return table;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // The name sits in parentheses and may itself contain spaces or parentheses.
    const nameEnd = stat.lastIndexOf(')');
    const name = stat.slice(stat.indexOf('(') + 1, nameEnd);
    const fields = stat.slice(nameEnd + 2).split(' ');
    const cpuMs = ((Number(fields[11]) + Number(fields[12])) / clockTicksPerSecond) * 1000;
    table.set(Number(entry), { parent: Number(fields[1]), name, cpuMs });
  }
  return table;
}

function descendantsOf(pid, table) {
  const found = [];
  const queue = [pid];
  while (queue.length > 0) {
    const current = queue.shift();
    for (const [candidate, entry] of table) {
      if (entry.parent === current) {
        found.push(candidate);
        queue.push(candidate);
      }
    }
  }
  return found;
}

/**
 * CPU used so far by wrangler's two workerd processes (the one running Kindred's Worker and Durable
 * Objects, and the proxy in front of it that owns the public port), by wrangler's other processes
 * (Node and its helpers), by the fake model and by this client.
 */
function sampleCpu({ serverPid, serverPort, modelPid }) {
  const table = readProcessTable();
  const serverTree = [serverPid, ...descendantsOf(serverPid, table)].filter((pid) => table.has(pid));
  const ownsPublicPort = new RegExp(`--socket-addr=entry=\\S+:${serverPort} `);
  let workerMs = 0;
  let proxyMs = 0;
  let otherMs = 0;
  for (const pid of serverTree) {
    const entry = table.get(pid);
    if (!entry.name.startsWith('workerd')) otherMs += entry.cpuMs;
    else if (ownsPublicPort.test(commandLine(pid))) proxyMs += entry.cpuMs;
    else workerMs += entry.cpuMs;
  }
  const client = process.cpuUsage();
  return {
    available: table.size > 0,
    workerMs,
    proxyMs,
    wranglerMs: otherMs,
    modelMs: table.get(modelPid)?.cpuMs ?? 0,
    clientMs: (client.user + client.system) / 1000,
    machineBusyMs: readMachineBusyMs(),
    ours: new Set([...serverTree, modelPid, process.pid]),
    table,
  };
}

/** The other processes that used the most CPU between two samples, to name what competed with the run. */
function busiestOthers(before, after, count = 3) {
  const usage = new Map();
  for (const [pid, entry] of after.table) {
    if (after.ours.has(pid) || before.ours.has(pid)) continue;
    const cpuMs = entry.cpuMs - (before.table.get(pid)?.cpuMs ?? 0);
    if (cpuMs <= 0) continue;
    // Node names its main thread `MainThread`: the program and its first argument say more.
    const [program, firstArgument] = commandLine(pid).trim().split(' ');
    const name = program
      ? [program, firstArgument]
          .filter(Boolean)
          .map((part) => path.basename(part))
          .join(' ')
      : entry.name;
    usage.set(name, (usage.get(name) ?? 0) + cpuMs);
  }
  return [...usage.entries()]
    .sort((left, right) => right[1] - left[1])
    .slice(0, count)
    .map(([name, cpuMs]) => ({ name, cpuMs: round(cpuMs) }));
}

/** CPU time all cores have spent busy since boot (not idle, not waiting for I/O), from /proc/stat. */
function readMachineBusyMs() {
  try {
    // The first line is `cpu user nice system idle iowait irq softirq steal …`; guest time is already in user.
    const ticks = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
    const idleTicks = ticks[3] + ticks[4];
    const allTicks = ticks.reduce((total, value) => total + value, 0);
    return ((allTicks - idleTicks) / clockTicksPerSecond) * 1000;
  } catch {
    return 0;
  }
}

function commandLine(pid) {
  try {
    return `${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')} `;
  } catch {
    return '';
  }
}

// --- profile ----------------------------------------------------------------------------------------

/**
 * Starts V8's sampling profiler in Kindred's isolate (the Worker and its Durable Objects) through
 * the DevTools protocol that wrangler serves on the inspector port.
 */
async function startProfiler(inspectorPort) {
  // wrangler's inspector proxy only accepts local origins; a DevTools window would send one.
  const socket = new WebSocket(`ws://${host}:${inspectorPort}/ws`, { headers: { origin: 'http://localhost' } });
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve, { once: true });
    socket.addEventListener('error', () => reject(new Error(`Could not reach the inspector on port ${inspectorPort}.`)), { once: true });
  });
  const waiting = new Map();
  let lastId = 0;
  socket.addEventListener('message', (event) => {
    // Events (console output, among others) arrive too; only the answers carry one of our ids. workerd
    // answers a command without a result by echoing it, so an id is all an answer is sure to have.
    const message = JSON.parse(String(event.data));
    waiting.get(message.id)?.(message);
    waiting.delete(message.id);
  });
  const call = (method, params = {}) =>
    new Promise((resolve, reject) => {
      lastId += 1;
      // A profiler that never answers must not hold the benchmark (and the servers) forever.
      const timer = setTimeout(() => reject(new Error(`The inspector did not answer ${method} within 60 s.`)), 60_000);
      waiting.set(lastId, (message) => {
        clearTimeout(timer);
        if (message.error) reject(new Error(`${method}: ${message.error.message}`));
        else resolve(message.result);
      });
      socket.send(JSON.stringify({ id: lastId, method, params }));
    });
  await call('Profiler.enable');
  await call('Profiler.setSamplingInterval', { interval: profileSamplingMicroseconds });
  await call('Profiler.start');
  return {
    stop: async () => {
      const { profile } = await call('Profiler.stop');
      socket.close();
      return profile;
    },
  };
}

/** Where the sampled time went: the functions with the most time of their own, and with their callees. */
function summariseProfile(profile) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const label = (node) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const place = url ? ` ${path.basename(url)}:${lineNumber + 1}` : '';
    return `${functionName || '(anonymous)'}${place}`;
  };
  const selfMs = new Map();
  const totalMs = new Map();
  let sampledMs = 0;
  profile.samples.forEach((nodeId, index) => {
    const milliseconds = (profile.timeDeltas[index] ?? 0) / 1000;
    sampledMs += milliseconds;
    const leaf = nodes.get(nodeId);
    selfMs.set(label(leaf), (selfMs.get(label(leaf)) ?? 0) + milliseconds);
    // Each function counts once per sample, however deep it recurses.
    const seen = new Set();
    for (let current = nodeId; current !== undefined; current = parents.get(current)) {
      const name = label(nodes.get(current));
      if (seen.has(name)) continue;
      seen.add(name);
      totalMs.set(name, (totalMs.get(name) ?? 0) + milliseconds);
    }
  });
  const top = (table, count) =>
    [...table.entries()]
      .sort((left, right) => right[1] - left[1])
      .slice(0, count)
      .map(([name, milliseconds]) => ({ name, ms: round(milliseconds, 1), percent: round((milliseconds / sampledMs) * 100, 1) }));
  return { sampledMs: round(sampledMs), topSelf: top(selfMs, 20), topTotal: top(totalMs, 30) };
}

// --- load ---------------------------------------------------------------------------------------------

async function signUpUsers(baseUrl, count) {
  const tokens = new Array(count);
  let next = 0;
  const password = randomBytes(12).toString('base64url');
  const signUpNext = async () => {
    while (next < count) {
      const index = next;
      next += 1;
      const response = await fetch(`${baseUrl}/api/v1/auth/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: `bench-user-${index}@example.com`, password }),
      });
      const body = await response.text();
      if (response.status !== 201) throw new Error(`Signing up user ${index} answered ${response.status}: ${body.slice(0, 300)}`);
      tokens[index] = JSON.parse(body).token;
    }
  };
  await Promise.all(Array.from({ length: Math.min(signupConcurrency, count) }, signUpNext));
  return tokens;
}

/**
 * Runs one phase: every user gets ready (connects and completes a warm-up turn), then, once all are
 * ready, the measured window starts and every user sends its turns one after another.
 */
async function measurePhase(processes, options, startUser, { onWindowStart, onWindowEnd } = {}) {
  const users = await Promise.all(Array.from({ length: options.users }, (_, index) => startUser(index)));
  const warmUpErrors = countBy(users.map((user) => user.warmUpError).filter(Boolean));
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  await onWindowStart?.();
  loopDelay.enable();
  const cpuBefore = sampleCpu(processes);
  const startedAt = performance.now();
  const turns = (await Promise.all(users.map((user) => user.sendTurns(options.turns)))).flat();
  const windowMs = performance.now() - startedAt;
  const cpuAfter = sampleCpu(processes);
  loopDelay.disable();
  await onWindowEnd?.();
  await Promise.all(users.map((user) => user.close()));
  return {
    turns,
    warmUpErrors,
    windowMs,
    cpu: {
      available: cpuAfter.available,
      workerMs: cpuAfter.workerMs - cpuBefore.workerMs,
      proxyMs: cpuAfter.proxyMs - cpuBefore.proxyMs,
      wranglerMs: cpuAfter.wranglerMs - cpuBefore.wranglerMs,
      modelMs: cpuAfter.modelMs - cpuBefore.modelMs,
      clientMs: cpuAfter.clientMs - cpuBefore.clientMs,
      machineBusyMs: cpuAfter.machineBusyMs - cpuBefore.machineBusyMs,
      busiestOthers: busiestOthers(cpuBefore, cpuAfter),
    },
    eventLoopDelayMs: {
      p50: round(loopDelay.percentile(50) / 1e6),
      p99: round(loopDelay.percentile(99) / 1e6),
      max: round(loopDelay.max / 1e6),
    },
  };
}

function turnText(userIndex, turnIndex) {
  return `Benchmark turn ${turnIndex} from user ${userIndex}: how are you today?`;
}

/** One Kindred user: a realtime WebSocket, one warm-up turn, then the measured turns in sequence. */
async function kindredUser(baseUrl, token, userIndex, options) {
  const url = `${baseUrl.replace(/^http/, 'ws')}/api/v1/realtime?token=${encodeURIComponent(token)}`;
  const connection = new RealtimeConnection(url);
  let warmUpError;
  try {
    await connection.opened;
    const warmUp = await connection.turn(turnText(userIndex, 'warm-up'), options.timeoutMs);
    warmUpError = warmUp.errorId;
  } catch (error) {
    warmUpError = error.message;
  }
  return {
    warmUpError,
    sendTurns: async (count) => {
      const results = [];
      for (let turnIndex = 0; turnIndex < count; turnIndex += 1) {
        // A timed-out turn may still be running on the server and would answer the next one.
        if (!connection.usable) {
          results.push({ errorId: connection.failure ?? 'not-connected' });
          continue;
        }
        results.push(await connection.turn(turnText(userIndex, turnIndex), options.timeoutMs));
      }
      return results;
    },
    close: () => connection.close(),
  };
}

class RealtimeConnection {
  #socket;
  #turn;
  #closed;
  failure;
  usable = false;

  constructor(url) {
    this.#socket = new WebSocket(url);
    this.#closed = new Promise((resolve) => this.#socket.addEventListener('close', resolve, { once: true }));
    this.opened = new Promise((resolve, reject) => {
      this.#socket.addEventListener(
        'open',
        () => {
          this.usable = true;
          resolve();
        },
        { once: true },
      );
      this.#socket.addEventListener('close', (event) => reject(new Error(`connect-failed-${event.code}`)), { once: true });
    });
    this.#socket.addEventListener('message', (event) => this.#receive(event.data));
    this.#socket.addEventListener('close', (event) => {
      this.#stop(`connection-closed-${event.code}`);
    });
  }

  turn(text, timeoutMs) {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.#stop('timeout'), timeoutMs);
      this.#turn = { sentAt: performance.now(), userMessageAt: undefined, messageStartAt: undefined, firstDeltaAt: undefined, timer, resolve };
      this.#socket.send(JSON.stringify({ type: 'message-send', text }));
    });
  }

  #receive(data) {
    // Stamped before parsing, so the client's own JSON work is not counted as Kindred's latency.
    const receivedAt = performance.now();
    const turn = this.#turn;
    if (turn === undefined) return;
    let frame;
    try {
      frame = JSON.parse(String(data));
    } catch {
      this.#settle({ errorId: 'invalid-frame' });
      return;
    }
    if (frame.type === 'text-delta') {
      turn.firstDeltaAt ??= receivedAt;
    } else if (frame.type === 'user-message') {
      turn.userMessageAt ??= receivedAt;
    } else if (frame.type === 'message-start') {
      turn.messageStartAt ??= receivedAt;
    } else if (frame.type === 'message-end') {
      const failed = frame.message?.status !== 'complete';
      const since = (at) => (at === undefined ? undefined : at - turn.sentAt);
      this.#settle({
        userMessageMs: since(turn.userMessageAt),
        messageStartMs: since(turn.messageStartAt),
        ttftMs: since(turn.firstDeltaAt),
        completeMs: receivedAt - turn.sentAt,
        ...(failed ? { errorId: frame.message?.errorId ?? 'message-failed' } : {}),
      });
    } else if (frame.type === 'error') {
      this.#settle({ errorId: frame.id ?? 'error', errorMessage: frame.message });
    }
  }

  #settle(result) {
    const turn = this.#turn;
    if (turn === undefined) return;
    this.#turn = undefined;
    clearTimeout(turn.timer);
    turn.resolve(result);
  }

  /** Ends the turn in flight as failed and takes the connection out of use. */
  #stop(reason) {
    this.usable = false;
    this.failure ??= reason;
    this.#settle({ errorId: reason });
  }

  async close() {
    this.usable = false;
    if (this.#socket.readyState === WebSocket.CLOSED) return;
    this.#socket.close(1000, 'benchmark done');
    await Promise.race([this.#closed, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
  }
}

/** One direct client: streamed chat completions straight to the fake model, like Kindred's turns. */
async function directUser(modelUrl, userIndex, options) {
  let warmUpError;
  try {
    warmUpError = (await directTurn(modelUrl, turnText(userIndex, 'warm-up'), options.timeoutMs)).errorId;
  } catch (error) {
    warmUpError = error.message;
  }
  return {
    warmUpError,
    sendTurns: async (count) => {
      const results = [];
      for (let turnIndex = 0; turnIndex < count; turnIndex += 1) {
        results.push(await directTurn(modelUrl, turnText(userIndex, turnIndex), options.timeoutMs));
      }
      return results;
    },
    close: async () => {},
  };
}

async function directTurn(modelUrl, text, timeoutMs) {
  const sentAt = performance.now();
  try {
    const response = await fetch(`${modelUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fake', stream: true, messages: [{ role: 'user', content: text }] }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok || response.body === null) {
      await response.body?.cancel();
      return { errorId: `http-${response.status}` };
    }
    const decoder = new TextDecoder();
    let pending = '';
    let firstContentAt;
    for await (const chunk of response.body) {
      const receivedAt = performance.now();
      if (firstContentAt !== undefined) continue;
      pending += decoder.decode(chunk, { stream: true });
      const events = pending.split('\n\n');
      pending = events.pop() ?? '';
      // The first event carries the role with empty content; the first token is the first non-empty content.
      if (events.some(hasContent)) firstContentAt = receivedAt;
    }
    const completedAt = performance.now();
    if (firstContentAt === undefined) return { errorId: 'no-content' };
    return { ttftMs: firstContentAt - sentAt, completeMs: completedAt - sentAt };
  } catch (error) {
    return { errorId: error.name === 'TimeoutError' ? 'timeout' : 'fetch-failed', errorMessage: error.message };
  }
}

function hasContent(event) {
  const data = event.trim();
  if (!data.startsWith('data: ') || data === 'data: [DONE]') return false;
  try {
    const content = JSON.parse(data.slice('data: '.length)).choices?.[0]?.delta?.content;
    return typeof content === 'string' && content.length > 0;
  } catch {
    return false;
  }
}

// --- report -------------------------------------------------------------------------------------------

function percentiles(values) {
  const sorted = values.filter((value) => value !== undefined).sort((left, right) => left - right);
  // Nearest rank: the smallest value with at least p% of the values at or below it.
  const at = (percent) => (sorted.length === 0 ? null : round(sorted[Math.max(0, Math.ceil((percent / 100) * sorted.length) - 1)]));
  return { p50: at(50), p95: at(95), p99: at(99) };
}

function countBy(values) {
  const counts = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

function summarisePhase(phase) {
  const succeeded = phase.turns.filter((turn) => turn.errorId === undefined);
  const failed = phase.turns.filter((turn) => turn.errorId !== undefined);
  const turnCount = phase.turns.length;
  const ourCpuMs = phase.cpu.workerMs + phase.cpu.proxyMs + phase.cpu.wranglerMs + phase.cpu.modelMs + phase.cpu.clientMs;
  const perTurn = (milliseconds) => (phase.cpu.available ? round(milliseconds / turnCount, 3) : null);
  return {
    turns: turnCount,
    ttftMs: percentiles(succeeded.map((turn) => turn.ttftMs)),
    completeMs: percentiles(succeeded.map((turn) => turn.completeMs)),
    userMessageMs: percentiles(succeeded.map((turn) => turn.userMessageMs)),
    messageStartMs: percentiles(succeeded.map((turn) => turn.messageStartMs)),
    errors: failed.length,
    errorIds: countBy(failed.map((turn) => turn.errorId)),
    errorSamples: [...new Set(failed.map((turn) => turn.errorMessage).filter(Boolean))].slice(0, 5),
    warmUpErrors: phase.warmUpErrors,
    windowMs: round(phase.windowMs),
    turnsPerSecond: round((succeeded.length / phase.windowMs) * 1000),
    cpuMsPerTurn: {
      workerd: perTurn(phase.cpu.workerMs + phase.cpu.proxyMs),
      workerdKindred: perTurn(phase.cpu.workerMs),
      workerdProxy: perTurn(phase.cpu.proxyMs),
      wranglerNode: perTurn(phase.cpu.wranglerMs),
      fakeModel: perTurn(phase.cpu.modelMs),
      client: round(phase.cpu.clientMs / turnCount, 3),
      // Whatever else ran on the machine meanwhile (other people's tests, the kernel): it competed for the same
      // cores. Clock ticks of 10 ms can make the difference slightly negative on a quiet machine.
      restOfMachine: perTurn(Math.max(0, phase.cpu.machineBusyMs - ourCpuMs)),
    },
    machineBusyPercent: phase.cpu.available ? round((phase.cpu.machineBusyMs / (phase.windowMs * os.cpus().length)) * 100, 1) : null,
    busiestOtherProcesses: phase.cpu.busiestOthers,
    clientEventLoopDelayMs: phase.eventLoopDelayMs,
    ttftSamples: succeeded.map((turn) => turn.ttftMs),
  };
}

function buildReport(options, directPhase, kindredPhase) {
  const direct = summarisePhase(directPhase);
  const kindred = summarisePhase(kindredPhase);
  const added = percentiles(kindred.ttftSamples.map((ttft) => ttft - options.delayMs));
  const overDirect = (percent) =>
    kindred.ttftMs[percent] === null || direct.ttftMs[percent] === null ? null : round(kindred.ttftMs[percent] - direct.ttftMs[percent]);
  const ratio = (percent) => (kindred.ttftMs[percent] === null || !direct.ttftMs[percent] ? null : round(kindred.ttftMs[percent] / direct.ttftMs[percent], 3));
  const cores = os.cpus();
  return {
    benchmark: 'chat',
    users: options.users,
    turnsPerUser: options.turns,
    modelDelayMs: options.delayMs,
    kindred: {
      ttftMs: kindred.ttftMs,
      completeMs: kindred.completeMs,
      // Where the time goes: the stored user message and the assistant's start come back before the model is asked.
      userMessageMs: kindred.userMessageMs,
      messageStartMs: kindred.messageStartMs,
      errors: kindred.errors,
      turns: kindred.turns,
      errorIds: kindred.errorIds,
      errorSamples: kindred.errorSamples,
      warmUpErrors: kindred.warmUpErrors,
      windowMs: kindred.windowMs,
      cpuMsPerTurn: kindred.cpuMsPerTurn,
      machineBusyPercent: kindred.machineBusyPercent,
      busiestOtherProcesses: kindred.busiestOtherProcesses,
      clientEventLoopDelayMs: kindred.clientEventLoopDelayMs,
    },
    direct: {
      ttftMs: direct.ttftMs,
      completeMs: direct.completeMs,
      errors: direct.errors,
      turns: direct.turns,
      errorIds: direct.errorIds,
      warmUpErrors: direct.warmUpErrors,
      windowMs: direct.windowMs,
      turnsPerSecond: direct.turnsPerSecond,
      cpuMsPerTurn: direct.cpuMsPerTurn,
      machineBusyPercent: direct.machineBusyPercent,
      clientEventLoopDelayMs: direct.clientEventLoopDelayMs,
    },
    addedLatencyMs: added,
    addedOverDirectMs: { p50: overDirect('p50'), p95: overDirect('p95'), p99: overDirect('p99') },
    ratio: { p50: ratio('p50'), p99: ratio('p99') },
    target: {
      addedP50Ms: targetAddedMs.p50,
      addedP99Ms: targetAddedMs.p99,
      met: added.p50 !== null && added.p99 !== null && added.p50 <= targetAddedMs.p50 && added.p99 <= targetAddedMs.p99,
    },
    turnsPerSecond: kindred.turnsPerSecond,
    serverCpuMsPerTurn: kindred.cpuMsPerTurn.workerd,
    clientCpuMsPerTurn: kindred.cpuMsPerTurn.client,
    environment: {
      node: process.version,
      wrangler: packageVersion('wrangler'),
      workerd: packageVersion('wrangler/node_modules/workerd'),
      platform: `${os.platform()} ${os.release()} ${os.arch()}`,
      cpuModel: cores[0]?.model ?? 'unknown',
      cpuCount: cores.length,
      memoryGiB: round(os.totalmem() / 2 ** 30, 1),
      loadAverageAtEnd: os.loadavg().map((load) => round(load)),
      note: `The benchmark client, the fake model and the server (wrangler dev + workerd) share the same ${cores.length} CPU cores, so each phase's latency includes waiting for the others' CPU. serverCpuMsPerTurn counts both workerd processes under wrangler: Kindred's Worker with its Durable Objects (kindred.cpuMsPerTurn.workerdKindred) and the local proxy wrangler puts in front of it (workerdProxy), which a deployment does not have; wrangler's Node process is apart (wranglerNode). Other work on the machine (see loadAverageAtEnd) skews every figure.`,
      startedAt: new Date().toISOString(),
    },
  };
}

function printSummary(report) {
  const line = (label, values) => `  ${label.padEnd(30)} p50 ${format(values.p50)}  p95 ${format(values.p95)}  p99 ${format(values.p99)}`;
  const cpu = report.kindred.cpuMsPerTurn;
  progress(
    [
      '',
      `Chat benchmark: ${report.users} users × ${report.turnsPerUser} turns, model first token after ${report.modelDelayMs} ms`,
      line('Kindred time to first token', report.kindred.ttftMs),
      line('Kindred time to user-message', report.kindred.userMessageMs),
      line('Kindred time to message-start', report.kindred.messageStartMs),
      line('Kindred time to message-end', report.kindred.completeMs),
      line('Direct time to first token', report.direct.ttftMs),
      line('Direct time to last byte', report.direct.completeMs),
      line('Added over the model delay', report.addedLatencyMs),
      line('Added over direct', report.addedOverDirectMs),
      `  Ratio Kindred / direct          p50 ${report.ratio.p50}×  p99 ${report.ratio.p99}×`,
      `  Target (≤ ${report.target.addedP50Ms} ms p50, ≤ ${report.target.addedP99Ms} ms p99 added): ${report.target.met ? 'met' : 'NOT met'}`,
      `  Turns per second                Kindred ${report.turnsPerSecond}  direct ${report.direct.turnsPerSecond}`,
      `  CPU per turn (ms)               workerd ${cpu.workerd} (Kindred ${cpu.workerdKindred}, proxy ${cpu.workerdProxy})  wrangler Node ${cpu.wranglerNode}  fake model ${cpu.fakeModel}  client ${cpu.client}  rest of machine ${cpu.restOfMachine}`,
      `  Machine busy during Kindred     ${report.kindred.machineBusyPercent}% of all cores`,
      ...otherLoadWarning(cpu, report.kindred.busiestOtherProcesses),
      `  Client event-loop delay (ms)    Kindred p99 ${report.kindred.clientEventLoopDelayMs.p99}  direct p99 ${report.direct.clientEventLoopDelayMs.p99}`,
      `  Errors                          Kindred ${report.kindred.errors}/${report.kindred.turns} ${JSON.stringify(report.kindred.errorIds)}  direct ${report.direct.errors}/${report.direct.turns}`,
      `  Note: ${report.environment.note}`,
      ...(report.kindred.profile === undefined ? [] : profileLines(report.kindred.profile)),
      '',
    ].join('\n'),
  );
}

/** Other people's work on a shared machine competes for the cores and makes a run incomparable. */
function otherLoadWarning(cpu, busiestOthers) {
  if (cpu.restOfMachine === null) return [];
  const ours = cpu.workerd + cpu.wranglerNode + cpu.fakeModel + cpu.client;
  const share = cpu.restOfMachine / (ours + cpu.restOfMachine);
  if (share < 0.1) return [];
  // Processes that ended within the window are not named, but their time is in the share.
  const named = busiestOthers.map((other) => `${other.name} ${Math.round(other.cpuMs)} ms`).join(', ');
  return [
    `  WARNING: other processes used ${Math.round(share * 100)}% of the busy CPU during the Kindred window; rerun on a quiet machine.`,
    `           Busiest of them still running: ${named || 'none (they ended within the window)'}.`,
  ];
}

function profileLines(profile) {
  const rows = (entries) => entries.map((entry) => `    ${`${entry.percent}%`.padStart(6)} ${`${entry.ms} ms`.padStart(10)}  ${entry.name}`);
  return [
    `  CPU profile of Kindred's Worker (${profile.file}; the profiler slowed this run):`,
    '  Most time of their own:',
    ...rows(profile.topSelf.slice(0, 12)),
    '  Most time with their callees:',
    ...rows(profile.topTotal.slice(0, 20)),
  ];
}

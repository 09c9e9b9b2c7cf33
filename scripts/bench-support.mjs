// Small helpers every benchmark shares: figures for the report, and people to measure with.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { freePort, root, startWranglerDev, stopProcessGroup, waitForHealth } from './local-server.mjs';

/** Rounds for the JSON report; a missing or infinite value is reported as null. */
export function round(value, digits = 2) {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** Milliseconds, aligned for the human summary. */
/** The value at `fraction` (0 to 1) of `sorted`, ascending: the element a `fraction` of the way along, the last for 1. */
export function percentile(sorted, fraction) {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))];
}

export function format(value) {
  return value === null || value === undefined ? '   n/a' : `${value.toFixed(1).padStart(6)} ms`;
}

export function formatSeconds(milliseconds) {
  return `${(milliseconds / 1000).toFixed(1)} s`;
}

/** Progress goes to stderr: stdout's last line is the JSON result. */
export function progress(message) {
  process.stderr.write(`${message}\n`);
}

/** The installed version of a package, for the report's environment. */
export function packageVersion(name) {
  try {
    return JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

/**
 * Signs up `count` people on a running server, `concurrency` at a time (not measured by any
 * benchmark), and answers their session tokens in order. Emails are `<prefix>-<index>@example.com`.
 */
export async function signUpUsers(baseUrl, count, { prefix = 'bench-user', concurrency = 8 } = {}) {
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
        body: JSON.stringify({ email: `${prefix}-${index}@example.com`, password }),
      });
      const body = await response.text();
      if (response.status !== 201) throw new Error(`Signing up user ${index} answered ${response.status}: ${body.slice(0, 300)}`);
      tokens[index] = JSON.parse(body).token;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, signUpNext));
  return tokens;
}

/**
 * What a benchmark must undo however it ends (servers, fakes), undone last first by `release()`; on
 * Ctrl+C or SIGTERM too, and then the process exits 130, so no workerd or fake is left running.
 * `interrupted` tells a failure caused by that stop (requests in flight fail) from a real one.
 */
export function cleanUpOnExit() {
  const cleanups = [];
  let interrupted = false;
  const cleanUp = async () => {
    while (cleanups.length > 0) await cleanups.pop()();
  };
  const onSignal = (signal) => {
    interrupted = true;
    progress(`Received ${signal}: stopping the servers.`);
    void cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    push: (cleanup) => cleanups.push(cleanup),
    get interrupted() {
      return interrupted;
    },
    async release() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await cleanUp();
    },
  };
}

/** Ends a child process started by a benchmark (a fake server), and waits until it has. */
export async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

const fakeModelCli = path.join(root, 'test-support/fake-openai/cli.ts');

/**
 * Starts the fake OpenAI-compatible model (test-support/fake-openai) on a free loopback port, its first
 * token after `delayMs`, its log in `logFile`; answers the child and its `/v1` URL.
 */
export async function startFakeModel({ delayMs, logFile, host = '127.0.0.1' }) {
  const log = openSync(logFile, 'w');
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
      reject(new Error(`The fake model did not start within 20 s (log: ${logFile}).`));
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
      reject(new Error(`The fake model exited with ${code} (log: ${logFile}).`));
    });
  });
  return { child, url };
}

/** The prompts of the object's background model calls, by a marker each puts in its last user message. */
export const backgroundPrompts = { summaries: '<summary>\n', extractions: '<existing>\n' };

/**
 * Scripts the fake's answers to the object's background calls (the rolling summary and memory
 * extraction) to be what their prompts ask for: a summary of at most 250 words, and extraction JSON.
 * Unscripted, the fake echoes the prompt, and a summary prompt holds the previous summary, so each
 * echoed summary was longer than the last and streamed thousands of chunks: most of the CPU of a long
 * conversation went on parsing an answer no model would give. Their CPU still counts, as a real
 * model's would; if a prompt stops carrying its marker, the echo comes back and the figures show it.
 * `count` answers of each are scripted: generously more than the run can ask for.
 */
export async function scriptBackgroundAnswers(modelUrl, { count, delayMs }) {
  // About 240 words, the most the summary's instructions allow.
  const summary = Array.from(
    { length: 12 },
    (_, index) => `In part ${index + 1} of their conversation the person described their day, their plans for the week and how they felt about them.`,
  ).join(' ');
  const script = async (match, text) => {
    const response = await fetch(`${new URL(modelUrl).origin}/__control/scripts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ match, steps: Array.from({ length: count }, () => ({ text, delayMs })) }),
    });
    if (!response.ok) throw new Error(`Scripting the fake model answered ${response.status}: ${await response.text()}`);
  };
  await script(backgroundPrompts.summaries, summary);
  await script(backgroundPrompts.extractions, '{"memories": []}');
}

/** How many background calls (summaries, extractions) the fake model received. */
export async function countBackgroundCalls(modelUrl) {
  const counts = {};
  for (const [name, match] of Object.entries(backgroundPrompts)) {
    const response = await fetch(`${new URL(modelUrl).origin}/__control/requests?match=${encodeURIComponent(match)}`);
    counts[name] = response.ok ? (await response.json()).requests.length : null;
  }
  return counts;
}

/**
 * Starts `wrangler dev` on a benchmark's snapshot with its output in `logFile`, stopped (and the log
 * closed) by `cleanups`, and resolves once it answers /healthz. `port` 0 picks a free one; with
 * `withInspector` the V8 inspector listens on a free port too (for a CPU profile), and it is answered.
 */
export async function startBenchServer({ port: requestedPort, host, persistTo, snapshot, variables, logFile, cleanups, withInspector = false }) {
  const port = requestedPort === 0 ? await freePort(host) : requestedPort;
  const baseUrl = `http://${host}:${port}`;
  const inspectorPort = withInspector ? await freePort(host) : undefined;
  const log = openSync(logFile, 'w');
  const server = startWranglerDev({
    port,
    host,
    ...(inspectorPort === undefined ? {} : { inspectorPort }),
    persistTo,
    snapshot,
    variables,
    stdio: ['ignore', log, log],
  });
  cleanups.push(async () => {
    await stopProcessGroup(server);
    closeSync(log);
  });
  progress(`Starting wrangler dev on ${baseUrl} (log: ${path.relative(root, logFile)})…`);
  await waitForHealth(baseUrl, { child: server, timeoutMs: 120_000 });
  return { server, port, baseUrl, inspectorPort };
}

/**
 * The settings of a benchmark's server whose chat model is the fake at `modelUrl`: a fresh master key,
 * sign-up not throttled (every simulated person signs up from this one machine), and no other provider
 * (embeddings, speech), whatever the developer's .dev.vars names, unless the caller sets one over these.
 */
export function fakeModelServerVariables(modelUrl) {
  return {
    LLM_PROVIDER: 'openai-compatible',
    LLM_BASE_URL: modelUrl,
    LLM_MODEL: 'fake',
    MASTER_KEY: randomBytes(32).toString('base64'),
    SIGNUPS_PER_ADDRESS: '1000000',
    EMBEDDINGS_PROVIDER: 'none',
    STT_PROVIDER: 'none',
    TTS_PROVIDER: 'none',
    VECTOR_INDEX: 'local',
  };
}

/**
 * The settings of a benchmark's server that runs without a chat model: a fresh master key, and sign-up
 * neither throttled nor slow (people are made before the clock starts; sign-up is not what is measured).
 */
export function noModelServerVariables() {
  return {
    MASTER_KEY: randomBytes(32).toString('base64'),
    SIGNUPS_PER_ADDRESS: '1000000',
    PASSWORD_HASH_LOG2_COST: '10',
    LLM_PROVIDER: 'none',
    VECTOR_INDEX: 'local',
  };
}

/**
 * Signs `count` users up over the benchmark's servers, round robin (user i lives on server i mod N, as
 * Cloudflare spreads people's objects over machines), each server's `prefix-<shard>` users at once;
 * answers each user's `{ baseUrl, token }` in user order.
 */
export async function signUpOverShards(servers, count, { prefix, concurrency } = {}) {
  const shards = servers.length;
  const perShard = servers.map((_, shard) => Math.floor(count / shards) + (shard < count % shards ? 1 : 0));
  const shardUsers = await Promise.all(
    servers.map(async ({ baseUrl }, shard) =>
      (await signUpUsers(baseUrl, perShard[shard], { prefix: `${prefix}-${shard}`, concurrency })).map((token) => ({ baseUrl, token })),
    ),
  );
  return Array.from({ length: count }, (_, index) => shardUsers[index % shards][Math.floor(index / shards)]);
}

/** CPU seconds of every server's workerd processes together (see `workerdCpuSeconds`), or null where any cannot be read. */
export function shardsCpuSeconds(servers) {
  const readings = servers.map(({ server }) => workerdCpuSeconds(server.pid));
  return readings.includes(null) ? null : readings.reduce((sum, value) => sum + value, 0);
}

/**
 * CPU seconds (user + system) the workerd processes in the process group `groupId` have spent so far,
 * from /proc/<pid>/stat; null where there is no /proc. Less sensitive than latency to other work on a
 * shared machine: it counts only what workerd itself ran.
 */
export function workerdCpuSeconds(groupId) {
  let entries;
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return null;
  }
  let ticks = 0;
  let found = false;
  for (const entry of entries) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name is in parentheses and may hold spaces: fields are counted after its closing one.
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // fields[2] is the process group (field 5); utime and stime are fields 14 and 15.
      if (!name.startsWith('workerd') || Number(fields[2]) !== groupId) continue;
      ticks += Number(fields[11]) + Number(fields[12]);
      found = true;
    } catch {
      // The process ended while being read.
    }
  }
  // Linux reports in clock ticks of 1/100 s (USER_HZ) on every architecture Node runs on.
  return found ? ticks / 100 : null;
}

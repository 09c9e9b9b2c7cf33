// What `npm start` and the benchmarks share to run Kindred on this machine: building the web app,
// applying the D1 migrations to the local database and running `wrangler dev --local` on
// wrangler.local.toml (the Worker without the bindings that exist only on Cloudflare),
// plus the plumbing a benchmark needs around it (a free port, waiting for /healthz, stopping the
// whole tree). Every wrangler command here runs offline and quietly (`localWranglerEnvironment`).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { Transform } from 'node:stream';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const wranglerCommand = path.join(root, 'node_modules/.bin/wrangler');

/**
 * Local mode's configuration: wrangler.toml without the bindings that exist only on Cloudflare
 * (Workers AI, Vectorize), with the local providers as its defaults. It lies beside wrangler.toml,
 * so `.dev.vars` and the `.wrangler/state` of earlier runs are found as before.
 */
export const localConfigPath = path.join(root, 'wrangler.local.toml');

/** Runs one command from the repository root and resolves when it exits with 0. */
export function runStep(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit', ...options });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(command)} ${args[0]} exited with ${code}`))));
  });
}

export function buildWeb(options = {}) {
  return runStep(process.execPath, [path.join(root, 'scripts/build-web.mjs')], options);
}

/** Applies the D1 migrations to the local database, or to the one under `persistTo` when given. */
export function applyMigrations({ persistTo, ...options } = {}) {
  const persistence = persistTo === undefined ? [] : ['--persist-to', persistTo];
  return runStep(wranglerCommand, ['d1', 'migrations', 'apply', 'DB', '--local', '--config', localConfigPath, ...persistence], {
    env: localWranglerEnvironment(),
    ...options,
  });
}

/**
 * The environment every local wrangler command runs with. Its PATH finds the Node running this
 * script first: wrangler's launcher asks `env node`, and the machine's default Node may be too old
 * for it. And it keeps wrangler offline, so local mode starts the same with or without a network:
 * - miniflare fetches https://workers.cloudflare.com/cf.json for `request.cf` unless
 *   `CLOUDFLARE_CF_FETCH_ENABLED` is false, and prints a stack trace when it cannot; the Worker
 *   gets miniflare's placeholder instead, as it always did offline;
 * - the banner asks registry.npmjs.org whether a newer wrangler exists (`WRANGLER_HIDE_BANNER`);
 * - wrangler sends usage metrics to Cloudflare (`WRANGLER_SEND_METRICS`).
 * A variable already set in the caller's environment wins.
 */
export function localWranglerEnvironment() {
  return {
    CLOUDFLARE_CF_FETCH_ENABLED: 'false',
    WRANGLER_HIDE_BANNER: 'true',
    WRANGLER_SEND_METRICS: 'false',
    ...process.env,
    PATH: [path.dirname(process.execPath), process.env.PATH].filter(Boolean).join(path.delimiter),
    // wrangler's local trace store (.wrangler/state/v3/observability) keeps every request's full URL
    // on disk, beyond the user's deletion; Kindred's own logs name route patterns only. Never re-enabled.
    X_LOCAL_OBSERVABILITY: 'false',
  };
}

/**
 * Bundles the Worker as `wrangler deploy` would, without deploying, into `outputDirectory`/index.js:
 * a snapshot that edits to the sources made afterwards do not touch.
 */
export function bundleWorker(outputDirectory, options = {}) {
  return runStep(wranglerCommand, ['deploy', '--dry-run', '--config', localConfigPath, '--outdir', outputDirectory], {
    env: localWranglerEnvironment(),
    ...options,
  });
}

/**
 * What every benchmark serves: a bundled snapshot of the Worker (see `bundleWorker`) with the web app
 * as its assets, and a fresh database at `persistTo`. Builds the web app first when `buildWebApp` is
 * set or when web/dist is missing (the bundle reads the assets directory named in wrangler.toml).
 *
 * @param {{ directory: string, persistTo: string, buildWebApp?: boolean, stepOptions?: object }} options
 * @returns {Promise<{ script: string, assets: string }>} the `snapshot` for `startWranglerDev`
 */
export async function prepareSnapshot({ directory, persistTo, buildWebApp = false, stepOptions = {} }) {
  if (buildWebApp || !existsSync(path.join(root, 'web/dist'))) await buildWeb(stepOptions);
  const snapshot = { script: path.join(directory, 'worker/index.js'), assets: path.join(directory, 'assets') };
  await bundleWorker(path.dirname(snapshot.script), stepOptions);
  await cp(path.join(root, 'web/dist'), snapshot.assets, { recursive: true });
  await applyMigrations({ persistTo, ...stepOptions });
  return snapshot;
}

/**
 * Starts `wrangler dev --local` in a process group of its own, so `stopProcessGroup` can end
 * workerd and every other helper wrangler starts, not just the wrangler process.
 *
 * With `snapshot` ({ script, assets }: a `bundleWorker` output and a copy of web/dist) it serves
 * those instead of the sources and does not watch its configuration: whoever edits the code meanwhile
 * cannot make it reload, which would drop the requests in flight.
 *
 * `npm start` passes `interactive` (wrangler's keyboard shortcuts) and `detached: false`, so the
 * terminal's Ctrl-C reaches wrangler as it always does.
 *
 * @param {{ port: number, host?: string, inspectorPort?: number, persistTo?: string, variables?: Record<string, string>,
 *   snapshot?: { script: string, assets: string }, stdio?: import('node:child_process').StdioOptions,
 *   interactive?: boolean, detached?: boolean }} options
 */
export function startWranglerDev({
  port,
  host = '127.0.0.1',
  inspectorPort,
  persistTo,
  variables = {},
  snapshot,
  stdio = 'inherit',
  interactive = false,
  detached = true,
}) {
  const args = ['dev'];
  const environment = localWranglerEnvironment();
  if (snapshot !== undefined) {
    args.push(snapshot.script, '--no-bundle', '--assets', snapshot.assets);
    environment.WRANGLER_CI_DISABLE_CONFIG_WATCHING = 'true';
  }
  // Named always: given a script, wrangler would look for its configuration beside the script.
  args.push('--config', localConfigPath, '--local', '--port', String(port), '--ip', host);
  if (!interactive) args.push('--show-interactive-dev-session=false');
  if (inspectorPort !== undefined) args.push('--inspector-port', String(inspectorPort));
  if (persistTo !== undefined) args.push('--persist-to', persistTo);
  for (const [name, value] of Object.entries(variables)) args.push('--var', `${name}:${value}`);
  return spawn(wranglerCommand, args, { cwd: root, stdio, detached, env: environment });
}

/**
 * wrangler's local proxy prints every request's full URL (`[wrangler:info] GET /api/v1/memories?query=…`),
 * and has no switch to stop it short of hiding the Worker's own logs too. Search text, file paths
 * and realtime tickets do not belong in a console or a log file: this drops those lines and leaves
 * everything else, including Kindred's own request log, which names route patterns only.
 */
export function withoutRequestLines() {
  let pending = '';
  const colours = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
  const requestLine = /^\[wrangler:info\] (?:GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) \//;
  const keep = (line) => !requestLine.test(line.replace(colours, ''));
  return new Transform({
    transform(chunk, _encoding, callback) {
      const lines = (pending + chunk.toString('utf8')).split('\n');
      pending = lines.pop() ?? '';
      const kept = lines.filter(keep);
      callback(null, kept.length > 0 ? `${kept.join('\n')}\n` : '');
    },
    flush(callback) {
      callback(null, pending && keep(pending) ? pending : '');
    },
  });
}

/**
 * Polls `GET /healthz` until it answers 200; fails early if the server process exits.
 *
 * @param {string} baseUrl
 * @param {{ child?: import('node:child_process').ChildProcess, timeoutMs?: number }} [options]
 */
export async function waitForHealth(baseUrl, { child, timeoutMs = 60_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child !== undefined && child.exitCode !== null) throw new Error(`The server exited with ${child.exitCode} before it was healthy.`);
    try {
      const response = await fetch(new URL('/healthz', baseUrl), { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      if (response.status === 200) return;
    } catch {
      // Not listening yet: keep polling until the deadline.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${baseUrl}/healthz did not answer 200 within ${timeoutMs} ms.`);
}

/** Ends a process started with `detached: true` and everything in its group: TERM first, then KILL. */
export async function stopProcessGroup(child, { graceMs = 5_000 } = {}) {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) {
    signalGroup(child.pid, 'SIGKILL');
    return;
  }
  const exited = new Promise((resolve) => child.once('exit', resolve));
  signalGroup(child.pid, 'SIGTERM');
  const timedOut = await Promise.race([exited.then(() => false), new Promise((resolve) => setTimeout(() => resolve(true), graceMs).unref())]);
  // workerd can outlive wrangler's exit; whatever is left of the group goes now.
  signalGroup(child.pid, 'SIGKILL');
  if (timedOut) await exited;
}

function signalGroup(pid, signal) {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

/** A TCP port nobody listens on right now (the OS picks it). */
export function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

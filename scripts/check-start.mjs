// `npm run test:start`: local mode starts quietly and offline. Starts the local server as `npm start`
// does (the same wrangler.local.toml, environment and arguments, from scripts/local-server.mjs) on a
// free port with fresh state, waits until /readyz says ready, and fails if wrangler printed a network
// error, a stack trace or a warning (a binding that only exists on Cloudflare, say), or fetched
// `request.cf` data from the network (which, with a network, succeeds without a word). Also fails if
// wrangler.local.toml has drifted from wrangler.toml in anything but the bindings and variables that
// tell the two apart.
import { randomBytes } from 'node:crypto';
import { existsSync, openSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { applyMigrations, buildWeb, freePort, localConfigPath, root, startWranglerDev, stopProcessGroup } from './local-server.mjs';

/** What wrangler.local.toml leaves out or sets differently, on purpose. */
// `triggers`: local mode has no cron (wrangler warns at every start), and the one cron job, the master key
// rotation's sweep, only matters deployed.
// `env`: the deployed environments (staging, production), which local mode is not.
// `minify`, `keep_names`, `upload_source_maps`: deployed builds are minified; local mode keeps its
// sources readable (the deploy dry run starts the minified bundle instead).
const localDifferences = ['ai', 'vectorize', 'vars', 'triggers', 'env', 'minify', 'keep_names', 'upload_source_maps'];

/** Output that must never appear when local mode starts, each with what it means. */
const forbiddenOutput = [
  { pattern: /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|getaddrinfo/, meaning: 'a network request failed' },
  { pattern: /Unable to fetch/, meaning: 'something was fetched from the network' },
  { pattern: /^\s+at .+:\d+:\d+\)?$/m, meaning: 'a stack trace' },
  { pattern: /\[WARNING\]|\[wrangler:warn\]|▲/, meaning: 'a wrangler warning' },
  { pattern: /\[ERROR\]|\[wrangler:error\]|✘/, meaning: 'a wrangler error' },
  { pattern: /not supported/, meaning: 'a binding that cannot run locally' },
  { pattern: /"level":"(warn|error)"/, meaning: "a warning or error logged by Kindred's own code" },
];

/** Wrangler starts in 10–20 s on two busy cores; this leaves room without letting a hang pass. */
const readyTimeoutMs = 50_000;
/** Output that follows readiness (a late warning) is still caught. */
const settleMs = 2_000;

const failures = [];
const startedAt = Date.now();

checkConfigurationsAgree();

const workDirectory = await mkdtemp(path.join(tmpdir(), 'kindred-start-check-'));
const logPath = path.join(workDirectory, 'start.log');
const log = openSync(logPath, 'a');
const output = { stdio: ['ignore', log, log] };
// Where miniflare would keep the `request.cf` data it fetched: nothing may appear there.
const cfCache = path.join(workDirectory, 'miniflare-cache');
process.env.MINIFLARE_CACHE_DIR = cfCache;

let server;
try {
  if (!existsSync(path.join(root, 'web/dist/index.html'))) await buildWeb(output);
  const persistTo = path.join(workDirectory, 'state');
  await applyMigrations({ persistTo, ...output });
  const port = await freePort();
  server = startWranglerDev({ port, persistTo, variables: { MASTER_KEY: randomBytes(32).toString('base64') }, ...output });
  const readiness = await waitForReady(`http://127.0.0.1:${port}`, server);
  if (readiness.status !== 'ready') failures.push(`/readyz answered ${JSON.stringify(readiness)}`);
  if (readiness.providers?.chat !== 'none' || readiness.providers?.vectorIndex !== 'local') {
    failures.push(`local mode's providers are not the local ones: ${JSON.stringify(readiness.providers)}`);
  }
  await new Promise((resolve) => setTimeout(resolve, settleMs));
} catch (error) {
  failures.push(error instanceof Error ? error.message : String(error));
} finally {
  if (server) await stopProcessGroup(server);
}

const printed = await readFile(logPath, 'utf8');
for (const { pattern, meaning } of forbiddenOutput) {
  const match = printed.match(pattern);
  if (match) failures.push(`start-up printed ${meaning}: ${JSON.stringify(match[0].trim())}`);
}
if (existsSync(cfCache) && (await readdir(cfCache)).length > 0) failures.push('miniflare fetched request.cf data from the network');
await rm(workDirectory, { recursive: true, force: true });

const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
if (failures.length > 0) {
  console.error(`--- start-up output ---\n${printed}\n--- end ---`);
  for (const failure of failures) console.error(`start-up check: ${failure}`);
  console.error(`start-up check: FAILED (${seconds} s)`);
} else {
  console.log(`start-up check: passed, ready and quiet (${seconds} s)`);
}
// Read by scripts/test-summary.mjs for the one closing line of `npm test`.
await mkdir(path.join(root, 'test-results'), { recursive: true });
await writeFile(path.join(root, 'test-results/start.json'), JSON.stringify({ passed: failures.length === 0 ? 1 : 0, failed: failures.length === 0 ? 0 : 1 }));
process.exit(failures.length === 0 ? 0 : 1);

/** Compares the two configurations as wrangler reads them, leaving out what differs on purpose. */
function checkConfigurationsAgree() {
  const { experimental_readRawConfig: readRawConfig } = createRequire(import.meta.url)('wrangler');
  const withoutDifferences = (configPath) =>
    Object.fromEntries(Object.entries(readRawConfig({ config: configPath }).rawConfig).filter(([key]) => !localDifferences.includes(key)));
  const deployed = withoutDifferences(path.join(root, 'wrangler.toml'));
  const local = withoutDifferences(localConfigPath);
  if (!isDeepStrictEqual(deployed, local)) {
    const keys = new Set([...Object.keys(deployed), ...Object.keys(local)]);
    const differing = [...keys].filter((key) => !isDeepStrictEqual(deployed[key], local[key]));
    failures.push(`wrangler.local.toml differs from wrangler.toml in ${differing.join(', ')}: change both together`);
  }
}

/** Polls /readyz until it answers 200 and reads its body; fails early if the server exits. */
async function waitForReady(baseUrl, child) {
  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode} before it was ready`);
    try {
      const response = await fetch(new URL('/readyz', baseUrl), { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return await response.json();
      await response.body?.cancel();
    } catch {
      // Not listening yet: keep polling until the deadline.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`/readyz did not answer 200 within ${readyTimeoutMs} ms`);
}

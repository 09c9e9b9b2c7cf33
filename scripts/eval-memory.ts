/**
 * `npm run eval:memory -- --dataset <file> [--k 10] --out <file> [--base-url <url>] [--concurrency 1]`
 *
 * Runs the LoCoMo memory evaluation (evaluation/run-evaluation.ts) against Kindred: recall@k over the turns
 * of what a prompt would recall (`POST /api/v1/recall`). Without --base-url it
 * starts its own `wrangler dev --local` on a free port, from a bundle made at the start (so edits made to
 * the sources meanwhile cannot reload it mid-run), with a fresh database under .wrangler/eval-state and
 * no chat model. Embeddings are off unless EMBEDDINGS_* variables are set in the environment, so a run is
 * reproducible offline by default.
 *
 * Progress goes to stderr; the report goes to --out and the summary JSON is the last line of stdout.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync } from 'node:fs';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseLocomo } from '../evaluation/locomo.ts';
import { type EvaluationFetch, maxK, runMemoryEvaluation } from '../evaluation/run-evaluation.ts';
import {
  applyMigrations,
  buildWeb,
  bundleWorker,
  freePort,
  localWranglerEnvironment,
  root,
  startWranglerDev,
  stopProcessGroup,
  waitForHealth,
} from './local-server.mjs';

const usage = `Usage: npm run eval:memory -- --dataset <file> --out <file> [options]
  --dataset FILE     a dataset in the LoCoMo format (locomo10.json)
  --out FILE         where to write the report (JSON)
  --k N              recalled turns scored per question, 1 to ${maxK} (default 10)
  --base-url URL     evaluate an already-running server instead of starting one
  --concurrency N    samples evaluated at once (default 1)`;

const host = '127.0.0.1';
/** Wiped at every start: the evaluation neither sees nor pollutes the developer's local data. */
const stateDirectory = path.join(root, '.wrangler/eval-state');
const persistDirectory = path.join(stateDirectory, 'data');
const snapshotDirectory = path.join(stateDirectory, 'snapshot');
const serverLogFile = path.join(stateDirectory, 'wrangler.log');
const embeddingsVariableNames = ['EMBEDDINGS_PROVIDER', 'EMBEDDINGS_BASE_URL', 'EMBEDDINGS_API_KEY', 'EMBEDDINGS_MODEL'];

interface Options {
  dataset: string;
  out: string;
  k: number;
  baseUrl: string | undefined;
  concurrency: number;
}

/** Writes to stderr, keeping stdout for the summary line. */
function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** The options, or the exit code when there is nothing to run (help asked for, or a usage error already reported). */
function readOptions(argv: string[]): Options | number {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        dataset: { type: 'string' },
        out: { type: 'string' },
        k: { type: 'string', default: '10' },
        'base-url': { type: 'string' },
        concurrency: { type: 'string', default: '1' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    progress(`${error instanceof Error ? error.message : String(error)}\n${usage}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const k = Number(values.k);
  const concurrency = Number(values.concurrency);
  const problems = [
    typeof values.dataset === 'string' ? undefined : '--dataset is required.',
    typeof values.out === 'string' ? undefined : '--out is required.',
    Number.isInteger(k) && k >= 1 && k <= maxK ? undefined : `--k must be an integer from 1 to ${maxK}, got "${values.k}".`,
    Number.isInteger(concurrency) && concurrency >= 1 ? undefined : `--concurrency must be a positive integer, got "${values.concurrency}".`,
  ].filter((problem) => problem !== undefined);
  if (problems.length > 0) {
    progress(`${problems.join('\n')}\n${usage}`);
    return 2;
  }
  // npm runs scripts from the package root; paths given on the command line mean the caller's directory.
  const callerDirectory = process.env.INIT_CWD ?? process.cwd();
  return {
    dataset: path.resolve(callerDirectory, String(values.dataset)),
    out: path.resolve(callerDirectory, String(values.out)),
    k,
    baseUrl: typeof values['base-url'] === 'string' ? values['base-url'].replace(/\/+$/, '') : undefined,
    concurrency,
  };
}

/**
 * Starts `wrangler dev --local` from a fresh snapshot and database, its output going to the log file, and
 * returns its base URL. How to stop it goes into `cleanups` as soon as it is spawned, so an interrupt
 * during start-up stops it too.
 */
async function startLocalServer(cleanups: (() => Promise<void>)[]): Promise<string> {
  await rm(stateDirectory, { recursive: true, force: true });
  await mkdir(stateDirectory, { recursive: true });
  const log = openSync(serverLogFile, 'w');
  cleanups.push(async () => closeSync(log));
  const quiet = { stdio: ['ignore', log, log], env: localWranglerEnvironment() };
  progress(`Bundling the Worker and preparing a fresh database (log: ${path.relative(root, serverLogFile)})…`);
  // The bundle reads the assets directory from wrangler.toml, so it must exist even though nothing here serves it.
  if (!existsSync(path.join(root, 'web/dist'))) await buildWeb(quiet);
  const snapshot = { script: path.join(snapshotDirectory, 'worker/index.js'), assets: path.join(snapshotDirectory, 'assets') };
  await bundleWorker(path.dirname(snapshot.script), quiet);
  await cp(path.join(root, 'web/dist'), snapshot.assets, { recursive: true });
  await applyMigrations({ persistTo: persistDirectory, ...quiet });

  const embeddings = Object.fromEntries(embeddingsVariableNames.flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : [])));
  const port = await freePort(host);
  const child = startWranglerDev({
    port,
    host,
    inspectorPort: await freePort(host),
    persistTo: persistDirectory,
    snapshot,
    variables: {
      MASTER_KEY: randomBytes(32).toString('base64'),
      // Only retrieval is measured: no chat model is called, and the developer's .dev.vars cannot switch one on.
      LLM_PROVIDER: 'none',
      EMBEDDINGS_PROVIDER: 'none',
      VECTOR_INDEX: 'local',
      ...embeddings,
    },
    stdio: ['ignore', log, log],
  });
  cleanups.push(() => stopProcessGroup(child));
  const baseUrl = `http://${host}:${port}`;
  progress(`Starting wrangler dev on ${baseUrl} (embeddings: ${embeddings.EMBEDDINGS_PROVIDER ?? 'none'})…`);
  await waitForHealth(baseUrl, { child, timeoutMs: 120_000 });
  return baseUrl;
}

/** A bar redrawn in place on a terminal; elsewhere (CI, a pipe) a plain line at every tenth of the way. */
function createProgressReporter(): (done: number, total: number) => void {
  if (process.stderr.isTTY) {
    const width = 30;
    return (done, total) => {
      const filled = total === 0 ? width : Math.round((done / total) * width);
      process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} questions`);
      if (done === total) process.stderr.write('\n');
    };
  }
  let lastTenth = -1;
  return (done, total) => {
    const tenth = total === 0 ? 10 : Math.floor((done / total) * 10);
    if (tenth === lastTenth) return;
    lastTenth = tenth;
    progress(`${done}/${total} questions`);
  };
}

async function main(argv: string[]): Promise<number> {
  const options = readOptions(argv);
  if (typeof options === 'number') return options;

  const cleanups: (() => Promise<void>)[] = [];
  const cleanUp = async () => {
    while (cleanups.length > 0) await cleanups.pop()?.();
  };
  let interrupted = false;
  // Ctrl+C must not leave workerd running in the background: it runs in a process group of its own.
  const onSignal = (signal: string) => {
    interrupted = true;
    progress(`\nReceived ${signal}: stopping.`);
    void cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    const dataset = parseLocomo(JSON.parse(await readFile(options.dataset, 'utf8')));
    let baseUrl = options.baseUrl;
    if (baseUrl === undefined) {
      baseUrl = await startLocalServer(cleanups);
    } else {
      await waitForHealth(baseUrl, { timeoutMs: 10_000 });
    }
    const fetchFromServer: EvaluationFetch = (requestPath, init) => fetch(`${baseUrl}${requestPath}`, init);
    const startedAt = new Date();
    progress(`Evaluating ${dataset.length} samples from ${path.relative(process.cwd(), options.dataset)} with k=${options.k}…`);
    const report = await runMemoryEvaluation({
      dataset,
      k: options.k,
      fetch: fetchFromServer,
      onProgress: createProgressReporter(),
      concurrency: options.concurrency,
    });
    // Enough to tell two reports apart and to rerun one.
    const run = {
      dataset: options.dataset,
      k: options.k,
      server: options.baseUrl ?? 'local',
      embeddingsProvider: options.baseUrl === undefined ? (process.env.EMBEDDINGS_PROVIDER ?? 'none') : 'unknown',
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
    };
    await mkdir(path.dirname(options.out), { recursive: true });
    await writeFile(options.out, `${JSON.stringify({ run, ...report }, null, 2)}\n`);
    progress(`Recall@${options.k}: ${report.summary.recallAtK ?? 'n/a'} over ${report.summary.questionCount} questions; written to ${options.out}.`);
    process.stdout.write(`${JSON.stringify(report.summary)}\n`);
    return 0;
  } catch (error) {
    // Stopping the server on a signal makes the requests in flight fail; that is not the news.
    if (interrupted) return 130;
    progress(`\nThe evaluation failed: ${error instanceof Error ? error.message : String(error)}`);
    if (options.baseUrl === undefined && existsSync(serverLogFile)) progress(`Server log: ${path.relative(root, serverLogFile)}.`);
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanUp();
  }
}

process.exitCode = await main(process.argv.slice(2));

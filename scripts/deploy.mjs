// `npm run deploy -- --env staging|production [--dry-run]`: checks that the environment's bindings,
// secrets and D1 migrations are in place, applies the migrations, builds the web app and deploys.
// With --dry-run it checks what can be checked offline (the configuration), builds and bundles the
// Worker as a deploy would (`wrangler deploy --dry-run`, minified with its source map), starts that very
// bundle under local workerd and drives it through sign-up and the new person's object, and touches
// nothing on Cloudflare: `npm test` runs it for both environments, so a broken deploy configuration or
// a bundle the minifier broke fails CI, not a release.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, openSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  applyMigrations,
  buildWeb,
  freePort,
  localWranglerEnvironment,
  root,
  runStep,
  startWranglerDev,
  stopProcessGroup,
  waitForHealth,
  wranglerCommand,
} from './local-server.mjs';

const placeholderId = '00000000-0000-0000-0000-000000000000';

/** Every binding the Worker reads (server/env.ts), by the kind of binding wrangler lists it under. */
const requiredBindings = [
  ['d1_databases', 'DB'],
  ['r2_buckets', 'FILES'],
  ['r2_buckets', 'BACKUPS'],
  ['durable_objects', 'COMPANION'],
  ['ai', 'AI'],
  ['vectorize', 'VECTORIZE'],
  ['queues', 'DELIVERIES'],
  ['analytics_engine_datasets', 'METRICS'],
  ['assets', 'ASSETS'],
];

/**
 * What an environment's configuration lacks, as wrangler reads it: `errors` stop a deploy, `warnings`
 * stop only a real one (placeholders are fine for a dry run). Pure, so it is tested on its own.
 */
export function checkDeployConfig(config) {
  const errors = [];
  const warnings = [];
  const names = {
    d1_databases: config.d1_databases?.map((database) => database.binding) ?? [],
    r2_buckets: config.r2_buckets?.map((bucket) => bucket.binding) ?? [],
    durable_objects: config.durable_objects?.bindings?.map((binding) => binding.name) ?? [],
    ai: config.ai ? [config.ai.binding] : [],
    vectorize: config.vectorize?.map((index) => index.binding) ?? [],
    queues: config.queues?.producers?.map((producer) => producer.binding) ?? [],
    analytics_engine_datasets: config.analytics_engine_datasets?.map((dataset) => dataset.binding) ?? [],
    assets: config.assets?.binding ? [config.assets.binding] : [],
  };
  for (const [kind, binding] of requiredBindings) if (!names[kind].includes(binding)) errors.push(`binding ${binding} (${kind}) is missing`);
  const consumers = new Set(config.queues?.consumers?.map((consumer) => consumer.queue) ?? []);
  for (const producer of config.queues?.producers ?? []) if (!consumers.has(producer.queue)) errors.push(`queue ${producer.queue} has no consumer`);
  if (!config.migrations?.some((migration) => migration.new_sqlite_classes?.includes('CompanionAgent')))
    errors.push('no Durable Object migration makes CompanionAgent a SQLite class');
  if (!config.triggers?.crons?.length) errors.push('no cron trigger: the master key rotation sweep would never run');
  for (const database of config.d1_databases ?? []) {
    if (!database.migrations_dir) errors.push(`D1 database ${database.binding} has no migrations_dir`);
    if (database.database_id === placeholderId)
      warnings.push(
        `D1 database ${database.binding} still has the placeholder id: run \`wrangler d1 create ${database.database_name}\` and put its id in wrangler.toml`,
      );
  }
  if (config.vars?.LLM_PROVIDER === 'openai-compatible' && !config.vars?.LLM_BASE_URL)
    errors.push('LLM_PROVIDER is openai-compatible but LLM_BASE_URL is not set');
  return { errors, warnings };
}

/** The secrets a deploy needs, from the configuration: MASTER_KEY always, a provider's key when one is chosen. */
export function requiredSecrets(config) {
  const secrets = ['MASTER_KEY'];
  if (config.vars?.LLM_PROVIDER === 'openai-compatible') secrets.push('LLM_API_KEY');
  if (config.vars?.WHATSAPP_PHONE_NUMBER_ID) secrets.push('WHATSAPP_ACCESS_TOKEN', 'WHATSAPP_APP_SECRET', 'WHATSAPP_VERIFY_TOKEN');
  if (config.vars?.VAPID_PUBLIC_KEY) secrets.push('VAPID_PRIVATE_KEY');
  return secrets;
}

/** Runs a command and answers its standard output. */
function output(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (chunk) => {
      text += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`${path.basename(command)} ${args.join(' ')} exited with ${code}`))));
  });
}

/**
 * Starts the bundle a deploy would upload under local workerd, with local mode's bindings, and drives
 * it through sign-up, the profile and a reminder set and listed (the Worker, D1, the person's object
 * and its scheduler): a bundle the minifier broke fails here rather than on Cloudflare.
 */
async function checkBundleRuns(script) {
  const work = await mkdtemp(path.join(os.tmpdir(), 'kindred-deploy-run-'));
  const logPath = path.join(work, 'run.log');
  const output = { stdio: ['ignore', openSync(logPath, 'a'), openSync(logPath, 'a')] };
  let server;
  try {
    const persistTo = path.join(work, 'state');
    await applyMigrations({ persistTo, ...output });
    const port = await freePort();
    const snapshot = { script, assets: path.join(root, 'web/dist') };
    server = startWranglerDev({ port, persistTo, snapshot, variables: { MASTER_KEY: randomBytes(32).toString('base64') }, ...output });
    const base = `http://127.0.0.1:${port}`;
    await waitForHealth(base, { child: server });
    const call = async (method, route, { token, body, status }) => {
      const response = await fetch(new URL(`/api/v1${route}`, base), {
        method,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      if (response.status !== status) throw new Error(`the deployed bundle answered ${method} ${route} with ${response.status}: ${await response.text()}`);
      return response.json();
    };
    const email = `deploy-check-${Date.now()}@example.com`;
    const { token } = await call('POST', '/auth/signup', { body: { email, password: 'correct horse battery staple' }, status: 201 });
    const me = await call('GET', '/me', { token, status: 200 });
    if (me.email !== email) throw new Error(`GET /me did not name the new person: ${JSON.stringify(me)}`);
    const dueAt = new Date(Date.now() + 3_600_000).toISOString();
    const reminder = await call('POST', '/reminders', { token, body: { text: 'Check the deploy', dueAt }, status: 201 });
    const { reminders } = await call('GET', '/reminders', { token, status: 200 });
    if (!reminders.some((listed) => listed.id === reminder.id && listed.text === 'Check the deploy')) throw new Error('the reminder set was not listed');
  } catch (error) {
    console.error(`--- the deployed bundle's output ---\n${await readFile(logPath, 'utf8').catch(() => '')}\n--- end ---`);
    throw error;
  } finally {
    if (server) await stopProcessGroup(server);
    await rm(work, { recursive: true, force: true });
  }
}

async function main() {
  const { values } = parseArgs({ options: { env: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } } });
  const environment = values.env;
  const dryRun = values['dry-run'];
  if (environment !== 'staging' && environment !== 'production') {
    console.error('Usage: npm run deploy -- --env staging|production [--dry-run]');
    return 1;
  }
  const { unstable_readConfig: readConfig } = createRequire(import.meta.url)('wrangler');
  const config = readConfig({ config: path.join(root, 'wrangler.toml'), env: environment });
  const { errors, warnings } = checkDeployConfig(config);
  for (const warning of warnings) console.warn(`${dryRun ? 'note' : 'error'}: ${warning}`);
  for (const error of errors) console.error(`error: ${error}`);
  if (errors.length > 0 || (!dryRun && warnings.length > 0)) return 1;
  const wrangler = (...args) => [...args, '--env', environment];

  if (dryRun) {
    console.log(
      `deploy ${environment} (dry run): configuration checked; secrets (${requiredSecrets(config).join(', ')}) and remote migrations are checked on a real deploy`,
    );
    await buildWeb();
    const outdir = await mkdtemp(path.join(os.tmpdir(), 'kindred-deploy-'));
    try {
      // Offline like local mode: no banner check, no metrics, nothing sent anywhere.
      await runStep(wranglerCommand, wrangler('deploy', '--dry-run', '--outdir', outdir), {
        stdio: ['ignore', 'ignore', 'inherit'],
        env: localWranglerEnvironment(),
      });
      if (config.upload_source_maps && !existsSync(path.join(outdir, 'index.js.map'))) throw new Error('the bundle has no source map to upload');
      await checkBundleRuns(path.join(outdir, 'index.js'));
    } finally {
      await rm(outdir, { recursive: true, force: true });
    }
    console.log(
      `deploy ${environment} (dry run): the Worker bundles${config.minify ? ' minified' : ''}, and that bundle signs a person up and keeps their reminder; nothing was deployed`,
    );
    return 0;
  }

  const listed = JSON.parse(await output(wranglerCommand, wrangler('secret', 'list', '--format', 'json')));
  const present = new Set(listed.map((secret) => secret.name));
  const missing = requiredSecrets(config).filter((name) => !present.has(name));
  if (missing.length > 0) {
    console.error(`error: secrets missing in ${environment}: ${missing.join(', ')} (wrangler secret put NAME --env ${environment})`);
    return 1;
  }
  await runStep(wranglerCommand, wrangler('d1', 'migrations', 'apply', 'DB', '--remote'));
  await buildWeb();
  await runStep(wranglerCommand, wrangler('deploy'));
  console.log(`deploy ${environment}: done`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = await main();

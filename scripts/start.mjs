// `npm start`: the whole of Kindred on this machine, offline. Creates .dev.vars with a fresh
// MASTER_KEY on first run, builds the web app, applies the D1 migrations to the local database,
// then runs `wrangler dev --local` on wrangler.local.toml (no Workers AI or Vectorize binding, and
// nothing fetched from the network). Process environment variables named in the configuration
// table override .dev.vars (passed on as --var), so `LLM_PROVIDER=… npm start` works.
// `npm start -- --speech` (or SPEECH_LOCAL=1) also starts the offline speech server
// (local-services/speech/: eSpeak NG and PocketSphinx) and points the speech providers at it.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { applyMigrations, buildWeb, root, startWranglerDev, withoutRequestLines } from './local-server.mjs';

const port = process.env.PORT ?? '8787';

const configurationNames = [
  'MASTER_KEY',
  ...['LLM', 'EMBEDDINGS', 'STT', 'TTS'].flatMap((prefix) => ['PROVIDER', 'BASE_URL', 'API_KEY', 'MODEL'].map((suffix) => `${prefix}_${suffix}`)),
  'LLM_TIMEOUT_MS',
  'MEMORY_EXTRACTION_DELAY_SECONDS',
  'VECTOR_INDEX',
  'WHATSAPP_PHONE_NUMBER_ID',
  'WHATSAPP_ACCESS_TOKEN',
  'WHATSAPP_APP_SECRET',
  'WHATSAPP_VERIFY_TOKEN',
  'WHATSAPP_GRAPH_URL',
  'VAPID_PUBLIC_KEY',
  'VAPID_PRIVATE_KEY',
  'VAPID_SUBJECT',
];

const devVars = path.join(root, '.dev.vars');
if (!existsSync(devVars)) {
  await writeFile(
    devVars,
    [
      '# Local secrets for `npm start`. Never commit this file.',
      `MASTER_KEY=${randomBytes(32).toString('base64')}`,
      '# Local defaults: no chat model until you configure one (see README).',
      'LLM_PROVIDER=none',
      'EMBEDDINGS_PROVIDER=none',
      'VECTOR_INDEX=local',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  console.log('Created .dev.vars with a fresh MASTER_KEY.');
}

await buildWeb();
await applyMigrations();

const overrides = Object.fromEntries(configurationNames.filter((name) => process.env[name] !== undefined).map((name) => [name, process.env[name]]));
if (process.argv.includes('--speech') || process.env.SPEECH_LOCAL === '1') Object.assign(overrides, await startLocalSpeech());
const child = startWranglerDev({
  port: Number(port),
  host: process.env.HOST ?? '127.0.0.1',
  variables: overrides,
  interactive: true,
  detached: false,
  // Keyboard shortcuts read the terminal; what wrangler prints passes through a filter that drops its
  // full-URL request lines (search text, file paths).
  stdio: ['inherit', 'pipe', 'pipe'],
});
child.stdout.pipe(withoutRequestLines()).pipe(process.stdout);
child.stderr.pipe(withoutRequestLines()).pipe(process.stderr);

/**
 * Starts the local speech server on this machine (no network) and answers the speech provider
 * variables that use it; a provider the person already chose (STT_PROVIDER, TTS_PROVIDER) is kept.
 */
async function startLocalSpeech() {
  const { startSpeechServer } = await import('../local-services/speech/server.ts');
  const speech = await startSpeechServer({ port: Number(process.env.SPEECH_LOCAL_PORT ?? '8790'), host: '127.0.0.1' });
  console.log(`Local speech (eSpeak NG, PocketSphinx) on ${speech.url}`);
  const variables = {};
  if (process.env.STT_PROVIDER === undefined) {
    Object.assign(variables, { STT_PROVIDER: 'openai-compatible', STT_BASE_URL: speech.url, STT_MODEL: 'pocketsphinx' });
  }
  if (process.env.TTS_PROVIDER === undefined) {
    Object.assign(variables, { TTS_PROVIDER: 'openai-compatible', TTS_BASE_URL: speech.url, TTS_MODEL: 'espeak-ng' });
  }
  return variables;
}

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));

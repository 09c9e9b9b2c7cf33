/**
 * `npm run test:e2e`: the web client's end-to-end journey in headless Chromium, against the real
 * local server (wrangler dev --local, fresh state, random MASTER_KEY) and the scripted model.
 * Builds the web app, serves a snapshot of it and of the Worker (so edits made meanwhile cannot
 * reload the server mid-test), runs the journey at desktop and phone sizes, and tears it all down.
 *
 * CHROMIUM_PATH picks the browser (default /usr/bin/chromium); KEEP_SERVER_LOG=1 prints the
 * server's output at the end.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startSpeechServer } from '../local-services/speech/server.ts';
import {
  applyMigrations,
  buildWeb,
  bundleWorker,
  freePort,
  root,
  startWranglerDev,
  stopProcessGroup,
  waitForHealth,
  withoutRequestLines,
} from '../scripts/local-server.mjs';
import { startFakeOpenAI } from '../test-support/fake-openai/server.ts';
import { startMcpServers } from '../test-support/mcp-servers.ts';
import type { AxeFinding } from './accessibility.ts';
import { runCareJourney } from './care-journey.ts';
import { profiles, runJourney } from './journey.ts';
import { runLifeJourney } from './life-journey.ts';
import { runServerChecks } from './server-checks.ts';
import { runToolsJourney } from './tools-journey.ts';
import { fakeMicrophoneFlags, runVoiceJourney, writeSpokenSentence } from './voice-journey.ts';

const screenshotDirectory = path.join(root, 'docs/screenshots');
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

console.log('type-checking the web client and the tests');
execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', 'web/tsconfig.json'], { cwd: root, stdio: 'inherit' });
execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', 'e2e/tsconfig.json'], { cwd: root, stdio: 'inherit' });

const workDirectory = await mkdtemp(path.join(tmpdir(), 'kindred-e2e-'));
const quiet = { stdio: ['ignore', 'ignore', 'inherit'] };
console.log('building the web app and a snapshot of the Worker');
await buildWeb(quiet);
await cp(path.join(root, 'web/dist'), path.join(workDirectory, 'assets'), { recursive: true });
await bundleWorker(path.join(workDirectory, 'worker'), quiet);
const persistTo = path.join(workDirectory, 'state');
await applyMigrations({ persistTo, ...quiet });

const fakeModel = await startFakeOpenAI({ port: 0 });
// Real MCP servers built with the official SDK: the tools journey adds one from the app.
const mcpServers = await startMcpServers();
// The voice journey's microphone says a sentence; the local speech server transcribes it and speaks the reply.
const spokenSentence = writeSpokenSentence(workDirectory);
// The local speech server: espeak-ng and pocketsphinx behind OpenAI's audio API.
const speechServer = await startSpeechServer({ port: 0 });
const speechVariables: Record<string, string> = {
  STT_PROVIDER: 'openai-compatible',
  STT_BASE_URL: speechServer.url,
  STT_MODEL: 'pocketsphinx',
  TTS_PROVIDER: 'openai-compatible',
  TTS_BASE_URL: speechServer.url,
  TTS_MODEL: 'espeak-ng',
};
const port = await freePort();
const baseUrl = `http://127.0.0.1:${port}`;
const serverLogPath = path.join(workDirectory, 'server.log');
const serverLog = createWriteStream(serverLogPath);
const server = startWranglerDev({
  port,
  inspectorPort: await freePort(),
  persistTo,
  snapshot: { script: path.join(workDirectory, 'worker/index.js'), assets: path.join(workDirectory, 'assets') },
  variables: {
    MASTER_KEY: randomBytes(32).toString('base64'),
    LLM_PROVIDER: 'openai-compatible',
    LLM_BASE_URL: fakeModel.url,
    LLM_API_KEY: 'e2e',
    EMBEDDINGS_PROVIDER: 'none',
    VECTOR_INDEX: 'local',
    // Memories are extracted a while after a turn; a second keeps the journey short.
    MEMORY_EXTRACTION_DELAY_SECONDS: '1',
    ...speechVariables,
    // Every journey signs up its own people, all from this one address.
    SIGNUPS_PER_ADDRESS: '100',
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
server.stdout?.pipe(withoutRequestLines()).pipe(serverLog);
server.stderr?.pipe(withoutRequestLines()).pipe(serverLog);

let failed = false;
let journeysPassed = 0;
const findings: AxeFinding[] = [];
const browser = await chromium.launch({
  executablePath,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    ...fakeMicrophoneFlags(spokenSentence),
  ],
});
try {
  await waitForHealth(baseUrl, { child: server, timeoutMs: 90_000 });
  console.log(`server ready at ${baseUrl}`);
  await mkdir(screenshotDirectory, { recursive: true });
  for (const profile of profiles) {
    const report = await runJourney(browser, profile, { baseUrl, fakeModelOrigin: new URL(fakeModel.url).origin, screenshotDirectory });
    findings.push(...report.findings);
    console.log(`${profile.name}: journey passed, ${report.screens.length} screenshots`);
    const voiceReport = await runVoiceJourney(browser, profile, { baseUrl, screenshotDirectory, serverSpeech: true });
    findings.push(...voiceReport.findings);
    console.log(`${profile.name}: voice journey passed, ${voiceReport.screens.length} screenshots`);
    const toolsReport = await runToolsJourney(browser, profile, {
      baseUrl,
      fakeModelOrigin: new URL(fakeModel.url).origin,
      screenshotDirectory,
      mcpServersUrl: mcpServers.url,
    });
    findings.push(...toolsReport.findings);
    console.log(`${profile.name}: tools journey passed, ${toolsReport.screens.length} screenshots`);
    const careReport = await runCareJourney(browser, profile, { baseUrl, fakeModelOrigin: new URL(fakeModel.url).origin, screenshotDirectory });
    findings.push(...careReport.findings);
    console.log(`${profile.name}: care journey passed, ${careReport.screens.length} screenshots`);
    const lifeReport = await runLifeJourney(browser, profile, { baseUrl, screenshotDirectory });
    findings.push(...lifeReport.findings);
    console.log(`${profile.name}: life journey passed, ${lifeReport.screens.length} screenshots`);
    journeysPassed++;
  }
  const checks = await runServerChecks({ baseUrl, stateDirectory: persistTo, serverOutput: () => readFile(serverLogPath, 'utf8') });
  console.log(`server checks passed: ${checks.join(', ')}`);
  if (findings.length > 0) {
    failed = true;
    console.error('serious or critical accessibility violations:');
    for (const finding of findings) console.error(`  ${finding.screen}: ${finding.impact} ${finding.id} (${finding.help}) at ${finding.targets.join('; ')}`);
  }
} catch (error) {
  failed = true;
  console.error(error);
} finally {
  await browser.close();
  await stopProcessGroup(server);
  await fakeModel.close();
  await mcpServers.close();
  await speechServer.close();
  serverLog.end();
  if (failed || process.env.KEEP_SERVER_LOG === '1') console.log(`--- server log ---\n${(await readFile(serverLogPath, 'utf8')).slice(-6_000)}`);
  await rm(workDirectory, { recursive: true, force: true });
}
console.log(failed ? 'end-to-end: FAILED' : 'end-to-end: passed');
// Read by scripts/test-summary.mjs for the one closing line of `npm test`.
await mkdir('test-results', { recursive: true });
await writeFile('test-results/e2e.json', JSON.stringify({ passed: journeysPassed, failed: profiles.length - journeysPassed }));
process.exit(failed ? 1 : 0);

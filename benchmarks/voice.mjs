// `npm run bench -- voice [--users 50] [--turns 6] [--stt-ms 120] [--llm-ms 150] [--tts-ms 100] [--pace conversation|back-to-back] [--frames binary|text] [--port 0] [--shards 1] [--profile]`
//
// What Kindred adds to a spoken turn, and how fast a barge-in stops it. Runs the whole stack locally:
// `wrangler dev --local` with speech-to-text and text-to-speech set to `openai-compatible` against a
// tiny OpenAI-compatible audio fake in a worker thread (`/v1/audio/transcriptions`, `/v1/audio/speech`,
// each answering after a fixed latency), and the chat model against the fake OpenAI server
// (test-support/fake-openai), whose first token comes after a fixed delay.
//
// N users each hold a realtime WebSocket in voice mode. Each first speaks one warm-up utterance that
// is not measured (the object starting, its modules and schema loading, the first connections to the
// fakes: a cold start, not the cost of a turn), then T utterances one after another.
//
// Frames. With `--frames binary` (the default, as the web client does) the audio goes both ways as
// binary frames (a JSON header and the bytes, `common/binary-frame.ts`); `--frames text` sends it as
// base64 in JSON, as clients did before, to compare.
//
// Pace. With `--pace conversation` (the default) each user behaves as a person in a spoken
// conversation: speaks for the utterance's length in real time (its audio sent as it is spoken), then
// listens to the whole reply (the sum of its segments' durations) before speaking again, and the users
// start at random moments within one such cycle, as 50 independent conversations do. With
// `--pace back-to-back` every user sends its next utterance the moment the previous reply ends, all
// starting together: a stress test of 50 synchronized bursts, not 50 conversations. For
// each, the time from sending `voice-utterance-end` (the end of speech) to the first `voice-segment`
// minus the fakes' fixed latencies (transcription, first token, synthesis) is Kindred's overhead. Then
// every user speaks once more, and cuts the reply in after its first segment: the time from sending
// `voice-interrupt` to receiving `voice-reply-end { interrupted: true }` is the barge-in stop time.
//
// The subtraction is exact for what the fakes wait: the model's default answer ("You said: …") is one
// sentence that streams at once after its first-token delay, and the speech fake's PCM body is a few
// hundred kB over loopback. The object logs when each stage of a spoken turn was reached
// (`voice turn timings`, numbers only); the report gives their percentiles from the wrangler log, so
// it shows where the milliseconds go. The object's clock only moves on I/O: CPU work shows up inside
// the stage that follows it.
//
// Shards. Local workerd runs every Durable Object of a Worker on one thread, so the 50 sessions queue
// behind each other's work at every step of a turn; on Cloudflare each person's object runs where it
// lives. `--shards N` (as in the reminders bench) starts N local servers, each its own workerd,
// database and objects, and gives each a share of the users, round robin. The default stays one: the
// report names the count, and the CPU and stage timings are summed over every shard.
//
// The report gives workerd's CPU (both its processes: Kindred's and the proxy in front of it, from /proc)
// per utterance of the run, warm-ups and barge-ins included. `--profile` runs V8's sampling profiler over
// the sessions and says which code the CPU went to (bench-results/voice-kindred.cpuprofile); the
// profiler slows workerd, so that run's latencies are marked as profiled and are not comparable.
//
// The human summary goes to stderr; the last line of stdout is the JSON report, also written to
// bench-results/voice.json. Exits with 1 when more than 1% of the turns failed.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { decodeBinaryFrame, encodeBinaryFrame } from '../common/binary-frame.ts';
import { voiceBinaryFields } from '../common/voice.ts';
import { startV8Profiler, summariseV8Profile } from '../scripts/bench-cpu-profile.mjs';
import {
  cleanUpOnExit,
  fakeModelServerVariables,
  format,
  packageVersion,
  progress,
  round,
  shardsCpuSeconds,
  signUpOverShards,
  startBenchServer,
  startFakeModel,
  stopChild,
} from '../scripts/bench-support.mjs';
import { applyMigrations, localWranglerEnvironment, prepareSnapshot, root } from '../scripts/local-server.mjs';

const host = '127.0.0.1';
const allowedFailureRatio = 0.01;
const targets = { overheadP95Ms: 30, bargeInMs: 150 };
const stateDirectory = path.join(root, '.wrangler/bench-voice-state');
/** Each shard's database: `data` for the first, as before shards, then `data-1`, `data-2`... */
const persistDirectoryOf = (shard) => path.join(stateDirectory, shard === 0 ? 'data' : `data-${shard}`);
const snapshotDirectory = path.join(stateDirectory, 'snapshot');
const resultsDirectory = path.join(root, 'bench-results');
const resultsFile = path.join(resultsDirectory, 'voice.json');
const profileFile = path.join(resultsDirectory, 'voice-kindred.cpuprofile');
/** Each shard's wrangler log: `voice-wrangler.log` for the first, then `voice-wrangler-1.log`... */
const serverLogFileOf = (shard) => path.join(resultsDirectory, shard === 0 ? 'voice-wrangler.log' : `voice-wrangler-${shard}.log`);
const modelLogFile = path.join(resultsDirectory, 'voice-fake-model.log');
/** What the fake transcriber hears in an ordinary utterance, and in the one each user cuts in on. */
const spokenText = 'Tell me something nice about today.';
const bargeInText = 'Please talk for a long while now.';
/** The reply the model streams slowly for the barge-in turn: long enough to still be streaming when the cut comes. */
const longReply = Array.from({ length: 8 }, (_, index) => `This is sentence number ${index + 1} of a long answer.`).join(' ');
/** An ordinary utterance is 1 s of audio, the barge-in one 1.5 s: the fake transcriber tells them apart by size. */
const utteranceSeconds = { ordinary: 1, bargeIn: 1.5 };
const turnTimeoutMs = 30_000;

export async function run(argv) {
  const options = readOptions(argv);
  if (options === undefined) return 1;
  const loadAverageAtStart = os.loadavg().map((load) => round(load));
  // Ctrl+C must not leave workerd or a fake running in the background.
  const cleanups = cleanUpOnExit();
  try {
    await rm(stateDirectory, { recursive: true, force: true });
    await mkdir(resultsDirectory, { recursive: true });
    progress('Building a snapshot of the Worker and the web app, and a fresh bench database…');
    const quiet = { stdio: ['ignore', 2, 2], env: localWranglerEnvironment() };
    const snapshot = await prepareSnapshot({ directory: snapshotDirectory, persistTo: persistDirectoryOf(0), buildWebApp: true, stepOptions: quiet });
    for (let shard = 1; shard < options.shards; shard++) await applyMigrations({ persistTo: persistDirectoryOf(shard), ...quiet });

    const model = await startFakeModel({ delayMs: options.llmMs, logFile: modelLogFile, host });
    cleanups.push(() => stopChild(model.child));
    await scriptModel(model.url, options);
    const speech = await startFakeSpeech(options);
    cleanups.push(() => speech.stop());
    progress(`Fake model on ${model.url} (${options.llmMs} ms), fake speech on ${speech.url} (STT ${options.sttMs} ms, TTS ${options.ttsMs} ms).`);

    const variables = {
      ...fakeModelServerVariables(model.url),
      STT_PROVIDER: 'openai-compatible',
      STT_BASE_URL: speech.url,
      STT_MODEL: 'fake-whisper',
      STT_API_KEY: 'bench',
      TTS_PROVIDER: 'openai-compatible',
      TTS_BASE_URL: speech.url,
      TTS_MODEL: 'fake-tts',
      TTS_API_KEY: 'bench',
    };
    // One after the other: each waits for its server's health check, and a failed start stops the rest.
    const servers = [];
    for (let shard = 0; shard < options.shards; shard++) {
      servers.push(
        await startBenchServer({
          port: shard === 0 ? options.port : 0,
          host,
          withInspector: options.profile,
          persistTo: persistDirectoryOf(shard),
          snapshot,
          variables,
          logFile: serverLogFileOf(shard),
          cleanups,
        }),
      );
    }

    progress(`Signing up ${options.users} users (not measured)${options.shards > 1 ? `, round robin over ${options.shards} servers` : ''}…`);
    const users = await signUpOverShards(servers, options.users, { prefix: 'bench-voice' });

    progress(`Voice: ${options.users} sessions × ${options.turns} spoken turns at ${options.pace} pace, then one barge-in each…`);
    // The clients' own event loop: a frame that arrives while it is busy is timed late, and that
    // lateness is in the overhead too. Reported so it can be told apart from Kindred's.
    const clientLoop = monitorEventLoopDelay({ resolution: 5 });
    clientLoop.enable();
    const profiler = options.profile ? await startV8Profiler({ host, inspectorPort: servers[0].inspectorPort, samplingMicroseconds: 250 }) : undefined;
    const cpuAtStart = shardsCpuSeconds(servers);
    const startedAt = performance.now();
    const results = await Promise.all(users.map(({ baseUrl, token }) => voiceUser(baseUrl, token, options)));
    const durationMs = performance.now() - startedAt;
    const cpuAtEnd = shardsCpuSeconds(servers);
    clientLoop.disable();
    const cpu = workerdCpu(results, cpuAtStart, cpuAtEnd);
    const profile = profiler === undefined ? undefined : await summariseV8Profile(await profiler.stop(), { bundle: snapshot.script, file: profileFile });
    const clientEventLoopDelayMs = {
      p50: round(clientLoop.percentile(50) / 1e6),
      p95: round(clientLoop.percentile(95) / 1e6),
      max: round(clientLoop.max / 1e6),
    };

    const stages = stageTimings(servers.map((_, shard) => readFileSync(serverLogFileOf(shard), 'utf8')).join('\n'));
    const report = buildReport(options, results, {
      durationMs,
      loadAverageAtStart,
      speechRequests: await speech.counts(),
      stages,
      clientEventLoopDelayMs,
      cpu,
      profile,
    });
    printSummary(report);
    await writeFile(resultsFile, `${JSON.stringify(report, null, 2)}\n`);
    progress(`Written to ${path.relative(root, resultsFile)}.`);
    process.stdout.write(`${JSON.stringify(report)}\n`);
    const turns = report.turns.measured + report.bargeIn.measured;
    const failures = report.turns.errors + report.bargeIn.errors;
    if (turns === 0 || failures / Math.max(1, turns + failures) > allowedFailureRatio) {
      progress(`FAILED: ${failures} turns failed.`);
      return 1;
    }
    return 0;
  } catch (error) {
    progress(`The benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
    progress(`Server log: ${path.relative(root, serverLogFileOf(0))}; model log: ${path.relative(root, modelLogFile)}.`);
    return 1;
  } finally {
    await cleanups.release();
  }
}

function readOptions(argv) {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        users: { type: 'string', default: '50' },
        turns: { type: 'string', default: '6' },
        'stt-ms': { type: 'string', default: '120' },
        'llm-ms': { type: 'string', default: '150' },
        'tts-ms': { type: 'string', default: '100' },
        pace: { type: 'string', default: 'conversation' },
        frames: { type: 'string', default: 'binary' },
        port: { type: 'string', default: '0' },
        shards: { type: 'string', default: '1' },
        profile: { type: 'boolean', default: false },
      },
      strict: true,
    });
    const integer = (name, minimum) => {
      const value = Number(values[name]);
      if (!Number.isInteger(value) || value < minimum) throw new Error(`--${name} must be an integer of at least ${minimum}, got "${values[name]}".`);
      return value;
    };
    if (values.pace !== 'conversation' && values.pace !== 'back-to-back') throw new Error(`--pace must be conversation or back-to-back, got "${values.pace}".`);
    if (values.frames !== 'binary' && values.frames !== 'text') throw new Error(`--frames must be binary or text, got "${values.frames}".`);
    // The profiler attaches to one server: a profile of one shard of several would read as the whole.
    if (values.profile && values.shards !== '1') throw new Error('--profile profiles one server: run it with --shards 1.');
    return {
      pace: values.pace,
      frames: values.frames,
      users: integer('users', 1),
      turns: integer('turns', 1),
      sttMs: integer('stt-ms', 0),
      llmMs: integer('llm-ms', 0),
      ttsMs: integer('tts-ms', 0),
      port: integer('port', 0),
      shards: integer('shards', 1),
      profile: values.profile,
    };
  } catch (error) {
    progress(error instanceof Error ? error.message : String(error));
    progress(
      'Usage: npm run bench -- voice [--users 50] [--turns 6] [--stt-ms 120] [--llm-ms 150] [--tts-ms 100] [--pace conversation|back-to-back] [--frames binary|text] [--port 0] [--shards 1] [--profile]',
    );
    return undefined;
  }
}

// --- the fakes -----------------------------------------------------------------------------------

/**
 * The speech fake (scripts/fake-speech-server.mjs) runs in a worker thread of its own: on this
 * thread, its fixed waits would fire late whenever the 50 clients' frames (each reply segment is
 * a few hundred kB of base64) held the event loop, and that lateness would be counted as Kindred's.
 */
async function startFakeSpeech(options) {
  const worker = new Worker(new URL('../scripts/fake-speech-server.mjs', import.meta.url), {
    workerData: { host, sttMs: options.sttMs, ttsMs: options.ttsMs, spokenText, bargeInText },
  });
  const url = await new Promise((resolve, reject) => {
    worker.once('message', (message) => resolve(message.url));
    worker.once('error', reject);
  });
  /** How many requests each route had, and how long after arriving each was answered (its fixed wait, kept or not). */
  const counts = () =>
    new Promise((resolve) => {
      worker.once('message', ({ counts, answeredAfterMs }) =>
        resolve({
          ...counts,
          answeredAfterMs: { transcriptions: percentiles(answeredAfterMs.transcriptions), speech: percentiles(answeredAfterMs.speech) },
        }),
      );
      worker.postMessage('counts');
    });
  return { url, counts, stop: () => worker.terminate() };
}

function tone(frequency, seconds, sampleRate) {
  const samples = new Int16Array(Math.round(seconds * sampleRate));
  for (let index = 0; index < samples.length; index++) samples[index] = Math.round(Math.sin((2 * Math.PI * frequency * index) / sampleRate) * 0.3 * 32767);
  return Buffer.from(samples.buffer);
}

const sleep = (milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds));

/** The barge-in turn's reply streams slowly (a chunk every 40 ms), so it is still streaming when the cut comes. */
async function scriptModel(modelUrl, options) {
  const response = await fetch(`${new URL(modelUrl).origin}/__control/scripts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      match: bargeInText,
      steps: Array.from({ length: options.users + 10 }, () => ({ text: longReply, delayMs: options.llmMs, chunkDelayMs: 40 })),
    }),
  });
  if (!response.ok) throw new Error(`Scripting the fake model answered ${response.status}: ${await response.text()}`);
}

// --- one voice session ---------------------------------------------------------------------------------

/** One user: a realtime socket in voice mode, T spoken turns in sequence, then one cut in after its first segment. */
async function voiceUser(baseUrl, token, options) {
  const result = { firstSegmentMs: [], bargeInMs: [], errors: [] };
  const ticketResponse = await fetch(`${baseUrl}/api/v1/realtime/tickets`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  const { ticket } = await ticketResponse.json();
  const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/api/v1/realtime?ticket=${encodeURIComponent(ticket)}`);
  socket.binaryType = 'arraybuffer';
  const binary = options.frames === 'binary';
  const waiters = [];
  /** How long the reply heard so far plays: the person listens to all of it before speaking again. */
  let replyAudioMs = 0;
  socket.addEventListener('message', (event) => {
    const receivedAt = performance.now();
    const frame = typeof event.data === 'string' ? JSON.parse(event.data) : decodeBinaryFrame(event.data, voiceBinaryFields);
    if (frame.type === 'voice-segment' || frame.type === 'voice-segment-audio') replyAudioMs += frame.durationMs;
    for (const waiter of [...waiters]) {
      if (waiter.accepts(frame)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve({ frame, receivedAt });
      }
    }
  });
  const waitFor = (accepts) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timeout')), turnTimeoutMs);
      waiters.push({
        accepts,
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
      });
    });
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve, { once: true });
    socket.addEventListener('close', () => reject(new Error('closed before opening')), { once: true });
  });
  const started = waitFor((frame) => (frame.type === 'voice-state' && frame.state === 'listening') || frame.type === 'error');
  socket.send(JSON.stringify({ type: 'voice-start', binaryAudio: binary }));
  const { frame: answer } = await started;
  // Without the speech adapters (or with STT/TTS not reaching the fake), nothing here can be measured.
  if (answer.type === 'error') throw new Error(`voice-start answered ${answer.id}: speech is not configured in this build (${answer.message})`);

  const fixedLatencyMs = options.sttMs + options.llmMs + options.ttsMs;
  const conversational = options.pace === 'conversation';
  /** Sends one utterance: in real time (a second of audio a second) at a conversation's pace, else at once. */
  const speak = async (seconds) => {
    const utteranceId = `utt_${randomBytes(6).toString('hex')}`;
    const pcm = tone(300 + Math.floor(Math.random() * 400), seconds, 16_000);
    replyAudioMs = 0;
    for (let start = 0, seq = 0; start < pcm.byteLength; start += 32_000, seq++) {
      const chunk = pcm.subarray(start, start + 32_000);
      const header = { type: 'voice-audio', utteranceId, seq };
      socket.send(binary ? encodeBinaryFrame(header, chunk) : JSON.stringify({ ...header, data: chunk.toString('base64') }));
      if (conversational) await sleep((chunk.byteLength / 32_000) * 1000);
    }
    const firstSegment = waitFor((frame) => frame.type === 'voice-segment' && frame.index === 0);
    const replyEnd = waitFor((frame) => frame.type === 'voice-reply-end');
    const endedAt = performance.now();
    socket.send(JSON.stringify({ type: 'voice-utterance-end', utteranceId }));
    return { endedAt, firstSegment, replyEnd };
  };

  /** The person hears the reply out before speaking again (conversation pace only). */
  const listen = () => (conversational ? sleep(replyAudioMs) : Promise.resolve());

  // The warm-up: the same turn, unmeasured. Then, at a conversation's pace, each user waits a random
  // part of one turn's cycle (speaking, the reply coming, listening to it), so the 50 conversations
  // are not in step.
  try {
    const { firstSegment, replyEnd } = await speak(utteranceSeconds.ordinary);
    await firstSegment;
    await replyEnd;
    if (conversational) await sleep(Math.random() * (utteranceSeconds.ordinary * 1000 + fixedLatencyMs + replyAudioMs));
  } catch (error) {
    result.errors.push(`warm-up: ${error instanceof Error ? error.message : String(error)}`);
  }
  for (let turn = 0; turn < options.turns; turn++) {
    try {
      const { endedAt, firstSegment, replyEnd } = await speak(utteranceSeconds.ordinary);
      const { receivedAt } = await firstSegment;
      result.firstSegmentMs.push({ total: receivedAt - endedAt, overhead: receivedAt - endedAt - fixedLatencyMs });
      await replyEnd;
      await listen();
    } catch (error) {
      result.errors.push(error instanceof Error ? error.message : String(error));
    }
  }
  try {
    const { firstSegment, replyEnd } = await speak(utteranceSeconds.bargeIn);
    const { frame } = await firstSegment;
    const interruptedEnd = waitFor((candidate) => candidate.type === 'voice-reply-end' && candidate.interrupted === true);
    const sentAt = performance.now();
    socket.send(JSON.stringify({ type: 'voice-interrupt', messageId: frame.messageId, playedSegments: 1, playedMs: 0 }));
    const { receivedAt } = await interruptedEnd;
    result.bargeInMs.push(receivedAt - sentAt);
    replyEnd.catch(() => {});
  } catch (error) {
    result.errors.push(`barge-in: ${error instanceof Error ? error.message : String(error)}`);
  }
  socket.close();
  return result;
}

// --- report ----------------------------------------------------------------------------------------------

function percentiles(values) {
  const sorted = [...values].sort((left, right) => left - right);
  const at = (percent) => (sorted.length === 0 ? null : round(sorted[Math.max(0, Math.ceil((percent / 100) * sorted.length) - 1)]));
  return { p50: at(50), p95: at(95), p99: at(99), max: sorted.length === 0 ? null : round(sorted.at(-1)) };
}

/** The stages the object logs, in the order a turn reaches them. */
const stageOrder = [
  'transcribeStarted',
  'transcribed',
  'turnStarted',
  'userStored',
  'replyStarted',
  'firstDelta',
  'firstSentence',
  'synthesisAnswered',
  'synthesisComplete',
  'firstSegmentSent',
];

/**
 * Percentiles of each stage (ms since `voice-utterance-end` reached the object) and of each step
 * between consecutive stages, over the measured turns: the warm-up (turn 1 of a session) and the
 * interrupted barge-in turns are left out.
 */
function stageTimings(serverLog) {
  const turns = [];
  for (const line of serverLog.split('\n')) {
    const start = line.indexOf('{"level"');
    if (start === -1 || !line.includes('"voice turn timings"')) continue;
    try {
      const entry = JSON.parse(line.slice(start));
      if (entry.turnOfSession > 1 && entry.interrupted === false) turns.push(entry);
    } catch {
      // A line wrangler cut or interleaved: not a timing.
    }
  }
  const reached = {};
  const steps = {};
  for (const [index, stage] of stageOrder.entries()) {
    const values = turns.map((turn) => turn[`ms_${stage}`]).filter((value) => typeof value === 'number');
    reached[stage] = percentiles(values);
    if (index === 0) continue;
    const previous = stageOrder[index - 1];
    const gaps = turns
      .filter((turn) => typeof turn[`ms_${stage}`] === 'number' && typeof turn[`ms_${previous}`] === 'number')
      .map((turn) => turn[`ms_${stage}`] - turn[`ms_${previous}`]);
    steps[`${previous}→${stage}`] = percentiles(gaps);
  }
  return { turns: turns.length, reachedMs: reached, stepMs: steps };
}

/** workerd's CPU over the sessions, per utterance the object handled (warm-ups and barge-ins included). */
function workerdCpu(results, atStart, atEnd) {
  if (atStart === null || atEnd === null) return { available: false };
  const utterances = results.reduce((sum, result) => sum + result.firstSegmentMs.length + result.bargeInMs.length + 1, 0);
  return { available: true, utterances, seconds: round(atEnd - atStart), msPerUtterance: round(((atEnd - atStart) * 1000) / utterances) };
}

function buildReport(options, results, { durationMs, loadAverageAtStart, speechRequests, stages, clientEventLoopDelayMs, cpu, profile }) {
  const turns = results.flatMap((result) => result.firstSegmentMs);
  const bargeIns = results.flatMap((result) => result.bargeInMs);
  const errors = results.flatMap((result) => result.errors);
  const overhead = percentiles(turns.map((turn) => turn.overhead));
  const bargeIn = percentiles(bargeIns);
  return {
    benchmark: 'voice',
    options,
    environment: {
      node: process.version,
      cpus: os.cpus().length,
      loadAverageAtStart,
      loadAverageAtEnd: os.loadavg().map((load) => round(load)),
      wrangler: packageVersion('wrangler'),
      /** How late the benchmark's own timers ran (its clients share one event loop); includes the 5 ms resolution. */
      clientEventLoopDelayMs,
    },
    durationMs: round(durationMs),
    ...(profile === undefined ? {} : { profiled: 'V8 profiler on: latencies are slowed and not comparable with unprofiled runs' }),
    workerdCpu: cpu,
    ...(profile === undefined ? {} : { profile }),
    fixedLatencyMs: { stt: options.sttMs, llmFirstToken: options.llmMs, tts: options.ttsMs },
    turns: {
      measured: turns.length,
      warmUpTurns: options.users,
      errors: errors.filter((error) => !error.startsWith('barge-in')).length,
      endOfSpeechToFirstSegmentMs: percentiles(turns.map((turn) => turn.total)),
      overheadMs: overhead,
    },
    serverStages: stages,
    bargeIn: { measured: bargeIns.length, errors: errors.filter((error) => error.startsWith('barge-in')).length, stopMs: bargeIn },
    speechRequests,
    errorSamples: errors.slice(0, 5),
    targets,
    met: {
      overheadP95: overhead.p95 !== null && overhead.p95 <= targets.overheadP95Ms,
      bargeIn: bargeIn.p95 !== null && bargeIn.p95 <= targets.bargeInMs,
    },
  };
}

function printSummary(report) {
  progress('');
  progress(
    `Voice, ${report.options.users} sessions × ${report.options.turns} turns at ${report.options.pace} pace${report.options.shards > 1 ? ` over ${report.options.shards} servers` : ''} (${report.turns.measured} measured, ${report.turns.errors} failed):`,
  );
  progress(
    `  end of speech → first segment   p50 ${format(report.turns.endOfSpeechToFirstSegmentMs.p50)}  p95 ${format(report.turns.endOfSpeechToFirstSegmentMs.p95)}`,
  );
  progress(
    `  Kindred's overhead (minus ${report.options.sttMs + report.options.llmMs + report.options.ttsMs} ms of fakes)  p50 ${format(report.turns.overheadMs.p50)}  p95 ${format(report.turns.overheadMs.p95)}  target p95 ≤ ${targets.overheadP95Ms} ms: ${report.met.overheadP95 ? 'met' : 'NOT met'}`,
  );
  progress(
    `  server stages over ${report.serverStages.turns} turns, ms since utterance end (p50/p95): ${stageOrder
      .map((stage) => `${stage} ${report.serverStages.reachedMs[stage].p50 ?? '-'}/${report.serverStages.reachedMs[stage].p95 ?? '-'}`)
      .join(', ')}`,
  );
  progress(
    `  barge-in stop (interrupt → reply-end)  p50 ${format(report.bargeIn.stopMs.p50)}  p95 ${format(report.bargeIn.stopMs.p95)}  target ≤ ${targets.bargeInMs} ms: ${report.met.bargeIn ? 'met' : 'NOT met'}`,
  );
  if (report.workerdCpu.available)
    progress(`  workerd CPU per utterance  ${format(report.workerdCpu.msPerUtterance)} (${report.workerdCpu.utterances} utterances)`);
  if (report.profile === undefined) return;
  progress(`  ${report.profiled}. Of ${report.profile.samples} samples (${report.profile.file}):`);
  for (const [title, shares] of [
    ['by kind', report.profile.percentByCategory],
    ['our functions with their callees', report.profile.percentByFunction],
    ['self time', report.profile.percentSelf],
  ]) {
    progress(`   ${title}:`);
    for (const [name, percent] of Object.entries(shares)) progress(`     ${String(percent).padStart(5)}%  ${name}`);
  }
}

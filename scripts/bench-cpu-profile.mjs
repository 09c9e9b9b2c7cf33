// Where a Worker's CPU goes, for the benchmarks. Two profiles of the same turns:
//
// - V8's sampling profiler, through the DevTools protocol wrangler serves on the inspector port, sees
//   the JavaScript: which package or folder of ours, which API (SQLite, WebCrypto, JSON, WebSocket send).
//   It samples only while workerd holds the isolate's lock, and a sample taken after an idle gap
//   carries the whole gap in its time delta, so samples are counted rather than their deltas summed.
// - `perf` (where it is installed and allowed) samples the whole workerd process on the CPU, so it also
//   sees what runs outside the lock: SQLite commits and their fsync, HTTP and WebSocket I/O, the kernel,
//   V8's background threads. Its share of "inside the isolate" is what the V8 profile then divides.
//
// Both are scaled to a CPU time per turn measured apart from the profiled turns (from /proc), since
// profiling itself costs CPU.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { round } from './bench-support.mjs';
import { root } from './local-server.mjs';

// --- the V8 profile ------------------------------------------------------------------------------------

/**
 * Starts V8's sampling profiler in the isolate of the Worker and its Durable Objects.
 *
 * @param {{ host: string, inspectorPort: number, samplingMicroseconds: number }} options
 */
export async function startV8Profiler({ host, inspectorPort, samplingMicroseconds }) {
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
  await call('Profiler.setSamplingInterval', { interval: samplingMicroseconds });
  await call('Profiler.start');
  return {
    stop: async () => {
      const { profile } = await call('Profiler.stop');
      socket.close();
      return profile;
    },
  };
}

/**
 * Which source module each line of an esbuild bundle came from: esbuild starts every module with a
 * `// path` comment, which is enough to tell packages and our folders apart without a source map.
 */
export function bundleModuleIndex(bundleText) {
  const starts = [];
  const lines = bundleText.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const match = /^\/\/ ((?:\.\.\/)*[\w@.:-][^\s]*)$/.exec(lines[index]);
    if (match && (match[1].includes('/') || match[1].includes(':'))) starts.push({ line: index, path: normaliseModulePath(match[1]) });
  }
  return {
    /** The module of a 0-based line of the bundle. */
    moduleAt(line) {
      let low = 0;
      let high = starts.length - 1;
      let found;
      while (low <= high) {
        const middle = (low + high) >> 1;
        if (starts[middle].line <= line) {
          found = starts[middle];
          low = middle + 1;
        } else high = middle - 1;
      }
      return found?.path ?? '(bundle prelude)';
    },
  };
}

/** `../main/node_modules/x/y.js` (node_modules may be a link to another checkout) → `node_modules/x/y.js`. */
function normaliseModulePath(modulePath) {
  const packageAt = modulePath.indexOf('node_modules/');
  if (packageAt >= 0) return modulePath.slice(packageAt);
  return modulePath.replace(/^(\.\.\/)+/, '');
}

const ownFolders = ['durable-objects', 'server', 'worker', 'common'];

/** What a source module is, for the breakdown: a named package group, or a folder of ours. */
function moduleCategory(modulePath) {
  if (modulePath.startsWith('node_modules/')) {
    const parts = modulePath.slice('node_modules/'.length).split('/');
    const name = parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
    if (name === 'openai') return 'openai SDK (request, SSE parsing)';
    if (name === 'zod') return 'zod validation';
    if (name === 'hono' || name.startsWith('@hono/')) return 'Hono';
    if (['agents', 'partyserver', 'partysocket', 'cron-schedule', 'nanoid', '@modelcontextprotocol/sdk', 'capnweb'].includes(name)) return 'Agents SDK';
    if (name === 'stemmer') return 'stemmer (retrieval tokens)';
    if (name === 'drizzle-orm') return 'drizzle (D1)';
    return `npm: ${name}`;
  }
  const [folder, sub] = modulePath.split('/');
  if (ownFolders.includes(folder)) {
    if (folder === 'durable-objects' && sub === 'retrieval') return 'ours: durable-objects/retrieval (FTS, blind index)';
    return `ours: ${sub?.includes('.') ? folder : `${folder}/${sub}`}`;
  }
  if (/^(node-internal|cloudflare-internal|node|internal|workerd-internal):/.test(modulePath) || modulePath.startsWith('node-built-in-modules')) {
    return 'workerd built-in JS (timers, node: modules)';
  }
  return `other: ${modulePath}`;
}

/**
 * workerd's native APIs appear in the profile as frames without a URL. The time in them is the
 * API's, whoever called it; any other native frame is counted with its caller.
 */
const nativeApiCategories = [
  [/^(exec|toArray|one|raw|columnNames|rowsRead|rowsWritten|databaseSize)$/, 'SQLite (sql.exec and its cursors)'],
  [/^(encrypt|decrypt|sign|verify|digest|importKey|exportKey|deriveKey|deriveBits|getRandomValues|randomUUID|timingSafeEqual)$/, 'WebCrypto'],
  [/^(parse|stringify)$/, 'JSON.parse / JSON.stringify'],
  [/^(send|accept|serializeAttachment|deserializeAttachment|getWebSockets|getTags)$/, 'WebSocket (send, hibernation API)'],
  [/^(encode|decode|encodeInto|TextEncoder|TextDecoder|atob|btoa)$/, 'TextEncoder / TextDecoder / base64'],
  [/^(setTimeout|clearTimeout|setInterval|clearInterval|queueMicrotask)$/, 'timers'],
  [/^(setAlarm|getAlarm|deleteAlarm|get|put|delete|list|sync|transaction|transactionSync)$/, 'Durable Object storage (alarms, KV)'],
  [/^(fetch)$/, 'fetch (starting the request)'],
  [
    /^(read|write|close|cancel|enqueue|getReader|getWriter|releaseLock|pipeTo|pipeThrough|tee|ReadableStream|WritableStream|TransformStream)$/,
    'streams (reading the model, writing responses)',
  ],
  [/^(URL|URLSearchParams|Headers|Request|Response|AbortController|AbortSignal|any|timeout|abort)$/, 'URL, Headers, Request, AbortSignal'],
];

/**
 * Counts the profile's samples by kind of work (each sample once, by its innermost frame), our code by
 * folder and by function with their callees, and the functions with the most time of their own.
 *
 * @param {{ nodes: any[], samples: number[], timeDeltas: number[] }} profile
 * @param {{ moduleAt(line: number): string }} modules
 */
export function analyseV8Profile(profile, modules) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const moduleOf = (node) =>
    node.callFrame.url === '' ? undefined : isBundle(node.callFrame.url) ? modules.moduleAt(node.callFrame.lineNumber) : node.callFrame.url;

  const byCategory = new Map();
  const ownByFolder = new Map();
  const ownFunctions = new Map();
  const selfByFunction = new Map();
  const add = (table, key, count = 1) => table.set(key, (table.get(key) ?? 0) + count);
  let counted = 0;
  let idle = 0;
  const runningDeltas = [];

  profile.samples.forEach((nodeId, index) => {
    const leaf = nodes.get(nodeId);
    const name = leaf.callFrame.functionName;
    if (name === '(idle)') {
      idle += 1;
      return;
    }
    counted += 1;
    runningDeltas.push(profile.timeDeltas[index] ?? 0);
    add(byCategory, leafCategory(leaf, nodeId, nodes, parents, moduleOf));
    const leafModule = moduleOf(leaf);
    add(selfByFunction, `${leafModule ?? '(native)'}:${name || '(anonymous)'}`);

    // With their callees: each of our folders and functions once per sample, however deep it recurses.
    const seenFolders = new Set();
    const seenFunctions = new Set();
    for (let current = nodeId; current !== undefined; current = parents.get(current)) {
      const node = nodes.get(current);
      const modulePath = moduleOf(node);
      if (modulePath === undefined || !ownFolders.includes(modulePath.split('/')[0])) continue;
      const folder = modulePath.split('/').slice(0, -1).join('/');
      const key = `${modulePath}:${node.callFrame.functionName || '(anonymous)'}`;
      if (!seenFolders.has(folder)) {
        seenFolders.add(folder);
        add(ownByFolder, folder);
      }
      if (!seenFunctions.has(key)) {
        seenFunctions.add(key);
        add(ownFunctions, key);
      }
    }
  });

  runningDeltas.sort((left, right) => left - right);
  // The sampler's real period while the isolate runs; the long deltas are idle gaps ending in a sample.
  const typicalIntervalMicroseconds = runningDeltas.length === 0 ? 0 : runningDeltas[Math.floor(runningDeltas.length / 2)];
  return {
    samples: counted,
    idleSamples: idle,
    typicalIntervalMicroseconds,
    byCategory,
    ownByFolder,
    ownFunctions,
    selfByFunction,
  };
}

/**
 * A V8 profile written to `file` (to open in DevTools) and summarised for a benchmark's report: shares of
 * the running samples by kind of work, by our folder and our function (with their callees), and by
 * function's own time, the largest first.
 */
export async function summariseV8Profile(profile, { bundle, file }) {
  await writeFile(file, JSON.stringify(profile));
  const v8 = analyseV8Profile(profile, bundleModuleIndex(readFileSync(bundle, 'utf8')));
  const shares = (table, limit) =>
    Object.fromEntries(
      [...table]
        .sort((left, right) => right[1] - left[1])
        .slice(0, limit)
        .map(([name, count]) => [name, round((100 * count) / Math.max(1, v8.samples), 1)]),
    );
  return {
    file: path.relative(root, file),
    samples: v8.samples,
    idleSamples: v8.idleSamples,
    percentByCategory: shares(v8.byCategory, 15),
    percentByFolder: shares(v8.ownByFolder, 15),
    percentByFunction: shares(v8.ownFunctions, 25),
    percentSelf: shares(v8.selfByFunction, 20),
  };
}

function isBundle(url) {
  return url === 'index.js' || url.endsWith('/index.js');
}

function leafCategory(leaf, nodeId, nodes, parents, moduleOf) {
  const name = leaf.callFrame.functionName;
  if (name === '(garbage collector)') return 'garbage collection (main thread)';
  if (name === '(program)' || name === '(root)') return 'V8 and workerd native code outside any JS frame';
  if (leaf.callFrame.url === '') {
    for (const [pattern, category] of nativeApiCategories) if (pattern.test(name)) return category;
    // The cursor's `next` is SQLite's; other native `next`s (headers, streams) are their caller's.
    if (name === 'next') {
      const caller = nodes.get(parents.get(nodeId));
      const callerModule = caller === undefined ? undefined : moduleOf(caller);
      if (callerModule === undefined || !/node_modules\/(openai|hono)/.test(callerModule)) return 'SQLite (sql.exec and its cursors)';
    }
    for (let current = parents.get(nodeId); current !== undefined; current = parents.get(current)) {
      const modulePath = moduleOf(nodes.get(current));
      if (modulePath !== undefined) return moduleCategory(modulePath);
    }
    return 'V8 and workerd native code outside any JS frame';
  }
  return moduleCategory(moduleOf(leaf));
}

// --- the native profile ---------------------------------------------------------------------------------

/** Whether `perf record` can sample a process here (installed, and the kernel lets us). */
export function perfAvailability() {
  const probe = spawnSync('perf', ['record', '-q', '-F', '99', '-o', '/dev/null', '--', 'true'], { encoding: 'utf8', timeout: 15_000 });
  if (probe.error)
    return { available: false, reason: `perf is not installed (${probe.error.code ?? probe.error.message}); apt-get install linux-perf adds it.` };
  if (probe.status !== 0) return { available: false, reason: `perf record failed: ${(probe.stderr || '').trim().split('\n')[0]}` };
  return { available: true };
}

/**
 * Samples one process with its call stacks until stopped.
 *
 * @param {{ pid: number, outputFile: string, frequency?: number }} options
 */
export function startPerf({ pid, outputFile, frequency = 999 }) {
  const child = spawn('perf', ['record', '-q', '-F', String(frequency), '-g', '-p', String(pid), '-o', outputFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let errors = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    errors += chunk;
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    stop: async () => {
      child.kill('SIGINT');
      const code = await exited;
      if (code !== 0 && code !== null) throw new Error(`perf record exited with ${code}: ${errors.trim().split('\n')[0]}`);
    },
  };
}

/**
 * Reads `perf script`'s stacks and counts each sample once, by the first rule its stack matches.
 * "Inside the isolate" is JavaScript and the APIs it calls, which the V8 profile divides further.
 */
export async function analysePerf(dataFile, mainThreadId) {
  const child = spawn('perf', ['script', '-i', dataFile, '-F', 'comm,tid,ip,sym', '--no-inline'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const lines = createInterface({ input: child.stdout, crlfDelay: Number.POSITIVE_INFINITY });
  const byCategory = new Map();
  const nativeLeaves = new Map();
  let samples = 0;
  let header;
  let frames = [];
  const finish = () => {
    if (header === undefined) return;
    samples += 1;
    const category = perfCategory(header, frames, mainThreadId);
    byCategory.set(category, (byCategory.get(category) ?? 0) + 1);
    if (category !== insideIsolate) {
      const leaf = `${category} ← ${frames[0]?.symbol ?? '?'}`;
      nativeLeaves.set(leaf, (nativeLeaves.get(leaf) ?? 0) + 1);
    }
    header = undefined;
    frames = [];
  };
  for await (const line of lines) {
    if (line.trim() === '') {
      finish();
      continue;
    }
    if (!line.startsWith('\t') && !line.startsWith(' ')) {
      finish();
      const match = /^(.*?)\s+(\d+)\s*$/.exec(line);
      header = { comm: match?.[1] ?? line, tid: Number(match?.[2]) };
      continue;
    }
    const match = /^\s*([0-9a-f]+)\s+(.*)$/.exec(line);
    if (match) frames.push({ kernel: match[1].length >= 16 && match[1].startsWith('ffff'), symbol: match[2] });
  }
  finish();
  return { samples, byCategory, nativeLeaves };
}

export const insideIsolate = 'inside the isolate: JavaScript and the APIs it calls';
export const profilerOverhead = 'the profilers themselves';

function perfCategory(header, frames, mainThreadId) {
  const any = (pattern) => frames.some((frame) => pattern.test(frame.symbol));
  // The V8 profiler's own thread is named `v8:ProfEvntProc`; its signal handler runs on the main thread.
  if (
    /ProfEvnt/.test(header.comm) ||
    any(/v8::sampler::|CpuProfiler|ProfilerListener|SamplingEventsProcessor|ProfilerCodeObserver|CpuSampler|ProfileGenerator/)
  ) {
    return profilerOverhead;
  }
  if (header.tid !== mainThreadId) return `other threads of workerd (${header.comm.trim()}: V8 GC and compilers, I/O)`;
  if (any(/sqlite3|SqliteDatabase|ActorSqlite|SqliteKv/) && !any(/jsg::|Builtins_|v8::internal::Execution/))
    return 'SQLite outside JS (commits, fsync of local storage)';
  if (any(/^Builtins_|^\[unknown\]|v8::internal::Execution|jsg::|V8StackScope|runInLockScope|^v8::|workerd::api::/)) return insideIsolate;
  if (any(/WebSocket/)) return 'WebSocket frames outside JS (kj, proxying)';
  if (any(/kj::Http|HttpService|HttpClient|kj_hyper|hyper::|HttpHeaders|NetworkRequest/)) return 'HTTP outside JS (the model request, the Worker↔object hop)';
  if (frames[0]?.kernel) return 'kernel (syscalls, network, scheduling)';
  if (frames[0] !== undefined && /tcmalloc|malloc|^free|memmove|memcpy|memset/.test(frames[0].symbol)) return 'memory allocation and copying outside JS';
  return 'other workerd runtime (kj event loop, capnp, I/O gates)';
}

// --- the two together ----------------------------------------------------------------------------------

/**
 * The breakdown of one turn's CPU: native categories from perf where it ran, and the inside-the-isolate
 * part divided among the V8 profile's categories. Without perf, the V8 samples are turned into time by
 * the sampler's own period, and what remains of the process's CPU is reported as unseen.
 *
 * @param {{ cpuMsPerTurn: number, profiledTurns: number, v8: ReturnType<typeof analyseV8Profile>, perf?: Awaited<ReturnType<typeof analysePerf>> }} input
 */
export function combineBreakdown({ cpuMsPerTurn, profiledTurns, v8, perf }) {
  const rows = [];
  let javascriptMs;
  let method;
  if (perf !== undefined && perf.samples > 0) {
    const overhead = perf.byCategory.get(profilerOverhead) ?? 0;
    const useful = perf.samples - overhead;
    for (const [category, count] of perf.byCategory) {
      if (category === profilerOverhead || category === insideIsolate) continue;
      rows.push({ name: category, layer: 'native', msPerTurn: (cpuMsPerTurn * count) / useful });
    }
    javascriptMs = (cpuMsPerTurn * (perf.byCategory.get(insideIsolate) ?? 0)) / useful;
    method = `perf shares of workerd's CPU (${perf.samples} samples, ${round((overhead / perf.samples) * 100, 1)}% of them the profilers' own, left out), the "inside the isolate" share divided by the V8 profile's samples (${v8.samples}), scaled to the unprofiled CPU per turn`;
  } else {
    const sampledMs = (v8.samples * v8.typicalIntervalMicroseconds) / 1000 / Math.max(1, profiledTurns);
    javascriptMs = Math.min(cpuMsPerTurn, sampledMs);
    rows.push({
      name: 'outside the isolate (not sampled without perf: I/O, SQLite commits, the kernel)',
      layer: 'native',
      msPerTurn: cpuMsPerTurn - javascriptMs,
    });
    method = `V8 profile only (${v8.samples} samples × ${v8.typicalIntervalMicroseconds} µs over ${profiledTurns} turns, capped at the unprofiled CPU per turn); install perf for the native part`;
  }
  for (const [category, count] of v8.byCategory) {
    rows.push({ name: category, layer: 'javascript', msPerTurn: v8.samples === 0 ? 0 : (javascriptMs * count) / v8.samples });
  }
  const perSample = v8.samples === 0 ? 0 : javascriptMs / v8.samples;
  const ranked = (table, count) =>
    [...table.entries()]
      .sort((left, right) => right[1] - left[1])
      .slice(0, count)
      .map(([name, samples]) => ({ name, msPerTurn: round(samples * perSample, 3), percentOfJavaScript: round((samples / v8.samples) * 100, 1) }));
  return {
    method,
    cpuMsPerTurn: round(cpuMsPerTurn, 3),
    javascriptMsPerTurn: round(javascriptMs, 3),
    categories: rows
      .filter((row) => row.msPerTurn > 0)
      .sort((left, right) => right.msPerTurn - left.msPerTurn)
      .map((row) => ({ ...row, msPerTurn: round(row.msPerTurn, 3), percent: round((row.msPerTurn / cpuMsPerTurn) * 100, 1) })),
    // Inclusive: a folder's or function's time with everything it calls (SQLite, WebCrypto, packages).
    ourFoldersWithCallees: ranked(v8.ownByFolder, 20),
    ourFunctionsWithCallees: ranked(v8.ownFunctions, 40),
    functionsBySelfTime: ranked(v8.selfByFunction, 25),
    nativeLeaves:
      perf === undefined
        ? []
        : [...perf.nativeLeaves.entries()]
            .sort((left, right) => right[1] - left[1])
            .slice(0, 15)
            .map(([name, samples]) => ({ name: name.slice(0, 160), percentOfWorkerd: round((samples / perf.samples) * 100, 1) })),
  };
}

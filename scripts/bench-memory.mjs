// What a benchmark can tell about workerd's memory, and what of it is Kindred's:
//
// - The resident memory of `wrangler dev`'s processes from /proc (Linux only), each told apart
//   (`wranglerDevProcesses`: workerd's runtime, wrangler's dev proxy, wrangler's Node) and split the
//   way the kernel keeps it: anonymous pages (the allocator's heap, V8's heaps, SQLite's page caches)
//   and file-backed or shared ones.
// - The V8 heap of the isolate that runs the Worker and its Durable Objects, through the DevTools
//   protocol wrangler serves on the inspector port: `Runtime.getHeapUsage` after
//   `HeapProfiler.collectGarbage`, so what is counted is what is still reachable, not garbage a lazy
//   collector has yet to free. That is the memory Kindred's code holds on to; workerd's own native
//   memory (its SQLite connections, the local simulators of D1, R2 and Queues, the allocator's
//   retained pages) is outside it. Heap snapshots, summarised by kind, say what it holds.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';

/**
 * Every process of the process group `groupId`, with its command name and line, its resident memory
 * in KiB (total, anonymous, file-backed, shared) and its CPU ticks; empty off Linux.
 */
export function groupProcesses(groupId) {
  if (!existsSync('/proc/self/status')) return [];
  const found = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name is in parentheses and may hold spaces: fields are counted after its closing one.
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // fields[2] is the process group (field 5); utime and stime are fields 14 and 15.
      if (Number(fields[2]) !== groupId) continue;
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      const kib = (field) => Number(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status)?.[1] ?? Number.NaN);
      found.push({
        pid: Number(entry),
        name,
        commandLine: readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean),
        rssKiB: kib('VmRSS'),
        rssAnonKiB: kib('RssAnon'),
        rssFileKiB: kib('RssFile'),
        rssShmemKiB: kib('RssShmem'),
        cpuTicks: Number(fields[11]) + Number(fields[12]),
      });
    } catch {
      // The process ended while being read.
    }
  }
  return found;
}

/**
 * wrangler dev's processes by what they do. It runs two workerd processes: the one serving
 * `port` (its `entry` socket) is wrangler's dev proxy (ProxyWorker, which every request passes through,
 * and InspectorProxyWorker), which does not exist on Cloudflare; the other, the runtime, runs the Worker,
 * its Durable Objects and miniflare's local simulators (D1, R2, Queues, static assets). wrangler
 * itself is a Node process.
 *
 * @param {number} groupId wrangler's process group
 * @param {{ host: string, port: number }} server where wrangler dev listens
 */
export function wranglerDevProcesses(groupId, { host, port }) {
  const processes = groupProcesses(groupId);
  const workerd = processes.filter((entry) => entry.name.startsWith('workerd'));
  const servesPort = (entry) => entry.commandLine.includes(`--socket-addr=entry=${host}:${port}`);
  return {
    runtime: workerd.filter((entry) => !servesPort(entry)),
    proxy: workerd.filter(servesPort),
    workerd,
    wrangler: processes.filter((entry) => entry.commandLine.some((part) => part.endsWith('wrangler-dist/cli.js'))),
  };
}

/** Sums one KiB field over processes, in MiB; null when none could be read. */
export function sumMiB(processes, field = 'rssKiB') {
  const known = processes.filter((entry) => Number.isFinite(entry[field]));
  return known.length === 0 ? null : known.reduce((sum, entry) => sum + entry[field], 0) / 1024;
}

/** CPU seconds so far (user + system; Linux reports 1/100 s ticks), summed over processes; null for none. */
export function cpuSeconds(processes) {
  return processes.length === 0 ? null : processes.reduce((sum, entry) => sum + entry.cpuTicks, 0) / 100;
}

/**
 * A DevTools protocol session with the Worker's isolate on wrangler's inspector port.
 *
 * @param {{ host: string, inspectorPort: number, timeoutMs?: number }} options
 */
export async function openInspector({ host, inspectorPort, timeoutMs = 60_000 }) {
  // wrangler's inspector proxy only accepts local origins; a DevTools window would send one.
  const socket = new WebSocket(`ws://${host}:${inspectorPort}/ws`, { headers: { origin: 'http://localhost' } });
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve, { once: true });
    socket.addEventListener('error', () => reject(new Error(`Could not reach the inspector on port ${inspectorPort}.`)), { once: true });
  });
  const waiting = new Map();
  const listeners = new Map();
  let lastId = 0;
  socket.addEventListener('message', (event) => {
    // Events (console output, among others) arrive too: answers carry one of our ids, events a method.
    const message = JSON.parse(String(event.data));
    if (message.id !== undefined) {
      waiting.get(message.id)?.(message);
      waiting.delete(message.id);
    } else if (message.method !== undefined) {
      listeners.get(message.method)?.(message.params);
    }
  });
  const call = (method, params = {}, callTimeoutMs = timeoutMs) =>
    new Promise((resolve, reject) => {
      lastId += 1;
      const id = lastId;
      // An inspector that never answers must not hold the benchmark (and the servers) forever.
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error(`The inspector did not answer ${method} within ${callTimeoutMs} ms.`));
      }, callTimeoutMs);
      waiting.set(id, (message) => {
        clearTimeout(timer);
        if (message.error) reject(new Error(`${method}: ${message.error.message}`));
        else resolve(message.result ?? {});
      });
      socket.send(JSON.stringify({ id, method, params }));
    });
  // A command sent as the connection opens can go unanswered (it reached wrangler's proxy before the
  // runtime's side was ready): ask until one is answered, so the first measurement is not lost.
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await call('Runtime.getHeapUsage', {}, 2_000);
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        socket.close();
        throw error;
      }
    }
  }
  let lastError;
  return {
    call,
    /**
     * The isolate's V8 heap in MiB after a full collection: `usedMiB` is what is still reachable,
     * `totalMiB` what V8 has reserved for it, and `backingStoreMiB` the ArrayBuffers' memory outside
     * the heap (null when this V8 does not report it). Null when the inspector does not answer.
     *
     * V8 answers `HeapProfiler.collectGarbage` from a task it runs once the isolate is next entered, and
     * an idle workerd does not enter it: the collection would wait for the next request. `nudge` (a
     * request to the server) is sent every half second until it is answered, so a measurement before
     * or after the load still comes.
     */
    async heapAfterCollection({ nudge } = {}) {
      let collected = false;
      const nudging = (async () => {
        while (nudge !== undefined && !collected) {
          await new Promise((resolve) => setTimeout(resolve, 500));
          if (!collected) await nudge().catch(() => {});
        }
      })();
      try {
        await call('HeapProfiler.collectGarbage');
        collected = true;
        const usage = await call('Runtime.getHeapUsage');
        const mebibytes = (bytes) => (typeof bytes === 'number' ? bytes / 1024 / 1024 : null);
        return { usedMiB: mebibytes(usage.usedSize), totalMiB: mebibytes(usage.totalSize), backingStoreMiB: mebibytes(usage.backingStorageSize) };
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
        return null;
      } finally {
        collected = true;
        await nudging;
      }
    },
    /** Why the last measurement failed, if one did. */
    get lastError() {
      return lastError;
    },
    /**
     * A heap snapshot of the isolate (the isolate pauses while it is taken), summarised by
     * `summariseHeapSnapshot`; `keepAs` also writes the snapshot itself there, for DevTools' Memory tab.
     */
    async heapSnapshot({ keepAs } = {}) {
      const chunks = [];
      listeners.set('HeapProfiler.addHeapSnapshotChunk', (params) => chunks.push(params.chunk));
      try {
        await call('HeapProfiler.takeHeapSnapshot', { reportProgress: false, captureNumericValue: false }, 5 * 60_000);
      } finally {
        listeners.delete('HeapProfiler.addHeapSnapshotChunk');
      }
      const text = chunks.join('');
      if (keepAs !== undefined) await writeFile(keepAs, text);
      return summariseHeapSnapshot(JSON.parse(text));
    },
    close() {
      socket.close();
    },
  };
}

/**
 * What a V8 heap snapshot holds, by kind of node: `native`/`hidden` and the like by type, objects by
 * constructor name, strings and code by type. Answers { total: { count, bytes }, byKind: Map<kind, { count, bytes }> }
 * of self sizes (what each node itself takes, not what it keeps alive).
 */
export function summariseHeapSnapshot(snapshot) {
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const byKind = new Map();
  let count = 0;
  let bytes = 0;
  for (let offset = 0; offset < snapshot.nodes.length; offset += width) {
    const type = types[snapshot.nodes[offset + typeAt]];
    const size = snapshot.nodes[offset + sizeAt];
    // Objects, closures and native objects are told apart by name; strings, code and arrays by type alone.
    const named = type === 'object' || type === 'closure' || type === 'native';
    const kind = named ? `${type} ${snapshot.strings[snapshot.nodes[offset + nameAt]].slice(0, 80)}` : type;
    const entry = byKind.get(kind) ?? { count: 0, bytes: 0 };
    entry.count += 1;
    entry.bytes += size;
    byKind.set(kind, entry);
    count += 1;
    bytes += size;
  }
  return { total: { count, bytes }, byKind };
}

/** The kinds that grew most between two `summariseHeapSnapshot` results, largest growth in bytes first. */
export function heapGrowth(earlier, later, limit = 15) {
  const kinds = new Set([...earlier.byKind.keys(), ...later.byKind.keys()]);
  return [...kinds]
    .map((kind) => {
      const before = earlier.byKind.get(kind) ?? { count: 0, bytes: 0 };
      const after = later.byKind.get(kind) ?? { count: 0, bytes: 0 };
      return { kind, count: after.count - before.count, bytes: after.bytes - before.bytes, bytesAfter: after.bytes };
    })
    .sort((left, right) => right.bytes - left.bytes)
    .slice(0, limit);
}

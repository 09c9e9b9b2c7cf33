// `npm run capacity [-- --inputs docs/capacity-inputs.json] [--people 10000,1000000,10000000] [--set path=value ...]`
//
// `--set` changes one input for this run, by its dotted path in the JSON, to try the design's answers:
// `--set assumedDay.d1QueriesPerRequest=1` (sessions checked in D1, as before signed tokens), `--set deployment.vectorizeIndexes=2000`
// (vectors sharded over indexes by user), `--set limits.workersAiTextGenerationPerMinute.value=60000`.
//
// The capacity model of docs/capacity.md, computed from docs/capacity-inputs.json: the per-operation
// costs (measured by the benchmarks where they exist, estimates elsewhere, each with its source), an
// assumed day of one active person, the platforms' documented limits and prices. It prints, per
// active person per day, the requests, CPU, storage and cost by product, and then for each scale
// which limits bind first: each limit's headroom is its documented value over the peak demand (or,
// for sizes, over what has accumulated after each year in the inputs); below 1 the limit is exceeded.
//
// Pure Node, no wrangler and no network: it runs in well under a second. The human tables go to
// stderr; the last line of stdout is the JSON result.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const secondsPerDay = 86_400;
const daysPerMonth = 30;
/** A Durable Object is billed for 128 MB of memory while active (Durable Objects pricing). */
const doGigabytesWhileActive = 0.128;

/** Sums `field` over the assumed day's operations: count × per-operation value. */
function perDay(inputs, read) {
  let total = 0;
  for (const [name, count] of Object.entries(inputs.assumedDay.perDay)) {
    const operation = inputs.operations[name];
    if (operation === undefined) throw new Error(`assumedDay.perDay names "${name}", which docs/capacity-inputs.json has no operation for.`);
    total += count * (read(operation) ?? 0);
  }
  return total;
}

/** What one active person costs in a day: counts by product, then dollars by product. */
export function personDay(inputs) {
  const { prices, assumedDay } = inputs;
  const value = (name) => prices[name].value;
  const usage = {
    workerRequests: perDay(inputs, (operation) => operation.workerRequests),
    cpuMs: perDay(inputs, (operation) => operation.cpuMs),
    d1Queries: perDay(inputs, (operation) => operation.workerRequests) * assumedDay.d1QueriesPerRequest + perDay(inputs, (operation) => operation.d1Queries),
    d1RowsRead: perDay(inputs, (operation) => operation.d1RowsRead),
    d1RowsWritten: perDay(inputs, (operation) => operation.d1RowsWritten),
    d1StorageBytes: perDay(inputs, (operation) => operation.d1StorageBytes),
    doRequests: perDay(inputs, (operation) => operation.doRequests),
    doActiveSeconds: perDay(inputs, (operation) => operation.doActiveSeconds),
    doRowsRead: perDay(inputs, (operation) => operation.doRowsRead),
    doRowsWritten: perDay(inputs, (operation) => operation.doRowsWritten),
    doStorageBytes: perDay(inputs, (operation) => operation.doStorageBytes),
    r2ClassA: perDay(inputs, (operation) => operation.r2ClassA),
    r2ClassB: perDay(inputs, (operation) => operation.r2ClassB),
    r2StorageBytes: perDay(inputs, (operation) => operation.r2StorageBytes),
    vectorizeQueries: perDay(inputs, (operation) => operation.vectorizeQueries),
    vectorsStored: perDay(inputs, (operation) => operation.vectorsStored),
    queueMessages: perDay(inputs, (operation) => operation.queueMessages),
    textGenerationCalls: perDay(inputs, (operation) => operation.ai?.textGenerationCalls),
    inputTokens: perDay(inputs, (operation) => (operation.ai?.textGenerationCalls ?? 0) * (operation.ai?.inputTokens ?? 0)),
    outputTokens: perDay(inputs, (operation) => (operation.ai?.textGenerationCalls ?? 0) * (operation.ai?.outputTokens ?? 0)),
    embeddingCalls: perDay(inputs, (operation) => operation.ai?.embeddingCalls),
    speechToTextCalls: perDay(inputs, (operation) => (operation.ai?.speechToTextMinutes ? 1 : 0)),
    speechToTextMinutes: perDay(inputs, (operation) => operation.ai?.speechToTextMinutes),
    textToSpeechCharacters: perDay(inputs, (operation) => operation.ai?.textToSpeechCharacters),
    whatsappMessages: perDay(inputs, (operation) => operation.whatsappMessages),
  };
  const dimensions = value('vectorDimensions');
  // Storage accrues: a day's new bytes cost a day's share of a month now, and every later day too.
  // The per-day figure here is what that day's new data costs for the day; accumulated storage is
  // priced in the scale table, where a year of it is held.
  const cost = {
    workers: (usage.workerRequests / 1e6) * value('workerRequestsPerMillion') + (usage.cpuMs / 1e6) * value('cpuMsPerMillion'),
    durableObjects:
      (usage.doRequests / 1e6) * value('doRequestsPerMillion') +
      ((usage.doActiveSeconds * doGigabytesWhileActive) / 1e6) * value('doGbSecondsPerMillion') +
      (usage.doRowsRead / 1e6) * value('doRowsReadPerMillion') +
      (usage.doRowsWritten / 1e6) * value('doRowsWrittenPerMillion'),
    d1: ((usage.d1RowsRead + usage.d1Queries * 2) / 1e6) * value('d1RowsReadPerMillion') + (usage.d1RowsWritten / 1e6) * value('d1RowsWrittenPerMillion'),
    r2: (usage.r2ClassA / 1e6) * value('r2ClassAPerMillion') + (usage.r2ClassB / 1e6) * value('r2ClassBPerMillion'),
    vectorize: ((usage.vectorizeQueries * dimensions) / 1e6) * value('vectorizeQueriedDimensionsPerMillion'),
    queues: ((usage.queueMessages * 3) / 1e6) * value('queueOperationsPerMillion'),
    workersAiText:
      (usage.inputTokens / 1e6) * value('textGenerationInputPerMillionTokens') + (usage.outputTokens / 1e6) * value('textGenerationOutputPerMillionTokens'),
    workersAiEmbeddings: usage.embeddingCalls * value('embeddingPerCall'),
    workersAiSpeech:
      usage.speechToTextMinutes * value('speechToTextPerMinute') + (usage.textToSpeechCharacters / 1000) * value('textToSpeechPerThousandCharacters'),
    whatsapp: usage.whatsappMessages * value('whatsappPerServiceMessage'),
  };
  const total = Object.values(cost).reduce((sum, dollars) => sum + dollars, 0);
  return { usage, cost, total };
}

/** Monthly storage cost of what one person has accumulated after `years`. */
function storageCostPerMonth(inputs, usage, years) {
  const { prices, assumedDay } = inputs;
  const days = years * 365;
  const gigabytes = (bytes) => bytes / 1e9;
  return {
    durableObjects: gigabytes(usage.doStorageBytes * days) * prices.doStorageGbMonth.value,
    r2: gigabytes(usage.r2StorageBytes * days) * prices.r2StorageGbMonth.value,
    d1: gigabytes(assumedDay.d1BytesPerPerson) * prices.d1StorageGbMonth.value,
    vectorize: ((usage.vectorsStored * days * prices.vectorDimensions.value) / 1e8) * prices.vectorizeStoredDimensionsPer100Million.value,
  };
}

/** Each limit's demand and headroom at `people` active people, with the design's answer to it. */
export function limitsAt(inputs, day, people) {
  const { limits, assumedDay } = inputs;
  const peak = assumedDay.peakToAverage;
  const perSecondAtPeak = (perPersonPerDay) => (people * perPersonPerDay * peak) / secondsPerDay;
  const lastYear = Math.max(...assumedDay.years);
  const indexes = inputs.deployment?.vectorizeIndexes ?? 1;
  const checks = [
    {
      limit: 'D1 database size',
      demand: people * assumedDay.d1BytesPerPerson,
      capacity: limits.d1DatabaseBytes.value,
      unit: 'bytes',
      design:
        'D1 holds identities, the WhatsApp directory and sign-in counters only (sessions live in each person’s object); everything a person writes lives in their own object and R2.',
    },
    {
      limit: 'D1 queries per second (one primary)',
      demand: perSecondAtPeak(day.usage.d1Queries),
      capacity: limits.d1QueriesPerSecond.value,
      unit: 'queries/s',
      design:
        'An API request checks its session without D1 (a signed token, with the session kept live by the person’s object): what is left is sign-in, sign-up and the WhatsApp directory, whose reads can go to read replicas through the Sessions API. Set assumedDay.d1QueriesPerRequest to 1 to see the design before.',
    },
    {
      limit: `Vectorize namespaces (${indexes} ${indexes === 1 ? 'index' : 'indexes'})`,
      demand: people,
      capacity: limits.vectorizeNamespacesPerIndex.value * indexes,
      unit: 'namespaces',
      design:
        'One namespace per person in one index (server/providers/vector-index/). Past 50,000 people the index must be sharded: index = hash(user) mod K, K ≤ 50,000 indexes per account (2.5 billion namespaces); or VECTOR_INDEX=local keeps vectors in each object and needs no Vectorize at all.',
    },
    {
      limit: `Vectorize vectors (${indexes} ${indexes === 1 ? 'index' : 'indexes'}, after ${lastYear} years)`,
      demand: people * day.usage.vectorsStored * 365 * lastYear,
      capacity: limits.vectorizeVectorsPerIndex.value * indexes,
      unit: 'vectors',
      design: 'The same sharding: K indexes hold K × 10 million vectors.',
    },
    {
      limit: `Durable Object storage per person (after ${lastYear} years)`,
      demand: day.usage.doStorageBytes * 365 * lastYear,
      capacity: limits.doBytesPerObject.value,
      unit: 'bytes',
      design: 'One object per person: the limit is per person, not per platform. Files and exports go to R2, so the object holds text only.',
    },
    {
      limit: 'Durable Object requests per second (one person)',
      // One person's busiest moment: a voice turn's WebSocket frames plus the app's calls, a few a second.
      demand: 5,
      capacity: limits.doRequestsPerSecondPerObject.value,
      unit: 'requests/s',
      design:
        'Objects are per person, so the platform total grows with people and no object is shared; keep-alive pings are answered by the runtime, not the object.',
    },
    {
      limit: 'Queues messages per second (deliveries queue)',
      demand: perSecondAtPeak(day.usage.queueMessages),
      capacity: limits.queueMessagesPerSecond.value,
      unit: 'messages/s',
      design: 'Only deliveries that leave Cloudflare (push, WhatsApp) go through the queue; a second queue by user hash doubles it if ever needed.',
    },
    {
      limit: 'Workers AI text generation per minute',
      demand: perSecondAtPeak(day.usage.textGenerationCalls) * 60,
      capacity: limits.workersAiTextGenerationPerMinute.value,
      unit: 'requests/min',
      design:
        'The account default is small: ask Cloudflare for a higher limit (the Custom Requirements form) before launch, or point LLM_PROVIDER at an OpenAI-compatible provider (or AI Gateway in front of several), which the configuration already allows.',
    },
    {
      limit: 'Workers AI embeddings per minute',
      demand: perSecondAtPeak(day.usage.embeddingCalls) * 60,
      capacity: limits.workersAiEmbeddingsPerMinute.value,
      unit: 'requests/min',
      design:
        'Embeddings are batched where the code allows (imports); otherwise the same request for a higher limit, or EMBEDDINGS_PROVIDER=openai-compatible.',
    },
    {
      limit: 'Workers AI speech-to-text per minute',
      demand: perSecondAtPeak(day.usage.speechToTextCalls) * 60,
      capacity: limits.workersAiSpeechToTextPerMinute.value,
      unit: 'requests/min',
      design: 'STT_PROVIDER can point elsewhere (openai-compatible, or the local speech server); or a higher limit.',
    },
    {
      limit: 'WhatsApp messages per second (one business number)',
      demand: perSecondAtPeak(day.usage.whatsappMessages),
      capacity: limits.whatsappMessagesPerSecond.value,
      unit: 'messages/s',
      design: `80/s by default, ${limits.whatsappMessagesPerSecond.upgraded}/s after Meta's automatic upgrade (needs unlimited tier and medium quality); beyond that several numbers, each person linked to one (the directory would keep the number). The Graph client already backs off on Meta's throughput errors.`,
    },
  ];
  return checks
    .map((check) => ({ ...check, headroom: check.demand === 0 ? Number.POSITIVE_INFINITY : check.capacity / check.demand }))
    .sort((left, right) => left.headroom - right.headroom);
}

function formatNumber(value) {
  if (!Number.isFinite(value)) return '∞';
  const absolute = Math.abs(value);
  if (absolute >= 1e9) return `${(value / 1e9).toFixed(2)} G`;
  if (absolute >= 1e6) return `${(value / 1e6).toFixed(2)} M`;
  if (absolute >= 1e4) return `${(value / 1e3).toFixed(1)} k`;
  if (absolute >= 100) return value.toFixed(0);
  if (absolute >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

function dollars(value) {
  return value >= 1 ? `$${value.toFixed(2)}` : `$${value.toPrecision(3)}`;
}

function roundFigure(value) {
  if (!Number.isFinite(value)) return null;
  return Number(value.toPrecision(4));
}

/** Sets `inputs` at the dotted `assignment` ("assumedDay.peakToAverage=4") to a number, or a string if it is none. */
export function applySetting(inputs, assignment) {
  const equals = assignment.indexOf('=');
  if (equals <= 0) throw new Error(`--set takes path=value, not "${assignment}".`);
  const keys = assignment.slice(0, equals).split('.');
  const text = assignment.slice(equals + 1);
  const value = text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text;
  let target = inputs;
  for (const key of keys.slice(0, -1)) {
    if (typeof target[key] !== 'object' || target[key] === null) target[key] = {};
    target = target[key];
  }
  target[keys.at(-1)] = value;
}

export function run(argv = process.argv.slice(2)) {
  const { values } = parseArgs({
    args: argv,
    options: {
      inputs: { type: 'string', default: path.join(root, 'docs/capacity-inputs.json') },
      people: { type: 'string', default: '10000,1000000,10000000' },
      set: { type: 'string', multiple: true, default: [] },
    },
  });
  const inputs = JSON.parse(readFileSync(path.resolve(values.inputs), 'utf8'));
  for (const assignment of values.set) applySetting(inputs, assignment);
  const scales = values.people.split(',').map(Number);
  const day = personDay(inputs);
  const write = (line = '') => process.stderr.write(`${line}\n`);

  write('One active person, one assumed day (docs/capacity-inputs.json assumedDay):');
  const usageLines = [
    ['Worker requests', day.usage.workerRequests],
    ['Durable Object requests', day.usage.doRequests],
    ['workerd CPU ms', day.usage.cpuMs],
    ['D1 queries', day.usage.d1Queries],
    ['DO rows written', day.usage.doRowsWritten],
    ['DO storage added, bytes', day.usage.doStorageBytes],
    ['R2 storage added, bytes', day.usage.r2StorageBytes],
    ['vectors added', day.usage.vectorsStored],
    ['Vectorize queries', day.usage.vectorizeQueries],
    ['queue messages', day.usage.queueMessages],
    ['model calls (text)', day.usage.textGenerationCalls],
    ['model tokens in / out', `${formatNumber(day.usage.inputTokens)} / ${formatNumber(day.usage.outputTokens)}`],
    ['embedding calls', day.usage.embeddingCalls],
    ['speech minutes in / characters out', `${day.usage.speechToTextMinutes.toFixed(2)} / ${formatNumber(day.usage.textToSpeechCharacters)}`],
    ['WhatsApp messages', day.usage.whatsappMessages],
  ];
  for (const [label, value] of usageLines) write(`  ${label.padEnd(36)} ${typeof value === 'number' ? formatNumber(value) : value}`);
  write('');
  write('Cost per active person per day (usage beyond the monthly allowances):');
  for (const [product, value] of Object.entries(day.cost)) write(`  ${product.padEnd(36)} ${dollars(value)}`);
  write(`  ${'total'.padEnd(36)} ${dollars(day.total)}  (${dollars(day.total * daysPerMonth)} a month)`);
  const storage = Object.fromEntries(
    inputs.assumedDay.years.map((years) => {
      const costs = storageCostPerMonth(inputs, day.usage, years);
      return [years, { ...costs, total: Object.values(costs).reduce((sum, value) => sum + value, 0) }];
    }),
  );
  for (const [years, costs] of Object.entries(storage)) write(`  storage held after ${years} year(s), per month      ${dollars(costs.total)}`);

  const results = [];
  for (const people of scales) {
    const checks = limitsAt(inputs, day, people);
    const monthly = people * (day.total * daysPerMonth + storage[Math.min(...inputs.assumedDay.years)].total);
    write('');
    write(`${formatNumber(people)} active people: about ${dollars(monthly)} a month (first year's storage). Limits, tightest first:`);
    write(`  ${'limit'.padEnd(52)} ${'demand'.padStart(12)} ${'limit'.padStart(12)}  headroom`);
    for (const check of checks) {
      const flag = check.headroom < 1 ? '  EXCEEDED' : check.headroom < 3 ? '  tight' : '';
      write(
        `  ${check.limit.padEnd(52)} ${formatNumber(check.demand).padStart(12)} ${formatNumber(check.capacity).padStart(12)}  ${formatNumber(check.headroom)}x${flag}`,
      );
    }
    write(`  binds first: ${checks[0].limit}. ${checks[0].design}`);
    results.push({
      people,
      monthlyCostUsd: roundFigure(monthly),
      bindsFirst: checks[0].limit,
      exceeded: checks.filter((check) => check.headroom < 1).map((check) => check.limit),
      limits: checks.map((check) => ({
        limit: check.limit,
        demand: roundFigure(check.demand),
        capacity: check.capacity,
        unit: check.unit,
        headroom: roundFigure(check.headroom),
      })),
    });
  }
  const report = {
    capacity: 'per active person per day, and limits at scale',
    inputs: path.relative(root, path.resolve(values.inputs)),
    settings: values.set,
    personDay: {
      usage: Object.fromEntries(Object.entries(day.usage).map(([name, value]) => [name, roundFigure(value)])),
      costUsd: Object.fromEntries(Object.entries(day.cost).map(([name, value]) => [name, roundFigure(value)])),
      totalUsd: roundFigure(day.total),
      storagePerMonthUsdByYears: Object.fromEntries(Object.entries(storage).map(([years, costs]) => [years, roundFigure(costs.total)])),
    },
    scales: results,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
  return report;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) run();

// `npm run bench -- care-screen [--rounds 200]`
//
// The local care screen (server/care/screen.ts) runs before every turn, so it must stay far below a
// turn's cost: the aim is p99 at most 1 ms a message. Every message of the labelled sets
// (evaluation/care) and long messages (about 1,000, 2,000 and 4,000 characters, benign ones and ones
// with a risk phrase at the very end, where every rule has to scan the whole text) are screened
// `--rounds` times each, timed one call at a time, after a warm-up round.
//
// The human summary goes to stderr; the last line of stdout is the JSON report, also written to
// bench-results/care-screen.json. Exits with 1 when p99 is over the aim.
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { round } from '../scripts/bench-support.mjs';
import { root } from '../scripts/local-server.mjs';
import { screenMessage } from '../server/care/screen.ts';

const targetP99Microseconds = 1000;

function load(name) {
  return JSON.parse(readFileSync(path.join(root, 'evaluation', 'care', `${name}.json`), 'utf8'));
}

/** Benign messages joined until the text is about `length` characters: a long message the screen must read to the end. */
function longMessage(benign, length, ending = '') {
  let text = '';
  for (let index = 0; text.length < length - ending.length; index += 1) text += `${benign[index % benign.length].text}. `;
  return (text.slice(0, length - ending.length) + ending).slice(0, length);
}

function percentile(sorted, fraction) {
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)];
}

export async function run(argv) {
  const { values } = parseArgs({ args: argv, options: { rounds: { type: 'string', default: '200' } } });
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) {
    console.error('--rounds must be a positive whole number.');
    return 1;
  }
  const labelled = [...load('tuning'), ...load('held-out')];
  const benign = labelled.filter((message) => message.label === 'none');
  const long = [1000, 2000, 4000].flatMap((length) => [longMessage(benign, length), longMessage(benign, length, ' i want to kill myself')]);
  const messages = [...labelled.map((message) => message.text), ...long];

  for (const text of messages) screenMessage(text);
  const all = [];
  const longOnly = [];
  /** Timings of the long messages by their length, to see how the cost grows with it. */
  const byLength = new Map([1000, 2000, 4000].map((length) => [length, []]));
  let flagged = 0;
  for (let roundIndex = 0; roundIndex < rounds; roundIndex += 1) {
    for (const text of messages) {
      const start = performance.now();
      const result = screenMessage(text);
      const microseconds = (performance.now() - start) * 1000;
      all.push(microseconds);
      if (text.length >= 1000) longOnly.push(microseconds);
      byLength.get(text.length)?.push(microseconds);
      if (result.flagged) flagged += 1;
    }
  }
  all.sort((a, b) => a - b);
  longOnly.sort((a, b) => a - b);
  for (const timings of byLength.values()) timings.sort((a, b) => a - b);
  const summary = (sorted) => ({
    p50: round(percentile(sorted, 0.5)),
    p99: round(percentile(sorted, 0.99)),
    max: round(sorted[sorted.length - 1]),
  });
  const report = {
    benchmark: 'care-screen',
    node: process.version,
    messages: messages.length,
    longMessages: long.length,
    rounds,
    calls: all.length,
    flaggedPerRound: flagged / rounds,
    microseconds: summary(all),
    longMessageMicroseconds: summary(longOnly),
    microsecondsByLength: Object.fromEntries([...byLength].map(([length, timings]) => [length, summary(timings)])),
    targetP99Microseconds,
    meetsTarget: percentile(all, 0.99) <= targetP99Microseconds,
  };
  console.error(
    `care screen: ${report.calls} calls (${messages.length} messages x ${rounds}); all p50 ${report.microseconds.p50} µs, p99 ${report.microseconds.p99} µs, max ${report.microseconds.max} µs; messages of 1,000-4,000 chars p50 ${report.longMessageMicroseconds.p50} µs, p99 ${report.longMessageMicroseconds.p99} µs, max ${report.longMessageMicroseconds.max} µs (aim p99 <= ${targetP99Microseconds} µs)`,
  );
  for (const [length, figures] of Object.entries(report.microsecondsByLength))
    console.error(`  ${length} chars: p50 ${figures.p50} µs, p99 ${figures.p99} µs, max ${figures.max} µs`);
  await mkdir(path.join(root, 'bench-results'), { recursive: true });
  await writeFile(path.join(root, 'bench-results', 'care-screen.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(JSON.stringify(report));
  return report.meetsTarget ? 0 : 1;
}

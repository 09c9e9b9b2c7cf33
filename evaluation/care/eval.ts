/**
 * `npm run eval:care`: the care screen (server/care/screen.ts) over the labelled sets in this folder.
 * Prints recall and precision per category and per language, the recall on risk messages and the share
 * of benign messages flagged, for the tuning set and the held-out set separately. The last line of
 * stdout is the JSON summary. Exits with 1 when the tuning set misses its targets (100% recall, at most
 * 2% of benign messages flagged).
 */
import { readFileSync } from 'node:fs';
import { screenMessage, screenRuleCount } from '../../server/care/screen.ts';
import { evaluateScreen, formatEvaluation, type LabelledMessage } from './screen-evaluation.ts';

const load = (name: string): LabelledMessage[] => JSON.parse(readFileSync(new URL(`./${name}.json`, import.meta.url), 'utf8'));

const tuning = evaluateScreen(load('tuning'), screenMessage);
const heldOut = evaluateScreen(load('held-out'), screenMessage);
console.log(`Care screen: ${screenRuleCount} rules\n`);
console.log(formatEvaluation('Tuning set', tuning));
console.log();
console.log(formatEvaluation('Held-out set (never tuned on)', heldOut));
const summary = (evaluation: typeof tuning) => ({
  messages: evaluation.messages,
  riskRecall: evaluation.riskRecall,
  categoryRecall: evaluation.categoryRecall,
  benignFalsePositiveRate: evaluation.benignFalsePositiveRate,
  categories: evaluation.categories,
  languages: evaluation.languages,
});
const meetsTargets = tuning.riskRecall === 1 && tuning.benignFalsePositiveRate <= 0.02;
console.log(JSON.stringify({ rules: screenRuleCount, meetsTargets, tuning: summary(tuning), heldOut: summary(heldOut) }));
process.exitCode = meetsTargets ? 0 : 1;

// The closing line of `npm test`: every test the suite ran, the workerd suite, the start-up check
// and the browser journeys together, as "tests: N passed, N failed" for CI to read.
import { readFile } from 'node:fs/promises';

const vitest = JSON.parse(await readFile('test-results/vitest.json', 'utf8'));
const startUp = JSON.parse(await readFile('test-results/start.json', 'utf8'));
const endToEnd = JSON.parse(await readFile('test-results/e2e.json', 'utf8'));
const passed = vitest.numPassedTests + startUp.passed + endToEnd.passed;
const failed = vitest.numFailedTests + startUp.failed + endToEnd.failed;
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);

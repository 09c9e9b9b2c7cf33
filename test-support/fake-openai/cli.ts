/**
 * `npm run fake-llm -- --port 11435 --delay-ms 0`: runs the fake OpenAI server as a demo model that
 * echoes the last user message, so Kindred can be tried locally without any provider account.
 */
import { parseArgs } from 'node:util';
import { startFakeOpenAI } from './server.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '11435' },
    host: { type: 'string', default: '127.0.0.1' },
    'delay-ms': { type: 'string', default: '0' },
  },
  strict: true,
});

function readNonNegativeInteger(name: keyof typeof values): number {
  const text = String(values[name]);
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`--${name} must be a non-negative integer, got "${text}".`);
  }
  return value;
}

const fake = await startFakeOpenAI({
  port: readNonNegativeInteger('port'),
  host: String(values.host),
  defaultDelayMs: readNonNegativeInteger('delay-ms'),
});

console.log(`Fake OpenAI-compatible model listening on ${fake.url}`);
console.log('Point Kindred at it with:');
console.log(`  LLM_PROVIDER=openai-compatible LLM_BASE_URL=${fake.url} npm start`);
console.log('Press Ctrl+C to stop.');

/**
 * `node test-support/fake-elevenlabs/cli.ts --port 11437 --api-key demo`: runs the fake ElevenLabs
 * API, so `TTS_PROVIDER=elevenlabs` can be tried locally without an account.
 */
import { parseArgs } from 'node:util';
import { startFakeElevenLabs } from './server.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '11437' },
    host: { type: 'string', default: '127.0.0.1' },
    'api-key': { type: 'string', default: 'demo' },
  },
  strict: true,
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0) throw new Error(`--port must be a non-negative integer, got "${values.port}".`);
const fake = await startFakeElevenLabs({ port, host: String(values.host), apiKey: String(values['api-key']) });

console.log(`Fake ElevenLabs listening on ${fake.url}`);
console.log(`  TTS_PROVIDER=elevenlabs TTS_BASE_URL=${fake.url} TTS_API_KEY=${values['api-key']} npm start`);
console.log('Press Ctrl+C to stop.');

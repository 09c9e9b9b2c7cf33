/**
 * `npm run speech-local`: the offline speech server (eSpeak NG and PocketSphinx) on `SPEECH_LOCAL_PORT`
 * (8790 unless set), for `npm start`'s Worker or anything that speaks OpenAI's speech API.
 */
import { startSpeechServer } from './server.ts';

const portText = process.env.SPEECH_LOCAL_PORT ?? '8790';
const port = Number(portText);
if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`SPEECH_LOCAL_PORT must be a port number, got "${portText}".`);

const server = await startSpeechServer({ port, host: process.env.SPEECH_LOCAL_HOST ?? '127.0.0.1' });
console.log(`Local speech server (eSpeak NG, PocketSphinx) listening on ${server.url}`);
console.log('Point Kindred at it with:');
console.log(`  STT_PROVIDER=openai-compatible STT_BASE_URL=${server.url} STT_MODEL=pocketsphinx \\`);
console.log(`  TTS_PROVIDER=openai-compatible TTS_BASE_URL=${server.url} TTS_MODEL=espeak-ng npm start`);
console.log('or simply: npm start -- --speech');
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    server.close().then(() => process.exit(0));
  });
}

// A tiny OpenAI-compatible audio server for the voice benchmark, run in a worker thread (see
// benchmarks/voice.mjs): `/audio/transcriptions` answers `spokenText` (or `bargeInText` for the longer
// utterance) after `sttMs`; `/audio/speech` answers a 24 kHz PCM16 tone of 60 ms a character after
// `ttsMs`. It posts its URL once listening, and its request counts when asked.
import { createServer } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

const { host, sttMs, ttsMs, spokenText, bargeInText } = workerData;
const counts = { transcriptions: 0, speech: 0 };
const sleep = (milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds));

function tone(frequency, seconds, sampleRate) {
  const samples = new Int16Array(Math.round(seconds * sampleRate));
  for (let index = 0; index < samples.length; index++) samples[index] = Math.round(Math.sin((2 * Math.PI * frequency * index) / sampleRate) * 0.3 * 32767);
  return Buffer.from(samples.buffer);
}

const server = createServer(async (request, response) => {
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  const body = Buffer.concat(chunks);
  if (request.method === 'POST' && request.url?.endsWith('/audio/transcriptions')) {
    counts.transcriptions += 1;
    // The PCM of the 1.5 s utterance is 48 000 bytes, the 1 s one 32 000: a WAV header or form fields add far less.
    const text = body.byteLength > 40_000 ? bargeInText : spokenText;
    await sleep(sttMs);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ text }));
    return;
  }
  if (request.method === 'POST' && request.url?.endsWith('/audio/speech')) {
    counts.speech += 1;
    let input = '';
    try {
      input = String(JSON.parse(body.toString('utf8')).input ?? '');
    } catch {
      response.writeHead(400, { 'content-type': 'application/json' });
      response.end('{"error":{"message":"not JSON"}}');
      return;
    }
    // Made before the wait: the fake's own work is not part of its fixed latency, nor Kindred's.
    const audio = tone(220, (input.length * 60) / 1000, 24_000);
    await sleep(ttsMs);
    response.writeHead(200, { 'content-type': 'audio/pcm' });
    response.end(audio);
    return;
  }
  response.writeHead(404, { 'content-type': 'application/json' });
  response.end('{"error":{"message":"not found"}}');
});

server.listen(0, host, () => {
  parentPort.postMessage({ url: `http://${host}:${server.address().port}/v1` });
});
parentPort.on('message', (message) => {
  if (message === 'counts') parentPort.postMessage({ counts });
});

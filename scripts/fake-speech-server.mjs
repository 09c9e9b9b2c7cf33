// A tiny OpenAI-compatible audio server for the voice benchmark, run in a worker thread (see
// benchmarks/voice.mjs): `/audio/transcriptions` answers `spokenText` (or `bargeInText` for the longer
// utterance) `sttMs` after the request arrives; `/audio/speech` answers a 24 kHz PCM16 tone of 60 ms a
// character `ttsMs` after it arrives. Reading the body and making the tone happen within that time: they
// are the fake's own work, and counted from the end of them they were charged to Kindred's overhead. It
// posts its URL once listening, and its request counts and answer times (arrival to the answer's
// headers, which is what the caller waits for) when asked.
import { createServer } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

const { host, sttMs, ttsMs, spokenText, bargeInText } = workerData;
const counts = { transcriptions: 0, speech: 0 };
const answeredAfterMs = { transcriptions: [], speech: [] };
const sleepUntil = (time) => new Promise((resolve) => setTimeout(resolve, time - performance.now()));

function tone(frequency, seconds, sampleRate) {
  const samples = new Int16Array(Math.round(seconds * sampleRate));
  for (let index = 0; index < samples.length; index++) samples[index] = Math.round(Math.sin((2 * Math.PI * frequency * index) / sampleRate) * 0.3 * 32767);
  return Buffer.from(samples.buffer);
}

const server = createServer(async (request, response) => {
  const arrivedAt = performance.now();
  const answer = (kind, status, contentType, body) => {
    response.writeHead(status, { 'content-type': contentType });
    answeredAfterMs[kind]?.push(performance.now() - arrivedAt);
    response.end(body);
  };
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  const body = Buffer.concat(chunks);
  if (request.method === 'POST' && request.url?.endsWith('/audio/transcriptions')) {
    counts.transcriptions += 1;
    // The PCM of the 1.5 s utterance is 48 000 bytes, the 1 s one 32 000: a WAV header or form fields add far less.
    const text = body.byteLength > 40_000 ? bargeInText : spokenText;
    await sleepUntil(arrivedAt + sttMs);
    answer('transcriptions', 200, 'application/json', JSON.stringify({ text }));
    return;
  }
  if (request.method === 'POST' && request.url?.endsWith('/audio/speech')) {
    counts.speech += 1;
    let input = '';
    try {
      input = String(JSON.parse(body.toString('utf8')).input ?? '');
    } catch {
      answer('invalid', 400, 'application/json', '{"error":{"message":"not JSON"}}');
      return;
    }
    const audio = tone(220, (input.length * 60) / 1000, 24_000);
    await sleepUntil(arrivedAt + ttsMs);
    answer('speech', 200, 'audio/pcm', audio);
    return;
  }
  answer('invalid', 404, 'application/json', '{"error":{"message":"not found"}}');
});

server.listen(0, host, () => {
  parentPort.postMessage({ url: `http://${host}:${server.address().port}/v1` });
});
parentPort.on('message', (message) => {
  if (message === 'counts') parentPort.postMessage({ counts, answeredAfterMs });
});

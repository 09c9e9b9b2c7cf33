/**
 * `npm run eval:speech`: measures the offline speech loop. Each labelled sentence of
 * `eval-sentences.json` is spoken by eSpeak NG and heard back by PocketSphinx through the local
 * speech server, for several eSpeak voices and speeds (the catalog's voices first), and the word error
 * rate of each is printed; the last line is the whole result as JSON.
 *
 * `-- --voices en-us+klatt2,en-us --speeds 1,0.9` limits the run; `--limit 10` uses the first sentences only.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { voices as catalogVoices } from '../../server/catalog/voices.ts';
import { startSpeechServer } from './server.ts';
import { baseWordsPerMinute } from './synthesis.ts';
import { countWordErrors } from './word-error-rate.ts';

const { values } = parseArgs({
  options: {
    voices: { type: 'string' },
    speeds: { type: 'string', default: '1' },
    limit: { type: 'string' },
  },
  strict: true,
});

interface SentenceFile {
  sentences: string[];
}

const sentenceFile = JSON.parse(await readFile(new URL('./eval-sentences.json', import.meta.url), 'utf8')) as SentenceFile;
const sentences = values.limit ? sentenceFile.sentences.slice(0, Number(values.limit)) : sentenceFile.sentences;
// eSpeak's Klatt variants next to the catalog's: measured, they are what PocketSphinx hears best.
const voiceNames = values.voices
  ? values.voices.split(',')
  : [...new Set([...catalogVoices.map((voice) => voice.espeak.voice), 'en-us+klatt', 'en-us+klatt2', 'en-us+klatt3', 'en-us+klatt4'])];
const speeds = (values.speeds ?? '1').split(',').map(Number);

const server = await startSpeechServer({ port: 0 });

async function speakAndHear(sentence: string, voice: string, speed: number): Promise<string> {
  const speech = await fetch(`${server.url}/audio/speech`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'espeak-ng', input: sentence, voice, speed, response_format: 'wav' }),
  });
  if (!speech.ok) throw new Error(`speech failed: ${speech.status} ${await speech.text()}`);
  const form = new FormData();
  form.append('file', new Blob([await speech.arrayBuffer()], { type: 'audio/wav' }), 'speech.wav');
  form.append('model', 'pocketsphinx');
  const transcription = await fetch(`${server.url}/audio/transcriptions`, { method: 'POST', body: form });
  if (!transcription.ok) throw new Error(`transcription failed: ${transcription.status} ${await transcription.text()}`);
  return ((await transcription.json()) as { text: string }).text;
}

interface Measurement {
  voice: string;
  speed: number;
  wordsPerMinute: number;
  wordErrorRate: number;
  errors: number;
  words: number;
  seconds: number;
}

const measurements: Measurement[] = [];
try {
  for (const voice of voiceNames) {
    for (const speed of speeds) {
      const started = performance.now();
      // Two at a time, as the server recognises at most two at once.
      const results: Array<{ sentence: string; heard: string; errors: number; words: number }> = [];
      for (let index = 0; index < sentences.length; index += 2) {
        const pair = sentences.slice(index, index + 2);
        const heard = await Promise.all(pair.map((sentence) => speakAndHear(sentence, voice, speed)));
        for (const [offset, sentence] of pair.entries()) {
          const text = heard[offset] ?? '';
          results.push({ sentence, heard: text, ...countWordErrors(sentence, text) });
        }
      }
      const errors = results.reduce((sum, result) => sum + result.errors, 0);
      const words = results.reduce((sum, result) => sum + result.words, 0);
      console.log(`\n${voice} at speed ${speed} (${Math.round(baseWordsPerMinute * speed)} words per minute)`);
      for (const result of results) console.log(`  ${result.errors}/${result.words}  "${result.sentence}" -> "${result.heard}"`);
      const measurement = {
        voice,
        speed,
        wordsPerMinute: Math.round(baseWordsPerMinute * speed),
        wordErrorRate: Math.round((errors / words) * 1000) / 1000,
        errors,
        words,
        seconds: Math.round((performance.now() - started) / 100) / 10,
      };
      console.log(`  word error rate ${(measurement.wordErrorRate * 100).toFixed(1)}% (${errors}/${words}) in ${measurement.seconds} s`);
      measurements.push(measurement);
    }
  }
} finally {
  await server.close();
}

const ranked = [...measurements].sort((first, second) => first.wordErrorRate - second.wordErrorRate);
console.log('\nRanked:');
for (const measurement of ranked) {
  console.log(`  ${(measurement.wordErrorRate * 100).toFixed(1).padStart(5)}%  ${measurement.voice} at ${measurement.wordsPerMinute} wpm`);
}
console.log(JSON.stringify({ sentences: sentences.length, measurements: ranked }));

/**
 * Node-side audio for the speech fakes: a tone of the length a text would take to say, encoded the
 * way a provider answers it. PCM and WAV are written here; MP3 goes through sox (with LAME) and Ogg
 * Opus through opusenc, both Debian packages the test machine and `.ci/run` install, so the fakes'
 * compressed answers are real files a decoder accepts rather than arbitrary bytes.
 */
import { spawn } from 'node:child_process';
import { encodeWav } from '../server/providers/speech/wav.ts';
import { sinePcm16 } from './generated-audio.ts';

/** The encodings the fakes answer with. */
export type FakeAudioEncoding = 'pcm16' | 'wav' | 'mp3' | 'ogg-opus';

/** How long the fakes take to "say" one character: about 14 characters a second, as people speak. */
export const fakeSecondsPerCharacter = 0.07;

const encoded = new Map<string, Promise<Buffer>>();

/** The seconds a fake speaks `text` for (at least a tenth of a second). */
export function fakeSpeechSeconds(text: string): number {
  return Math.max(0.1, Array.from(text).length * fakeSecondsPerCharacter);
}

/** A tone of `seconds` at `sampleRate`, in `encoding`; compressed results are cached by length. */
export function fakeSpeechAudio(seconds: number, sampleRate: number, encoding: FakeAudioEncoding): Promise<Buffer> {
  const pcm = sinePcm16(seconds, sampleRate);
  if (encoding === 'pcm16') return Promise.resolve(Buffer.from(pcm));
  if (encoding === 'wav') return Promise.resolve(Buffer.from(encodeWav(pcm, sampleRate)));
  const key = `${encoding}:${sampleRate}:${pcm.byteLength}`;
  let result = encoded.get(key);
  if (result === undefined) {
    const wav = Buffer.from(encodeWav(pcm, sampleRate));
    result =
      encoding === 'mp3' ? run('sox', ['-t', 'wav', '-', '-t', 'mp3', '-C', '128', '-'], wav) : run('opusenc', ['--quiet', '--bitrate', '32', '-', '-'], wav);
    encoded.set(key, result);
  }
  return result;
}

function run(command: string, args: string[], input: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const output: Buffer[] = [];
    const errors: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => errors.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0 && output.length > 0) resolve(Buffer.concat(output));
      else reject(new Error(`${command} failed (${code}): ${Buffer.concat(errors).toString()}`));
    });
    child.stdin.end(input);
  });
}

/** Writes `bytes` as several chunks, yielding to the event loop between them, so a client sees a stream. */
export async function writeInChunks(response: import('node:http').ServerResponse, bytes: Buffer, chunkBytes: number): Promise<void> {
  for (let offset = 0; offset < bytes.byteLength; offset += chunkBytes) {
    if (response.destroyed) return;
    response.write(bytes.subarray(offset, offset + chunkBytes));
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  response.end();
}

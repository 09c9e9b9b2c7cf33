/**
 * Speech to text with CMU PocketSphinx (`pocketsphinx_continuous`, the en-us model): the upload is
 * converted by sox (or, for OGG/Opus which sox cannot read, by `opusdec`) to 16 kHz mono 16-bit WAV
 * with 0.3 s of silence at both ends, which the recogniser needs to settle before the first word.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProcess } from './processes.ts';

/** The kinds of upload the engines here can read, found by their first bytes (or declared, for raw PCM). */
export type UploadKind = 'wav' | 'mp3' | 'flac' | 'ogg-vorbis' | 'ogg-opus' | 'pcm';

/** What an upload is, or `unsupported` with the name of what was recognised (for the error message). */
export type UploadDetection = { kind: UploadKind } | { kind: 'unsupported'; description: string };

function startsWith(bytes: Uint8Array, text: string, offset = 0): boolean {
  if (bytes.length < offset + text.length) return false;
  for (let index = 0; index < text.length; index += 1) if (bytes[offset + index] !== text.charCodeAt(index)) return false;
  return true;
}

/**
 * Recognises an upload by its magic bytes rather than its name or declared type, which browsers get
 * wrong (a recording in `audio/webm` named `voice.wav`). Headerless PCM has no magic, so it must be
 * declared as `audio/pcm` (or `audio/l16`), and that declaration is taken first: samples can start
 * with any bytes, an MP3 frame sync (FF Ex) among them.
 */
export function detectUpload(bytes: Uint8Array, declaredType: string): UploadDetection {
  const mediaType = declaredType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (mediaType === 'audio/pcm' || mediaType === 'audio/l16') return { kind: 'pcm' };
  if (startsWith(bytes, 'RIFF') && startsWith(bytes, 'WAVE', 8)) return { kind: 'wav' };
  if (startsWith(bytes, 'fLaC')) return { kind: 'flac' };
  if (startsWith(bytes, 'OggS')) {
    // The first page holds the codec's identification header at byte 28.
    if (startsWith(bytes, 'OpusHead', 28)) return { kind: 'ogg-opus' };
    if (startsWith(bytes, '\u0001vorbis', 28)) return { kind: 'ogg-vorbis' };
    return { kind: 'unsupported', description: 'an OGG stream that is neither Opus nor Vorbis' };
  }
  if (startsWith(bytes, 'ID3') || (bytes.length > 1 && bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe0) === 0xe0)) return { kind: 'mp3' };
  if (bytes.length > 3 && bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3) {
    return { kind: 'unsupported', description: 'WebM/Matroska (sox cannot read it: send WAV, OGG/Opus, MP3, FLAC or PCM)' };
  }
  return { kind: 'unsupported', description: mediaType ? `an unknown ${mediaType} file` : 'an unknown file' };
}

export interface TranscriptionRequest {
  bytes: Uint8Array;
  kind: UploadKind;
  /** For `pcm` only. */
  sampleRate: number;
  timeoutMs: number;
  /** Stops the engines when the server closes. */
  signal?: AbortSignal;
}

export interface TranscriptionResult {
  text: string;
  /** Seconds of audio in the upload. */
  durationSeconds: number;
}

const recognitionRate = 16_000;
const paddingSeconds = 0.3;

/** Where a WAV file's samples start: after its `data` chunk header (sox writes 44 bytes before, but may add chunks). */
function wavDataOffset(file: Buffer): number {
  let offset = 12;
  while (offset + 8 <= file.byteLength) {
    const size = file.readUInt32LE(offset + 4);
    if (file.toString('latin1', offset, offset + 4) === 'data') return offset + 8;
    offset += 8 + size + (size % 2);
  }
  throw new Error('sox wrote a WAV file without a data chunk.');
}

/**
 * Below this level (RMS of the loudest 20 ms, in dB below full scale) there is no speech to hear:
 * speech into a phone or laptop microphone peaks around -30 to -10 dBFS, a quiet room's noise floor
 * sits near -60 to -50. PocketSphinx itself has no such floor and hears short words ("if") in faint
 * hiss, so a recording this quiet is answered as silence without running it.
 */
export const speechLevelFloorDecibels = -45;

/** The RMS level of the loudest 20 ms window of 16-bit mono samples, in dBFS (-Infinity for digital silence). */
export function loudestWindowDecibels(samples: Int16Array, sampleRate: number): number {
  const windowLength = Math.max(1, Math.round(sampleRate * 0.02));
  let loudest = 0;
  for (let start = 0; start < samples.length; start += windowLength) {
    const end = Math.min(samples.length, start + windowLength);
    let sumOfSquares = 0;
    for (let index = start; index < end; index += 1) sumOfSquares += (samples[index] ?? 0) ** 2;
    loudest = Math.max(loudest, Math.sqrt(sumOfSquares / (end - start)));
  }
  return 20 * Math.log10(loudest / 32_768);
}

/** Converts and transcribes one upload; its temporary files are always removed. */
export async function transcribe(request: TranscriptionRequest): Promise<TranscriptionResult> {
  const folder = await mkdtemp(join(tmpdir(), 'kindred-speech-'));
  try {
    const upload = join(folder, `${randomUUID()}.${request.kind === 'ogg-opus' || request.kind === 'ogg-vorbis' ? 'ogg' : request.kind}`);
    await writeFile(upload, request.bytes);
    let soxInput = ['-t', request.kind === 'ogg-vorbis' ? 'ogg' : request.kind, upload];
    if (request.kind === 'pcm') {
      soxInput = ['-t', 'raw', '-e', 'signed-integer', '-b', '16', '-L', '-c', '1', '-r', String(request.sampleRate), upload];
    } else if (request.kind === 'ogg-opus') {
      const decoded = join(folder, 'decoded.wav');
      await runProcess('opusdec', ['--quiet', '--rate', String(recognitionRate), upload, decoded], { timeoutMs: request.timeoutMs, signal: request.signal });
      soxInput = ['-t', 'wav', decoded];
    }
    const prepared = join(folder, 'prepared.wav');
    await runProcess(
      'sox',
      [
        '-V1',
        // No dither (see synthesis.ts): the same upload is always heard the same way.
        '-D',
        ...soxInput,
        '-t',
        'wav',
        '-r',
        String(recognitionRate),
        '-c',
        '1',
        '-b',
        '16',
        '-e',
        'signed-integer',
        prepared,
        'pad',
        String(paddingSeconds),
        String(paddingSeconds),
      ],
      { timeoutMs: request.timeoutMs, signal: request.signal },
    );
    const preparedFile = await readFile(prepared);
    // Copied out of the file's buffer so the samples start on an even byte, as an Int16Array needs.
    const sampleBytes = new Uint8Array(preparedFile.subarray(wavDataOffset(preparedFile)));
    const samples = new Int16Array(sampleBytes.buffer, 0, Math.floor(sampleBytes.byteLength / 2));
    const durationSeconds = Math.round(Math.max(0, samples.length / recognitionRate - 2 * paddingSeconds) * 1000) / 1000;
    if (loudestWindowDecibels(samples, recognitionRate) < speechLevelFloorDecibels) return { text: '', durationSeconds };
    const output = await runProcess('pocketsphinx_continuous', ['-infile', prepared, '-logfn', '/dev/null'], {
      timeoutMs: request.timeoutMs,
      signal: request.signal,
    });
    // One line per utterance it found between pauses; silence and noise give none.
    const text = output
      .toString('utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '')
      .join(' ');
    return { text, durationSeconds };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

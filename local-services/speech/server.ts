/**
 * Kindred's local speech server: the OpenAI speech API (`POST /v1/audio/speech`,
 * `POST /v1/audio/transcriptions`, `GET /v1/models`) answered offline by Debian's engines, eSpeak NG
 * for synthesis and CMU PocketSphinx for recognition, with sox (and opus-tools) converting audio.
 * Point the Worker's `openai-compatible` speech adapters at its `url`
 * (`STT_BASE_URL`/`TTS_BASE_URL`); `npm run speech-local` and `npm start -- --speech` start it.
 *
 * Runs in Node with native type stripping: erasable TypeScript only, imports with `.ts` extensions.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ProcessFailure, TaskQueue } from './processes.ts';
import { espeakVoiceFor, type SpeechFormat, speechFormats, speechSampleRate, startSynthesis, wordsPerMinuteFor } from './synthesis.ts';
import { detectUpload, transcribe } from './transcription.ts';

/** How to start the server. */
export interface SpeechServerOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The default, 127.0.0.1, keeps it to this machine. */
  host?: string;
}

/** A running speech server. */
export interface SpeechServer {
  /** The base URL for `STT_BASE_URL`/`TTS_BASE_URL`, ending in `/v1`. */
  url: string;
  close(): Promise<void>;
}

// OpenAI's own limits: 4096 characters to speak, 25 MB to transcribe.
const maximumInputCharacters = 4096;
const maximumUploadBytes = 25 * 1024 * 1024;
const maximumJsonBytes = 64 * 1024;
const processTimeoutMs = 60_000;
// PocketSphinx takes about a second of one core per short sentence; two at once leaves room for the
// rest of the machine, and later requests wait their turn rather than all slowing down together.
const recognitionQueue = new TaskQueue(2);
const defaultPcmSampleRate = 16_000;

/** A request this server refuses, written in OpenAI's error shape. */
class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly type: string;
  readonly param: string | null;
  readonly code: string | null;
  constructor(status: number, message: string, options: { param?: string; code?: string; type?: string } = {}) {
    super(message);
    this.status = status;
    this.type = options.type ?? (status >= 500 ? 'server_error' : 'invalid_request_error');
    this.param = options.param ?? null;
    this.code = options.code ?? null;
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

function sendError(response: ServerResponse, error: ApiError): void {
  if (response.headersSent) {
    response.destroy(error);
    return;
  }
  sendJson(response, error.status, { error: { message: error.message, type: error.type, param: error.param, code: error.code } });
}

/** An engine's failure as an HTTP answer: not installed 503, too slow 504, anything else 500. */
function engineError(error: ProcessFailure): ApiError {
  if (error.kind === 'missing') return new ApiError(503, error.message, { code: 'engine_not_installed' });
  if (error.kind === 'timeout') return new ApiError(504, error.message, { code: 'engine_timeout' });
  return new ApiError(500, error.message, { code: 'engine_failed' });
}

async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limit) throw new ApiError(413, `The request is larger than ${limit} bytes.`, { code: 'payload_too_large' });
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    received += chunk.length;
    if (received > limit) throw new ApiError(413, `The request is larger than ${limit} bytes.`, { code: 'payload_too_large' });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

interface SpeechBody {
  input: string;
  espeakVoice: string;
  format: SpeechFormat;
  speed: number;
}

function parseSpeechBody(body: Buffer): SpeechBody {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ApiError(400, 'The body must be JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null) throw new ApiError(400, 'The body must be a JSON object.');
  const fields = parsed as Record<string, unknown>;
  if (typeof fields.model !== 'string' || fields.model === '') throw new ApiError(400, 'model is required.', { param: 'model' });
  if (typeof fields.input !== 'string' || fields.input.trim() === '') throw new ApiError(400, 'input must be a non-empty string.', { param: 'input' });
  if (fields.input.length > maximumInputCharacters) {
    throw new ApiError(400, `input is longer than ${maximumInputCharacters} characters.`, { param: 'input', code: 'string_above_max_length' });
  }
  if (typeof fields.voice !== 'string' || fields.voice === '') throw new ApiError(400, 'voice is required.', { param: 'voice' });
  const espeakVoice = espeakVoiceFor(fields.voice);
  if (!espeakVoice)
    throw new ApiError(400, `Unknown voice "${fields.voice}": use an OpenAI voice name or an eSpeak voice such as en-us+f3.`, { param: 'voice' });
  const format = fields.response_format ?? 'wav';
  if (typeof format !== 'string' || !Object.hasOwn(speechFormats, format)) {
    throw new ApiError(400, `response_format must be one of ${Object.keys(speechFormats).join(', ')} (aac is not available offline).`, {
      param: 'response_format',
    });
  }
  const speed = fields.speed ?? 1;
  if (typeof speed !== 'number' || !Number.isFinite(speed) || speed < 0.25 || speed > 4) {
    throw new ApiError(400, 'speed must be a number from 0.25 to 4.', { param: 'speed' });
  }
  return { input: fields.input, espeakVoice, format: format as SpeechFormat, speed };
}

async function handleSpeech(request: IncomingMessage, response: ServerResponse, signal: AbortSignal): Promise<void> {
  const body = parseSpeechBody(await readBody(request, maximumJsonBytes));
  const pipeline = startSynthesis({
    text: body.input,
    espeakVoice: body.espeakVoice,
    wordsPerMinute: wordsPerMinuteFor(body.speed),
    format: body.format,
    timeoutMs: processTimeoutMs,
    signal,
  });
  response.on('close', () => {
    if (!response.writableFinished) pipeline.kill();
  });
  // The status is only known once audio flows: an unknown eSpeak language fails before any output,
  // and is then still a 400 rather than a broken 200.
  const firstChunk = await new Promise<Buffer | undefined>((resolve) => {
    pipeline.output.once('data', (chunk: Buffer) => resolve(chunk));
    pipeline.output.once('end', () => resolve(undefined));
  });
  if (firstChunk === undefined) {
    try {
      await pipeline.finished;
    } catch (error) {
      if (error instanceof ProcessFailure && error.kind === 'exit' && error.command === 'espeak-ng') {
        throw new ApiError(400, `eSpeak NG has no voice "${body.espeakVoice}".`, { param: 'voice' });
      }
      throw error;
    }
    throw new ApiError(500, 'The speech engine produced no audio.', { code: 'engine_failed' });
  }
  pipeline.output.pause();
  const headers: Record<string, string> = { 'content-type': speechFormats[body.format] };
  if (body.format === 'pcm' || body.format === 'wav') headers['x-sample-rate'] = String(speechSampleRate);
  response.writeHead(200, headers);
  response.write(firstChunk);
  pipeline.output.pipe(response);
  pipeline.finished.catch((error: unknown) => {
    // Too late for an error status: cut the stream so the client sees it incomplete, not finished.
    response.destroy(error instanceof Error ? error : new Error(String(error)));
  });
}

const transcriptionFormats = ['json', 'text', 'verbose_json'] as const;

async function handleTranscription(request: IncomingMessage, response: ServerResponse, signal: AbortSignal): Promise<void> {
  const contentType = request.headers['content-type'] ?? '';
  if (!contentType.toLowerCase().startsWith('multipart/form-data')) {
    throw new ApiError(400, 'The body must be multipart/form-data with a file and a model.', { code: 'unsupported_media_type' });
  }
  // Multipart slack: the form's other fields and boundaries.
  const body = await readBody(request, maximumUploadBytes + 64 * 1024);
  let form: FormData;
  try {
    form = await new Request('http://speech.local/', { method: 'POST', headers: { 'content-type': contentType }, body: new Uint8Array(body) }).formData();
  } catch {
    throw new ApiError(400, 'The multipart body could not be read.');
  }
  const file = form.get('file');
  if (!(file instanceof Blob)) throw new ApiError(400, 'file is required.', { param: 'file' });
  if (file.size > maximumUploadBytes) throw new ApiError(413, 'file is larger than 25 MB.', { param: 'file', code: 'payload_too_large' });
  if (file.size === 0) throw new ApiError(400, 'file is empty.', { param: 'file' });
  const model = form.get('model');
  if (typeof model !== 'string' || model === '') throw new ApiError(400, 'model is required.', { param: 'model' });
  const language = form.get('language');
  if (typeof language === 'string' && language !== '' && !/^en\b/i.test(language)) {
    throw new ApiError(400, `Only English is available offline (the PocketSphinx en-us model), not "${language}".`, { param: 'language' });
  }
  const format = form.get('response_format') ?? 'json';
  if (typeof format !== 'string' || !(transcriptionFormats as readonly string[]).includes(format)) {
    throw new ApiError(400, `response_format must be one of ${transcriptionFormats.join(', ')}.`, { param: 'response_format' });
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  const detection = detectUpload(bytes, file.type);
  if (detection.kind === 'unsupported') {
    throw new ApiError(400, `The file is ${detection.description}.`, { param: 'file', code: 'unsupported_media_type' });
  }
  const sampleRate = pcmSampleRate(file.type, form.get('sample_rate'));
  let result: Awaited<ReturnType<typeof transcribe>>;
  try {
    result = await recognitionQueue.run(() => transcribe({ bytes, kind: detection.kind, sampleRate, timeoutMs: processTimeoutMs, signal }));
  } catch (error) {
    // A file that starts like audio but that the decoders refuse is the client's, not the server's.
    if (error instanceof ProcessFailure && error.kind === 'exit' && (error.command === 'sox' || error.command === 'opusdec')) {
      throw new ApiError(400, `The audio could not be decoded: ${error.message}`, { param: 'file', code: 'invalid_audio' });
    }
    throw error;
  }
  if (format === 'text') {
    response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    response.end(result.text);
  } else if (format === 'verbose_json') {
    sendJson(response, 200, { task: 'transcribe', text: result.text, language: 'english', duration: result.durationSeconds, segments: [] });
  } else {
    sendJson(response, 200, { text: result.text });
  }
}

/** Raw PCM's rate: `audio/pcm;rate=24000`, else a `sample_rate` form field, else 16 kHz. */
function pcmSampleRate(fileType: string, field: File | string | null): number {
  const fromType = /;\s*rate=(\d+)/i.exec(fileType)?.[1];
  const text = fromType ?? (typeof field === 'string' ? field : undefined);
  if (text === undefined) return defaultPcmSampleRate;
  const rate = Number(text);
  if (!Number.isInteger(rate) || rate < 8000 || rate > 192_000)
    throw new ApiError(400, 'sample_rate must be an integer from 8000 to 192000.', { param: 'sample_rate' });
  return rate;
}

const created = Math.floor(Date.UTC(2026, 0, 1) / 1000);

async function route(request: IncomingMessage, response: ServerResponse, signal: AbortSignal): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://speech.local').pathname;
  if (request.method === 'GET' && path === '/healthz') return sendJson(response, 200, { ok: true });
  if (request.method === 'GET' && path === '/v1/models') {
    return sendJson(response, 200, {
      object: 'list',
      data: ['espeak-ng', 'pocketsphinx'].map((id) => ({ id, object: 'model', created, owned_by: 'debian' })),
    });
  }
  if (request.method === 'POST' && path === '/v1/audio/speech') return handleSpeech(request, response, signal);
  if (request.method === 'POST' && path === '/v1/audio/transcriptions') return handleTranscription(request, response, signal);
  throw new ApiError(404, `No route ${request.method} ${path}.`, { code: 'not_found' });
}

export async function startSpeechServer(options: SpeechServerOptions = {}): Promise<SpeechServer> {
  const host = options.host ?? '127.0.0.1';
  // Closing the server also stops the engines still working, so nothing outlives it.
  const closing = new AbortController();
  const server = createServer((request, response) => {
    route(request, response, closing.signal).catch((error: unknown) => {
      if (error instanceof ApiError) return sendError(response, error);
      if (error instanceof ProcessFailure) return sendError(response, engineError(error));
      // Never the request's content in a log line: only what failed.
      console.error('speech server: unexpected failure', error instanceof Error ? error.name : typeof error);
      sendError(response, new ApiError(500, 'The speech server failed unexpectedly.'));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}/v1`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        closing.abort();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/**
 * A real HTTP server speaking the documented OpenAI protocol (chat completions, streamed or not,
 * embeddings, `/audio/transcriptions` and a streamed `/audio/speech`), scriptable per test and recording what it receives. Tests of several files share one
 * instance concurrently, so everything is keyed by a `match` substring of the last user message and
 * nothing depends on the order of requests across tests.
 *
 * Runs in Node (Vitest global setup and `npm run fake-llm`) with native type stripping: erasable
 * TypeScript only, imports with `.ts` extensions.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { type FakeAudioEncoding, fakeSpeechAudio, fakeSpeechSeconds, writeInChunks } from '../fake-audio-encoder.ts';
import { hearAudio } from '../fake-hearing.ts';
import { closeServer, flattenHeaders, isRecord, listen, readBodyBytes, sendJson } from '../fake-http.ts';
import type { FakeStep, FakeToolCall, RecordedRequest } from './control.ts';

/** How to start the fake. */
export interface FakeOpenAIOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** Delay before the default (unscripted) answer, so the demo model feels like one. */
  defaultDelayMs?: number;
}

/** A running fake. */
export interface FakeOpenAI {
  /** The base URL clients are configured with, including `/v1`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

interface Script {
  match: string;
  steps: FakeStep[];
}

interface Recording extends RecordedRequest {
  /** The last user message or the embedding input: what `match` filters on. */
  key: string;
}

interface ChatCompletionBody {
  model: string;
  messages: unknown[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
}

interface EmbeddingBody {
  model: string;
  input: string | string[];
  dimensions?: number;
  encoding_format?: string;
}

/** OpenAI's tool calls carry an id the client echoes back with the result. */
interface NumberedToolCall {
  id: string;
  name: string;
  argumentsText: string;
}

const defaultEmbeddingDimensions = 64;
const textDeltaLength = 4;
const argumentsFragmentLength = 7;

/** OpenAI's speech API answers `pcm` at 24 kHz. */
const openAISpeechSampleRate = 24_000;
const speechChunkBytes = 4_800;
/** The extensions OpenAI's transcription endpoint documents. */
const transcriptionExtensions = ['flac', 'mp3', 'mp4', 'mpeg', 'mpga', 'm4a', 'ogg', 'oga', 'wav', 'webm'];

class BadRequest extends Error {}

export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const host = options.host ?? '127.0.0.1';
  const defaultDelayMs = options.defaultDelayMs ?? 0;
  const scripts = new Map<string, Script>();
  let recordings: Recording[] = [];
  let completionCounter = 0;

  function nextStep(key: string): FakeStep | undefined {
    // The longest matching script wins, so a test can script a specific prompt inside a broader one.
    let chosen: Script | undefined;
    for (const script of scripts.values()) {
      if (script.steps.length === 0 || !key.includes(script.match)) continue;
      if (chosen === undefined || script.match.length > chosen.match.length) chosen = script;
    }
    return chosen?.steps.shift();
  }

  async function handleChatCompletion(request: IncomingMessage, response: ServerResponse, body: unknown, arrivedAt: number): Promise<void> {
    const chat = parseChatCompletionBody(body);
    const key = lastUserMessage(chat.messages);
    recordings.push({ path: request.url ?? '', headers: flattenHeaders(request.headers), body, key });
    const step = nextStep(key) ?? { text: `You said: ${key}`, delayMs: defaultDelayMs };
    completionCounter += 1;
    const completionId = `chatcmpl-fake-${completionCounter}`;

    // Counted from the request's arrival, so the fake's own reading and parsing are not taken for its caller's time.
    if (step.delayMs !== undefined && step.delayMs > 0) await sleep(Math.max(0, arrivedAt + step.delayMs - performance.now()));
    if (response.destroyed) return;
    // A hanging answer is left open; `close()` tears its connection down.
    if (step.hang === true) return;
    if (step.error !== undefined) {
      sendOpenAIError(response, step.error.status, step.error.message ?? 'Scripted failure.');
      return;
    }
    const toolCalls = numberToolCalls(step.toolCalls ?? []);
    const usage = estimateUsage(chat.messages, step.text ?? '', toolCalls);
    if (chat.stream === true) {
      await streamCompletion(response, {
        completionId,
        model: chat.model,
        step,
        toolCalls,
        usage: chat.stream_options?.include_usage === true ? usage : undefined,
      });
      return;
    }
    if (step.malformed === true) {
      sendJson(response, 200, { id: completionId, object: 'chat.completion', choices: 'not a list' });
      return;
    }
    sendJson(response, 200, {
      id: completionId,
      object: 'chat.completion',
      created: nowInSeconds(),
      model: chat.model,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: step.text ?? (toolCalls.length > 0 ? null : ''),
            refusal: null,
            ...(toolCalls.length > 0 ? { tool_calls: toolCalls.map(toWireToolCall) } : {}),
          },
          logprobs: null,
          finish_reason: toolCalls.length > 0 ? 'tool_calls' : 'stop',
        },
      ],
      usage,
    });
  }

  function handleEmbeddings(request: IncomingMessage, response: ServerResponse, body: unknown): void {
    const embedding = parseEmbeddingBody(body);
    const inputs = typeof embedding.input === 'string' ? [embedding.input] : embedding.input;
    recordings.push({
      path: request.url ?? '',
      headers: flattenHeaders(request.headers),
      body,
      key: inputs.join('\n'),
    });
    const dimensions = embedding.dimensions ?? defaultEmbeddingDimensions;
    const tokenCount = inputs.reduce((total, input) => total + countTokens(input), 0);
    sendJson(response, 200, {
      object: 'list',
      data: inputs.map((input, index) => {
        const vector = embed(input, dimensions);
        return {
          object: 'embedding',
          index,
          embedding: embedding.encoding_format === 'base64' ? toBase64Floats(vector) : vector,
        };
      }),
      model: embedding.model,
      usage: { prompt_tokens: tokenCount, total_tokens: tokenCount },
    });
  }

  /**
   * `POST /v1/audio/speech`: validates as OpenAI documents (model, input of at most 4096 characters,
   * voice, `response_format` of mp3/opus/aac/flac/wav/pcm, `speed` 0.25 to 4) and streams a tone as
   * long as the text would take to say, in the format asked (`pcm` is 24 kHz PCM16 LE, as OpenAI's).
   * Scripts keyed by the input text can make it fail (`error`) or never answer (`hang`).
   */
  async function handleSpeech(request: IncomingMessage, response: ServerResponse, body: unknown): Promise<void> {
    if (!isRecord(body)) throw new BadRequest('The request body must be a JSON object.');
    if (typeof body.model !== 'string' || body.model.length === 0) throw new BadRequest("'model' is a required string.");
    if (typeof body.input !== 'string' || body.input.length === 0) throw new BadRequest("'input' is a required string.");
    if (body.input.length > 4096) throw new BadRequest("'input' must be at most 4096 characters long.");
    if (typeof body.voice !== 'string' || body.voice.length === 0) throw new BadRequest("'voice' is a required string.");
    const format = body.response_format ?? 'mp3';
    const encodings: Record<string, FakeAudioEncoding> = { mp3: 'mp3', opus: 'ogg-opus', wav: 'wav', pcm: 'pcm16' };
    if (typeof format !== 'string' || !['mp3', 'opus', 'aac', 'flac', 'wav', 'pcm'].includes(format)) {
      throw new BadRequest(`Invalid value for 'response_format': ${String(format)}. Supported values are: 'mp3', 'opus', 'aac', 'flac', 'wav', and 'pcm'.`);
    }
    const encoding = encodings[format];
    if (encoding === undefined) throw new BadRequest(`The fake does not encode '${format}'.`);
    if (body.speed !== undefined && (typeof body.speed !== 'number' || body.speed < 0.25 || body.speed > 4)) {
      throw new BadRequest("'speed' must be a number from 0.25 to 4.");
    }
    recordings.push({ path: request.url ?? '', headers: flattenHeaders(request.headers), body, key: body.input });
    const step = nextStep(body.input);
    if (step?.delayMs !== undefined && step.delayMs > 0) await sleep(step.delayMs);
    if (step?.hang === true) return;
    if (step?.error !== undefined) {
      sendOpenAIError(response, step.error.status, step.error.message ?? 'Scripted failure.');
      return;
    }
    const speed = typeof body.speed === 'number' ? body.speed : 1;
    const audio = await fakeSpeechAudio(fakeSpeechSeconds(body.input) / speed, openAISpeechSampleRate, encoding);
    const contentTypes: Record<FakeAudioEncoding, string> = { mp3: 'audio/mpeg', 'ogg-opus': 'audio/opus', wav: 'audio/wav', pcm16: 'audio/pcm' };
    response.writeHead(200, { 'content-type': contentTypes[encoding], 'transfer-encoding': 'chunked' });
    response.flushHeaders();
    if (step?.hangAfterChunks !== undefined) {
      response.write(audio.subarray(0, 4_800));
      return;
    }
    await writeInChunks(response, audio, speechChunkBytes);
  }

  /**
   * `POST /v1/audio/transcriptions` (multipart): needs `file` with one of OpenAI's documented
   * extensions and `model`. The "recognition" is of the audio itself, so tests can tell what reached
   * it: a WAV whose samples are silent is heard as nothing; any other WAV as its length and rate; other
   * formats as their size and extension. `response_format` json (default), text or verbose_json.
   */
  async function handleTranscription(request: IncomingMessage, response: ServerResponse, raw: Buffer): Promise<void> {
    const contentType = request.headers['content-type'] ?? '';
    if (!contentType.startsWith('multipart/form-data')) throw new BadRequest("The request must be multipart/form-data with a 'file'.");
    let form: FormData;
    try {
      form = await new Request('http://fake.invalid/', { method: 'POST', headers: { 'content-type': contentType }, body: new Uint8Array(raw) }).formData();
    } catch {
      throw new BadRequest('The multipart body could not be parsed.');
    }
    const file = form.get('file');
    const model = form.get('model');
    if (typeof model !== 'string' || model.length === 0) throw new BadRequest("'model' is a required field.");
    if (file === null || typeof file === 'string') throw new BadRequest("'file' is a required file field.");
    const extension = (file.name.split('.').pop() ?? '').toLowerCase();
    if (!transcriptionExtensions.includes(extension)) {
      throw new BadRequest(`Invalid file format. Supported formats: ${JSON.stringify(transcriptionExtensions)}`);
    }
    const bytes = new Uint8Array(await file.arrayBuffer());
    const language = form.get('language');
    const responseFormat = form.get('response_format') ?? 'json';
    const fields: Record<string, string> = {};
    for (const [name, value] of form.entries()) fields[name] = typeof value === 'string' ? value : `<file ${value.name} ${value.type} ${value.size} bytes>`;
    const text = hearAudio(bytes, extension);
    recordings.push({ path: request.url ?? '', headers: flattenHeaders(request.headers), body: fields, key: `transcription ${text}` });
    if (bytes.byteLength === 0) throw new BadRequest('The audio file could not be decoded or its format is not supported.');
    if (responseFormat === 'text') {
      response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(text);
      return;
    }
    if (responseFormat === 'verbose_json') {
      sendJson(response, 200, { task: 'transcribe', language: typeof language === 'string' ? language : 'english', duration: 0, text, segments: [] });
      return;
    }
    if (responseFormat !== 'json') throw new BadRequest(`The fake does not answer response_format '${String(responseFormat)}'.`);
    sendJson(response, 200, { text, usage: { type: 'duration', seconds: 1 } });
  }

  function handleControl(request: IncomingMessage, response: ServerResponse, url: URL, body: unknown): void {
    if (request.method === 'POST' && url.pathname === '/__control/scripts') {
      const script = parseScript(body);
      scripts.set(script.match, script);
      sendJson(response, 201, { match: script.match, steps: script.steps.length });
      return;
    }
    if (request.method === 'GET' && url.pathname === '/__control/requests') {
      const match = url.searchParams.get('match') ?? '';
      const requests = recordings
        .filter((recording) => recording.key.includes(match))
        .map(({ path, headers, body: recordedBody }) => ({ path, headers, body: recordedBody }));
      sendJson(response, 200, { requests });
      return;
    }
    if (request.method === 'DELETE' && url.pathname === '/__control') {
      // With `?match=` only that test's scripts and records go, so concurrent test files are unaffected.
      const match = url.searchParams.get('match');
      if (match === null) {
        scripts.clear();
        recordings = [];
      } else {
        scripts.delete(match);
        recordings = recordings.filter((recording) => !recording.key.includes(match));
      }
      sendJson(response, 200, { reset: true });
      return;
    }
    sendOpenAIError(response, 404, `No control route ${request.method ?? ''} ${url.pathname}.`);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // A client that hung up must not crash the process with an unhandled stream error.
    response.on('error', () => {});
    const arrivedAt = performance.now();
    const url = new URL(request.url ?? '/', 'http://fake.invalid');
    const rawBytes = await readBodyBytes(request);
    if (request.method === 'POST' && url.pathname === '/v1/audio/transcriptions') {
      try {
        await handleTranscription(request, response, rawBytes);
      } catch (error) {
        sendOpenAIError(response, error instanceof BadRequest ? 400 : 500, error instanceof Error ? error.message : String(error));
      }
      return;
    }
    const rawBody = new TextDecoder().decode(rawBytes);
    let body: unknown;
    try {
      body = rawBody.length > 0 ? JSON.parse(rawBody) : undefined;
    } catch {
      sendOpenAIError(response, 400, 'The request body is not valid JSON.');
      return;
    }
    try {
      if (url.pathname === '/__control' || url.pathname.startsWith('/__control/')) {
        handleControl(request, response, url, body);
      } else if (request.method === 'POST' && url.pathname === '/v1/chat/completions') {
        await handleChatCompletion(request, response, body, arrivedAt);
      } else if (request.method === 'POST' && url.pathname === '/v1/audio/speech') {
        await handleSpeech(request, response, body);
      } else if (request.method === 'POST' && url.pathname === '/v1/embeddings') {
        handleEmbeddings(request, response, body);
      } else if (request.method === 'GET' && url.pathname === '/v1/models') {
        sendJson(response, 200, {
          object: 'list',
          data: [{ id: 'fake-model', object: 'model', created: 0, owned_by: 'kindred-fake' }],
        });
      } else {
        sendOpenAIError(response, 404, `Unknown route ${request.method ?? ''} ${url.pathname}.`);
      }
    } catch (error) {
      if (error instanceof BadRequest) {
        sendOpenAIError(response, 400, error.message);
        return;
      }
      sendOpenAIError(response, 500, `The fake failed: ${String(error)}`);
    }
  }

  const server = createServer((request, response) => {
    void handle(request, response);
  });
  const port = await listen(server, options.port ?? 0, host, 'OpenAI');
  return {
    url: `http://${host}:${port}/v1`,
    port,
    close: () => closeServer(server),
  };
}

interface StreamPlan {
  completionId: string;
  model: string;
  step: FakeStep;
  toolCalls: NumberedToolCall[];
  usage: ReturnType<typeof estimateUsage> | undefined;
}

/** Streams the answer the way OpenAI does: role first, small content deltas, tool calls split by `index`. */
async function streamCompletion(response: ServerResponse, plan: StreamPlan): Promise<void> {
  const created = nowInSeconds();
  const usageField = plan.usage === undefined ? {} : { usage: null };
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) => ({
    id: plan.completionId,
    object: 'chat.completion.chunk',
    created,
    model: plan.model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...usageField,
  });
  const events: string[] = [JSON.stringify(chunk({ role: 'assistant', content: '', refusal: null }))];
  if (plan.step.malformed === true) {
    events.push('{"choices":[{"index":0,"delta":{"content":"Hel');
  }
  for (const piece of splitIntoPieces(plan.step.text ?? '', textDeltaLength)) {
    events.push(JSON.stringify(chunk({ content: piece })));
  }
  plan.toolCalls.forEach((toolCall, index) => {
    events.push(
      JSON.stringify(
        chunk({
          tool_calls: [{ index, id: toolCall.id, type: 'function', function: { name: toolCall.name, arguments: '' } }],
        }),
      ),
    );
    for (const fragment of splitIntoPieces(toolCall.argumentsText, argumentsFragmentLength)) {
      events.push(JSON.stringify(chunk({ tool_calls: [{ index, function: { arguments: fragment } }] })));
    }
  });
  events.push(JSON.stringify(chunk({}, plan.toolCalls.length > 0 ? 'tool_calls' : 'stop')));
  if (plan.usage !== undefined) {
    events.push(
      JSON.stringify({
        id: plan.completionId,
        object: 'chat.completion.chunk',
        created,
        model: plan.model,
        choices: [],
        usage: plan.usage,
      }),
    );
  }
  events.push('[DONE]');

  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  response.flushHeaders();
  for (const [index, event] of events.entries()) {
    if (response.destroyed) return;
    // A stalled answer is left open; `close()` tears its connection down.
    if (plan.step.hangAfterChunks !== undefined && index >= plan.step.hangAfterChunks) return;
    if (index > 0 && plan.step.chunkDelayMs !== undefined && plan.step.chunkDelayMs > 0) {
      await sleep(plan.step.chunkDelayMs);
      if (response.destroyed) return;
    }
    response.write(`data: ${event}\n\n`);
  }
  response.end();
}

function parseChatCompletionBody(body: unknown): ChatCompletionBody {
  if (!isRecord(body)) throw new BadRequest('The request body must be a JSON object.');
  if (typeof body.model !== 'string' || body.model.length === 0) {
    throw new BadRequest("'model' is a required string.");
  }
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    throw new BadRequest("'messages' must be a non-empty array.");
  }
  for (const message of body.messages) {
    if (!isRecord(message) || typeof message.role !== 'string') {
      throw new BadRequest("Every message needs a string 'role'.");
    }
  }
  return body as unknown as ChatCompletionBody;
}

function parseEmbeddingBody(body: unknown): EmbeddingBody {
  if (!isRecord(body)) throw new BadRequest('The request body must be a JSON object.');
  if (typeof body.model !== 'string' || body.model.length === 0) {
    throw new BadRequest("'model' is a required string.");
  }
  const { input, dimensions } = body;
  const validInput = typeof input === 'string' || (Array.isArray(input) && input.length > 0 && input.every((item) => typeof item === 'string'));
  if (!validInput) throw new BadRequest("'input' must be a string or a non-empty array of strings.");
  if (dimensions !== undefined && (!Number.isInteger(dimensions) || Number(dimensions) < 1)) {
    throw new BadRequest("'dimensions' must be a positive integer.");
  }
  return body as unknown as EmbeddingBody;
}

function parseScript(body: unknown): Script {
  if (!isRecord(body) || typeof body.match !== 'string' || body.match.length === 0) {
    throw new BadRequest("A script needs a non-empty string 'match'.");
  }
  if (!Array.isArray(body.steps) || !body.steps.every(isRecord)) {
    throw new BadRequest("A script needs an array of step objects in 'steps'.");
  }
  return { match: body.match, steps: [...(body.steps as FakeStep[])] };
}

/** The text of the last user message; content may be a string or OpenAI's array of content parts. */
function lastUserMessage(messages: unknown[]): string {
  for (let index = messages.length - 1; index >= 0; index -= 1) {
    const message = messages[index];
    if (!isRecord(message) || message.role !== 'user') continue;
    return contentText(message.content);
  }
  return '';
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part) => (isRecord(part) && typeof part.text === 'string' ? part.text : '')).join('');
}

function numberToolCalls(toolCalls: FakeToolCall[]): NumberedToolCall[] {
  return toolCalls.map((toolCall) => ({
    id: `call_${crypto.randomUUID().replaceAll('-', '').slice(0, 24)}`,
    name: toolCall.name,
    argumentsText: JSON.stringify(toolCall.arguments ?? {}),
  }));
}

function toWireToolCall(toolCall: NumberedToolCall) {
  return {
    id: toolCall.id,
    type: 'function',
    function: { name: toolCall.name, arguments: toolCall.argumentsText },
  };
}

/** Splits by code points so multi-byte characters never break across deltas. */
function splitIntoPieces(text: string, length: number): string[] {
  const codePoints = Array.from(text);
  const pieces: string[] = [];
  for (let start = 0; start < codePoints.length; start += length) {
    pieces.push(codePoints.slice(start, start + length).join(''));
  }
  return pieces;
}

function countTokens(text: string): number {
  return text.split(/\s+/).filter((word) => word.length > 0).length;
}

function estimateUsage(messages: unknown[], text: string, toolCalls: NumberedToolCall[]) {
  const promptTokens = messages.reduce<number>((total, message) => total + (isRecord(message) ? countTokens(contentText(message.content)) : 0), 0);
  const completionTokens = countTokens(text) + toolCalls.reduce((total, toolCall) => total + countTokens(toolCall.argumentsText), 0);
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
}

/**
 * A deterministic bag-of-words embedding: each word is hashed (FNV-1a) to a signed dimension and the
 * sum is L2-normalised, so texts sharing words are close and the same text always embeds the same.
 */
function embed(text: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const encoder = new TextEncoder();
  for (const word of words) {
    let hash = 0x811c9dc5;
    for (const byte of encoder.encode(word)) {
      hash ^= byte;
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    const sign = hash >>> 31 === 1 ? -1 : 1;
    const slot = hash % dimensions;
    vector[slot] = (vector[slot] ?? 0) + sign;
  }
  const norm = Math.hypot(...vector);
  if (norm === 0) {
    // An empty text still gets a unit vector, so cosine similarity never divides by zero.
    vector[0] = 1;
    return vector;
  }
  return vector.map((value) => value / norm);
}

/** OpenAI's `encoding_format: 'base64'`: little-endian float32s, base64-encoded (the SDK asks for it by default). */
function toBase64Floats(vector: number[]): string {
  const bytes = new Uint8Array(new Float32Array(vector).buffer);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function errorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

function sendOpenAIError(response: ServerResponse, status: number, message: string): void {
  sendJson(response, status, { error: { message, type: errorType(status), param: null, code: null } });
}

function nowInSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

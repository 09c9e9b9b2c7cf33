/**
 * A real HTTP server speaking ElevenLabs' documented streaming text-to-speech API:
 * `POST /v1/text-to-speech/{voice_id}/stream` (raw audio, chunked) and
 * `POST /v1/text-to-speech/{voice_id}/stream/with-timestamps` (newline-delimited JSON chunks with
 * `audio_base64` and per-character `alignment`), with `output_format` as a query parameter, the
 * `xi-api-key` header checked, and ElevenLabs' error bodies (401 invalid key, 404 unknown voice, 422
 * validation, 429 too many concurrent requests). Records requests by text; `POST /__control/fail-next`
 * makes the next request fail or hang.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { type FakeAudioEncoding, fakeSecondsPerCharacter, fakeSpeechAudio, fakeSpeechSeconds, writeInChunks } from '../fake-audio-encoder.ts';
import { closeServer, flattenHeaders, isRecord, listen, readBodyText, sendJson } from '../fake-http.ts';

/** How to start the fake. */
export interface FakeElevenLabsOptions {
  port?: number;
  host?: string;
  /** The key `xi-api-key` must carry. */
  apiKey: string;
}

export interface FakeElevenLabs {
  /** The origin clients use as base URL (`/v1/...` follows). */
  url: string;
  close(): Promise<void>;
}

/** A request the fake recorded. */
export interface RecordedElevenLabsRequest {
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
}

/** The next request's failure: an HTTP status answered with ElevenLabs' body for it, or no answer at all. */
export interface ElevenLabsFailure {
  status?: number;
  hang?: boolean;
}

const outputFormats: Readonly<Record<string, { encoding: FakeAudioEncoding; sampleRate: number }>> = {
  mp3_22050_32: { encoding: 'mp3', sampleRate: 22_050 },
  mp3_44100_64: { encoding: 'mp3', sampleRate: 44_100 },
  mp3_44100_128: { encoding: 'mp3', sampleRate: 44_100 },
  pcm_8000: { encoding: 'pcm16', sampleRate: 8_000 },
  pcm_16000: { encoding: 'pcm16', sampleRate: 16_000 },
  pcm_22050: { encoding: 'pcm16', sampleRate: 22_050 },
  pcm_24000: { encoding: 'pcm16', sampleRate: 24_000 },
  pcm_44100: { encoding: 'pcm16', sampleRate: 44_100 },
  pcm_48000: { encoding: 'pcm16', sampleRate: 48_000 },
};

const models = new Set(['eleven_multilingual_v2', 'eleven_flash_v2_5', 'eleven_turbo_v2_5', 'eleven_v3', 'eleven_flash_v2']);
const chunkBytes = 4_096;
/** Characters per with-timestamps chunk, as ElevenLabs sends alignment a piece at a time. */
const charactersPerChunk = 12;

class ElevenLabsError extends Error {
  status: number;
  detail: unknown;
  constructor(status: number, detail: unknown) {
    super(`HTTP ${status}`);
    this.status = status;
    this.detail = detail;
  }
}

function documentedError(status: number): ElevenLabsError {
  if (status === 401) return new ElevenLabsError(401, { status: 'invalid_api_key', message: 'Invalid API key' });
  if (status === 422) return new ElevenLabsError(422, [{ loc: ['body', 'text'], msg: 'field required', type: 'value_error.missing' }]);
  if (status === 429) {
    return new ElevenLabsError(429, {
      status: 'too_many_concurrent_requests',
      message: 'Too many concurrent requests. Your current subscription is associated with a maximum of 2 concurrent requests.',
    });
  }
  return new ElevenLabsError(status, { status: 'internal_error', message: 'An internal error occurred.' });
}

export async function startFakeElevenLabs(options: FakeElevenLabsOptions): Promise<FakeElevenLabs> {
  const host = options.host ?? '127.0.0.1';
  let recordings: Array<RecordedElevenLabsRequest & { key: string }> = [];
  const failures: ElevenLabsFailure[] = [];

  async function handleSpeech(request: IncomingMessage, response: ServerResponse, url: URL, voiceId: string, withTimestamps: boolean): Promise<void> {
    if (request.headers['xi-api-key'] !== options.apiKey) throw documentedError(401);
    const body = parseJson(await readBodyText(request));
    const failure = failures.shift();
    if (failure?.hang === true) return;
    if (failure?.status !== undefined) throw documentedError(failure.status);
    if (!/^[A-Za-z0-9]{20}$/.test(voiceId)) {
      throw new ElevenLabsError(404, { status: 'voice_not_found', message: `A voice with the voice_id ${voiceId} was not found.` });
    }
    if (!isRecord(body) || typeof body.text !== 'string' || body.text.length === 0) throw documentedError(422);
    if (body.model_id !== undefined && (typeof body.model_id !== 'string' || !models.has(body.model_id))) {
      throw new ElevenLabsError(400, { status: 'model_not_found', message: `A model with model ID ${String(body.model_id)} does not exist.` });
    }
    const outputFormatName = url.searchParams.get('output_format') ?? 'mp3_44100_128';
    const outputFormat = outputFormats[outputFormatName];
    if (outputFormat === undefined) {
      throw new ElevenLabsError(422, [
        { loc: ['query', 'output_format'], msg: `value is not a valid enumeration member: ${outputFormatName}`, type: 'type_error.enum' },
      ]);
    }
    recordings.push({
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: flattenHeaders(request.headers),
      body,
      key: body.text,
    });
    if (!withTimestamps) {
      const audio = await fakeSpeechAudio(fakeSpeechSeconds(body.text), outputFormat.sampleRate, outputFormat.encoding);
      response.writeHead(200, { 'content-type': outputFormat.encoding === 'mp3' ? 'audio/mpeg' : 'application/octet-stream' });
      response.flushHeaders();
      await writeInChunks(response, audio, chunkBytes);
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.flushHeaders();
    const characters = Array.from(body.text);
    for (let start = 0; start < characters.length; start += charactersPerChunk) {
      if (response.destroyed) return;
      const piece = characters.slice(start, start + charactersPerChunk);
      const audio = await fakeSpeechAudio(piece.length * fakeSecondsPerCharacter, outputFormat.sampleRate, outputFormat.encoding);
      const times = piece.map((_character, index) => (start + index) * fakeSecondsPerCharacter);
      const alignment = {
        characters: piece,
        character_start_times_seconds: times,
        character_end_times_seconds: times.map((time) => time + fakeSecondsPerCharacter),
      };
      response.write(`${JSON.stringify({ audio_base64: audio.toString('base64'), alignment, normalized_alignment: alignment })}\n`);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    response.end();
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    response.on('error', () => {});
    const url = new URL(request.url ?? '/', 'http://fake.invalid');
    try {
      if (request.method === 'POST' && url.pathname === '/__control/fail-next') {
        const body = parseJson(await readBodyText(request));
        failures.push(isRecord(body) ? { status: typeof body.status === 'number' ? body.status : undefined, hang: body.hang === true } : {});
        sendJson(response, 201, { queued: failures.length });
        return;
      }
      if (request.method === 'GET' && url.pathname === '/__control/requests') {
        const match = url.searchParams.get('match') ?? '';
        sendJson(response, 200, { requests: recordings.filter((recording) => recording.key.includes(match)).map(({ key: _key, ...recorded }) => recorded) });
        return;
      }
      if (request.method === 'DELETE' && url.pathname === '/__control') {
        recordings = [];
        failures.length = 0;
        sendJson(response, 200, { reset: true });
        return;
      }
      const route = /^\/v1\/text-to-speech\/([^/]+)\/stream(\/with-timestamps)?$/.exec(url.pathname);
      if (request.method === 'POST' && route !== null) {
        await handleSpeech(request, response, url, decodeURIComponent(route[1] ?? ''), route[2] !== undefined);
        return;
      }
      sendJson(response, 404, { detail: 'Not Found' });
    } catch (error) {
      if (error instanceof ElevenLabsError) sendJson(response, error.status, { detail: error.detail });
      else sendJson(response, 500, { detail: { status: 'internal_error', message: String(error) } });
    }
  }

  const server = createServer((request, response) => {
    void handle(request, response);
  });
  const port = await listen(server, options.port ?? 0, host, 'ElevenLabs');
  return { url: `http://${host}:${port}`, close: () => closeServer(server) };
}

function parseJson(text: string): unknown {
  try {
    return text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    throw new ElevenLabsError(400, { status: 'invalid_json', message: 'The request body is not valid JSON.' });
  }
}

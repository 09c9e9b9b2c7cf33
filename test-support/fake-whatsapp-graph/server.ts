/**
 * A real HTTP server speaking the parts of Meta's Graph API that Kindred uses for WhatsApp (the Cloud
 * API's `POST /{phone-number-id}/messages` (text, template and audio), `POST /{phone-number-id}/media`
 * (the multipart upload), `GET /{media-id}` and the media download), checking the
 * bearer token and each body's documented shape, recording what it was sent, and failing on request.
 * Test files share one instance at once, so recordings and failures are keyed by the recipient number
 * (each test uses its own) and nothing depends on the order of requests across tests.
 *
 * Runs in Node (Vitest global setup, and `npm run fake-whatsapp` for demos)
 * with native type stripping: erasable TypeScript only.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { closeServer, isRecord, listen, readBodyBytes, sendJson } from '../fake-http.ts';

export interface FakeWhatsAppGraphOptions {
  port?: number;
  host?: string;
  /** The only phone number id and token the fake accepts. */
  phoneNumberId: string;
  accessToken: string;
}

export interface FakeWhatsAppGraph {
  /** The Graph URL up to the version, as `WHATSAPP_GRAPH_URL` takes it. */
  url: string;
  close(): Promise<void>;
}

/** A message the fake accepted, as the control API lists it. */
export interface RecordedWhatsAppMessage {
  id: string;
  /** The recipient's digits, without `+`. */
  to: string;
  type: 'text' | 'template' | 'audio';
  /** The text, or the template's body parameters joined by a newline (empty for audio). */
  text: string;
  templateName?: string;
  body: unknown;
}

/** A failure the next requests to one recipient get, `count` times. */
interface PlannedFailure {
  status: number;
  code: number;
  remaining: number;
}

interface Media {
  mimeType: string;
  bytes: Buffer;
  /** Set for media uploaded through `POST /{phone-number-id}/media` (not those a test planted). */
  uploaded?: { fileName: string; fileType: string };
}

/** The audio types Meta's media reference lists (Ogg with Opus only), each at most 16 MB. */
const audioTypes = new Set(['audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4', 'audio/ogg']);
const maxAudioBytes = 16 * 1024 * 1024;

class GraphError extends Error {
  status: number;
  code: number;
  constructor(status: number, code: number, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export async function startFakeWhatsAppGraph(options: FakeWhatsAppGraphOptions): Promise<FakeWhatsAppGraph> {
  const host = options.host ?? '127.0.0.1';
  let messages: RecordedWhatsAppMessage[] = [];
  let reads: Array<{ messageId: string }> = [];
  const failures = new Map<string, PlannedFailure>();
  const media = new Map<string, Media>();
  /**
   * Uploads still to fail, by the media type uploaded: uploads name no recipient, so a planned
   * failure is the next upload of that type from any test (test files that upload use different types).
   */
  const uploadFailures = new Map<string, PlannedFailure>();
  let counter = 0;
  let mediaCounter = 0;
  let origin = '';

  function checkToken(request: IncomingMessage): void {
    if (request.headers.authorization !== `Bearer ${options.accessToken}`) {
      throw new GraphError(401, 190, 'Invalid OAuth access token - Cannot parse access token');
    }
  }

  function takeFailure(to: string): PlannedFailure | undefined {
    const failure = failures.get(to);
    if (!failure) return undefined;
    failure.remaining -= 1;
    if (failure.remaining <= 0) failures.delete(to);
    return failure;
  }

  function handleMessages(response: ServerResponse, body: unknown): void {
    if (!isRecord(body) || body.messaging_product !== 'whatsapp')
      throw new GraphError(400, 100, "(#100) The parameter messaging_product is required and must be 'whatsapp'.");
    if (body.status === 'read') {
      if (typeof body.message_id !== 'string' || body.message_id.length === 0) throw new GraphError(400, 100, '(#100) The parameter message_id is required.');
      reads.push({ messageId: body.message_id });
      sendJson(response, 200, { success: true });
      return;
    }
    if (typeof body.to !== 'string' || !/^\+?\d{7,15}$/.test(body.to)) throw new GraphError(400, 100, '(#100) Invalid parameter: to.');
    const to = body.to.replace(/^\+/, '');
    const failure = takeFailure(to);
    if (failure) throw new GraphError(failure.status, failure.code, `(#${failure.code}) Scripted failure.`);
    let text: string;
    let templateName: string | undefined;
    if (body.type === 'text') {
      const textPart = body.text;
      if (!isRecord(textPart) || typeof textPart.body !== 'string' || textPart.body.length === 0)
        throw new GraphError(400, 100, '(#100) The parameter text[body] is required.');
      if (textPart.body.length > 4096) throw new GraphError(400, 100, '(#100) Param text[body] must be at most 4096 characters long.');
      text = textPart.body;
    } else if (body.type === 'template') {
      const template = body.template;
      if (!isRecord(template) || typeof template.name !== 'string' || !isRecord(template.language) || typeof template.language.code !== 'string') {
        throw new GraphError(400, 100, '(#100) The parameter template[name] and template[language][code] are required.');
      }
      const components = Array.isArray(template.components) ? template.components : [];
      const bodyComponent = components.find((component) => isRecord(component) && component.type === 'body');
      const parameters = isRecord(bodyComponent) && Array.isArray(bodyComponent.parameters) ? bodyComponent.parameters : [];
      const values: string[] = [];
      for (const parameter of parameters) {
        if (!isRecord(parameter) || parameter.type !== 'text' || typeof parameter.text !== 'string')
          throw new GraphError(400, 131008, '(#131008) Required parameter is missing');
        // Meta refuses template parameters with new lines, tabs or more than four spaces in a row.
        if (/[\n\t]| {5,}/.test(parameter.text)) throw new GraphError(400, 132018, '(#132018) There was an issue with the parameters in your template.');
        if (parameter.text.length > 1024) throw new GraphError(400, 132005, '(#132005) Translated text too long');
        values.push(parameter.text);
      }
      text = values.join('\n');
      templateName = template.name;
    } else if (body.type === 'audio') {
      const audio = body.audio;
      if (!isRecord(audio) || typeof audio.id !== 'string' || audio.id.length === 0)
        throw new GraphError(400, 100, '(#100) The parameter audio[id] is required.');
      const item = media.get(audio.id);
      if (!item) throw new GraphError(400, 131053, '(#131053) Media upload error: the media id does not exist.');
      if (audio.voice !== undefined && typeof audio.voice !== 'boolean') throw new GraphError(400, 100, '(#100) Param audio[voice] must be a boolean.');
      // Meta documents voice messages for Ogg Opus files only.
      if (audio.voice === true && item.mimeType !== 'audio/ogg') throw new GraphError(400, 131053, '(#131053) A voice message must be an Ogg Opus file.');
      text = '';
    } else {
      throw new GraphError(400, 100, '(#100) Unsupported message type.');
    }
    counter += 1;
    const id = `wamid.HBgL${to}${String(counter).padStart(8, '0')}FAKE`;
    messages.push({ id, to, type: body.type as RecordedWhatsAppMessage['type'], text, templateName, body });
    sendJson(response, 200, {
      messaging_product: 'whatsapp',
      contacts: [{ input: body.to, wa_id: to }],
      messages: [body.type === 'template' ? { id, message_status: 'accepted' } : { id }],
    });
  }

  /** `POST /{phone-number-id}/media`: multipart with `messaging_product`, `type` and `file`, as Meta documents. */
  async function handleUpload(request: IncomingMessage, response: ServerResponse, rawBody: Buffer): Promise<void> {
    const contentType = request.headers['content-type'] ?? '';
    if (!contentType.startsWith('multipart/form-data')) throw new GraphError(400, 100, '(#100) The upload must be multipart/form-data.');
    let form: FormData;
    try {
      form = await new Request('http://fake.invalid/', { method: 'POST', headers: { 'content-type': contentType }, body: new Uint8Array(rawBody) }).formData();
    } catch {
      throw new GraphError(400, 100, '(#100) The multipart body could not be read.');
    }
    if (form.get('messaging_product') !== 'whatsapp')
      throw new GraphError(400, 100, "(#100) The parameter messaging_product is required and must be 'whatsapp'.");
    const type = form.get('type');
    if (typeof type !== 'string' || type.length === 0) throw new GraphError(400, 100, '(#100) The parameter type is required.');
    const file = form.get('file');
    if (file === null || typeof file === 'string') throw new GraphError(400, 100, '(#100) The parameter file is required.');
    // The fake takes audio only: that is all Kindred uploads.
    if (!audioTypes.has(type)) throw new GraphError(400, 131053, `(#131053) Media upload error: unsupported type ${type}.`);
    const bytes = Buffer.from(await file.arrayBuffer());
    if (bytes.length === 0) throw new GraphError(400, 131053, '(#131053) Media upload error: the file is empty.');
    if (bytes.length > maxAudioBytes) throw new GraphError(400, 131053, '(#131053) Media upload error: audio is limited to 16 MB.');
    // "OPUS codecs only; base audio/ogg not supported": an Ogg file whose first stream is Opus.
    if (type === 'audio/ogg' && !(bytes.subarray(0, 4).toString('latin1') === 'OggS' && bytes.subarray(0, 512).includes('OpusHead'))) {
      throw new GraphError(400, 131053, '(#131053) Media upload error: audio/ogg must be Ogg with the Opus codec.');
    }
    const failure = uploadFailures.get(type);
    if (failure) {
      failure.remaining -= 1;
      if (failure.remaining <= 0) uploadFailures.delete(type);
      throw new GraphError(failure.status, failure.code, `(#${failure.code}) Scripted failure.`);
    }
    mediaCounter += 1;
    const id = String(9_000_000_000_000 + mediaCounter);
    media.set(id, { mimeType: type, bytes, uploaded: { fileName: file.name, fileType: file.type } });
    sendJson(response, 200, { id });
  }

  function handleControl(request: IncomingMessage, response: ServerResponse, url: URL, body: unknown): void {
    const to = (url.searchParams.get('to') ?? '').replace(/^\+/, '');
    if (request.method === 'GET' && url.pathname === '/__control/messages') {
      sendJson(response, 200, { messages: messages.filter((message) => message.to === to) });
      return;
    }
    if (request.method === 'GET' && url.pathname === '/__control/reads') {
      sendJson(response, 200, { reads });
      return;
    }
    if (request.method === 'POST' && url.pathname === '/__control/fail') {
      if (!isRecord(body) || typeof body.to !== 'string' || typeof body.status !== 'number')
        throw new GraphError(400, 100, 'A failure needs `to` and `status`.');
      const code = typeof body.code === 'number' ? body.code : body.status === 429 ? 130429 : 131000;
      const count = typeof body.count === 'number' ? body.count : 1;
      failures.set(body.to.replace(/^\+/, ''), { status: body.status, code, remaining: count });
      sendJson(response, 201, { planned: count });
      return;
    }
    if (request.method === 'POST' && url.pathname === '/__control/media') {
      if (!isRecord(body) || typeof body.id !== 'string' || typeof body.mimeType !== 'string' || typeof body.base64 !== 'string') {
        throw new GraphError(400, 100, 'Media needs `id`, `mimeType` and `base64`.');
      }
      media.set(body.id, { mimeType: body.mimeType, bytes: Buffer.from(body.base64, 'base64') });
      sendJson(response, 201, { id: body.id });
      return;
    }
    if (request.method === 'POST' && url.pathname === '/__control/fail-uploads') {
      if (!isRecord(body) || typeof body.type !== 'string' || typeof body.status !== 'number')
        throw new GraphError(400, 100, 'A failure needs `type` and `status`.');
      const code = typeof body.code === 'number' ? body.code : body.status === 429 ? 130429 : 131000;
      const count = typeof body.count === 'number' ? body.count : 1;
      uploadFailures.set(body.type, { status: body.status, code, remaining: count });
      sendJson(response, 201, { planned: count });
      return;
    }
    const uploadPath = /^\/__control\/uploads\/(\d+)$/.exec(url.pathname);
    if (request.method === 'GET' && uploadPath) {
      const item = media.get(uploadPath[1] ?? '');
      if (!item?.uploaded) throw new GraphError(404, 100, 'No such upload.');
      sendJson(response, 200, { id: uploadPath[1], mimeType: item.mimeType, ...item.uploaded, base64: item.bytes.toString('base64') });
      return;
    }
    if (request.method === 'DELETE' && url.pathname === '/__control') {
      if (to === '') {
        messages = [];
        reads = [];
        failures.clear();
        uploadFailures.clear();
      } else {
        messages = messages.filter((message) => message.to !== to);
        failures.delete(to);
      }
      sendJson(response, 200, { reset: true });
      return;
    }
    throw new GraphError(404, 100, `No control route ${request.method ?? ''} ${url.pathname}.`);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    response.on('error', () => {});
    const url = new URL(request.url ?? '/', 'http://fake.invalid');
    try {
      const rawBody = await readBodyBytes(request);
      const segments = url.pathname.split('/').filter(Boolean);
      if (request.method === 'POST' && segments.length === 3 && segments[2] === 'media') {
        checkToken(request);
        if (segments[1] !== options.phoneNumberId)
          throw new GraphError(400, 100, `(#100) Unsupported post request. Object with ID '${segments[1]}' does not exist.`);
        await handleUpload(request, response, rawBody);
        return;
      }
      let body: unknown;
      try {
        body = rawBody.length > 0 ? JSON.parse(rawBody.toString('utf8')) : undefined;
      } catch {
        throw new GraphError(400, 100, 'The request body is not valid JSON.');
      }
      if (url.pathname === '/__control' || url.pathname.startsWith('/__control/')) {
        handleControl(request, response, url, body);
        return;
      }
      // `/v21.0/{phone-number-id}/messages`, `/v21.0/{media-id}`, and the download `/media-files/{media-id}`.
      if (request.method === 'POST' && segments.length === 3 && segments[2] === 'messages') {
        checkToken(request);
        if (segments[1] !== options.phoneNumberId)
          throw new GraphError(400, 100, `(#100) Unsupported post request. Object with ID '${segments[1]}' does not exist.`);
        handleMessages(response, body);
        return;
      }
      if (request.method === 'GET' && segments.length === 2 && segments[0] === 'media-files') {
        checkToken(request);
        const item = media.get(segments[1] ?? '');
        if (!item) throw new GraphError(404, 100, 'No such media.');
        response.writeHead(200, { 'content-type': item.mimeType, 'content-length': item.bytes.length });
        response.end(item.bytes);
        return;
      }
      if (request.method === 'GET' && segments.length === 2) {
        checkToken(request);
        const id = segments[1] ?? '';
        const item = media.get(id);
        if (!item) throw new GraphError(400, 100, `(#100) Object with ID '${id}' does not exist.`);
        sendJson(response, 200, {
          messaging_product: 'whatsapp',
          url: `${origin}/media-files/${id}`,
          mime_type: item.mimeType,
          file_size: item.bytes.length,
          id,
        });
        return;
      }
      throw new GraphError(404, 100, `Unknown path ${request.method ?? ''} ${url.pathname}.`);
    } catch (error) {
      if (error instanceof GraphError) {
        sendJson(response, error.status, { error: { message: error.message, type: 'OAuthException', code: error.code, fbtrace_id: 'FAKE' } });
        return;
      }
      sendJson(response, 500, { error: { message: `The fake failed: ${String(error)}`, type: 'OAuthException', code: 1 } });
    }
  }

  const server = createServer((request, response) => {
    void handle(request, response);
  });
  const port = await listen(server, options.port ?? 0, host, 'WhatsApp Graph API');
  origin = `http://${host}:${port}`;
  return { url: `${origin}/v21.0`, close: () => closeServer(server) };
}

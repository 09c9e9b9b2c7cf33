import { exports } from 'cloudflare:workers';
import { expect } from 'vitest';
import type { z } from 'zod';
import { decodeBinaryFrame } from '../common/binary-frame.ts';
import { type ErrorId, errorStatus } from '../common/error-ids.ts';
import {
  type AuthAnswer,
  authAnswerSchema,
  binaryFrameFields,
  type ErrorBody,
  errorBodySchema,
  realtimeTicketSchema,
  type ServerFrame,
  type StreamEvent,
  serverFrameSchema,
  streamEventSchema,
} from '../common/protocol.ts';

/** The Worker under test, as `exports.default`. */
const worker = (exports as unknown as { default: Fetcher }).default;

/** Factories and request helpers for tests that hit the real Worker in-process (`exports.default.fetch`). */
export const origin = 'https://kindred.test';

export interface ApiOptions {
  method?: string;
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export function api(path: string, options: ApiOptions = {}): Promise<Response> {
  const headers = new Headers(options.headers);
  // Test files share one D1 (see vitest.config.ts): a request names its address, or comes from one of
  // its own, so the per-address limits never count another file's requests.
  if (!headers.has('cf-connecting-ip')) headers.set('cf-connecting-ip', randomAddress());
  if (options.token) headers.set('authorization', `Bearer ${options.token}`);
  let body: string | ReadableStream<Uint8Array> | undefined;
  if (options.body !== undefined) {
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    // A stream goes as it is: sent in chunks with no declared length.
    body = typeof options.body === 'string' || options.body instanceof ReadableStream ? options.body : JSON.stringify(options.body);
  }
  return worker.fetch(new Request(`${origin}${path}`, { method: options.method ?? (body ? 'POST' : 'GET'), headers, body }));
}

/**
 * Reads a value with the wire schema that declares it, so a test fails when an answer drifts from
 * its declaration: a missing or mistyped field fails the parse, and a field the schema does not
 * declare (which parsing would silently drop) fails the comparison with what was sent.
 */
export function parseWire<Schema extends z.ZodType>(schema: Schema, value: unknown): z.output<Schema> {
  const parsed = schema.parse(value);
  expect(parsed, 'the answer carries fields its schema does not declare').toEqual(value);
  return parsed;
}

/** Asserts the answer's status, then reads its JSON body with the route's wire schema. */
export async function readJson<Schema extends z.ZodType>(response: Response, schema: Schema, status = 200): Promise<z.output<Schema>> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  return parseWire(schema, JSON.parse(text));
}

/** Asserts the answer is the error `id`, with the status the error table gives it, in the one error shape. */
export async function expectError(response: Response, id: ErrorId): Promise<ErrorBody> {
  const body = await readJson(response, errorBodySchema, errorStatus[id]);
  expect(body.error.id).toBe(id);
  return body;
}

let userCounter = 0;

export const uniqueText = (label: string) => `${label}-${crypto.randomUUID().slice(0, 8)}`;

/** Signs up a fresh user (unique email) and returns the answer with its token. */
/** An IPv6 address in its own /64 of the documentation range, so no two test users share a limit. */
export function randomAddress(): string {
  const [first = 0, second = 0] = crypto.getRandomValues(new Uint16Array(2));
  return `2001:db8:${first.toString(16)}:${second.toString(16)}::1`;
}

export async function buildUser(
  overrides: { email?: string; password?: string; displayName?: string; timezone?: string } = {},
): Promise<AuthAnswer & { password: string }> {
  userCounter++;
  const password = overrides.password ?? 'correct horse battery staple';
  const response = await api('/api/v1/auth/signup', {
    // Each test user signs up from an address of its own, as people do; the per-address limit has its own tests.
    headers: { 'cf-connecting-ip': randomAddress() },
    body: {
      email: overrides.email ?? `person-${userCounter}-${crypto.randomUUID()}@example.com`,
      password,
      displayName: overrides.displayName,
      timezone: overrides.timezone,
    },
  });
  return { ...(await readJson(response, authAnswerSchema, 201)), password };
}

/** Reads a server-sent event stream to its end, each event read with the wire schema. */
export async function readEvents(response: Response): Promise<StreamEvent[]> {
  const text = await response.text();
  return text
    .split('\n\n')
    .map((block) => block.split('\n').find((line) => line.startsWith('data: ')))
    .filter((line): line is string => line !== undefined)
    .map((line) => parseWire(streamEventSchema, JSON.parse(line.slice(6))));
}

/** The events of one type, typed as such. */
export function eventsOfType<Type extends ServerFrame['type']>(events: ServerFrame[], type: Type): Extract<ServerFrame, { type: Type }>[] {
  return events.filter((event): event is Extract<ServerFrame, { type: Type }> => event.type === type);
}

type FrameOf<Type extends ServerFrame['type']> = Extract<ServerFrame, { type: Type }>;

const isFrameOf = <Type extends ServerFrame['type']>(frame: ServerFrame, type: Type): frame is FrameOf<Type> => frame.type === type;

/** A realtime connection under test; frames are read with the wire schema when the test takes them. */
export interface RealtimeUnderTest {
  socket: WebSocket;
  /** Every frame received so far. */
  frames(): ServerFrame[];
  /** The first frame of this type after the last one taken, waiting for it if need be. */
  next<Type extends ServerFrame['type']>(type: Type): Promise<FrameOf<Type>>;
  /** The type of every frame that came as a binary message, in order. */
  binaryFrameTypes(): string[];
}

/** Opens the realtime WebSocket through the Worker and collects what arrives. */
export async function openRealtime(token: string, extraHeaders: Record<string, string> = {}, query: Record<string, string> = {}): Promise<RealtimeUnderTest> {
  // As the apps do: a single-use ticket in the URL, never the session token.
  const { ticket } = await readJson(await api('/api/v1/realtime/tickets', { method: 'POST', token }), realtimeTicketSchema, 201);
  const response = await worker.fetch(
    new Request(`${origin}/api/v1/realtime?${new URLSearchParams({ ...query, ticket })}`, { headers: { ...extraHeaders, upgrade: 'websocket' } }),
  );
  const socket = response.webSocket;
  if (!socket) throw new Error(`no WebSocket: ${response.status} ${await response.text()}`);
  socket.binaryType = 'arraybuffer';
  socket.accept();
  const received: Record<string, unknown>[] = [];
  const waiters: { type: string; resolve: (frame: Record<string, unknown>) => void; from: number }[] = [];
  const binaryTypes: string[] = [];
  socket.addEventListener('message', (event: MessageEvent) => {
    if (typeof event.data === 'string') received.push(JSON.parse(event.data) as Record<string, unknown>);
    else {
      const frame = decodeBinaryFrame(event.data as ArrayBuffer, binaryFrameFields);
      if (!frame) throw new Error('a binary frame that is not a header and its bytes');
      binaryTypes.push(String(frame.type));
      received.push(frame);
    }
    for (const waiter of [...waiters]) {
      const found = received.slice(waiter.from).find((frame) => frame.type === waiter.type);
      if (found) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(found);
      }
    }
  });
  let consumed = 0;
  const nextReceived = (type: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const index = received.slice(consumed).findIndex((frame) => frame.type === type);
      if (index >= 0) {
        const frame = received[consumed + index] as Record<string, unknown>;
        consumed += index + 1;
        return resolve(frame);
      }
      const timer = setTimeout(() => reject(new Error(`no ${type} frame; got ${JSON.stringify(received.map((frame) => frame.type))}`)), 10_000);
      waiters.push({
        type,
        from: consumed,
        resolve: (frame) => {
          clearTimeout(timer);
          consumed = received.indexOf(frame) + 1;
          resolve(frame);
        },
      });
    });
  return {
    socket,
    frames: () => received.map((frame) => parseWire(serverFrameSchema, frame)),
    binaryFrameTypes: () => [...binaryTypes],
    async next(type) {
      const frame = parseWire(serverFrameSchema, await nextReceived(type));
      if (!isFrameOf(frame, type)) throw new Error(`expected a ${type} frame, read a ${frame.type} frame`);
      return frame;
    },
  };
}

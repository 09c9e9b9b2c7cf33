import { exports } from 'cloudflare:workers';

/** The Worker under test, as `exports.default`. */
const worker = (exports as unknown as { default: Fetcher }).default;

import type { AuthAnswer, StreamEvent } from '../common/protocol.ts';

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
  if (options.token) headers.set('authorization', `Bearer ${options.token}`);
  let body: string | undefined;
  if (options.body !== undefined) {
    headers.set('content-type', 'application/json');
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  }
  return worker.fetch(new Request(`${origin}${path}`, { method: options.method ?? (body ? 'POST' : 'GET'), headers, body }));
}

let userCounter = 0;

export const uniqueText = (label: string) => `${label}-${crypto.randomUUID().slice(0, 8)}`;

/** Signs up a fresh user (unique email) and returns the answer with its token. */
export async function buildUser(
  overrides: { email?: string; password?: string; displayName?: string; timezone?: string } = {},
): Promise<AuthAnswer & { password: string }> {
  userCounter++;
  const password = overrides.password ?? 'correct horse battery staple';
  const response = await api('/api/v1/auth/signup', {
    body: {
      email: overrides.email ?? `person-${userCounter}-${crypto.randomUUID()}@example.com`,
      password,
      displayName: overrides.displayName,
      timezone: overrides.timezone,
    },
  });
  if (response.status !== 201) throw new Error(`signup failed: ${response.status} ${await response.text()}`);
  return { ...((await response.json()) as AuthAnswer), password };
}

/** Reads a server-sent event stream to its end. */
export async function readEvents(response: Response): Promise<StreamEvent[]> {
  const text = await response.text();
  return text
    .split('\n\n')
    .map((block) => block.split('\n').find((line) => line.startsWith('data: ')))
    .filter((line): line is string => line !== undefined)
    .map((line) => JSON.parse(line.slice(6)) as StreamEvent);
}

/** Opens the realtime WebSocket through the Worker and collects what arrives. */
export async function openRealtime(
  token: string,
  extraHeaders: Record<string, string> = {},
  query: Record<string, string> = {},
): Promise<{ socket: WebSocket; frames: Record<string, unknown>[]; next: (type: string) => Promise<Record<string, unknown>> }> {
  const response = await worker.fetch(
    new Request(`${origin}/api/v1/realtime?${new URLSearchParams({ token, ...query })}`, { headers: { ...extraHeaders, upgrade: 'websocket' } }),
  );
  const socket = response.webSocket;
  if (!socket) throw new Error(`no WebSocket: ${response.status} ${await response.text()}`);
  socket.accept();
  const frames: Record<string, unknown>[] = [];
  const waiters: { type: string; resolve: (frame: Record<string, unknown>) => void; from: number }[] = [];
  socket.addEventListener('message', (event: MessageEvent) => {
    frames.push(JSON.parse(String(event.data)) as Record<string, unknown>);
    for (const waiter of [...waiters]) {
      const found = frames.slice(waiter.from).find((frame) => frame.type === waiter.type);
      if (found) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(found);
      }
    }
  });
  let consumed = 0;
  const next = (type: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const index = frames.slice(consumed).findIndex((frame) => frame.type === type);
      if (index >= 0) {
        const frame = frames[consumed + index] as Record<string, unknown>;
        consumed += index + 1;
        return resolve(frame);
      }
      const timer = setTimeout(() => reject(new Error(`no ${type} frame; got ${JSON.stringify(frames.map((frame) => frame.type))}`)), 10_000);
      waiters.push({
        type,
        from: consumed,
        resolve: (frame) => {
          clearTimeout(timer);
          consumed = frames.indexOf(frame) + 1;
          resolve(frame);
        },
      });
    });
  return { socket, frames, next };
}

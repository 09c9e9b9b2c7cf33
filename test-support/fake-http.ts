/**
 * Small HTTP helpers shared by the fake outside services in `test-support/` (fake OpenAI, ElevenLabs,
 * Google Calendar, WhatsApp Graph API, push service, the Radicale proxy), so each fake only holds
 * what imitates its own service.
 *
 * Runs in Node (Vitest global setup) with native type stripping: erasable TypeScript only.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** Reads a request's whole body as bytes. */
export async function readBodyBytes(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Reads a request's whole body as UTF-8 text. */
export async function readBodyText(request: IncomingMessage): Promise<string> {
  return (await readBodyBytes(request)).toString('utf8');
}

/** A request's headers with repeated ones joined by `, `, so recorded requests are plain JSON. */
export function flattenHeaders(headers: IncomingMessage['headers']): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/** Whether a parsed JSON value is an object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Answers with a JSON body. Does nothing when the answer has already begun or the client is gone
 * (a fake told to hang, or a request the client gave up on), rather than throwing in the handler.
 */
export function sendJson(response: ServerResponse, status: number, payload: unknown, contentType = 'application/json'): void {
  if (response.destroyed || response.headersSent) return;
  response.writeHead(status, { 'content-type': contentType });
  response.end(JSON.stringify(payload));
}

/**
 * Starts listening and resolves with the port (the one asked for, or the one the system chose for
 * port 0). `name` names the fake in the error when it gets no TCP address.
 */
export function listen(server: Server, port: number, host: string, name: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        reject(new Error(`The fake ${name} server has no TCP address.`));
        return;
      }
      resolve(address.port);
    });
  });
}

/** Stops the server and resolves once it is closed. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error === undefined ? resolve() : reject(error)));
    // Hanging answers and keep-alive sockets would otherwise keep `close()` waiting forever.
    server.closeAllConnections();
  });
}

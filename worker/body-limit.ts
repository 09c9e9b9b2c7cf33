import { createMiddleware } from 'hono/factory';
import { AppError } from '../server/errors/app-error.ts';
import type { AppEnv } from './app-env.ts';

/**
 * Reads a request body as it streams, and answers `payload_too_large` once it passes `maxBytes`,
 * whether or not the client declared a length (a chunked upload declares none).
 *
 * Not Hono's `bodyLimit`: that answers the moment the limit is passed, while the client is still
 * sending, and an HTTP/1.1 proxy in front (wrangler's local one among them) then loses the
 * connection and turns the 413 into a reset or a 500. Here the rest of an oversized body is read and
 * thrown away — never kept — up to `drainBytes`, so the client hears the 413; a body larger still
 * is cut off, as Cloudflare's own request size limit would.
 */
export const bodyLimit = (maxBytes: number, drainBytes = 128 * 1024 * 1024) =>
  createMiddleware<AppEnv>(async (context, next) => {
    const request = context.req.raw;
    if (!request.body) return next();
    const tooLarge = () => new AppError('payload_too_large', `The request body is over ${Math.round(maxBytes / 1024)} KiB.`);
    const declared = request.headers.get('content-length');
    if (declared !== null && !request.headers.has('transfer-encoding') && Number(declared) > maxBytes) {
      await drain(request.body.getReader(), drainBytes);
      throw tooLarge();
    }
    const reader = request.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await drain(reader, drainBytes - size);
        throw tooLarge();
      }
      chunks.push(value);
    }
    const body = new Uint8Array(size);
    let offset = 0;
    for (const chunk of chunks) {
      body.set(chunk, offset);
      offset += chunk.byteLength;
    }
    context.req.raw = new Request(request, { body });
    return next();
  });

async function drain(reader: ReadableStreamDefaultReader<Uint8Array>, budget: number): Promise<void> {
  let left = budget;
  try {
    while (left > 0) {
      const { done, value } = await reader.read();
      if (done) return;
      left -= value.byteLength;
    }
    await reader.cancel();
  } catch {
    // The client went away mid-upload: there is no one left to answer.
  }
}

import { createMiddleware } from 'hono/factory';
import type { AppEnv } from './app-env.ts';

/**
 * The headers every response carries: the Worker sets them on what it serves, and the build writes
 * them into `web/dist/_headers` for the static assets Cloudflare serves without running the Worker,
 * so one list governs both. Hono's `secureHeaders()` would cover only the Worker's half, and adds
 * Cross-Origin-Resource-Policy, which would stop the mobile app showing the avatars.
 */
const contentSecurityPolicy = (styleSources: string) =>
  [
    "default-src 'self'",
    // 'wasm-unsafe-eval' lets voice mode compile the voice-activity detector's WebAssembly (our own
    // file under /vendor/vad/); it does not allow eval of JavaScript. Audio worklets load as scripts.
    "script-src 'self' 'wasm-unsafe-eval'",
    `style-src ${styleSources}`,
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "font-src 'self'",
    // 'self' covers the realtime WebSocket on the same host (CSP Level 3).
    "connect-src 'self'",
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');

export const baseSecurityHeaders: Readonly<Record<string, string>> = {
  'Content-Security-Policy': contentSecurityPolicy("'self'"),
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  // The microphone is for voice conversations on this origin only; nothing else is asked for.
  'Permissions-Policy': 'camera=(), geolocation=(), payment=(), usb=(), microphone=(self)',
  // Browsers ignore it over plain HTTP, so local mode is unaffected.
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
};

/** Swagger UI at `/docs` styles its elements inline; it is the one page allowed to. */
export const docsContentSecurityPolicy = contentSecurityPolicy("'self' 'unsafe-inline'");

/** Sets the headers on every response the Worker answers, the static fallback included. */
export const securityHeaders = () =>
  createMiddleware<AppEnv>(async (context, next) => {
    await next();
    // Responses from the assets binding or a WebSocket upgrade are immutable: copy before changing.
    if (context.res.status === 101) return;
    const response = new Response(context.res.body, context.res);
    for (const [name, value] of Object.entries(baseSecurityHeaders)) if (!response.headers.has(name)) response.headers.set(name, value);
    context.res = response;
  });

/** The `_headers` file for the static assets (Cloudflare's syntax: a path pattern, then indented headers). */
export function assetHeadersFile(): string {
  const lines = Object.entries(baseSecurityHeaders).map(([name, value]) => `  ${name}: ${value}`);
  return ['# Written by scripts/build-web.mjs from worker/security-headers.ts; do not edit.', '/*', ...lines, ''].join('\n');
}

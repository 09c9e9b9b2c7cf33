import { describe, expect, it } from 'vitest';
import { api, buildUser, expectError } from '../test-support/api.ts';
import { assetHeadersFile, baseSecurityHeaders, docsContentSecurityPolicy } from './security-headers.ts';

describe('security headers', () => {
  it('sends a strict policy with API answers, errors and health checks', async () => {
    const user = await buildUser();
    for (const response of [await api('/api/v1/me', { token: user.token }), await api('/api/v1/me'), await api('/healthz')]) {
      const policy = response.headers.get('content-security-policy') ?? '';
      expect(policy).toContain("default-src 'self'");
      expect(policy).toContain("frame-ancestors 'none'");
      expect(policy).not.toContain('unsafe-inline');
      // WebAssembly for voice mode's detector may compile; JavaScript eval stays forbidden.
      expect(policy).toContain("script-src 'self' 'wasm-unsafe-eval';");
      expect(policy).not.toContain("'unsafe-eval'");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      await response.body?.cancel();
    }
  });

  it('lets Swagger UI style itself at /docs and nothing more', async () => {
    const response = await api('/docs');
    expect(response.headers.get('content-security-policy')).toBe(docsContentSecurityPolicy);
    expect(docsContentSecurityPolicy).toContain("script-src 'self'");
    expect(await response.text()).not.toMatch(/<script>(?!<\/script>)/);
  });

  it('writes the same headers for the static assets', () => {
    const file = assetHeadersFile();
    for (const [name, value] of Object.entries(baseSecurityHeaders)) expect(file).toContain(`  ${name}: ${value}`);
  });
});

describe('request bodies', () => {
  /** A body sent in chunks with no declared length, as `Transfer-Encoding: chunked` does. */
  function chunkedBody(totalBytes: number): ReadableStream<Uint8Array> {
    const chunk = new TextEncoder().encode('a'.repeat(64 * 1024));
    let sent = 0;
    return new ReadableStream({
      pull(controller) {
        if (sent >= totalBytes) return controller.close();
        controller.enqueue(chunk);
        sent += chunk.byteLength;
      },
    });
  }

  it('answers 413 to a chunked body over the limit, reading it as it streams', async () => {
    const user = await buildUser();
    const response = await api('/api/v1/files/notes/big.md', {
      method: 'PUT',
      token: user.token,
      headers: { 'content-type': 'text/plain' },
      body: chunkedBody(3 * 1024 * 1024),
    });
    await expectError(response, 'payload_too_large');
  });

  it('takes a chunked body under the limit', async () => {
    const user = await buildUser();
    const response = await api('/api/v1/files/notes/small.md', {
      method: 'PUT',
      token: user.token,
      headers: { 'content-type': 'text/plain' },
      body: chunkedBody(128 * 1024),
    });
    expect(response.status).toBe(200);
  });
});

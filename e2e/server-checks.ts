/**
 * Checks that need the real local server rather than the in-process Worker: what wrangler keeps on
 * disk and prints, what the static assets are served with, and how its HTTP proxy handles an
 * oversized chunked upload. Run by `e2e/run.ts` after the browser journeys.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

export interface ServerCheckOptions {
  baseUrl: string;
  /** wrangler's `--persist-to` directory: everything the local runtime stores. */
  stateDirectory: string;
  /** Everything the server printed so far. */
  serverOutput: () => Promise<string>;
}

async function json<Answer>(response: Response, status: number): Promise<Answer> {
  const text = await response.text();
  assert.equal(response.status, status, text);
  return JSON.parse(text) as Answer;
}

async function filesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

/** Runs a conversation over the realtime socket, a search and a file read, signs out, and looks for their secrets. */
async function secretsStayOffDisk(options: ServerCheckOptions): Promise<void> {
  const unique = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  const searchText = `marmalade-${unique}`;
  const filePath = `notes/diary-${unique}.md`;
  const { token } = await json<{ token: string }>(
    await fetch(`${options.baseUrl}/api/v1/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `disk-${unique}@example.com`, password: 'quiet river morning' }),
    }),
    201,
  );
  const auth = { authorization: `Bearer ${token}` };
  const { ticket } = await json<{ ticket: string }>(await fetch(`${options.baseUrl}/api/v1/realtime/tickets`, { method: 'POST', headers: auth }), 201);
  const socket = new WebSocket(`${options.baseUrl.replace(/^http/, 'ws')}/api/v1/realtime?ticket=${ticket}`);
  const closed = new Promise<number>((resolve) => socket.addEventListener('close', (event) => resolve(event.code)));
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve);
    socket.addEventListener('error', reject);
  });
  const ended = new Promise<void>((resolve) =>
    socket.addEventListener('message', (event) => {
      const frame = JSON.parse(String(event.data)) as { type: string };
      if (frame.type === 'message-end' || frame.type === 'error') resolve();
    }),
  );
  socket.send(JSON.stringify({ type: 'message-send', text: `Remember my ${searchText} recipe` }));
  await ended;
  await json(await fetch(`${options.baseUrl}/api/v1/memories?query=${searchText}`, { headers: auth }), 200);
  await json(
    await fetch(`${options.baseUrl}/api/v1/files/${filePath}`, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'text/markdown' },
      body: `# ${searchText}`,
    }),
    200,
  );
  await json(await fetch(`${options.baseUrl}/api/v1/files/${filePath}`, { headers: auth }), 200);
  assert.equal((await fetch(`${options.baseUrl}/api/v1/auth/logout`, { method: 'POST', headers: auth })).status, 204);
  assert.equal(await closed, 4001, 'signing out closes the socket');

  const secrets = { 'the session token': token, 'the search text': searchText, 'the file path': filePath };
  for (const file of await filesUnder(options.stateDirectory)) {
    const content = await readFile(file);
    for (const [name, secret] of Object.entries(secrets))
      assert.ok(!content.includes(secret), `${name} is stored in ${path.relative(options.stateDirectory, file)}`);
  }
  const output = await options.serverOutput();
  for (const [name, secret] of Object.entries(secrets)) assert.ok(!output.includes(secret), `${name} is in the server's output`);
}

/** The app's pages, served as static assets without the Worker, carry the security headers too. */
async function assetsCarryTheHeaders(options: ServerCheckOptions): Promise<void> {
  for (const pagePath of ['/', '/chat', '/offline.html']) {
    const response = await fetch(`${options.baseUrl}${pagePath}`);
    await response.body?.cancel();
    const policy = response.headers.get('content-security-policy') ?? '';
    assert.match(policy, /frame-ancestors 'none'/, `${pagePath} has a Content-Security-Policy`);
    assert.doesNotMatch(policy, /unsafe-inline/, `${pagePath} allows no inline code`);
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff', `${pagePath} forbids sniffing`);
    assert.equal(response.headers.get('referrer-policy'), 'no-referrer', `${pagePath} sends no referrer`);
  }
}

/** A chunked body far over the limit is answered 413 through wrangler's proxy, not reset or 500. */
async function oversizedChunkedUploadIs413(options: ServerCheckOptions): Promise<void> {
  const chunk = new Uint8Array(256 * 1024).fill(97);
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= 24 * 1024 * 1024) return controller.close();
      controller.enqueue(chunk);
      sent += chunk.byteLength;
    },
  });
  const response = await fetch(`${options.baseUrl}/api/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    duplex: 'half',
  } as RequestInit);
  const answer = await json<{ error: { id: string } }>(response, 413);
  assert.equal(answer.error.id, 'payload_too_large');
}

export async function runServerChecks(options: ServerCheckOptions): Promise<string[]> {
  const checks = { secretsStayOffDisk, assetsCarryTheHeaders, oversizedChunkedUploadIs413 };
  const passed: string[] = [];
  for (const [name, check] of Object.entries(checks)) {
    await check(options);
    passed.push(name);
  }
  return passed;
}

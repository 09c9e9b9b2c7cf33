/**
 * A real Radicale CalDAV server for the calendar sync tests, started by the Vitest global setup (in
 * Node) on a free loopback port with a temporary storage folder and plain htpasswd users.
 *
 * Tests reach it through a small proxy in front of it (the URL they are given), which forwards every
 * request unchanged to Radicale and adds a control API under `/__control/`, because tests run in
 * workerd and cannot write Radicale's files or stop its process:
 * - `POST /__control/users` `{ username, password }` adds a user (Radicale reads the htpasswd file at
 *   each login, so the user can sign in at once, and Radicale makes its home collection on first use).
 * - `POST /__control/outage` `{ username, down }` makes the server unreachable for that user only
 *   (the connection is cut without an answer, as a stopped server would), so tests of several files
 *   running side by side do not disturb each other.
 * - `/__control/garbage/…` answers any method with an HTML page, as a web server that is not CalDAV does.
 *
 * Runs in Node with native type stripping: erasable TypeScript only, imports with `.ts` extensions.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo, createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readBodyBytes } from './fake-http.ts';

/** A running Radicale and its proxy. */
export interface RunningRadicale {
  /** The proxy's base URL (no trailing slash): Radicale's root, plus the control API. */
  url: string;
  close(): Promise<void>;
}

const python = process.env.RADICALE_PYTHON ?? '/usr/bin/python3';
const startTimeoutMs = 20_000;

/** Fails with what to do when Radicale is not installed, rather than with a bare spawn error. */
function requireRadicale(): void {
  const probe = spawnSync(python, ['-c', 'import radicale'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      `The calendar sync tests need Radicale (a CalDAV server) and it is not installed for ${python}: ` +
        'install it with `sudo apt-get install python3-radicale` (Debian/Ubuntu) or `pip install radicale`, ' +
        'or point RADICALE_PYTHON at a Python that has it. `.ci/run` installs it in CI.',
    );
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitForPort(port: number, process: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + startTimeoutMs;
  while (Date.now() < deadline) {
    if (process.exitCode !== null) throw new Error(`Radicale exited at start (code ${process.exitCode}):\n${output()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Radicale did not start listening on port ${port} within ${startTimeoutMs} ms:\n${output()}`);
}

/** The user a request is for: its Basic credentials, or else the first segment of its path. */
function userOf(request: IncomingMessage): string | undefined {
  const authorization = request.headers.authorization;
  if (authorization?.startsWith('Basic ')) return Buffer.from(authorization.slice(6), 'base64').toString().split(':')[0];
  return request.url?.split('/')[1] || undefined;
}

export async function startRadicale(): Promise<RunningRadicale> {
  requireRadicale();
  const folder = await mkdtemp(join(tmpdir(), 'kindred-radicale-'));
  const usersFile = join(folder, 'users');
  await writeFile(usersFile, '');
  const radicalePort = await freePort();
  const configFile = join(folder, 'config');
  await writeFile(
    configFile,
    [
      '[server]',
      `hosts = 127.0.0.1:${radicalePort}`,
      '[auth]',
      'type = htpasswd',
      `htpasswd_filename = ${usersFile}`,
      'htpasswd_encryption = plain',
      // Radicale slows every failed login down by default; the wrong-password test needs no wait.
      'delay = 0',
      '[rights]',
      'type = owner_only',
      '[storage]',
      `filesystem_folder = ${join(folder, 'collections')}`,
      '[logging]',
      'level = warning',
      '',
    ].join('\n'),
  );
  let output = '';
  const radicale = spawn(python, ['-m', 'radicale', '--config', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  radicale.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  radicale.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  await waitForPort(radicalePort, radicale, () => output);

  const usersDown = new Set<string>();
  const proxy: Server = createServer(async (request, response) => {
    const path = request.url ?? '/';
    if (path.startsWith('/__control/garbage')) {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<html><body>Welcome to my homepage</body></html>');
      return;
    }
    if (path === '/__control/users' && request.method === 'POST') {
      const { username, password } = JSON.parse((await readBodyBytes(request)).toString()) as { username: string; password: string };
      await appendFile(usersFile, `${username}:${password}\n`);
      response.writeHead(204).end();
      return;
    }
    if (path === '/__control/outage' && request.method === 'POST') {
      const { username, down } = JSON.parse((await readBodyBytes(request)).toString()) as { username: string; down: boolean };
      if (down) usersDown.add(username);
      else usersDown.delete(username);
      response.writeHead(204).end();
      return;
    }
    const user = userOf(request);
    if (user && usersDown.has(user)) {
      // No answer at all: the connection drops, as it does when the server is not running.
      request.socket.destroy();
      return;
    }
    const body = await readBodyBytes(request);
    const forwarded = httpRequest(
      { host: '127.0.0.1', port: radicalePort, method: request.method, path, headers: { ...request.headers, host: `127.0.0.1:${radicalePort}` } },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    forwarded.on('error', () => request.socket.destroy());
    forwarded.end(body);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      radicale.kill('SIGTERM');
      await rm(folder, { recursive: true, force: true });
    },
  };
}

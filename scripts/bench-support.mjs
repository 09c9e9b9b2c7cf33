// Small helpers every benchmark shares: figures for the report, and people to measure with.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { root } from './local-server.mjs';

/** Rounds for the JSON report; a missing or infinite value is reported as null. */
export function round(value, digits = 2) {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** Milliseconds, aligned for the human summary. */
export function format(value) {
  return value === null || value === undefined ? '   n/a' : `${value.toFixed(1).padStart(6)} ms`;
}

export function formatSeconds(milliseconds) {
  return `${(milliseconds / 1000).toFixed(1)} s`;
}

/** Progress goes to stderr: stdout's last line is the JSON result. */
export function progress(message) {
  process.stderr.write(`${message}\n`);
}

/** The installed version of a package, for the report's environment. */
export function packageVersion(name) {
  try {
    return JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

/**
 * Signs up `count` people on a running server, `concurrency` at a time (not measured by any
 * benchmark), and answers their session tokens in order. Emails are `<prefix>-<index>@example.com`.
 */
export async function signUpUsers(baseUrl, count, { prefix = 'bench-user', concurrency = 8 } = {}) {
  const tokens = new Array(count);
  let next = 0;
  const password = randomBytes(12).toString('base64url');
  const signUpNext = async () => {
    while (next < count) {
      const index = next;
      next += 1;
      const response = await fetch(`${baseUrl}/api/v1/auth/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: `${prefix}-${index}@example.com`, password }),
      });
      const body = await response.text();
      if (response.status !== 201) throw new Error(`Signing up user ${index} answered ${response.status}: ${body.slice(0, 300)}`);
      tokens[index] = JSON.parse(body).token;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, signUpNext));
  return tokens;
}

/**
 * What a benchmark must undo however it ends (servers, fakes), undone last first by `release()`; on
 * Ctrl+C or SIGTERM too, and then the process exits 130, so no workerd or fake is left running.
 * `interrupted` tells a failure caused by that stop (requests in flight fail) from a real one.
 */
export function cleanUpOnExit() {
  const cleanups = [];
  let interrupted = false;
  const cleanUp = async () => {
    while (cleanups.length > 0) await cleanups.pop()();
  };
  const onSignal = (signal) => {
    interrupted = true;
    progress(`Received ${signal}: stopping the servers.`);
    void cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    push: (cleanup) => cleanups.push(cleanup),
    get interrupted() {
      return interrupted;
    },
    async release() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await cleanUp();
    },
  };
}

/** Ends a child process started by a benchmark (a fake server), and waits until it has. */
export async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

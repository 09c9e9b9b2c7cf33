// Small helpers every benchmark prints its figures with.
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

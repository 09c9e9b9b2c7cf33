// `npm run bench -- <name> [options]`: runs benchmarks/<name>.mjs, whose exported `run(argv)` returns
// the exit code. Every file in benchmarks/ is a benchmark, so adding one needs no change here.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { root } from './local-server.mjs';

// `npm run` puts the project's own Node (the `node` dev dependency) first; an older one lacks the
// WebSocket client and the TypeScript type stripping the benchmarks rely on.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(`The benchmarks need Node 22.18 or later, and this is ${process.version}: run them with \`npm run bench -- <name>\`.`);
  process.exit(1);
}

const benchmarksDirectory = path.join(root, 'benchmarks');
const available = (await readdir(benchmarksDirectory))
  .filter((file) => file.endsWith('.mjs'))
  .map((file) => file.slice(0, -'.mjs'.length))
  .sort();
const [name, ...argv] = process.argv.slice(2);

// Only names read from the directory are imported, so an argument can never point outside it.
if (name === undefined || !available.includes(name)) {
  if (name !== undefined) console.error(`There is no benchmark named "${name}".`);
  console.error('Usage: npm run bench -- <name> [options]');
  console.error(`Available benchmarks: ${available.join(', ')}`);
  process.exit(1);
}

const benchmark = await import(pathToFileURL(path.join(benchmarksDirectory, `${name}.mjs`)).href);
process.exitCode = await benchmark.run(argv);

// Builds the static web app the Worker serves (wrangler.toml [assets] → web/dist): the React client
// through Vite's build API (web/vite.config.ts, which also copies web/public), the service worker
// with the list of files it precaches, the PNG icons that installers and app stores still want,
// Swagger UI vendored from swagger-ui-dist for /docs, so the API docs work offline too, and the
// voice-activity detector's model, worklet and wasm for voice mode.
import { createHash } from 'node:crypto';
import { cp, mkdir, readdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { build } from 'vite';
import { assetHeadersFile } from '../worker/security-headers.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const webRoot = path.join(root, 'web');
const dist = path.join(webRoot, 'dist');
const require = createRequire(import.meta.url);
const quiet = { logLevel: 'warn' };

await build({ configFile: path.join(webRoot, 'vite.config.ts'), ...quiet });

// Icons before the service worker, so they are in its precache list.
const brandColour = [0x4c, 0x2f, 0xb8];
await mkdir(path.join(dist, 'icons'), { recursive: true });
for (const [name, size, inset] of [
  ['icon-192.png', 192, 0],
  ['icon-512.png', 512, 0],
  ['apple-touch-icon.png', 180, 0],
  // Maskable icons are cropped to a circle by some launchers: the heart stays inside the safe zone.
  ['maskable-512.png', 512, 0.2],
]) {
  await writeFile(path.join(dist, 'icons', name), renderIconPng(size, inset));
}

const swaggerSource = path.dirname(require.resolve('swagger-ui-dist/package.json'));
const swaggerTarget = path.join(dist, 'vendor/swagger-ui');
await mkdir(swaggerTarget, { recursive: true });
for (const file of ['swagger-ui.css', 'swagger-ui-bundle.js']) await cp(path.join(swaggerSource, file), path.join(swaggerTarget, file));
await writeFile(path.join(swaggerTarget, 'docs-init.js'), "window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true });\n");

// The voice-activity detector's files, served from our own origin (no CDN): its worklet and Silero
// model from @ricky0123/vad-web, and the onnxruntime-web wasm that runs the model (single-threaded,
// so only the plain SIMD build and its loader). Under vendor/, so the service worker does not
// precache them: they are megabytes, and voice needs the network anyway.
const vadSource = path.join(path.dirname(require.resolve('@ricky0123/vad-web/package.json')), 'dist');
// onnxruntime-web exports no package.json: its wasm entry, resolved from the detector's own folder, finds the version the detector uses.
const onnxSource = path.dirname(createRequire(path.join(vadSource, 'index.js')).resolve('onnxruntime-web/wasm'));
const vadTarget = path.join(dist, 'vendor/vad');
await mkdir(vadTarget, { recursive: true });
for (const file of ['vad.worklet.bundle.min.js', 'silero_vad_v5.onnx', 'silero_vad_legacy.onnx'])
  await cp(path.join(vadSource, file), path.join(vadTarget, file));
for (const file of ['ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm']) await cp(path.join(onnxSource, file), path.join(vadTarget, file));

// The app shell: every built file except source maps and the API docs, which are online-only.
const shellFiles = (await listFiles(dist)).filter((file) => !file.endsWith('.map') && !file.startsWith('vendor/') && file !== 'sw.js' && file !== 'index.html');
const precacheUrls = ['/', ...shellFiles.map((file) => `/${file}`)];
const cacheVersion = createHash('sha256').update(precacheUrls.join('\n')).digest('hex').slice(0, 12);
await build({
  configFile: false,
  root: webRoot,
  publicDir: false,
  ...quiet,
  define: { __PRECACHE_URLS__: JSON.stringify(precacheUrls), __CACHE_VERSION__: JSON.stringify(cacheVersion) },
  build: {
    outDir: dist,
    emptyOutDir: false,
    copyPublicDir: false,
    minify: true,
    lib: { entry: path.join(webRoot, 'src/service-worker.ts'), formats: ['iife'], name: 'kindredServiceWorker', fileName: () => 'sw.js' },
  },
});
// The security headers for the assets Cloudflare serves without the Worker, from the Worker's own list.
await writeFile(path.join(dist, '_headers'), assetHeadersFile());
console.log(`web app built into ${path.relative(root, dist)} (${precacheUrls.length} files in the app shell)`);

async function listFiles(directory, prefix = '') {
  const found = [];
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) found.push(...(await listFiles(path.join(directory, entry.name), relative)));
    else found.push(relative);
  }
  return found;
}

/**
 * Draws the app icon (a white heart on the brand colour, like web/public/icons/icon.svg) as a PNG,
 * with no image library: the heart is the curve (x² + y² − 1)³ − x²y³ ≤ 0, sampled 4×4 per pixel
 * for smooth edges. `inset` is the share of each side left as plain background.
 */
function renderIconPng(size, inset) {
  const samples = 4;
  const rowLength = size * 4 + 1;
  const pixels = Buffer.alloc(rowLength * size);
  const radius = size * 0.22;
  const heartScale = (size * (1 - 2 * inset)) / 3.1;
  const insideRoundedSquare = (x, y) => {
    if (inset > 0) return true;
    const dx = Math.max(radius - x, 0, x - (size - radius));
    const dy = Math.max(radius - y, 0, y - (size - radius));
    return dx * dx + dy * dy <= radius * radius;
  };
  for (let row = 0; row < size; row += 1) {
    pixels[row * rowLength] = 0;
    for (let column = 0; column < size; column += 1) {
      let heart = 0;
      let background = 0;
      for (let sampleY = 0; sampleY < samples; sampleY += 1) {
        for (let sampleX = 0; sampleX < samples; sampleX += 1) {
          const x = column + (sampleX + 0.5) / samples;
          const y = row + (sampleY + 0.5) / samples;
          if (!insideRoundedSquare(x, y)) continue;
          const heartX = (x - size / 2) / heartScale;
          const heartY = -(y - size * 0.53) / heartScale;
          const curve = (heartX * heartX + heartY * heartY - 1) ** 3 - heartX * heartX * heartY ** 3;
          if (curve <= 0) heart += 1;
          else background += 1;
        }
      }
      const total = samples * samples;
      const covered = heart + background;
      const offset = row * rowLength + 1 + column * 4;
      for (let channel = 0; channel < 3; channel += 1) {
        pixels[offset + channel] = covered === 0 ? 0 : Math.round((heart * 255 + background * brandColour[channel]) / covered);
      }
      pixels[offset + 3] = Math.round((covered / total) * 255);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(pixels, { level: 9 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function pngChunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const checksum = Buffer.alloc(4);
  checksum.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, checksum]);
}

function crc32(bytes) {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

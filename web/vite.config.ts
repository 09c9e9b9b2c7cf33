// The web client's build: React through Vite, output to web/dist, which the Worker serves as static
// assets. `npx vite --config web/vite.config.ts` runs a dev server that forwards the API to
// `npm start` on 8787, so the page and the API stay same-origin and the session cookie works.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const webRoot = path.dirname(fileURLToPath(import.meta.url));
const apiServer = process.env.KINDRED_API_URL ?? 'http://127.0.0.1:8787';

export default defineConfig({
  root: webRoot,
  publicDir: path.join(webRoot, 'public'),
  plugins: [react()],
  build: {
    outDir: path.join(webRoot, 'dist'),
    emptyOutDir: true,
    sourcemap: true,
    assetsDir: 'assets',
  },
  server: {
    proxy: {
      '/api': { target: apiServer, ws: true, changeOrigin: false },
      '/docs': apiServer,
      '/openapi.json': apiServer,
    },
  },
});

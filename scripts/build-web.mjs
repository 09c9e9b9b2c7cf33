// Builds the static web app the Worker serves (wrangler.toml [assets] → web/dist). Until the React
// client lands this copies web/public, then vendors Swagger UI from swagger-ui-dist for /docs, so
// the API docs work offline too.
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'web/dist');
const require = createRequire(import.meta.url);

await rm(dist, { recursive: true, force: true });
await cp(path.join(root, 'web/public'), dist, { recursive: true });

const swaggerSource = path.dirname(require.resolve('swagger-ui-dist/package.json'));
const swaggerTarget = path.join(dist, 'vendor/swagger-ui');
await mkdir(swaggerTarget, { recursive: true });
for (const file of ['swagger-ui.css', 'swagger-ui-bundle.js']) await cp(path.join(swaggerSource, file), path.join(swaggerTarget, file));
await writeFile(path.join(swaggerTarget, 'docs-init.js'), "window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true });\n");
console.log(`web app built into ${path.relative(root, dist)}`);

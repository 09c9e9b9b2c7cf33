/**
 * `npm run http-tool-service -- --port 8790`: runs the local HTTP tool service (`http-tool-service.ts`)
 * so HTTP tools can be tried in `npm start` (which allows loopback over http): describe a tool on
 * `http://127.0.0.1:8790/echo/...`, or import `http://127.0.0.1:8790/openapi.json`.
 */
import { parseArgs } from 'node:util';
import { startHttpToolService } from './http-tool-service.ts';

const { values } = parseArgs({
  options: { port: { type: 'string', default: '8790' }, host: { type: 'string', default: '127.0.0.1' } },
  strict: true,
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`--port must be a port number, got "${values.port}".`);

const service = await startHttpToolService({ port, host: String(values.host) });
console.log(`HTTP tool service listening on ${service.url}`);
console.log(`Its OpenAPI document: ${service.url}/openapi.json (import it in the Tools screen or with POST /tools/http/import-openapi).`);
console.log('Press Ctrl+C to stop.');

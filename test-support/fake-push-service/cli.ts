/**
 * `npm run fake-push -- --port 8790`: runs the fake push service, to try server-side Web Push locally
 * without a browser's push service. Make a subscription as a browser would, register it with Kindred,
 * and read what arrived, decrypted:
 *
 *   curl -X POST localhost:8790/__control/subscriptions      # { endpoint, keys }: POST it to /api/v1/push/subscriptions
 *   curl localhost:8790/__control/subscriptions/<id>          # { received: [...], rejected: [...] }
 */
import { parseArgs } from 'node:util';
import { startFakePushService } from './server.ts';

const { values } = parseArgs({
  options: { port: { type: 'string', default: '8790' }, host: { type: 'string', default: '127.0.0.1' } },
  strict: true,
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0) throw new Error(`--port must be a non-negative integer, got "${values.port}".`);
const fake = await startFakePushService({ port, host: String(values.host) });
console.log(`Fake push service listening on ${fake.url}`);
console.log('Kindred needs VAPID keys to send to it: npm run vapid-keys, then set the three variables in .dev.vars.');
console.log('Press Ctrl+C to stop.');

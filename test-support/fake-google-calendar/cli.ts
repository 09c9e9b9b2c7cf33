/**
 * `npm run fake-google -- --port 11436`: runs the fake Google (OAuth and Calendar API v3) so the
 * Google calendar connection can be tried locally without a Google Cloud project. Granting access
 * there is immediate: the authorization page sends the browser straight back with a code.
 */
import { parseArgs } from 'node:util';
import { startFakeGoogleCalendar } from './server.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '11436' },
    host: { type: 'string', default: '127.0.0.1' },
  },
  strict: true,
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0) throw new Error(`--port must be a non-negative integer, got "${String(values.port)}".`);

const fake = await startFakeGoogleCalendar({ port, host: String(values.host) });

console.log(`Fake Google Calendar listening on ${fake.url}`);
console.log('Point Kindred at it with (any client id and secret work):');
console.log(
  `  GOOGLE_CLIENT_ID=fake-client-id GOOGLE_CLIENT_SECRET=fake-secret GOOGLE_OAUTH_URL=${fake.url}/o/oauth2/v2/auth GOOGLE_TOKEN_URL=${fake.url}/token GOOGLE_CALENDAR_URL=${fake.url}/calendar/v3 npm start`,
);
console.log('Press Ctrl+C to stop.');

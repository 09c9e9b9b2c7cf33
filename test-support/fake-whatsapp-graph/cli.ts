/**
 * `npm run fake-whatsapp -- --port 8790`: runs the fake WhatsApp Graph API, so linking and replies can
 * be tried locally. Point Kindred at it with `WHATSAPP_GRAPH_URL=http://127.0.0.1:8790/v21.0` and the
 * same phone number id and access token (defaults below, or `WHATSAPP_PHONE_NUMBER_ID` /
 * `WHATSAPP_ACCESS_TOKEN` in the environment); what it was sent is at `/__control/messages?to=<number>`.
 */
import { parseArgs } from 'node:util';
import { testWhatsApp } from './control.ts';
import { startFakeWhatsAppGraph } from './server.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8790' },
    host: { type: 'string', default: '127.0.0.1' },
  },
  strict: true,
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0) throw new Error(`--port must be a non-negative integer, got "${values.port}".`);

const fake = await startFakeWhatsAppGraph({
  port,
  host: String(values.host),
  phoneNumberId: process.env.WHATSAPP_PHONE_NUMBER_ID ?? testWhatsApp.phoneNumberId,
  accessToken: process.env.WHATSAPP_ACCESS_TOKEN ?? testWhatsApp.accessToken,
});
process.stdout.write(`Fake WhatsApp Graph API listening at ${fake.url}\n`);

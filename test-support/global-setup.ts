/**
 * Vitest global setup (runs once, in Node): starts the fakes of outside services on free ports and
 * provides their URLs to every project (`fakeOpenAIUrl`, `fakePushUrl`, `fakeWhatsAppUrl`, `fakeGoogleUrl`, `fakeElevenLabsUrl`), for Miniflare bindings and
 * for `inject()` in tests; makes the VAPID key pair the tests' server signs Web Push with; and starts
 * Radicale, the real CalDAV server calendar sync is tested against, as `radicaleUrl`, the test MCP
 * servers (`mcp-servers.ts`) as `mcpServersUrl`, the local speech server (eSpeak NG and PocketSphinx,
 * `local-services/speech/`) as `speechLocalUrl`, and the local HTTP service HTTP tools call
 * (`test-support/http-tool-service.ts`) as `httpToolServiceUrl`.
 */
import { generateKeyPairSync, webcrypto } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { startSpeechServer } from '../local-services/speech/server.ts';
import { testElevenLabsApiKey } from './fake-elevenlabs/control.ts';
import { startFakeElevenLabs } from './fake-elevenlabs/server.ts';
import { testFcm } from './fake-fcm/control.ts';
import { startFakeFcm } from './fake-fcm/server.ts';
import { startFakeGoogleCalendar } from './fake-google-calendar/server.ts';
import { startFakeOpenAI } from './fake-openai/server.ts';
import { startFakePushService } from './fake-push-service/server.ts';
import { testWhatsApp } from './fake-whatsapp-graph/control.ts';
import { startFakeWhatsAppGraph } from './fake-whatsapp-graph/server.ts';
import { startHttpToolService } from './http-tool-service.ts';
import { startMcpServers } from './mcp-servers.ts';
import { startRadicale } from './radicale.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const fake = await startFakeOpenAI({ port: 0 });
  project.provide('fakeOpenAIUrl', fake.url);
  const push = await startFakePushService({ port: 0 });
  project.provide('fakePushUrl', push.url);
  const pair = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  project.provide('vapidPublicKey', Buffer.from(await webcrypto.subtle.exportKey('raw', pair.publicKey)).toString('base64url'));
  project.provide('vapidPrivateKey', (await webcrypto.subtle.exportKey('jwk', pair.privateKey)).d ?? '');
  // The service account the tests' server sends native pushes as: its key pair made per run.
  const serviceAccount = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const fcm = await startFakeFcm({
    projectId: testFcm.projectId,
    clientEmail: testFcm.clientEmail,
    publicKeyPem: serviceAccount.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  });
  project.provide('fakeFcmUrl', fcm.url);
  project.provide('fcmPrivateKey', serviceAccount.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  const radicale = await startRadicale();
  project.provide('radicaleUrl', radicale.url);
  const whatsApp = await startFakeWhatsAppGraph({ port: 0, phoneNumberId: testWhatsApp.phoneNumberId, accessToken: testWhatsApp.accessToken });
  project.provide('fakeWhatsAppUrl', whatsApp.url);
  const google = await startFakeGoogleCalendar({ port: 0 });
  project.provide('fakeGoogleUrl', google.url);
  const elevenLabs = await startFakeElevenLabs({ port: 0, apiKey: testElevenLabsApiKey });
  project.provide('fakeElevenLabsUrl', elevenLabs.url);
  const speech = await startSpeechServer({ port: 0 });
  project.provide('speechLocalUrl', speech.url);
  const mcpServers = await startMcpServers();
  project.provide('mcpServersUrl', mcpServers.url);
  const httpToolService = await startHttpToolService();
  project.provide('httpToolServiceUrl', httpToolService.url);
  return async () => {
    await httpToolService.close();
    await elevenLabs.close();
    await fake.close();
    await push.close();
    await fcm.close();
    await radicale.close();
    await whatsApp.close();
    await google.close();
    await speech.close();
    await mcpServers.close();
  };
}

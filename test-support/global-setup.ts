/**
 * Vitest global setup (runs once, in Node): starts the fake OpenAI server on a free port and provides
 * its base URL to every project as `fakeOpenAIUrl`, and the fake WhatsApp Graph API as `fakeWhatsAppUrl`, for Miniflare bindings and for `inject()` in tests.
 */
import type { TestProject } from 'vitest/node';
import { startFakeOpenAI } from './fake-openai/server.ts';
import { testWhatsApp } from './fake-whatsapp-graph/control.ts';
import { startFakeWhatsAppGraph } from './fake-whatsapp-graph/server.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const fake = await startFakeOpenAI({ port: 0 });
  project.provide('fakeOpenAIUrl', fake.url);
  const whatsApp = await startFakeWhatsAppGraph({ port: 0, phoneNumberId: testWhatsApp.phoneNumberId, accessToken: testWhatsApp.accessToken });
  project.provide('fakeWhatsAppUrl', whatsApp.url);
  return async () => {
    await Promise.all([fake.close(), whatsApp.close()]);
  };
}

/**
 * Vitest global setup (runs once, in Node): starts the fake OpenAI server and the fake Google Calendar on
 * free ports and provides their base URLs to every project as `fakeOpenAIUrl` and `fakeGoogleUrl`, for Miniflare bindings and for `inject()` in tests.
 */
import type { TestProject } from 'vitest/node';
import { startFakeGoogleCalendar } from './fake-google-calendar/server.ts';
import { startFakeOpenAI } from './fake-openai/server.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const fake = await startFakeOpenAI({ port: 0 });
  project.provide('fakeOpenAIUrl', fake.url);
  const google = await startFakeGoogleCalendar({ port: 0 });
  project.provide('fakeGoogleUrl', google.url);
  return async () => {
    await Promise.all([fake.close(), google.close()]);
  };
}

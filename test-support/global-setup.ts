/**
 * Vitest global setup (runs once, in Node): starts the fake OpenAI server on a free port and provides
 * its base URL to every project as `fakeOpenAIUrl`, for Miniflare bindings and for `inject()` in tests;
 * and starts Radicale, the real CalDAV server calendar sync is tested against, as `radicaleUrl`.
 */
import type { TestProject } from 'vitest/node';
import { startFakeOpenAI } from './fake-openai/server.ts';
import { startRadicale } from './radicale.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const fake = await startFakeOpenAI({ port: 0 });
  project.provide('fakeOpenAIUrl', fake.url);
  const radicale = await startRadicale();
  project.provide('radicaleUrl', radicale.url);
  return async () => {
    await fake.close();
    await radicale.close();
  };
}

/**
 * Vitest global setup (runs once, in Node): starts the fake OpenAI server on a free port and provides
 * its base URL to every project as `fakeOpenAIUrl`, for Miniflare bindings and for `inject()` in tests.
 */
import type { TestProject } from 'vitest/node';
import { startFakeOpenAI } from './fake-openai/server.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const fake = await startFakeOpenAI({ port: 0 });
  project.provide('fakeOpenAIUrl', fake.url);
  return () => fake.close();
}

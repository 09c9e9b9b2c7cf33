/**
 * The key the tests run ElevenLabs with, and typed helpers that drive the fake ElevenLabs server from
 * tests (inside workerd, so only `fetch`).
 */
import type { ElevenLabsFailure, RecordedElevenLabsRequest } from './server.ts';

export type { ElevenLabsFailure, RecordedElevenLabsRequest };

export const testElevenLabsApiKey = 'fake-elevenlabs-key';

async function expectOk(response: Response, what: string): Promise<void> {
  if (!response.ok) throw new Error(`fake ElevenLabs ${what} failed: HTTP ${response.status} ${await response.text()}`);
}

/** Makes the next speech request fail with this status (ElevenLabs' body for it) or hang. */
export async function failNextElevenLabs(baseUrl: string, failure: ElevenLabsFailure): Promise<void> {
  const response = await fetch(`${baseUrl}/__control/fail-next`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(failure),
  });
  await expectOk(response, 'planning a failure');
}

/** The speech requests whose text contains `match`, oldest first. */
export async function recordedElevenLabsRequests(baseUrl: string, match: string): Promise<RecordedElevenLabsRequest[]> {
  const response = await fetch(`${baseUrl}/__control/requests?match=${encodeURIComponent(match)}`);
  await expectOk(response, 'reading requests');
  return ((await response.json()) as { requests: RecordedElevenLabsRequest[] }).requests;
}

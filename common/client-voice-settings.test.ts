import { describe, expect, it } from 'vitest';
import { createKindredClient, KindredApiError } from './client.ts';

/** A client whose fetch answers `answer` and records what was asked. */
function clientAnswering(answer: unknown) {
  const requests: { url: string; method: string; body: unknown }[] = [];
  const client = createKindredClient({
    baseUrl: 'https://kindred.test',
    fetch: async (input, init) => {
      requests.push({ url: String(input), method: init?.method ?? 'GET', body: init?.body === undefined ? undefined : JSON.parse(String(init.body)) });
      return Response.json(answer);
    },
  });
  return { client, requests };
}

describe('the voice settings in the client', () => {
  it('reads whether recordings are kept', async () => {
    const { client, requests } = clientAnswering({ keepAudio: true });
    expect(await client.voiceSettings()).toEqual({ keepAudio: true });
    expect(requests).toEqual([{ url: 'https://kindred.test/api/v1/voice/settings', method: 'GET', body: undefined }]);
  });

  it('saves the switch with PUT and answers the settings as saved', async () => {
    const { client, requests } = clientAnswering({ keepAudio: false });
    expect(await client.saveVoiceSettings({ keepAudio: false })).toEqual({ keepAudio: false });
    expect(requests).toEqual([{ url: 'https://kindred.test/api/v1/voice/settings', method: 'PUT', body: { keepAudio: false } }]);
  });

  it('refuses an answer that does not say plainly whether recordings are kept', async () => {
    for (const answer of [{}, { keepAudio: 'yes' }, null]) {
      const { client } = clientAnswering(answer);
      const failure = await client.voiceSettings().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(KindredApiError);
      expect((failure as KindredApiError).id).toBe('unexpected_response');
    }
  });
});

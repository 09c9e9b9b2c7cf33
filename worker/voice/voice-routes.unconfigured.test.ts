import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { catalogAnswerSchema } from '../../common/catalog.ts';
import { api, buildUser, expectError, origin, readJson } from '../../test-support/api.ts';

const worker = (exports as unknown as { default: Fetcher }).default;

describe('speech on a server without speech providers', () => {
  it('says so in the catalog, and answers feature_not_configured to both routes', async () => {
    const { token } = await buildUser();
    const form = new FormData();
    form.set('file', new File([new Uint8Array(100)], 'a.wav', { type: 'audio/wav' }));

    expect((await readJson(await api('/api/v1/catalog'), catalogAnswerSchema)).speech).toEqual({ synthesis: false, recognition: false });
    await expectError(await api('/api/v1/speech', { token, body: { text: 'Hello.' } }), 'feature_not_configured');
    const transcription = await worker.fetch(
      new Request(`${origin}/api/v1/transcriptions`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form }),
    );
    await expectError(transcription, 'feature_not_configured');
    expect(transcription.status).toBe(503);
  });
});

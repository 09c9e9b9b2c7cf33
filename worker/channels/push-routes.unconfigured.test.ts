import { describe, expect, it } from 'vitest';
import { pushPublicKeyAnswerSchema } from '../../common/outreach.ts';
import { api, readJson } from '../../test-support/api.ts';

describe('/push without VAPID keys', () => {
  it('answers a null public key, so no device offers notifications', async () => {
    expect(await readJson(await api('/api/v1/push/public-key'), pushPublicKeyAnswerSchema)).toEqual({ publicKey: null });
  });
});

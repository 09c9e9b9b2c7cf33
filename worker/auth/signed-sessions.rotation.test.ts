import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { userSchema } from '../../common/protocol.ts';
import { readConfig } from '../../server/config/config.ts';
import { api, buildUser, expectError, readJson } from '../../test-support/api.ts';
import { signToken, tokenSigningKeys } from './signed-tokens.ts';

/** This project runs a master key rotation: a new MASTER_KEY, and the tests' usual one as MASTER_KEY_PREVIOUS. */
const config = readConfig(env);
const [previousKey = ''] = config.MASTER_KEY_PREVIOUS;

function partsOf(token: string) {
  const [, userId = '', id = '', expiry = '', secret = ''] = token.split('.');
  return { userId, id, expiresAt: Number.parseInt(expiry, 36), secret };
}

describe('signed sessions during a master key rotation', () => {
  it('accept a token signed under the previous master key, as every token was before the new one was deployed', async () => {
    const user = await buildUser();
    const parts = partsOf(user.token);
    const signedBefore = await signToken(await tokenSigningKeys({ current: previousKey }), { kind: 'v2', ...parts });
    expect(signedBefore).not.toBe(user.token);
    expect(await readJson(await api('/api/v1/me', { token: signedBefore }), userSchema)).toEqual(user.user);
    // New sign-ins are signed under the new key: the same session signed so is what the Worker handed out.
    expect(await signToken(await tokenSigningKeys({ current: config.MASTER_KEY }), { kind: 'v2', ...parts })).toBe(user.token);
  });

  it('refuse a token signed under a key that is neither', async () => {
    const user = await buildUser();
    const stranger = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
    const forged = await signToken(await tokenSigningKeys({ current: stranger }), { kind: 'v2', ...partsOf(user.token) });
    await expectError(await api('/api/v1/me', { token: forged }), 'unauthenticated');
  });
});

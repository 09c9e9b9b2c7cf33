import { describe, it } from 'vitest';
import { api, buildUser, expectError } from '../../test-support/api.ts';

describe('Google Calendar without an OAuth client', () => {
  it('is not offered: connecting answers feature_not_configured', async () => {
    const { token } = await buildUser();
    await expectError(
      await api('/api/v1/calendar/sources', { token, body: { kind: 'google', redirectUri: 'https://kindred.test/back' } }),
      'feature_not_configured',
    );
    await expectError(await api('/api/v1/calendar/sources/google/complete', { token, body: { code: 'c', state: 's' } }), 'feature_not_configured');
  });
});

import { describe, expect, it } from 'vitest';
import { whatsAppLinkSchema } from '../../common/outreach.ts';
import { api, buildUser, expectError, readJson } from '../../test-support/api.ts';

describe('WhatsApp on a server without it', () => {
  it('says it is not available, refuses linking with feature_not_configured, and refuses the webhook', async () => {
    const person = await buildUser();
    expect(await readJson(await api('/api/v1/channels/whatsapp', { token: person.token }), whatsAppLinkSchema)).toEqual({
      status: 'unlinked',
      available: false,
    });
    await expectError(await api('/api/v1/channels/whatsapp', { token: person.token, body: { phoneNumber: '+447700900123' } }), 'feature_not_configured');
    await expectError(await api('/api/v1/channels/whatsapp/confirm', { token: person.token, body: { code: '123456' } }), 'feature_not_configured');
    const verify = new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.verify_token': '', 'hub.challenge': '1' });
    expect((await api(`/webhooks/whatsapp?${verify}`)).status).toBe(403);
    await expectError(await api('/webhooks/whatsapp', { body: { object: 'whatsapp_business_account', entry: [] } }), 'feature_not_configured');
  });
});

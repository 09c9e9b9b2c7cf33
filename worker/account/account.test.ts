import { listDurableObjectIds, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { userSchema } from '../../common/protocol.ts';
import type { CompanionAgent } from '../../durable-objects/companion-agent.ts';
import { api, buildUser, expectError, readJson, uniqueText } from '../../test-support/api.ts';

const testEnv = env as unknown as { DB: D1Database; FILES: R2Bucket; COMPANION: DurableObjectNamespace<CompanionAgent> };

describe('the account', () => {
  it('reads and updates the profile', async () => {
    const user = await buildUser({ displayName: 'Lin', timezone: 'Europe/Berlin' });
    const me = await readJson(await api('/api/v1/me', { token: user.token }), userSchema);
    expect(me).toMatchObject({ id: user.user.id, email: user.user.email, displayName: 'Lin', timezone: 'Europe/Berlin' });

    const patched = await api('/api/v1/me', { method: 'PATCH', token: user.token, body: { timezone: 'Pacific/Auckland' } });
    expect(await readJson(patched, userSchema)).toMatchObject({ displayName: 'Lin', timezone: 'Pacific/Auckland' });

    await expectError(await api('/api/v1/me', { method: 'PATCH', token: user.token, body: { timezone: 'Nowhere/Land' } }), 'validation_failed');
    await expectError(await api('/api/v1/me', { method: 'PATCH', token: user.token, body: { email: 'new@example.com' } }), 'validation_failed');
    expect((await readJson(await api('/api/v1/me', { token: user.token }), userSchema)).timezone).toBe('Pacific/Auckland');
  });

  it('deletes the account: key, object storage, files and sessions all go', async () => {
    const user = await buildUser();
    await api('/api/v1/messages', { token: user.token, body: { text: uniqueText('soon gone') } });
    await testEnv.FILES.put(`users/${user.user.id}/notes/a.md`, 'sealed bytes');
    const other = await buildUser();
    await testEnv.FILES.put(`users/${other.user.id}/notes/keep.md`, 'not mine');

    const response = await api('/api/v1/me', { method: 'DELETE', token: user.token });
    expect(response.status).toBe(204);

    await expectError(await api('/api/v1/me', { token: user.token }), 'unauthenticated');
    await expectError(await api('/api/v1/auth/login', { body: { email: user.user.email, password: user.password } }), 'invalid_credentials');
    expect(await testEnv.DB.prepare('SELECT count(*) AS n FROM users WHERE id = ?').bind(user.user.id).first('n')).toBe(0);
    expect(await testEnv.DB.prepare('SELECT count(*) AS n FROM sessions WHERE user_id = ?').bind(user.user.id).first('n')).toBe(0);
    expect((await testEnv.FILES.list({ prefix: `users/${user.user.id}/` })).objects).toHaveLength(0);
    expect((await testEnv.FILES.list({ prefix: `users/${other.user.id}/` })).objects).toHaveLength(1);

    const stub = testEnv.COMPANION.getByName(user.user.id);
    const tables = await runInDurableObject(stub, (_instance, state) => {
      const names = state.storage.sql
        .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'")
        .toArray()
        .map((row) => row.name);
      const keys = names.includes('user_keys') ? state.storage.sql.exec('SELECT * FROM user_keys').toArray() : [];
      const messages = names.includes('messages') ? state.storage.sql.exec('SELECT * FROM messages').toArray() : [];
      return { keys, messages };
    });
    expect(tables.keys).toEqual([]);
    expect(tables.messages).toEqual([]);
    expect(await listDurableObjectIds(testEnv.COMPANION)).toBeDefined();
  });
});

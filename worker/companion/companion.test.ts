import { describe, expect, it } from 'vitest';
import { api, buildUser } from '../../test-support/api.ts';

interface CatalogAnswer {
  personas: { id: string; name: string; description: string }[];
  voices: { id: string }[];
  avatars: { id: string; imageUrl: string }[];
}

describe('the catalog and the companion', () => {
  it('lists personas, voices and avatars without signing in', async () => {
    const response = await api('/api/v1/catalog');
    expect(response.status).toBe(200);
    const catalog = (await response.json()) as CatalogAnswer;
    expect(catalog.personas.length).toBeGreaterThanOrEqual(6);
    expect(catalog.voices.length).toBeGreaterThanOrEqual(8);
    expect(catalog.avatars.length).toBeGreaterThanOrEqual(8);
    expect(catalog.avatars[0]?.imageUrl).toMatch(/^\/avatars\/[a-z-]+\.svg$/);
  });

  it('stores the choice and refuses ids that are not in the catalog', async () => {
    const user = await buildUser();
    const catalog = (await (await api('/api/v1/catalog')).json()) as CatalogAnswer;
    const initial = (await (await api('/api/v1/companion', { token: user.token })).json()) as Record<string, string>;
    expect(initial.name).toBe('Kindred');
    const choice = { name: 'Wren', personaId: catalog.personas[1]?.id, voiceId: catalog.voices[2]?.id, avatarId: catalog.avatars[4]?.id };
    const put = await api('/api/v1/companion', { method: 'PUT', token: user.token, body: choice });
    expect(put.status).toBe(200);
    expect(await (await api('/api/v1/companion', { token: user.token })).json()).toEqual(choice);

    for (const [field, id] of [
      ['personaId', 'unknown_persona'],
      ['voiceId', 'unknown_voice'],
      ['avatarId', 'unknown_avatar'],
    ] as const) {
      const response = await api('/api/v1/companion', { method: 'PUT', token: user.token, body: { ...choice, [field]: 'no-such-thing' } });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { id: string } }).error.id).toBe(id);
    }
    const missingName = await api('/api/v1/companion', { method: 'PUT', token: user.token, body: { ...choice, name: '' } });
    expect(missingName.status).toBe(400);
    expect(await (await api('/api/v1/companion', { token: user.token })).json()).toEqual(choice);
  });

  it('switches tools on and off, per user', async () => {
    const user = await buildUser();
    const other = await buildUser();
    const tools = (await (await api('/api/v1/tools', { token: user.token })).json()) as { tools: { id: string; enabled: boolean }[] };
    expect(tools.tools.map((tool) => tool.id).sort()).toEqual([
      'calculator',
      'current-time',
      'file-list',
      'file-read',
      'file-search',
      'file-write',
      'memory-forget',
      'memory-save',
      'memory-search',
    ]);
    expect(tools.tools.every((tool) => tool.enabled)).toBe(true);
    const off = await api('/api/v1/tools/current-time', { method: 'PATCH', token: user.token, body: { enabled: false } });
    expect(await off.json()).toMatchObject({ id: 'current-time', enabled: false });
    const othersTools = (await (await api('/api/v1/tools', { token: other.token })).json()) as { tools: { id: string; enabled: boolean }[] };
    expect(othersTools.tools.find((tool) => tool.id === 'current-time')?.enabled).toBe(true);
    const unknown = await api('/api/v1/tools/teleporter', { method: 'PATCH', token: user.token, body: { enabled: true } });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { id: string } }).error.id).toBe('unknown_tool');
  });
});

describe('operations', () => {
  it('answers health and readiness with the providers that are configured', async () => {
    expect(await (await api('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await api('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ready',
      checks: { d1: 'ok', durableObject: 'ok', configuration: 'ok' },
      providers: { chat: 'openai-compatible', embeddings: 'openai-compatible' },
    });
  });

  it('serves the OpenAPI document and its browsable page', async () => {
    const document = (await (await api('/openapi.json')).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toBe('3.1.0');
    for (const path of ['/api/v1/auth/signup', '/api/v1/messages', '/api/v1/me/export', '/api/v1/realtime', '/api/v1/companion', '/api/v1/tools/{id}']) {
      expect(Object.keys(document.paths)).toContain(path);
    }
    const page = await api('/docs');
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('swagger-ui');
  });

  it('answers an unknown API path with a 404 in the error shape, and tags requests with an id', async () => {
    const response = await api('/api/v1/nothing-here');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { id: 'not_found', message: expect.any(String) } });
    expect(response.headers.get('x-request-id')).toMatch(/.{8,}/);
  });
});

import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { catalogAnswerSchema } from '../../common/catalog.ts';
import { errorIds, errorStatus } from '../../common/error-ids.ts';
import { importReportSchema } from '../../common/import.ts';
import { companionSchema, exportFormatVersion, toolSummarySchema, toolsAnswerSchema } from '../../common/protocol.ts';
import { api, buildUser, expectError, readJson } from '../../test-support/api.ts';
import { createApp } from '../app.ts';

/** What these tests read of the OpenAPI document, and nothing more. */
const openApiDocumentSchema = z.looseObject({
  openapi: z.string(),
  paths: z.record(
    z.string(),
    z.record(
      z.string(),
      z.looseObject({
        // An answer may be something other than JSON (`text/calendar`); error answers are always JSON.
        responses: z.record(
          z.string(),
          z.looseObject({ content: z.looseObject({ 'application/json': z.looseObject({ schema: z.unknown() }).optional() }).optional() }),
        ),
      }),
    ),
  ),
});

/** The ids an error answer declares, as the error body's `id` enum. */
const declaredErrorIdsSchema = z.looseObject({
  properties: z.looseObject({ error: z.looseObject({ properties: z.looseObject({ id: z.looseObject({ enum: z.array(z.enum(errorIds)) }) }) }) }),
});

describe('the catalog and the companion', () => {
  it('lists personas, voices and avatars without signing in', async () => {
    const catalog = await readJson(await api('/api/v1/catalog'), catalogAnswerSchema);
    expect(catalog.personas.length).toBeGreaterThanOrEqual(6);
    expect(catalog.voices.length).toBeGreaterThanOrEqual(8);
    expect(catalog.avatars.length).toBeGreaterThanOrEqual(8);
    expect(catalog.avatars[0]?.imageUrl).toMatch(/^\/avatars\/[a-z-]+\.svg$/);
  });

  it('says whether the server can speak, so a client never asks for speech it cannot have', async () => {
    // The tests configure speech both ways through the fake OpenAI server; without it, clients use the device's own voice.
    const catalog = await readJson(await api('/api/v1/catalog'), catalogAnswerSchema);
    expect(catalog.speech).toEqual({ synthesis: true, recognition: true });
    const withoutSpeech = await createApp().request('/api/v1/catalog', {}, { ...env, TTS_PROVIDER: 'none', STT_PROVIDER: 'none' });
    expect((await readJson(withoutSpeech, catalogAnswerSchema)).speech).toEqual({ synthesis: false, recognition: false });
    const elevenLabsWithoutKey = await createApp().request('/api/v1/catalog', {}, { ...env, TTS_PROVIDER: 'elevenlabs', TTS_API_KEY: '' });
    expect((await readJson(elevenLabsWithoutKey, catalogAnswerSchema)).speech.synthesis).toBe(false);
  });

  it('stores the choice and refuses ids that are not in the catalog', async () => {
    const user = await buildUser();
    const catalog = await readJson(await api('/api/v1/catalog'), catalogAnswerSchema);
    const initial = await readJson(await api('/api/v1/companion', { token: user.token }), companionSchema);
    expect(initial.name).toBe('Kindred');
    const choice = { name: 'Wren', personaId: catalog.personas[1]?.id, voiceId: catalog.voices[2]?.id, avatarId: catalog.avatars[4]?.id };
    expect(await readJson(await api('/api/v1/companion', { method: 'PUT', token: user.token, body: choice }), companionSchema)).toEqual(choice);
    expect(await readJson(await api('/api/v1/companion', { token: user.token }), companionSchema)).toEqual(choice);

    for (const [field, id] of [
      ['personaId', 'unknown_persona'],
      ['voiceId', 'unknown_voice'],
      ['avatarId', 'unknown_avatar'],
    ] as const) {
      await expectError(await api('/api/v1/companion', { method: 'PUT', token: user.token, body: { ...choice, [field]: 'no-such-thing' } }), id);
    }
    await expectError(await api('/api/v1/companion', { method: 'PUT', token: user.token, body: { ...choice, name: '' } }), 'validation_failed');
    expect(await readJson(await api('/api/v1/companion', { token: user.token }), companionSchema)).toEqual(choice);
  });

  it('switches tools on and off, per user', async () => {
    const user = await buildUser();
    const other = await buildUser();
    const tools = await readJson(await api('/api/v1/tools', { token: user.token }), toolsAnswerSchema);
    expect(tools.tools.map((tool) => tool.id).sort()).toEqual([
      'calculator',
      'calendar-cancel-event',
      'calendar-create-event',
      'calendar-find-free-time',
      'calendar-list-events',
      'calendar-move-event',
      'current-time',
      'file-list',
      'file-read',
      'file-search',
      'file-write',
      'goal-complete',
      'goal-list',
      'goal-set',
      'goal-update',
      // The operator's shared HTTP tool in the test configuration (test-support/shared-http-tools.ts).
      'http:shared-team_status',
      'memory-forget',
      'memory-save',
      'memory-search',
      'mood-recent',
      'mood-record',
      'reminder-create',
    ]);
    expect(tools.tools.every((tool) => tool.enabled)).toBe(true);
    // People see a human name and sentence; the model's name and wording are not what settings shows.
    expect(tools.tools.find((tool) => tool.id === 'current-time')).toMatchObject({ name: 'current_time', title: 'Date and time' });
    for (const tool of tools.tools) {
      expect(tool.title).not.toContain('_');
      expect(tool.description).not.toMatch(/the user|Use it|_/);
    }
    const off = await api('/api/v1/tools/current-time', { method: 'PATCH', token: user.token, body: { enabled: false } });
    expect(await readJson(off, toolSummarySchema)).toMatchObject({ id: 'current-time', enabled: false });
    const othersTools = await readJson(await api('/api/v1/tools', { token: other.token }), toolsAnswerSchema);
    expect(othersTools.tools.find((tool) => tool.id === 'current-time')?.enabled).toBe(true);
    await expectError(await api('/api/v1/tools/teleporter', { method: 'PATCH', token: user.token, body: { enabled: true } }), 'unknown_tool');
  });
});

describe('tool switches brought in by an import (POST /me/import)', () => {
  it('keeps the switches of the tools this version has and leaves out, with a note, a tool it does not know', async () => {
    const before = await buildUser();
    await api('/api/v1/tools/calculator', { method: 'PATCH', token: before.token, body: { enabled: false } });
    await api('/api/v1/tools/current-time', { method: 'PATCH', token: before.token, body: { risk: 'act', approval: 'always' } });
    const { tools } = await readJson(await api('/api/v1/tools', { token: before.token }), toolsAnswerSchema);
    const gone = { ...tools[0], id: 'teleporter', name: 'teleporter', enabled: false, source: { kind: 'built-in' as const } };
    const user = await buildUser();
    const document = { formatVersion: exportFormatVersion, user: { displayName: null, timezone: 'UTC' }, tools: [...tools, gone] };
    const report = importReportSchema.parse(await (await api('/api/v1/me/import', { token: user.token, body: document })).json());
    expect(report.imported).toMatchObject({ tools: tools.length });
    expect(report.notImported).toEqual([expect.objectContaining({ section: 'tools', count: 1 })]);
    expect((await readJson(await api('/api/v1/tools', { token: user.token }), toolsAnswerSchema)).tools).toEqual(tools);
    // A switch is the person's own: an account holding one takes no import.
    await expectError(await api('/api/v1/me/import', { token: before.token, body: { ...document, tools: [] } }), 'account_not_empty');
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
    const document = await readJson(await api('/openapi.json'), openApiDocumentSchema);
    expect(document.openapi).toBe('3.1.0');
    for (const path of [
      '/api/v1/auth/signup',
      '/api/v1/messages',
      '/api/v1/me/export',
      '/api/v1/me/import',
      '/api/v1/realtime',
      '/api/v1/companion',
      '/api/v1/tools/{id}',
    ]) {
      expect(Object.keys(document.paths)).toContain(path);
    }
    // The tool list declares the human title beside the model's name, and the catalog its speech flag.
    const answerSchemaOf = (path: string) => JSON.stringify(document.paths[path]?.get?.responses['200']?.content?.['application/json']?.schema);
    expect(answerSchemaOf('/api/v1/tools')).toContain('"title"');
    expect(answerSchemaOf('/api/v1/catalog')).toContain('"synthesis"');
    const page = await api('/docs');
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('swagger-ui');
  });

  it('declares every error id of a route under the status the error table gives it', async () => {
    const document = await readJson(await api('/openapi.json'), openApiDocumentSchema);
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
    );
    expect(operations.length).toBeGreaterThan(20);
    for (const { path, method, operation } of operations) {
      for (const [status, answer] of Object.entries(operation.responses)) {
        if (Number(status) < 400) continue;
        const declared = declaredErrorIdsSchema.parse(answer.content?.['application/json']?.schema).properties.error.properties.id.enum;
        for (const id of declared) expect(errorStatus[id], `${method} ${path} declares ${id} under ${status}`).toBe(Number(status));
      }
    }
  });

  it('answers an unknown API path with a 404 in the error shape, and tags requests with an id', async () => {
    const response = await api('/api/v1/nothing-here');
    expect(response.headers.get('x-request-id')).toMatch(/.{8,}/);
    await expectError(response, 'not_found');
  });
});

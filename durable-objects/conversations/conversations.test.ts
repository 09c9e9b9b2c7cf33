import { describe, expect, inject, it, vi } from 'vitest';
import { z } from 'zod';
import { importReportSchema } from '../../common/import.ts';
import {
  conversationSchema,
  exportDocumentSchema,
  exportFormatVersion,
  recallAnswerSchema,
  searchAnswerSchema,
  turnAnswerSchema,
} from '../../common/protocol.ts';
import { api, readJson, uniqueText } from '../../test-support/api.ts';
import { buildConversation, buildMemory, buildUser } from '../../test-support/factories.ts';
import { recordedChatRequests, scriptFakeOpenAI } from '../../test-support/fake-openai/control.ts';
import { runScheduledWork } from '../../test-support/scheduled-work.ts';

const conversationsAnswerSchema = z.object({ conversations: z.array(conversationSchema) });

describe('conversations', () => {
  it('keeps the title an imported conversation was given', async () => {
    const user = await buildUser();
    const imported = await buildConversation(user, { title: 'Planning the move', messages: ['We move in March.', 'Exciting!'] });
    expect(imported.conversation.title).toBe('Planning the move');
    const listed = conversationsAnswerSchema.parse(await (await api('/api/v1/conversations', { token: user.token })).json());
    expect(listed.conversations.map((conversation) => conversation.title)).toEqual(['Planning the move']);
  });

  it("never lets one user read or continue another's conversation", async () => {
    const alice = await buildUser();
    const bob = await buildUser();
    const { conversation } = await buildConversation(alice, { messages: ['My bank PIN hint is the cat.'] });
    expect((await api(`/api/v1/messages?conversationId=${conversation.id}`, { token: bob.token })).status).toBe(404);
    expect((await api('/api/v1/messages', { token: bob.token, body: { text: 'hello', conversationId: conversation.id } })).status).toBe(404);
    expect((await api('/api/v1/recall', { token: bob.token, body: { query: 'bank PIN hint cat', conversationId: conversation.id } })).status).toBe(404);
    const recalled = recallAnswerSchema.parse(await (await api('/api/v1/recall', { token: bob.token, body: { query: 'bank PIN hint cat' } })).json());
    expect(recalled.items).toEqual([]);
  });

  it('recalls memories and past turns together for a new conversation', async () => {
    const user = await buildUser();
    await buildMemory(user, { text: 'Their daughter Noor plays the violin.', kind: 'person' });
    await buildConversation(user, { messages: ['Noor has her violin recital on Saturday.', 'How lovely, good luck to her!'] });
    const recalled = recallAnswerSchema.parse(
      await (await api('/api/v1/recall', { token: user.token, body: { query: 'How is Noor doing with the violin?' } })).json(),
    );
    expect(recalled.items.map((item) => item.kind).sort()).toEqual(expect.arrayContaining(['memory', 'turn']));
    expect(recalled.items.some((item) => item.text.includes('recital on Saturday'))).toBe(true);
  });
});

describe('conversations brought in by an import (POST /me/import)', () => {
  const fakeUrl = inject('fakeOpenAIUrl');
  const at = (minute: number) => new Date(Date.parse('2026-03-01T09:00:00Z') + minute * 60_000).toISOString();

  it('keeps every message as written (a proactive one of a finer kind, a care-flagged reply), is found by search and recall, and is not read again by memory extraction', async () => {
    const user = await buildUser();
    const token = uniqueText('quokka');
    const conversationId = 'conv_imported_0001';
    const base = { conversationId, status: 'complete' as const, errorId: null, tools: [], memoryIds: [], speaker: null, externalId: null };
    const messages = [
      { ...base, id: 'msg_imported_1', role: 'assistant' as const, text: 'How did your week go?', createdAt: at(0), proactive: 'reflection' as const },
      { ...base, id: 'msg_imported_2', role: 'user' as const, text: `I saw a ${token} on Rottnest island and felt hopeless after.`, createdAt: at(1) },
      {
        ...base,
        id: 'msg_imported_3',
        role: 'assistant' as const,
        text: 'I am here with you.',
        createdAt: at(2),
        memoryIds: ['mem_imported_1'],
        care: { category: 'suicide-self-harm' as const, resources: [{ name: 'Lifeline', country: 'AU', phone: '13 11 14' }] },
      },
      { ...base, id: 'msg_imported_4', role: 'assistant' as const, text: 'Time for your walk.', createdAt: at(3), proactive: 'reminder' as const },
    ];
    const conversation = { id: conversationId, title: 'Rottnest', createdAt: at(0), updatedAt: at(3), summary: null, messages };
    const memory = {
      id: 'mem_imported_1',
      text: `Mirela loves the ${token} photos from Rottnest.`,
      kind: 'fact' as const,
      importance: 0.7,
      eventDate: null,
      sourceMessageIds: ['msg_imported_2'],
      createdAt: at(5),
      lastUsedAt: null,
      validFrom: at(5),
      validTo: null,
      supersededBy: null,
    };
    const file = {
      path: 'notes/island.md',
      currentVersionId: 'ver_island_1',
      updatedAt: at(6),
      versions: [
        {
          versionId: 'ver_island_1',
          content: `# Island\n\nThe ${token} came close to the bench.`,
          size: 0,
          author: 'user' as const,
          createdAt: at(6),
          current: true,
        },
      ],
    };
    file.versions[0] = { ...file.versions[0], size: new TextEncoder().encode(file.versions[0]?.content ?? '').byteLength } as (typeof file.versions)[0];
    const document = {
      formatVersion: exportFormatVersion,
      user: { displayName: 'Mirela', timezone: 'Australia/Perth' },
      conversations: [conversation],
      memories: [memory],
      files: [file],
    };
    const report = importReportSchema.parse(await (await api('/api/v1/me/import', { token: user.token, body: document })).json());
    expect(report.imported).toMatchObject({ conversations: 1, memories: 1, files: 1 });

    const exported = exportDocumentSchema.parse(await (await api('/api/v1/me/export', { token: user.token })).json());
    expect(exported.conversations).toEqual([conversation]);

    // The index is built by background work after the import: once it has run, everything is found.
    await runScheduledWork(user.user.id);
    const search = await readJson(await api(`/api/v1/search?query=${token}`, { token: user.token }), searchAnswerSchema);
    expect(new Set(search.results.map((result) => result.kind))).toEqual(new Set(['turn', 'memory', 'file-chunk']));
    expect(search.results.filter((result) => result.kind === 'turn').map((result) => result.sourceId)).toContain('msg_imported_2');
    const recalled = recallAnswerSchema.parse(await (await api('/api/v1/recall', { token: user.token, body: { query: `What about the ${token}?` } })).json());
    expect(recalled.items.map((item) => item.kind)).toEqual(expect.arrayContaining(['memory', 'turn']));

    // A new turn in the imported conversation: extraction reads it, never the imported messages again.
    const next = uniqueText('Tomorrow I go back to the island');
    await scriptFakeOpenAI(fakeUrl, next, [{ text: 'Enjoy it!' }, { text: '{"memories": []}' }]);
    await readJson(await api('/api/v1/messages', { token: user.token, body: { text: next, conversationId } }), turnAnswerSchema);
    await runScheduledWork(user.user.id);
    const asked = await recordedChatRequests(fakeUrl, next);
    expect(asked).toHaveLength(2);
    expect(JSON.stringify(asked[1]?.body)).not.toContain('Rottnest island and felt hopeless');
  });

  it('indexes a history longer than one batch over several runs, to its last message', async () => {
    const user = await buildUser();
    const token = uniqueText('numbat');
    const conversationId = 'conv_imported_long';
    const messages = Array.from({ length: 450 }, (_, index) => ({
      id: `msg_long_${String(index).padStart(3, '0')}`,
      conversationId,
      role: index % 2 === 0 ? ('user' as const) : ('assistant' as const),
      text: index === 440 ? `At last a ${token} crossed the road.` : `Ordinary day number ${index}.`,
      status: 'complete' as const,
      errorId: null,
      tools: [],
      memoryIds: [],
      createdAt: at(index),
      speaker: null,
      externalId: null,
    }));
    const document = {
      formatVersion: exportFormatVersion,
      user: { displayName: null, timezone: 'UTC' },
      conversations: [{ id: conversationId, title: null, createdAt: at(0), updatedAt: at(449), summary: null, messages }],
    };
    expect((await api('/api/v1/me/import', { token: user.token, body: document })).status).toBe(200);
    // Each run indexes one batch and schedules the next. The object's own alarm may be running a batch
    // as the test moves the jobs forward (a running job is not moved), so it waits for the last one.
    await vi.waitFor(
      async () => {
        while (await runScheduledWork(user.user.id));
        const search = await readJson(await api(`/api/v1/search?query=${token}`, { token: user.token }), searchAnswerSchema);
        expect(search.results.filter((result) => result.kind === 'turn').map((result) => result.sourceId)).toContain('msg_long_440');
      },
      { timeout: 20_000, interval: 100 },
    );
  });
});

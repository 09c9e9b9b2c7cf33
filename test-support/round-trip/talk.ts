import { inject } from 'vitest';
import { exportDocumentSchema, fileEntrySchema, importConversationAnswerSchema, memorySchema, turnAnswerSchema } from '../../common/protocol.ts';
import { api, readJson, uniqueText } from '../api.ts';
import { scriptFakeOpenAI } from '../fake-openai/control.ts';
import { runScheduledWork } from '../scheduled-work.ts';
import type { Populator, TestUser } from './populate.ts';

/**
 * Populators of what a person and their companion say and keep: conversations (every message field,
 * a rolling summary, an imported history), memories (with history), files (versions by both) and the
 * tool switches. A proactive message and a care-flagged reply are not made here: each also fills a
 * section another capability owns (the outreach log, `care.flagged`); the focused import test in
 * `durable-objects/conversations/conversations.test.ts` carries both through an import instead.
 */

const fakeUrl = () => inject('fakeOpenAIUrl');

async function send(user: TestUser, text: string, conversationId?: string) {
  return api('/api/v1/messages', { token: user.token, body: { text, ...(conversationId ? { conversationId } : {}) } });
}

/** Conversations and memories together: the memories name the messages they came from, and replies the memories they used. */
const conversationsAndMemories: Populator = {
  sections: ['conversations', 'memories'],
  async populate(user) {
    const url = fakeUrl();
    const remember = async (body: Record<string, unknown>) => readJson(await api('/api/v1/memories', { token: user.token, body }), memorySchema, 201);
    const allergy = await remember({ text: 'Ilse is allergic to peanuts.', kind: 'fact', importance: 0.9 });
    const job = await remember({ text: 'Ilse works as a nurse at St Mary hospital.', kind: 'fact' });
    await remember({ text: 'Ilse has a dentist appointment.', kind: 'event', importance: 0.4, eventDate: '2026-12-14' });
    // Corrected in place: the export holds the corrected wording only.
    const misspelt = await remember({ text: 'Ilse likes jazz muisc.', kind: 'preference' });
    await api(`/api/v1/memories/${misspelt.id}`, { method: 'PATCH', token: user.token, body: { text: 'Ilse likes jazz music.', importance: 0.6 } });

    // A reply that used a memory (memoryIds, the memory's lastUsedAt) and one with tool activity.
    const peanuts = uniqueText('Can I eat this peanut butter cookie?');
    await scriptFakeOpenAI(url, peanuts, [{ text: 'Better not: you told me you are allergic to peanuts.' }]);
    const first = await readJson(await send(user, peanuts), turnAnswerSchema);
    const conversationId = first.userMessage.conversationId;
    if (!first.assistantMessage.memoryIds.includes(allergy.id)) throw new Error('the reply did not use the allergy memory');
    const sum = uniqueText('what is six times seven');
    await scriptFakeOpenAI(url, sum, [
      { text: 'Let me work that out.', toolCalls: [{ name: 'calculator', arguments: { expression: '6*7' } }] },
      { text: 'It is 42.' },
    ]);
    await readJson(await send(user, sum, conversationId), turnAnswerSchema);
    // A failed reply, kept with its error id.
    const broken = uniqueText('the provider breaks here');
    await scriptFakeOpenAI(url, broken, [{ error: { status: 500, message: 'upstream exploded' } }]);
    if ((await send(user, broken, conversationId)).status !== 502) throw new Error('the failed turn did not fail');
    // A changed fact: extraction supersedes the old memory (validTo, supersededBy, sourceMessageIds).
    const paramedic = uniqueText('I quit the hospital, I am a paramedic now');
    const extraction = { memories: [{ action: 'supersede', targetId: job.id, kind: 'fact', text: 'Ilse works as a paramedic.', importance: 0.8 }] };
    await scriptFakeOpenAI(url, paramedic, [{ text: 'Big change!' }, { text: JSON.stringify(extraction) }]);
    await readJson(await send(user, paramedic), turnAnswerSchema);

    // A history brought in from elsewhere: speakers and the ids it had there.
    const start = Date.parse('2026-10-01T09:00:00Z');
    const history = await readJson(
      await api('/api/v1/conversations/import', {
        token: user.token,
        body: {
          title: 'Group chat with my sister',
          messages: [
            { role: 'user', text: 'Are you coming to Vienna in May?', createdAt: new Date(start).toISOString(), externalId: 'wa-1' },
            { role: 'assistant', speaker: 'Anna', text: 'Yes, with the kids!', createdAt: new Date(start + 60_000).toISOString(), externalId: 'wa-2' },
            { role: 'user', speaker: 'Ilse', text: 'Wonderful.', createdAt: new Date(start + 120_000).toISOString() },
          ],
        },
      }),
      importConversationAnswerSchema,
      201,
    );
    if (history.messages.length !== 3) throw new Error('the history was not imported');

    // A long conversation whose older part is folded into a rolling summary.
    const trip = uniqueText('lisbon-trip');
    const messages = Array.from({ length: 40 }, (_, index) => ({
      role: index % 2 === 0 ? ('user' as const) : ('assistant' as const),
      text: `${trip} message ${index} about planning the trip`,
      createdAt: new Date(start + 86_400_000 + index * 60_000).toISOString(),
    }));
    const long = await readJson(await api('/api/v1/conversations/import', { token: user.token, body: { messages } }), importConversationAnswerSchema, 201);
    const summary = { text: 'They are planning a trip to Lisbon in spring.' };
    await scriptFakeOpenAI(url, trip, [summary, summary, summary]);
    const question = uniqueText('what were we planning');
    await readJson(await send(user, question, long.conversation.id), turnAnswerSchema);
    // Extraction (the supersede) and the summary run as background work.
    await runScheduledWork(user.user.id);
    // What the round trip is to carry must be there, or it would compare less than it claims.
    const exported = exportDocumentSchema.parse(await (await api('/api/v1/me/export', { token: user.token })).json());
    if (!exported.memories.some((memory) => memory.id === job.id && memory.supersededBy !== null && memory.validTo !== null))
      throw new Error('no superseded memory');
    if (!exported.memories.some((memory) => memory.sourceMessageIds.length > 0)) throw new Error('no memory with source messages');
    if (!exported.conversations.some((conversation) => conversation.id === long.conversation.id && conversation.summary !== null))
      throw new Error('no summary');
    const all = exported.conversations.flatMap((conversation) => conversation.messages);
    if (!all.some((message) => message.status === 'failed' && message.errorId !== null)) throw new Error('no failed reply');
    if (!all.some((message) => message.tools.length > 0)) throw new Error('no tool activity');
    if (!all.some((message) => message.externalId === 'wa-2' && message.speaker === 'Anna')) throw new Error('no imported speaker');
  },
};

/** Files with several versions, written by the person and by the companion (through its file tool). */
const files: Populator = {
  sections: ['files'],
  async populate(user) {
    const put = async (path: string, content: string) =>
      readJson(await api(`/api/v1/files/${path}`, { method: 'PUT', token: user.token, body: { content } }), fileEntrySchema);
    await put('notes/garden.md', '# Garden\n\nTomatoes by the south wall.');
    await put('notes/garden.md', '# Garden\n\nTomatoes by the south wall, basil beside them.');
    await put('journal/2026-11-30.md', 'A quiet Sunday. Baked bread.');
    // The companion may write without asking (the person's "always allow"), so its version is made by a turn.
    await api('/api/v1/tools/file-write', { method: 'PATCH', token: user.token, body: { approval: 'always' } });
    const ask = uniqueText('note that the roses need pruning');
    await scriptFakeOpenAI(fakeUrl(), ask, [
      {
        toolCalls: [
          { name: 'file_write', arguments: { path: 'notes/garden.md', content: '# Garden\n\nTomatoes, basil, and the roses need pruning in March.' } },
        ],
      },
      { text: 'Noted in your garden file.' },
    ]);
    await readJson(await send(user, ask), turnAnswerSchema);
    await put('notes/garden.md', '# Garden\n\nTomatoes, basil; roses pruned in March.');
  },
};

/** Tool switches: one switched off, one with the person's own risk level. */
const tools: Populator = {
  sections: ['tools'],
  async populate(user) {
    for (const [id, body] of [
      ['calculator', { enabled: false }],
      ['current-time', { risk: 'act' }],
    ] as const) {
      const response = await api(`/api/v1/tools/${id}`, { method: 'PATCH', token: user.token, body });
      if (response.status !== 200) throw new Error(`switching ${id} failed: ${response.status} ${await response.text()}`);
    }
  },
};

export const talkPopulators: Populator[] = [conversationsAndMemories, files, tools];

import { describe, expect, inject, it } from 'vitest';
import {
  companionSchema,
  conversationAnswerSchema,
  type ExportDocument,
  exportDocumentSchema,
  exportFormatVersion,
  fileEntrySchema,
  memorySchema,
  toolSummarySchema,
  turnAnswerSchema,
  userSchema,
} from '../../common/protocol.ts';
import { api, buildUser, readJson, uniqueText } from '../../test-support/api.ts';
import { buildConversation, buildMemory } from '../../test-support/factories.ts';
import { scriptFakeOpenAI } from '../../test-support/fake-openai/control.ts';
import { runScheduledWork } from '../../test-support/scheduled-work.ts';

const fakeUrl = inject('fakeOpenAIUrl');

async function exportOf(token: string): Promise<{ document: ExportDocument; text: string; response: Response }> {
  const response = await api('/api/v1/me/export', { token });
  const text = await response.clone().text();
  return { document: await readJson(response, exportDocumentSchema), text, response };
}

describe('the export', () => {
  it('holds every kind of the user’s data, decrypted, with its history', async () => {
    const user = await buildUser({ displayName: 'Noor', timezone: 'Europe/Berlin' });
    const token = user.token;
    await readJson(await api('/api/v1/me', { method: 'PATCH', token, body: { timezone: 'Asia/Tokyo' } }), userSchema);
    const companion = { name: 'Sami', personaId: 'calm-coach', voiceId: 'soft-calm', avatarId: 'night-owl' };
    await readJson(await api('/api/v1/companion', { method: 'PUT', token, body: companion }), companionSchema);

    const imported = await buildConversation(user, {
      title: 'From my old app',
      messages: [
        { text: 'We met at the market.', speaker: 'Noor' },
        { text: 'I remember, you bought figs.', speaker: 'Old companion' },
      ],
    });

    // A memory corrected by the person, then superseded by what the model learned from a turn.
    const nurse = await buildMemory(user, { text: 'Noor works as a nurse.', kind: 'fact' });
    await readJson(await api(`/api/v1/memories/${nurse.id}`, { method: 'PATCH', token, body: { text: 'Noor works as a night nurse.' } }), memorySchema);
    const text = uniqueText('I left the hospital, I am a paramedic now');
    const extraction = { memories: [{ action: 'supersede', targetId: nurse.id, kind: 'fact', text: 'Noor works as a paramedic.', importance: 0.8 }] };
    await scriptFakeOpenAI(fakeUrl, text, [{ text: 'What a change!' }, { text: JSON.stringify(extraction) }]);
    // Its own conversation: without an id, the message would join the newest, the imported one.
    const { conversation } = await readJson(await api('/api/v1/conversations', { method: 'POST', token }), conversationAnswerSchema, 201);
    const turn = await readJson(await api('/api/v1/messages', { token, body: { text, conversationId: conversation.id } }), turnAnswerSchema);
    expect(await runScheduledWork(user.user.id)).toBe(true);

    const first = await readJson(await api('/api/v1/files/notes/amal.md', { method: 'PUT', token, body: { content: 'Amal visits in May.' } }), fileEntrySchema);
    const second = await readJson(
      await api('/api/v1/files/notes/amal.md', { method: 'PUT', token, body: { content: 'Amal visits in June.', expectedVersionId: first.versionId } }),
      fileEntrySchema,
    );
    await readJson(await api('/api/v1/tools/calculator', { method: 'PATCH', token, body: { enabled: false } }), toolSummarySchema);

    const { document, response } = await exportOf(token);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(response.headers.get('content-disposition')).toContain('attachment');
    expect(document.formatVersion).toBe(exportFormatVersion);
    expect(document.user).toEqual({ ...user.user, displayName: 'Noor', timezone: 'Asia/Tokyo' });
    expect(document.companion).toEqual(companion);

    // Oldest first: the imported history began an hour ago, before the live conversation.
    expect(document.conversations.map((conversation) => conversation.id)).toEqual([imported.conversation.id, turn.userMessage.conversationId]);
    const [old, live] = document.conversations;
    expect(old).toMatchObject({ title: 'From my old app', summary: null });
    expect(old?.messages.map((message) => [message.role, message.speaker, message.text])).toEqual([
      ['user', 'Noor', 'We met at the market.'],
      ['assistant', 'Old companion', 'I remember, you bought figs.'],
    ]);
    // A live turn keeps who spoke under the names of the moment.
    expect(live?.messages).toEqual([
      { ...turn.userMessage, speaker: 'Noor', externalId: null },
      { ...turn.assistantMessage, speaker: 'Sami', externalId: null },
    ]);
    expect(turn.assistantMessage.text).toBe('What a change!');

    const paramedic = document.memories.find((memory) => memory.text === 'Noor works as a paramedic.');
    expect(document.memories.map((memory) => memory.id)).toEqual([nurse.id, paramedic?.id]);
    expect(document.memories[0]).toMatchObject({
      text: 'Noor works as a night nurse.',
      validFrom: nurse.createdAt,
      supersededBy: paramedic?.id,
      validTo: expect.any(String),
    });
    expect(paramedic).toMatchObject({ validTo: null, supersededBy: null });
    expect(paramedic?.sourceMessageIds.sort()).toEqual([turn.userMessage.id, turn.assistantMessage.id].sort());

    const amal = document.files.find((file) => file.path === 'notes/amal.md');
    expect(amal).toMatchObject({ currentVersionId: second.versionId, updatedAt: second.updatedAt });
    expect(amal?.versions.map((version) => [version.versionId, version.content, version.author, version.current])).toEqual([
      [first.versionId, 'Amal visits in May.', 'user', false],
      [second.versionId, 'Amal visits in June.', 'user', true],
    ]);

    const tools = new Map(document.tools.map((tool) => [tool.id, tool.enabled]));
    expect(tools.get('calculator')).toBe(false);
    expect(tools.get('current-time')).toBe(true);
    expect(tools.get('memory-search')).toBe(true);
  });

  it('never holds another user’s data', async () => {
    const fill = async (name: string) => {
      const user = await buildUser({ displayName: name });
      const words = {
        message: uniqueText(`${name} message`),
        memory: uniqueText(`${name} memory`),
        file: uniqueText(`${name} file`),
        companion: uniqueText(name).slice(0, 40),
      };
      await api('/api/v1/companion', {
        method: 'PUT',
        token: user.token,
        body: { name: words.companion, personaId: 'warm-friend', voiceId: 'bright-warm', avatarId: 'sunny' },
      });
      const turn = await readJson(await api('/api/v1/messages', { token: user.token, body: { text: words.message } }), turnAnswerSchema);
      const memory = await buildMemory(user, { text: words.memory });
      await api(`/api/v1/files/notes/${name}.md`, { method: 'PUT', token: user.token, body: { content: words.file } });
      return { user, words, ids: [user.user.id, user.user.email, turn.userMessage.conversationId, turn.userMessage.id, memory.id] };
    };
    const alice = await fill('alice');
    const bob = await fill('bob');

    for (const [owner, other] of [
      [alice, bob],
      [bob, alice],
    ] as const) {
      const { document, text } = await exportOf(owner.user.token);
      for (const word of Object.values(owner.words)) expect(text).toContain(word);
      for (const word of [...Object.values(other.words), ...other.ids]) expect(text).not.toContain(word);
      expect(document.user.id).toBe(owner.user.user.id);
      expect(document.files.map((file) => file.path)).not.toContain(`notes/${other.user.user.displayName}.md`);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { conversationSchema, recallAnswerSchema } from '../../common/protocol.ts';
import { api } from '../../test-support/api.ts';
import { buildConversation, buildMemory, buildUser } from '../../test-support/factories.ts';

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

import { describe, expect, it } from 'vitest';
import { type RecallAnswer, recallAnswerSchema } from '../../common/protocol.ts';
import { api, buildUser } from '../../test-support/api.ts';
import { recallTokenBudget } from './recall.ts';

// The `unconfigured` project: no chat model and no embeddings, so recall is lexical only.

async function recall(token: string, body: { query: string; conversationId?: string }): Promise<RecallAnswer> {
  const response = await api('/api/v1/recall', { token, body });
  expect(response.status).toBe(200);
  return recallAnswerSchema.parse(await response.json());
}

describe('recall without embeddings', () => {
  it('recalls memories and dated past turns lexically, leaving out a conversation’s recent window when asked for it', async () => {
    const user = await buildUser({ timezone: 'America/New_York' });
    const word = `kumquat${crypto.randomUUID().slice(0, 8)}`;
    const said = `My grandmother grows ${word} trees in Florida`;
    const imported = (await (
      await api('/api/v1/conversations/import', {
        token: user.token,
        body: {
          messages: [
            { role: 'user', speaker: 'Dana', text: said, createdAt: '2026-03-01T02:30:00Z', externalId: 'D1:1' },
            { role: 'assistant', text: 'That sounds delightful.', createdAt: '2026-03-01T02:31:00Z' },
          ],
        },
      })
    ).json()) as { conversation: { id: string } };
    const memory = (await (await api('/api/v1/memories', { token: user.token, body: { text: `Dana loves ${word} jam.`, kind: 'preference' } })).json()) as {
      id: string;
    };

    const answer = await recall(user.token, { query: `Where does the ${word} grow?` });
    expect(answer.items.find((item) => item.kind === 'memory')?.sourceId).toBe(memory.id);
    expect(answer.items.find((item) => item.externalId === 'D1:1')).toMatchObject({
      kind: 'turn',
      text: `Dana: ${said}`,
      createdAt: '2026-03-01T02:30:00.000Z',
    });
    expect(answer.tokens).toBeGreaterThan(0);
    expect(answer.tokens).toBeLessThanOrEqual(recallTokenBudget);

    const inThatConversation = await recall(user.token, { query: `Where does the ${word} grow?`, conversationId: imported.conversation.id });
    expect(inThatConversation.items.map((item) => item.kind)).toEqual(['memory']);
  });

  it('answers nothing, within budget, when nothing matches', async () => {
    const user = await buildUser();
    expect(await recall(user.token, { query: `zzyzx${crypto.randomUUID().slice(0, 8)}` })).toMatchObject({ items: [], tokens: 0 });
  });
});

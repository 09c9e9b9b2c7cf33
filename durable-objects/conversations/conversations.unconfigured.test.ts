import { describe, expect, it } from 'vitest';
import { companionSchema, conversationsAnswerSchema, messagesPageSchema } from '../../common/protocol.ts';
import { api, buildUser, eventsOfType, expectError, readEvents, readJson } from '../../test-support/api.ts';

describe('with no chat model configured (LLM_PROVIDER=none)', () => {
  it('answers a streamed turn with an llm_not_configured error event that says what to set, and keeps the message', async () => {
    const user = await buildUser();
    const events = await readEvents(
      await api('/api/v1/messages', { token: user.token, body: { text: 'anyone there?' }, headers: { accept: 'text/event-stream' } }),
    );
    expect(events).toHaveLength(1);
    const [error] = eventsOfType(events, 'error');
    expect(error?.id).toBe('llm_not_configured');
    expect(error?.message).toContain('LLM_PROVIDER');
    expect(error?.message).toContain('LLM_BASE_URL');

    const conversations = await readJson(await api('/api/v1/conversations', { token: user.token }), conversationsAnswerSchema);
    const history = await readJson(
      await api(`/api/v1/messages?conversationId=${conversations.conversations[0]?.id}`, { token: user.token }),
      messagesPageSchema,
    );
    expect(history.messages.map((message) => [message.role, message.text])).toEqual([['user', 'anyone there?']]);
  });

  it('answers a JSON turn with 503 llm_not_configured, while everything else works', async () => {
    const user = await buildUser();
    await expectError(await api('/api/v1/messages', { token: user.token, body: { text: 'hello' } }), 'llm_not_configured');
    await readJson(await api('/api/v1/companion', { token: user.token }), companionSchema);
    expect(await (await api('/readyz')).json()).toMatchObject({ status: 'ready', providers: { chat: 'none' } });
  });
});

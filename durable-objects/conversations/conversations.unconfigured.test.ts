import { describe, expect, it } from 'vitest';
import type { Message } from '../../common/protocol.ts';
import { api, buildUser, readEvents } from '../../test-support/api.ts';

describe('with no chat model configured (LLM_PROVIDER=none)', () => {
  it('answers a streamed turn with an llm_not_configured error event that says what to set, and keeps the message', async () => {
    const user = await buildUser();
    const events = await readEvents(
      await api('/api/v1/messages', { token: user.token, body: { text: 'anyone there?' }, headers: { accept: 'text/event-stream' } }),
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'error', id: 'llm_not_configured' });
    expect((events[0] as { message: string }).message).toContain('LLM_PROVIDER');
    expect((events[0] as { message: string }).message).toContain('LLM_BASE_URL');

    const conversations = (await (await api('/api/v1/conversations', { token: user.token })).json()) as { conversations: { id: string }[] };
    const history = (await (await api(`/api/v1/messages?conversationId=${conversations.conversations[0]?.id}`, { token: user.token })).json()) as {
      messages: Message[];
    };
    expect(history.messages.map((message) => [message.role, message.text])).toEqual([['user', 'anyone there?']]);
  });

  it('answers a JSON turn with 503 llm_not_configured, while everything else works', async () => {
    const user = await buildUser();
    const response = await api('/api/v1/messages', { token: user.token, body: { text: 'hello' } });
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: { id: string } }).error.id).toBe('llm_not_configured');
    expect((await api('/api/v1/companion', { token: user.token })).status).toBe(200);
    const ready = (await (await api('/readyz')).json()) as { status: string; providers: { chat: string } };
    expect(ready).toMatchObject({ status: 'ready', providers: { chat: 'none' } });
  });
});

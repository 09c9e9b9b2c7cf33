import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { careSettingsSchema } from '../../common/care.ts';
import { messageSchema, messagesPageSchema } from '../../common/protocol.ts';
import { api, buildUser, eventsOfType, expectError, readEvents, readJson } from '../../test-support/api.ts';

const answerSchema = z.object({ userMessage: messageSchema, assistantMessage: messageSchema });

describe('care with no chat model configured (LLM_PROVIDER=none)', () => {
  it('answers a flagged message with a caring reply and the resources, stored, over JSON and SSE', async () => {
    const person = await buildUser();
    await readJson(await api('/api/v1/care/settings', { method: 'PUT', token: person.token, body: { country: 'IE' } }), careSettingsSchema);
    const answer = await readJson(await api('/api/v1/messages', { token: person.token, body: { text: 'I want to kill myself' } }), answerSchema);
    expect(answer.assistantMessage).toMatchObject({ role: 'assistant', status: 'complete' });
    expect(answer.assistantMessage.text).toContain("I'm here with you");
    expect(answer.assistantMessage.care?.resources.map((resource) => resource.phone ?? resource.text)).toEqual(['112', '116 123', 'Text TALK to 50808']);

    const events = await readEvents(
      await api('/api/v1/messages', { token: person.token, body: { text: 'I want to end my life' }, headers: { accept: 'text/event-stream' } }),
    );
    expect(eventsOfType(events, 'error')).toEqual([]);
    const [end] = eventsOfType(events, 'message-end');
    expect(end?.message.care?.category).toBe('suicide-self-harm');
    expect(end?.message.care?.resources[0]).toMatchObject({ phone: '112', emergency: true });

    const stored = await readJson(await api('/api/v1/messages', { token: person.token }), messagesPageSchema);
    expect(stored.messages.filter((message) => message.care).map((message) => message.id)).toEqual([end?.message.id, answer.assistantMessage.id]);
  });

  it('still answers a message that is not flagged with llm_not_configured', async () => {
    const person = await buildUser();
    await expectError(await api('/api/v1/messages', { token: person.token, body: { text: 'what a lovely day' } }), 'llm_not_configured');
  });
});

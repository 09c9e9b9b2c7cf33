import { describe, expect, inject, it } from 'vitest';
import { exportDocumentSchema, importConversationAnswerSchema, turnAnswerSchema } from '../../common/protocol.ts';
import { api, buildUser, readJson, uniqueText } from '../../test-support/api.ts';
import { recordedChatRequests, scriptFakeOpenAI } from '../../test-support/fake-openai/control.ts';
import { runScheduledWork } from '../../test-support/scheduled-work.ts';

const fakeUrl = inject('fakeOpenAIUrl');

describe('rolling summaries of long conversations', () => {
  it('folds messages that left the recent window into a summary the next prompt carries', async () => {
    const user = await buildUser();
    const token = uniqueText('lisbon-trip');
    const start = Date.parse('2026-11-01T10:00:00Z');
    const messages = Array.from({ length: 40 }, (_, index) => ({
      role: index % 2 === 0 ? ('user' as const) : ('assistant' as const),
      text: `${token} message ${index} about planning the trip`,
      createdAt: new Date(start + index * 60_000).toISOString(),
    }));
    const imported = await readJson(await api('/api/v1/conversations/import', { token: user.token, body: { messages } }), importConversationAnswerSchema, 201);
    const conversationId = imported.conversation.id;
    // Memory extraction reads the same messages in the background (and finds no JSON here): every
    // request about them gets the summary text, whichever job asks first.
    const summary = { text: 'They are planning a trip to Lisbon in spring.' };
    await scriptFakeOpenAI(fakeUrl, token, [summary, summary, summary]);

    const first = uniqueText('what were we planning');
    await readJson(await api('/api/v1/messages', { token: user.token, body: { text: first, conversationId } }), turnAnswerSchema);
    const [firstPrompt] = await recordedChatRequests(fakeUrl, first);
    const firstMessages = (firstPrompt?.body as { messages: { role: string; content: string }[] } | undefined)?.messages ?? [];
    expect(firstMessages.filter((message) => message.role !== 'system')).toHaveLength(24);

    // The summary is background work, run when the conversation has settled.
    expect(await runScheduledWork(user.user.id)).toBe(true);
    const summaryRequest = (await recordedChatRequests(fakeUrl, token)).find((request) => JSON.stringify(request.body).includes('running summary'));
    const summaryPrompt = JSON.stringify(summaryRequest?.body);
    expect(summaryPrompt).toContain('running summary');
    expect(summaryPrompt).toContain(`${token} message 0 about`);
    expect(summaryPrompt).not.toContain(`${token} message 39 about`);

    const second = uniqueText('remind me');
    await api('/api/v1/messages', { token: user.token, body: { text: second, conversationId } });
    const [secondPrompt] = await recordedChatRequests(fakeUrl, second);
    const system = ((secondPrompt?.body as { messages: { role: string; content: string }[] } | undefined)?.messages ?? []).filter(
      (message) => message.role === 'system',
    );
    expect(system.some((message) => message.content.includes('earlier-in-this-conversation') && message.content.includes('trip to Lisbon in spring'))).toBe(
      true,
    );

    // The export carries the summary, and which message it reaches.
    const exported = await readJson(await api('/api/v1/me/export', { token: user.token }), exportDocumentSchema);
    const exportedSummary = exported.conversations.find((conversation) => conversation.id === conversationId)?.summary;
    expect(exportedSummary?.text).toBe(summary.text);
    expect(imported.messages.map((message) => message.id)).toContain(exportedSummary?.throughMessageId);
  });
});

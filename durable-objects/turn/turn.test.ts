import { describe, expect, inject, it, vi } from 'vitest';
import { z } from 'zod';
import { conversationSchema, type Message, messageSchema, messagesPageSchema } from '../../common/protocol.ts';
import { channelFormattingAdvice } from '../../server/catalog/system-prompt.ts';
import { api, buildUser, openRealtime, readEvents, uniqueText } from '../../test-support/api.ts';
import { type RecordedRequest, recordedChatRequests, scriptFakeOpenAI } from '../../test-support/fake-openai/control.ts';

const fakeUrl = inject('fakeOpenAIUrl');

/** The test project's LLM_TIMEOUT_MS (vitest.config.ts). */
const silenceLimitMs = 2_000;

async function history(token: string, conversationId?: string): Promise<Message[]> {
  const query = conversationId ? `?conversationId=${conversationId}` : '';
  const response = await api(`/api/v1/messages${query}`, { token });
  expect(response.status).toBe(200);
  return messagesPageSchema.parse(await response.json()).messages;
}

async function newConversation(token: string): Promise<string> {
  const response = await api('/api/v1/conversations', { method: 'POST', token });
  return conversationSchema.parse(((await response.json()) as { conversation: unknown }).conversation).id;
}

/** The messages of a chat request the fake model recorded, as OpenAI's API defines them. */
const chatMessagesOf = (request: RecordedRequest | undefined) =>
  z.object({ messages: z.array(z.object({ role: z.string(), content: z.string().nullable() })) }).parse(request?.body).messages;

describe('a turn', () => {
  it('keeps what streamed before the model stalled, as a failed reply, and times out on silence', async () => {
    const user = await buildUser();
    const text = uniqueText('stall midway');
    await scriptFakeOpenAI(fakeUrl, text, [{ text: 'I was saying something important when', hangAfterChunks: 3 }]);
    const response = await api('/api/v1/messages', { token: user.token, body: { text }, headers: { accept: 'text/event-stream' } });
    const events = await readEvents(response);
    const failure = events.at(-1);
    expect(failure).toMatchObject({ type: 'error', id: 'llm_timeout' });
    const streamed = events.flatMap((event) => (event.type === 'text-delta' ? [event.text] : [])).join('');
    expect(streamed.length).toBeGreaterThan(0);

    const [reply, question] = await history(user.token);
    expect(question?.text).toBe(text);
    expect(reply).toMatchObject({ role: 'assistant', status: 'failed', errorId: 'llm_timeout', text: streamed });
    expect(failure?.type === 'error' && failure.messageId).toBe(reply?.id);
  });

  it('lets a slow but steady model finish, however long the whole reply takes', async () => {
    const user = await buildUser();
    const text = uniqueText('slow and steady');
    const words = 'one two three four five six seven eight nine ten eleven twelve';
    // Each gap is far below the silence limit; the whole answer takes well over it.
    await scriptFakeOpenAI(fakeUrl, text, [{ text: words, chunkDelayMs: 250 }]);
    const startedAt = Date.now();
    const response = await api('/api/v1/messages', { token: user.token, body: { text } });
    expect(response.status).toBe(200);
    expect(Date.now() - startedAt).toBeGreaterThan(silenceLimitMs);
    const answer = (await response.json()) as { assistantMessage: unknown };
    expect(messageSchema.parse(answer.assistantMessage)).toMatchObject({ text: words, status: 'complete' });
  });

  it('stores a provider failure as a failed reply beside the kept question', async () => {
    const user = await buildUser();
    const text = uniqueText('provider breaks');
    await scriptFakeOpenAI(fakeUrl, text, [{ error: { status: 500, message: 'upstream exploded' } }]);
    const response = await api('/api/v1/messages', { token: user.token, body: { text } });
    expect(response.status).toBe(502);
    const [reply, question] = await history(user.token);
    expect(question).toMatchObject({ role: 'user', text, status: 'complete' });
    expect(reply).toMatchObject({ role: 'assistant', text: '', status: 'failed', errorId: 'llm_provider_error' });
  });

  it('separates the texts of tool-loop steps, streamed exactly as stored', async () => {
    const user = await buildUser();
    const text = uniqueText('steps apart');
    await scriptFakeOpenAI(fakeUrl, text, [
      { text: 'Let me work that out.', toolCalls: [{ name: 'calculator', arguments: { expression: '6*7' } }] },
      { text: 'It is 42.' },
    ]);
    const response = await api('/api/v1/messages', { token: user.token, body: { text }, headers: { accept: 'text/event-stream' } });
    const events = await readEvents(response);
    const streamed = events.flatMap((event) => (event.type === 'text-delta' ? [event.text] : [])).join('');
    const end = events.find((event) => event.type === 'message-end');
    expect(end?.type === 'message-end' && end.message.text).toBe('Let me work that out.\n\nIt is 42.');
    expect(streamed).toBe('Let me work that out.\n\nIt is 42.');
    // The model is given each step's own text back, without the separator.
    const [, second] = await recordedChatRequests(fakeUrl, text);
    const assistantTurn = chatMessagesOf(second).find((message) => message.role === 'assistant');
    expect(assistantTurn?.content).toBe('Let me work that out.');
  });

  it('reads the newest conversation when GET /messages names none', async () => {
    const user = await buildUser();
    expect(await history(user.token)).toEqual([]);
    const older = await newConversation(user.token);
    const newer = await newConversation(user.token);
    const text = uniqueText('in the newest');
    await scriptFakeOpenAI(fakeUrl, text, [{ text: 'Noted.' }]);
    await api('/api/v1/messages', { token: user.token, body: { text, conversationId: newer } });
    expect((await history(user.token)).map((message) => message.text)).toEqual(['Noted.', text]);
    expect(await history(user.token, older)).toEqual([]);
  });

  it('queues a turn without a conversation id behind one naming the newest conversation', async () => {
    const user = await buildUser();
    const conversationId = await newConversation(user.token);
    const first = uniqueText('first, slow');
    const second = uniqueText('second');
    await scriptFakeOpenAI(fakeUrl, first, [{ text: 'first reply', delayMs: 400 }]);
    await scriptFakeOpenAI(fakeUrl, second, [{ text: 'second reply' }]);
    const pendingOne = api('/api/v1/messages', { token: user.token, body: { text: first, conversationId } });
    // The second is sent once the first has reached the model, so it surely arrives while the first runs
    // (sent side by side, either could reach the object first).
    await vi.waitFor(async () => expect(await recordedChatRequests(fakeUrl, first)).toHaveLength(1), { timeout: 10_000, interval: 20 });
    const [one, two] = await Promise.all([pendingOne, api('/api/v1/messages', { token: user.token, body: { text: second } })]);
    expect([one.status, two.status]).toEqual([200, 200]);
    // The second turn ran after the first had finished: its prompt holds the first reply.
    const [request] = await recordedChatRequests(fakeUrl, second);
    expect(chatMessagesOf(request).map((message) => message.content)).toContain('first reply');
    expect((await history(user.token, conversationId)).map((message) => message.text)).toEqual(['second reply', second, 'first reply', first]);
  });

  it('tells the model the person is on the mobile app when the socket says so', async () => {
    const user = await buildUser();
    const text = uniqueText('from my phone');
    await scriptFakeOpenAI(fakeUrl, text, [{ text: 'Hello, phone.' }]);
    const realtime = await openRealtime(user.token, {}, { client: 'mobile' });
    realtime.socket.send(JSON.stringify({ type: 'message-send', text }));
    await realtime.next('message-end');
    realtime.socket.close();
    const [request] = await recordedChatRequests(fakeUrl, text);
    const system = chatMessagesOf(request)[0]?.content ?? '';
    expect(system).toContain(channelFormattingAdvice.mobile);
    expect(system).not.toContain(channelFormattingAdvice.web);
  });
});

import { describe, expect, inject, it } from 'vitest';
import { catalogAnswerSchema } from '../../common/catalog.ts';
import {
  companionSchema,
  conversationAnswerSchema,
  conversationsAnswerSchema,
  messagesPageSchema,
  toolSummarySchema,
  turnAnswerSchema,
} from '../../common/protocol.ts';
import { api, buildUser, eventsOfType, expectError, readEvents, readJson, uniqueText } from '../../test-support/api.ts';
import { recordedChatRequests, scriptFakeOpenAI } from '../../test-support/fake-openai/control.ts';

const fakeUrl = inject('fakeOpenAIUrl');

describe('a chat turn', () => {
  it('answers as JSON with both stored messages, and the model saw the chosen persona', async () => {
    const user = await buildUser({ displayName: 'Grace', timezone: 'Asia/Tokyo' });
    const catalog = await readJson(await api('/api/v1/catalog'), catalogAnswerSchema);
    const persona = catalog.personas[2];
    if (!persona) throw new Error('catalog too small');
    const put = await api('/api/v1/companion', {
      method: 'PUT',
      token: user.token,
      body: { name: 'Juniper', personaId: persona.id, voiceId: catalog.voices[1]?.id, avatarId: catalog.avatars[3]?.id },
    });
    await readJson(put, companionSchema);

    const text = uniqueText('hello there');
    await scriptFakeOpenAI(fakeUrl, text, [{ text: 'Hi Grace, lovely to meet you.' }]);
    const answer = await readJson(await api('/api/v1/messages', { token: user.token, body: { text } }), turnAnswerSchema);
    expect(answer.userMessage).toMatchObject({ role: 'user', text, status: 'complete' });
    expect(answer.assistantMessage).toMatchObject({
      role: 'assistant',
      text: 'Hi Grace, lovely to meet you.',
      conversationId: answer.userMessage.conversationId,
    });

    const [request] = await recordedChatRequests(fakeUrl, text);
    const body = request?.body as { model: string; messages: { role: string; content: string }[] };
    expect(body.model).toBe('fake-model');
    expect(request?.headers.authorization).toBe('Bearer test-key');
    const system = body.messages[0];
    expect(system?.role).toBe('system');
    expect(system?.content).toContain('Juniper');
    expect(system?.content).toContain(persona.name);
    expect(system?.content).toContain('Grace');
    expect(body.messages.at(-1)).toMatchObject({ role: 'user', content: text });
  });

  it('streams server-sent events in order and stores the reply', async () => {
    const user = await buildUser();
    const text = uniqueText('stream please');
    await scriptFakeOpenAI(fakeUrl, text, [{ text: 'One, two, three, four.' }]);
    const response = await api('/api/v1/messages', { token: user.token, body: { text }, headers: { accept: 'text/event-stream' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const events = await readEvents(response);
    expect(events[0]?.type).toBe('message-start');
    expect(events.at(-1)?.type).toBe('message-end');
    const deltas = eventsOfType(events, 'text-delta');
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.map((event) => event.text).join('')).toBe('One, two, three, four.');
    const [end] = eventsOfType(events, 'message-end');
    const [start] = eventsOfType(events, 'message-start');
    expect(end?.message.id).toBe(start?.messageId);

    const history = await readJson(await api(`/api/v1/messages?conversationId=${end?.message.conversationId}`, { token: user.token }), messagesPageSchema);
    expect(history.messages.map((message) => message.text)).toEqual(['One, two, three, four.', text]);
  });

  it('runs the tool loop: the model calls the calculator and the current time, then answers', async () => {
    const user = await buildUser({ timezone: 'America/New_York' });
    const text = uniqueText('what is 12.5 times 4 and what time is it');
    await scriptFakeOpenAI(fakeUrl, text, [
      {
        toolCalls: [
          { name: 'calculator', arguments: { expression: '12.5 * 4' } },
          { name: 'current_time', arguments: {} },
        ],
      },
      { text: 'It is 50, and here is the time.' },
    ]);
    const events = await readEvents(await api('/api/v1/messages', { token: user.token, body: { text }, headers: { accept: 'text/event-stream' } }));
    const types = events.map((event) => event.type);
    expect(types).toEqual(expect.arrayContaining(['message-start', 'tool-call', 'tool-result', 'text-delta', 'message-end']));
    const results = eventsOfType(events, 'tool-result');
    expect(results.find((event) => event.toolName === 'calculator')?.output).toEqual({ expression: '12.5 * 4', result: 50 });
    expect(results.find((event) => event.toolName === 'current_time')?.output).toMatchObject({ timezone: 'America/New_York' });

    // Memory extraction may already have asked the model too, in the background; count the turn's calls.
    const requests = (await recordedChatRequests(fakeUrl, text)).filter((request) => !JSON.stringify(request.body).includes('You keep the long-term memory'));
    expect(requests).toHaveLength(2);
    const first = requests[0]?.body as { tools: { function: { name: string } }[] };
    expect(first.tools.map((tool) => tool.function.name)).toEqual(expect.arrayContaining(['calculator', 'current_time', 'memory_search', 'file_write']));
    const second = requests[1]?.body as { messages: { role: string; content: string; tool_call_id?: string }[] };
    const toolMessages = second.messages.filter((message) => message.role === 'tool');
    expect(toolMessages).toHaveLength(2);
    // The model reads each result as a data block naming the tool, never as instructions.
    expect(toolMessages[0]?.content).toBe('<data source="tool:calculator">\n{"expression":"12.5 * 4","result":50}\n</data>');

    const [end] = eventsOfType(events, 'message-end');
    expect(end?.message.tools.map((tool) => tool.toolName)).toEqual(['calculator', 'current_time']);
  });

  it('does not offer a tool the user switched off', async () => {
    const user = await buildUser();
    await readJson(await api('/api/v1/tools/calculator', { method: 'PATCH', token: user.token, body: { enabled: false } }), toolSummarySchema);
    const text = uniqueText('no calculator');
    await scriptFakeOpenAI(fakeUrl, text, [{ text: 'ok' }]);
    await api('/api/v1/messages', { token: user.token, body: { text } });
    const [request] = await recordedChatRequests(fakeUrl, text);
    const body = request?.body as { tools?: { function: { name: string } }[] };
    const offered = body.tools?.map((tool) => tool.function.name) ?? [];
    expect(offered).toContain('current_time');
    expect(offered).not.toContain('calculator');
  });

  it('keeps the user message and answers a provider failure with llm_provider_error', async () => {
    const user = await buildUser();
    const text = uniqueText('this will fail');
    await scriptFakeOpenAI(fakeUrl, text, [{ error: { status: 500, message: 'upstream exploded' } }]);
    await expectError(await api('/api/v1/messages', { token: user.token, body: { text } }), 'llm_provider_error');
    const conversations = await readJson(await api('/api/v1/conversations', { token: user.token }), conversationsAnswerSchema);
    const history = await readJson(
      await api(`/api/v1/messages?conversationId=${conversations.conversations[0]?.id}`, { token: user.token }),
      messagesPageSchema,
    );
    expect(history.messages.map((message) => [message.role, message.status])).toEqual([
      ['assistant', 'failed'],
      ['user', 'complete'],
    ]);
  });

  it('sends an error event when the stream fails', async () => {
    const user = await buildUser();
    const text = uniqueText('stream failure');
    await scriptFakeOpenAI(fakeUrl, text, [{ error: { status: 429, message: 'slow down' } }]);
    const events = await readEvents(await api('/api/v1/messages', { token: user.token, body: { text }, headers: { accept: 'text/event-stream' } }));
    expect(events.at(-1)).toMatchObject({ type: 'error', id: 'llm_provider_error' });
  });

  it('answers a model that never answers with llm_timeout', async () => {
    const user = await buildUser();
    const text = uniqueText('hang forever');
    await scriptFakeOpenAI(fakeUrl, text, [{ hang: true }]);
    await expectError(await api('/api/v1/messages', { token: user.token, body: { text } }), 'llm_timeout');
  });
});

describe('conversations and history', () => {
  it('keeps several conversations apart and pages history newest first', async () => {
    const user = await buildUser();
    const { conversation: first } = await readJson(await api('/api/v1/conversations', { method: 'POST', token: user.token }), conversationAnswerSchema, 201);
    const { conversation: second } = await readJson(await api('/api/v1/conversations', { method: 'POST', token: user.token }), conversationAnswerSchema, 201);
    for (let index = 0; index < 3; index++) {
      await api('/api/v1/messages', { token: user.token, body: { text: `first ${index}`, conversationId: first.id } });
    }
    await api('/api/v1/messages', { token: user.token, body: { text: 'second only', conversationId: second.id } });

    const list = await readJson(await api('/api/v1/conversations', { token: user.token }), conversationsAnswerSchema);
    expect(list.conversations.map((conversation) => conversation.id)).toEqual([second.id, first.id]);
    expect(list.conversations[1]?.title).toBe('first 0');

    const page1 = await readJson(await api(`/api/v1/messages?conversationId=${first.id}&limit=4`, { token: user.token }), messagesPageSchema);
    expect(page1.messages.map((message) => message.text)).toEqual(['You said: first 2', 'first 2', 'You said: first 1', 'first 1']);
    expect(page1.nextCursor).toEqual(expect.any(String));
    const page2 = await readJson(
      await api(`/api/v1/messages?conversationId=${first.id}&limit=4&before=${page1.nextCursor}`, { token: user.token }),
      messagesPageSchema,
    );
    expect(page2.messages.map((message) => message.text)).toEqual(['You said: first 0', 'first 0']);
    expect(page2.nextCursor).toBeNull();
  });

  it("opens a conversation with the persona's greeting when asked, stored as its first assistant message", async () => {
    const user = await buildUser();
    const catalog = await readJson(await api('/api/v1/catalog'), catalogAnswerSchema);
    const persona = catalog.personas[1];
    if (!persona) throw new Error('catalog too small');
    await readJson(
      await api('/api/v1/companion', {
        method: 'PUT',
        token: user.token,
        body: { name: 'Juniper', personaId: persona.id, voiceId: catalog.voices[0]?.id, avatarId: catalog.avatars[0]?.id },
      }),
      companionSchema,
    );
    const { conversation } = await readJson(
      await api('/api/v1/conversations', { method: 'POST', token: user.token, body: { greet: true } }),
      conversationAnswerSchema,
      201,
    );
    const history = await readJson(await api(`/api/v1/messages?conversationId=${conversation.id}`, { token: user.token }), messagesPageSchema);
    expect(history.messages).toHaveLength(1);
    expect(history.messages[0]).toMatchObject({ role: 'assistant', text: persona.greeting, status: 'complete', conversationId: conversation.id });
    // The greeting is the companion speaking, so the conversation keeps waiting for the person's first words as its title.
    const list = await readJson(await api('/api/v1/conversations', { token: user.token }), conversationsAnswerSchema);
    expect(list.conversations[0]).toMatchObject({ id: conversation.id, title: null });

    // The model sees the greeting as the companion's own opening line.
    const text = uniqueText('hello after the greeting');
    await api('/api/v1/messages', { token: user.token, body: { text, conversationId: conversation.id } });
    const [request] = await recordedChatRequests(fakeUrl, text);
    const sent = (request?.body as { messages: { role: string; content: string }[] } | undefined)?.messages;
    expect(sent?.slice(-2)).toEqual([
      { role: 'assistant', content: persona.greeting },
      { role: 'user', content: text },
    ]);
  });

  it('starts an empty conversation without a body, and refuses an unknown field', async () => {
    const user = await buildUser();
    const { conversation } = await readJson(await api('/api/v1/conversations', { method: 'POST', token: user.token }), conversationAnswerSchema, 201);
    const history = await readJson(await api(`/api/v1/messages?conversationId=${conversation.id}`, { token: user.token }), messagesPageSchema);
    expect(history.messages).toEqual([]);
    await expectError(await api('/api/v1/conversations', { method: 'POST', token: user.token, body: { greet: 'yes' } }), 'validation_failed');
    await expectError(await api('/api/v1/conversations', { method: 'POST', token: user.token, body: { welcome: true } }), 'validation_failed');
  });

  it('gives the model the recent turns of the conversation as short-term memory', async () => {
    const user = await buildUser();
    const marker = uniqueText('my cat is called Miso');
    await api('/api/v1/messages', { token: user.token, body: { text: marker } });
    const question = uniqueText('what is my cat called');
    await api('/api/v1/messages', { token: user.token, body: { text: question } });
    const [request] = await recordedChatRequests(fakeUrl, question);
    const contents = (request?.body as { messages: { content: string }[] } | undefined)?.messages.map((message) => message.content);
    expect(contents).toContain(marker);
    expect(contents).toContain(`You said: ${marker}`);
  });

  it.each([
    ['an empty message', { text: '   ' }, 'validation_failed'],
    ['a message over 16 000 characters', { text: 'a'.repeat(16_001) }, 'message_too_long'],
    ['a text that is not a string', { text: 42 }, 'validation_failed'],
    ['malformed JSON', '{"text": "unterminated', 'invalid_json'],
  ] as const)('refuses %s and stores nothing', async (_label, body, id) => {
    const user = await buildUser();
    await expectError(await api('/api/v1/messages', { token: user.token, body }), id);
    const list = await readJson(await api('/api/v1/conversations', { token: user.token }), conversationsAnswerSchema);
    expect(list.conversations).toEqual([]);
  });

  it('refuses a bad cursor and an unknown conversation', async () => {
    const user = await buildUser();
    await expectError(await api('/api/v1/messages?conversationId=conv_x&before=abc', { token: user.token }), 'validation_failed');
    await expectError(await api('/api/v1/messages?conversationId=conv_nope', { token: user.token }), 'not_found');
    await expectError(await api('/api/v1/messages', { token: user.token, body: { text: 'hi', conversationId: 'conv_nope' } }), 'not_found');
  });
});

describe('isolation between users', () => {
  it("answers another user's conversation exactly like a missing one", async () => {
    const alice = await buildUser();
    const bob = await buildUser();
    const secret = uniqueText('alice secret');
    const answer = await readJson(await api('/api/v1/messages', { token: alice.token, body: { text: secret } }), turnAnswerSchema);
    const conversationId = answer.userMessage.conversationId;

    const read = await api(`/api/v1/messages?conversationId=${conversationId}`, { token: bob.token });
    const missing = await api('/api/v1/messages?conversationId=conv_does_not_exist', { token: bob.token });
    expect(await expectError(read, 'not_found')).toEqual(await expectError(missing, 'not_found'));
    await expectError(await api('/api/v1/messages', { token: bob.token, body: { text: 'sneaky', conversationId } }), 'not_found');
    const bobsList = await readJson(await api('/api/v1/conversations', { token: bob.token }), conversationsAnswerSchema);
    expect(bobsList.conversations).toEqual([]);
    const export_ = await (await api('/api/v1/me/export', { token: bob.token })).text();
    expect(export_).not.toContain(secret);
  });
});

import { describe, expect, it } from 'vitest';
import { createFakeWorkersAI, type FakeWorkersAI } from '../../../test-support/fake-workers-ai.ts';
import { type ChatModelContractHarness, collectFailure, collectParts, runChatModelContract, textOf, weatherTool } from './chat-model.contract.ts';
import { ChatModelError } from './chat-model.ts';
import { createWorkersAIChatModel, defaultWorkersAIChatModelId } from './workers-ai.ts';

function lastUserContent(inputs: Record<string, unknown>): string {
  const messages = inputs.messages as { role: string; content: unknown }[];
  const content = messages.findLast((message) => message.role === 'user')?.content;
  return typeof content === 'string' ? content : '';
}

function harnessFor(model?: string): () => ChatModelContractHarness {
  return () => {
    const fake = createFakeWorkersAI();
    return {
      model: createWorkersAIChatModel({ binding: fake, model }),
      // Each test gets its own fake, so its queue needs no match.
      script: async (_match, steps) => fake.script(...steps),
      receivedMessages: async (match) =>
        fake.calls.filter((call) => lastUserContent(call.inputs).includes(match)).map((call) => call.inputs.messages as unknown[]),
    };
  };
}

runChatModelContract('workers-ai', harnessFor());
runChatModelContract('workers-ai with an OpenAI-style model', harnessFor('@cf/qwen/qwen3-30b-a3b-fp8'));

describe('workers-ai chat model', () => {
  function setUp(model?: string): { fake: FakeWorkersAI; chatModel: ReturnType<typeof createWorkersAIChatModel> } {
    const fake = createFakeWorkersAI();
    return { fake, chatModel: createWorkersAIChatModel({ binding: fake, model }) };
  }

  it('defaults to Llama 3.3 70B fp8-fast and names it', () => {
    const { chatModel } = setUp();
    expect(chatModel.provider).toBe('workers-ai');
    expect(chatModel.modelId).toBe('@cf/meta/llama-3.3-70b-instruct-fp8-fast');
    expect(defaultWorkersAIChatModelId).toBe('@cf/meta/llama-3.3-70b-instruct-fp8-fast');
  });

  it('streams a turn without tools, passing the model id, prompt, sampling settings and signal', async () => {
    const { fake, chatModel } = setUp();
    fake.script({ text: 'Hello there, friend.' });
    const signal = new AbortController().signal;

    const parts = await collectParts(chatModel, {
      messages: [
        { role: 'system', content: 'You are Kindred.' },
        { role: 'user', content: 'Hi!' },
      ],
      temperature: 0.2,
      maxOutputTokens: 128,
      signal,
    });

    expect(textOf(parts)).toBe('Hello there, friend.');
    expect(fake.calls).toHaveLength(1);
    const [call] = fake.calls;
    expect(call?.model).toBe('@cf/meta/llama-3.3-70b-instruct-fp8-fast');
    expect(call?.inputs).toEqual({
      messages: [
        { role: 'system', content: 'You are Kindred.' },
        { role: 'user', content: 'Hi!' },
      ],
      stream: true,
      temperature: 0.2,
      max_tokens: 128,
    });
    expect(call?.options?.signal).toBe(signal);
  });

  it('asks for a whole answer when tools are offered and emits its text as one delta', async () => {
    const { fake, chatModel } = setUp();
    fake.script({ text: 'No tool needed, it is sunny.' });

    const parts = await collectParts(chatModel, {
      messages: [{ role: 'user', content: 'Weather?' }],
      tools: [weatherTool],
    });

    expect(parts).toEqual([
      { type: 'text-delta', text: 'No tool needed, it is sunny.' },
      { type: 'finish', reason: 'stop' },
    ]);
    const inputs = fake.calls[0]?.inputs;
    expect(inputs?.stream).toBeUndefined();
    expect(inputs?.tools).toEqual([
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'The weather forecast for a city.',
          parameters: weatherTool.inputSchema,
        },
      },
    ]);
  });

  it('names the tool beside each tool result', async () => {
    const { fake, chatModel } = setUp();
    fake.script({ text: 'Sunny.' });

    await collectParts(chatModel, {
      messages: [
        { role: 'user', content: 'Weather in Rome?' },
        {
          role: 'assistant',
          content: '',
          toolCalls: [{ id: 'call_rome', name: 'get_weather', arguments: '{"city":"Rome"}' }],
        },
        { role: 'tool', toolCallId: 'call_rome', content: '{"sky":"clear"}' },
      ],
      tools: [weatherTool],
    });

    const messages = fake.calls[0]?.inputs.messages as unknown[];
    expect(messages[1]).toEqual({
      role: 'assistant',
      content: '',
      tool_calls: [{ id: 'call_rome', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } }],
    });
    expect(messages[2]).toEqual({
      role: 'tool',
      tool_call_id: 'call_rome',
      name: 'get_weather',
      content: '{"sky":"clear"}',
    });
  });

  it('turns native tool call arguments (an object) into JSON text', async () => {
    const { fake, chatModel } = setUp();
    fake.script({ toolCalls: [{ name: 'get_weather', arguments: { city: 'Nice', days: 2 } }] });

    const parts = await collectParts(chatModel, {
      messages: [{ role: 'user', content: 'Weather in Nice?' }],
      tools: [weatherTool],
    });

    const toolCall = parts.flatMap((part) => (part.type === 'tool-call' ? [part.toolCall] : []))[0];
    expect(toolCall?.arguments).toBe('{"city":"Nice","days":2}');
    expect(toolCall?.id).toMatch(/^call_/);
  });

  it('reports an unknown model as a provider error carrying the binding message', async () => {
    const { chatModel } = setUp('@cf/nobody/no-such-model');

    const { failure } = await collectFailure(chatModel, { messages: [{ role: 'user', content: 'Hi' }] });

    expect(failure).toBeInstanceOf(ChatModelError);
    expect((failure as ChatModelError).kind).toBe('provider');
    expect((failure as ChatModelError).message).toContain('AiError: 5007: No such model @cf/nobody/no-such-model or task');
  });

  it('reports a capacity error with its documented code', async () => {
    const { fake, chatModel } = setUp();
    fake.script({ error: { status: 429 } });

    const { failure } = await collectFailure(chatModel, { messages: [{ role: 'user', content: 'Hi' }] });

    expect((failure as ChatModelError).kind).toBe('provider');
    expect((failure as ChatModelError).message).toContain('AiError: 3040: No more data centers to forward the request to');
  });

  it('does not call the binding when the caller already gave up', async () => {
    const { fake, chatModel } = setUp();
    const reason = new Error('gone');

    const { failure } = await collectFailure(chatModel, {
      messages: [{ role: 'user', content: 'Hi' }],
      signal: AbortSignal.abort(reason),
    });

    expect(failure).toBe(reason);
    expect(fake.calls).toEqual([]);
  });

  it("answers an unscripted prompt with the fake's echo", async () => {
    const { chatModel } = setUp();

    const parts = await collectParts(chatModel, { messages: [{ role: 'user', content: 'Echo me' }] });

    expect(textOf(parts)).toBe('You said: Echo me');
  });
});

import { describe, expect, inject, it } from 'vitest';
import { recordedRequests, scriptFakeOpenAI } from '../../../test-support/fake-openai/control.ts';
import { collectFailure, collectParts, runChatModelContract, textOf, uniqueMatch, weatherTool } from './chat-model.contract.ts';
import { ChatModelError } from './chat-model.ts';
import { createOpenAICompatibleChatModel } from './openai-compatible.ts';

const baseURL = inject('fakeOpenAIUrl');

function makeModel(settings: { timeoutMs?: number; headers?: Record<string, string>; fetch?: typeof fetch } = {}) {
  return createOpenAICompatibleChatModel({ baseURL, apiKey: 'test-key', model: 'fake-model', ...settings });
}

runChatModelContract(
  'openai-compatible',
  ({ timeoutMs }) => ({
    model: makeModel({ timeoutMs }),
    script: (match, steps) => scriptFakeOpenAI(baseURL, match, steps),
    receivedMessages: async (match) => (await recordedRequests(baseURL, match)).map((request) => (request.body as { messages: unknown[] }).messages),
  }),
  { supportsTimeoutSetting: true },
);

describe('openai-compatible chat model', () => {
  it('names its provider and model', () => {
    const model = makeModel();
    expect(model.provider).toBe('openai-compatible');
    expect(model.modelId).toBe('fake-model');
  });

  it('sends the model, system prompt, tools, sampling settings, API key and extra headers', async () => {
    const model = makeModel({ headers: { 'X-Kindred-Test': 'yes' } });
    const match = uniqueMatch('request-shape');
    await scriptFakeOpenAI(baseURL, match, [{ text: 'Fine.' }]);

    await collectParts(model, {
      messages: [
        { role: 'system', content: 'You are Kindred, a warm companion.' },
        { role: 'user', content: `How are you? (${match})` },
      ],
      tools: [weatherTool],
      temperature: 0.3,
      maxOutputTokens: 256,
    });

    const [request] = await recordedRequests(baseURL, match);
    expect(request?.path).toBe('/v1/chat/completions');
    expect(request?.headers.authorization).toBe('Bearer test-key');
    expect(request?.headers['x-kindred-test']).toBe('yes');
    expect(request?.body).toMatchObject({
      model: 'fake-model',
      stream: true,
      temperature: 0.3,
      max_tokens: 256,
      messages: [
        { role: 'system', content: 'You are Kindred, a warm companion.' },
        { role: 'user', content: `How are you? (${match})` },
      ],
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'The weather forecast for a city.',
            parameters: weatherTool.inputSchema,
          },
        },
      ],
    });
  });

  it('leaves out tools and sampling settings the request does not set', async () => {
    const model = makeModel();
    const match = uniqueMatch('minimal-request');
    await scriptFakeOpenAI(baseURL, match, [{ text: 'Hi.' }]);

    await collectParts(model, { messages: [{ role: 'user', content: match }] });

    const [request] = await recordedRequests(baseURL, match);
    const body = request?.body as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['messages', 'model', 'stream']);
  });

  it('sends null content for an assistant turn that only called tools', async () => {
    const model = makeModel();
    const match = uniqueMatch('null-content');
    await scriptFakeOpenAI(baseURL, match, [{ text: 'Done.' }]);

    await collectParts(model, {
      messages: [
        { role: 'user', content: match },
        { role: 'assistant', content: '', toolCalls: [{ id: 'call_a', name: 'get_weather', arguments: '{}' }] },
        { role: 'tool', toolCallId: 'call_a', content: 'sunny' },
      ],
      tools: [weatherTool],
    });

    const [request] = await recordedRequests(baseURL, match);
    expect((request?.body as { messages?: unknown[] } | undefined)?.messages?.[1]).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{}' } }],
    });
  });

  it('puts the HTTP status in a provider error but never the API key', async () => {
    const model = makeModel();
    const match = uniqueMatch('http-error');
    await scriptFakeOpenAI(baseURL, match, [{ error: { status: 401, message: 'Incorrect API key provided: test-key.' } }]);

    const { failure } = await collectFailure(model, { messages: [{ role: 'user', content: match }] });

    expect(failure).toBeInstanceOf(ChatModelError);
    const error = failure as ChatModelError;
    expect(error.kind).toBe('provider');
    expect(error.message).toContain('401');
    expect(error.message).toContain('Incorrect API key provided');
    expect(error.message).not.toContain('test-key');
  });

  it('reports a rate limit as a provider error without retrying it', async () => {
    const model = makeModel();
    const match = uniqueMatch('rate-limit');
    await scriptFakeOpenAI(baseURL, match, [{ error: { status: 429, message: 'Slow down.' } }, { text: 'retried' }]);

    const { failure } = await collectFailure(model, { messages: [{ role: 'user', content: match }] });

    expect((failure as ChatModelError).kind).toBe('provider');
    expect((failure as ChatModelError).message).toContain('429');
    expect(await recordedRequests(baseURL, match)).toHaveLength(1);
  });

  it('reports an unreachable server as a provider error', async () => {
    // workerd's own failure for a refused connection, injected so the runtime does not log the refusal.
    const refusingFetch: typeof fetch = async () => {
      throw new TypeError('Network connection lost.');
    };
    const model = createOpenAICompatibleChatModel({
      baseURL: 'http://127.0.0.1:9/v1',
      model: 'fake-model',
      fetch: refusingFetch,
    });

    const { failure } = await collectFailure(model, { messages: [{ role: 'user', content: 'anyone there?' }] });

    expect(failure).toBeInstanceOf(ChatModelError);
    expect((failure as ChatModelError).kind).toBe('provider');
    expect((failure as ChatModelError).message).toContain('Could not reach');
    expect((failure as ChatModelError).message).toContain('127.0.0.1:9');
  });

  it('goes through an injected fetch', async () => {
    const requestedUrls: string[] = [];
    const countingFetch: typeof fetch = (input, init) => {
      requestedUrls.push(input instanceof Request ? input.url : String(input));
      return fetch(input, init);
    };
    const model = makeModel({ fetch: countingFetch });
    const match = uniqueMatch('injected-fetch');
    await scriptFakeOpenAI(baseURL, match, [{ text: 'Through the wrapper.' }]);

    const parts = await collectParts(model, { messages: [{ role: 'user', content: match }] });

    expect(textOf(parts)).toBe('Through the wrapper.');
    expect(requestedUrls).toEqual([`${baseURL}/chat/completions`]);
  });

  it("answers an unscripted prompt with the fake's echo", async () => {
    const model = makeModel();
    const match = uniqueMatch('echo');

    const parts = await collectParts(model, { messages: [{ role: 'user', content: `Hello ${match}` }] });

    expect(textOf(parts)).toBe(`You said: Hello ${match}`);
    expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'stop' });
  });
});

/**
 * The behaviour every `ChatModel` adapter promises, as one shared suite: each adapter's test file calls
 * `runChatModelContract` with a harness that wires the adapter to its fake.
 */
import { describe, expect, it } from 'vitest';
import type { FakeStep } from '../../../test-support/fake-openai/control.ts';
import { type ChatMessage, type ChatModel, ChatModelError, type ChatRequest, type ChatStreamPart, type ChatToolDefinition } from './chat-model.ts';

/** An adapter wired to a fake provider, for one test. */
export interface ChatModelContractHarness {
  model: ChatModel;
  /** Queues the fake's answers to prompts whose last user message contains `match`. */
  script(match: string, steps: FakeStep[]): Promise<void>;
  /** The messages of each request the fake received for prompts whose last user message contains `match`. */
  receivedMessages(match: string): Promise<unknown[][]>;
}

/** Settings the contract varies between tests. */
export interface ChatModelContractSettings {
  timeoutMs?: number;
}

/** What the adapter under test supports beyond the common contract. */
export interface ChatModelContractOptions {
  /** The adapter has its own silence timeout (`timeoutMs`), exercised with hanging and slow answers. */
  supportsTimeoutSetting?: boolean;
}

export const weatherTool: ChatToolDefinition = {
  name: 'get_weather',
  description: 'The weather forecast for a city.',
  inputSchema: {
    type: 'object',
    properties: {
      city: { type: 'string', description: 'The city name.' },
      days: { type: 'number', description: 'How many days ahead.' },
    },
    required: ['city'],
  },
};

const reminderTool: ChatToolDefinition = {
  name: 'set_reminder',
  description: 'Reminds the user of something at a time.',
  inputSchema: {
    type: 'object',
    properties: { text: { type: 'string', description: 'What to remind.' } },
    required: ['text'],
  },
};

/** A marker unique to one test, so tests sharing a fake never consume each other's script. */
export function uniqueMatch(label: string): string {
  return `${label}-${crypto.randomUUID()}`;
}

export async function collectParts(model: ChatModel, request: ChatRequest): Promise<ChatStreamPart[]> {
  const parts: ChatStreamPart[] = [];
  for await (const part of model.stream(request)) parts.push(part);
  return parts;
}

/** Collects parts until the stream fails, returning the failure (or `undefined` when it did not fail). */
export async function collectFailure(model: ChatModel, request: ChatRequest): Promise<{ parts: ChatStreamPart[]; failure: unknown }> {
  const parts: ChatStreamPart[] = [];
  try {
    for await (const part of model.stream(request)) parts.push(part);
  } catch (failure) {
    return { parts, failure };
  }
  return { parts, failure: undefined };
}

export function textOf(parts: ChatStreamPart[]): string {
  return parts.map((part) => (part.type === 'text-delta' ? part.text : '')).join('');
}

function expectChatModelError(failure: unknown, kind: ChatModelError['kind']): ChatModelError {
  expect(failure).toBeInstanceOf(ChatModelError);
  const error = failure as ChatModelError;
  expect(error.kind).toBe(kind);
  expect(error.message.length).toBeGreaterThan(0);
  return error;
}

function userPrompt(match: string, tools?: ChatToolDefinition[]): ChatRequest {
  return {
    messages: [
      { role: 'system', content: 'You are Kindred, a warm companion.' },
      { role: 'user', content: `Please answer (${match}).` },
    ],
    ...(tools === undefined ? {} : { tools }),
  };
}

export function runChatModelContract(
  name: string,
  makeHarness: (settings: ChatModelContractSettings) => ChatModelContractHarness,
  options: ChatModelContractOptions = {},
): void {
  describe(`${name}: chat model contract`, () => {
    it('streams plain text in several deltas that reassemble exactly', async () => {
      const harness = makeHarness({});
      const match = uniqueMatch('plain-text');
      const text = 'Bonjour! Streaming works, even with ünïcödé and emoji 🎉 across deltas.';
      await harness.script(match, [{ text }]);

      const parts = await collectParts(harness.model, userPrompt(match));

      const deltas = parts.filter((part) => part.type === 'text-delta');
      expect(deltas.length).toBeGreaterThan(1);
      expect(textOf(parts)).toBe(text);
      expect(parts.filter((part) => part.type === 'tool-call')).toEqual([]);
      expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'stop' });
      expect(parts.filter((part) => part.type === 'finish')).toHaveLength(1);
    });

    it('delivers a tool call whole, with JSON arguments, then finishes with tool-calls', async () => {
      const harness = makeHarness({});
      const match = uniqueMatch('one-tool-call');
      const toolArguments = { city: 'Paris', days: 3 };
      await harness.script(match, [{ toolCalls: [{ name: 'get_weather', arguments: toolArguments }] }]);

      const parts = await collectParts(harness.model, userPrompt(match, [weatherTool]));

      const toolCalls = parts.flatMap((part) => (part.type === 'tool-call' ? [part.toolCall] : []));
      expect(toolCalls).toHaveLength(1);
      const [toolCall] = toolCalls;
      expect(toolCall?.name).toBe('get_weather');
      expect(JSON.parse(toolCall?.arguments ?? '')).toEqual(toolArguments);
      expect(toolCall?.id).toMatch(/\S/);
      expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'tool-calls' });
      expect(parts.findIndex((part) => part.type === 'tool-call')).toBeLessThan(parts.length - 1);
    });

    it('keeps several tool calls of one answer apart and in order', async () => {
      const harness = makeHarness({});
      const match = uniqueMatch('two-tool-calls');
      await harness.script(match, [
        {
          text: 'Let me do both.',
          toolCalls: [
            { name: 'get_weather', arguments: { city: 'Lyon' } },
            { name: 'set_reminder', arguments: { text: 'Take an umbrella, "just in case"' } },
          ],
        },
      ]);

      const parts = await collectParts(harness.model, userPrompt(match, [weatherTool, reminderTool]));

      const toolCalls = parts.flatMap((part) => (part.type === 'tool-call' ? [part.toolCall] : []));
      expect(toolCalls.map((toolCall) => toolCall.name)).toEqual(['get_weather', 'set_reminder']);
      expect(toolCalls.map((toolCall) => JSON.parse(toolCall.arguments))).toEqual([{ city: 'Lyon' }, { text: 'Take an umbrella, "just in case"' }]);
      expect(new Set(toolCalls.map((toolCall) => toolCall.id)).size).toBe(2);
      expect(textOf(parts)).toBe('Let me do both.');
      expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'tool-calls' });
    });

    it('sends a multi-turn prompt with tool calls and tool results in the OpenAI message shape', async () => {
      const harness = makeHarness({});
      const match = uniqueMatch('multi-turn');
      await harness.script(match, [{ text: 'It is 21 °C in Paris.' }]);
      const messages: ChatMessage[] = [
        { role: 'system', content: 'You are Kindred.' },
        { role: 'user', content: `What is the weather in Paris? (${match})` },
        {
          role: 'assistant',
          content: 'Let me check the weather.',
          toolCalls: [{ id: 'call_weather_1', name: 'get_weather', arguments: '{"city":"Paris"}' }],
        },
        { role: 'tool', toolCallId: 'call_weather_1', content: '{"temperature":21}' },
      ];

      const parts = await collectParts(harness.model, { messages, tools: [weatherTool] });

      expect(textOf(parts)).toBe('It is 21 °C in Paris.');
      const received = await harness.receivedMessages(match);
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject([
        { role: 'system', content: 'You are Kindred.' },
        { role: 'user', content: `What is the weather in Paris? (${match})` },
        {
          role: 'assistant',
          content: 'Let me check the weather.',
          tool_calls: [{ id: 'call_weather_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
        },
        { role: 'tool', tool_call_id: 'call_weather_1', content: '{"temperature":21}' },
      ]);
    });

    it('answers a tool loop follow-up with the next scripted step', async () => {
      const harness = makeHarness({});
      const match = uniqueMatch('tool-loop');
      await harness.script(match, [{ toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }] }, { text: 'Snow in Oslo.' }]);
      const firstParts = await collectParts(harness.model, userPrompt(match, [weatherTool]));
      const toolCall = firstParts.flatMap((part) => (part.type === 'tool-call' ? [part.toolCall] : []))[0];
      expect(toolCall?.name).toBe('get_weather');
      if (toolCall === undefined) return;

      const followUp = userPrompt(match, [weatherTool]);
      followUp.messages.push(
        { role: 'assistant', content: '', toolCalls: [toolCall] },
        { role: 'tool', toolCallId: toolCall.id, content: '{"forecast":"snow"}' },
      );
      const secondParts = await collectParts(harness.model, followUp);

      expect(textOf(secondParts)).toBe('Snow in Oslo.');
      expect(secondParts.at(-1)).toEqual({ type: 'finish', reason: 'stop' });
      expect(await harness.receivedMessages(match)).toHaveLength(2);
    });

    it('reports a provider error as ChatModelError "provider"', async () => {
      const harness = makeHarness({});
      const match = uniqueMatch('provider-error');
      await harness.script(match, [{ error: { status: 500, message: 'upstream exploded' } }]);

      const { failure } = await collectFailure(harness.model, userPrompt(match));

      const error = expectChatModelError(failure, 'provider');
      expect(error.message).toContain('upstream exploded');
    });

    it('reports malformed streamed output as ChatModelError "invalid-response"', async () => {
      const harness = makeHarness({});
      const match = uniqueMatch('malformed-stream');
      await harness.script(match, [{ text: 'never mind', malformed: true }]);

      const { failure } = await collectFailure(harness.model, userPrompt(match));

      expectChatModelError(failure, 'invalid-response');
    });

    it('reports malformed output of a turn with tools as ChatModelError "invalid-response"', async () => {
      const harness = makeHarness({});
      const match = uniqueMatch('malformed-tools');
      await harness.script(match, [{ text: 'never mind', malformed: true }]);

      const { failure } = await collectFailure(harness.model, userPrompt(match, [weatherTool]));

      expectChatModelError(failure, 'invalid-response');
    });

    it('reports the caller\'s timeout signal firing as ChatModelError "timeout"', async () => {
      const harness = makeHarness({});
      const match = uniqueMatch('caller-timeout');
      await harness.script(match, [{ hang: true }]);

      const { failure } = await collectFailure(harness.model, {
        ...userPrompt(match),
        signal: AbortSignal.timeout(100),
      });

      expectChatModelError(failure, 'timeout');
    });

    it("passes a caller's cancellation through instead of reporting a provider failure", async () => {
      const harness = makeHarness({});
      const match = uniqueMatch('caller-cancel');
      await harness.script(match, [{ hang: true }]);
      const controller = new AbortController();
      const reason = new Error('the client went away');
      setTimeout(() => controller.abort(reason), 50);

      const { failure } = await collectFailure(harness.model, { ...userPrompt(match), signal: controller.signal });

      expect(failure).toBe(reason);
    });

    if (options.supportsTimeoutSetting === true) {
      it('times out a provider that never answers', async () => {
        const harness = makeHarness({ timeoutMs: 150 });
        const match = uniqueMatch('hang');
        await harness.script(match, [{ hang: true }]);
        const startedAt = Date.now();

        const { failure } = await collectFailure(harness.model, userPrompt(match));

        expectChatModelError(failure, 'timeout');
        expect(Date.now() - startedAt).toBeLessThan(5_000);
      });

      it('times out a provider whose first byte comes too late', async () => {
        const harness = makeHarness({ timeoutMs: 150 });
        const match = uniqueMatch('late-first-byte');
        await harness.script(match, [{ text: 'Too late.', delayMs: 1_000 }]);

        const { failure } = await collectFailure(harness.model, userPrompt(match));

        expectChatModelError(failure, 'timeout');
      });

      it('times out a provider that falls silent mid-stream', async () => {
        const harness = makeHarness({ timeoutMs: 150 });
        const match = uniqueMatch('silent-mid-stream');
        await harness.script(match, [{ text: 'Slow words that trickle in.', chunkDelayMs: 1_000 }]);

        const { failure } = await collectFailure(harness.model, userPrompt(match));

        expectChatModelError(failure, 'timeout');
      });

      it('lets a slow but steady stream finish even when it lasts longer than the timeout', async () => {
        const harness = makeHarness({ timeoutMs: 250 });
        const match = uniqueMatch('steady-stream');
        const text = 'Twelve small chunks arrive steadily here.';
        await harness.script(match, [{ text, chunkDelayMs: 40 }]);

        const parts = await collectParts(harness.model, userPrompt(match));

        expect(textOf(parts)).toBe(text);
        expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'stop' });
      });
    }
  });
}

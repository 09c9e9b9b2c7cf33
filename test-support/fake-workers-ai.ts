/**
 * A fake of the Workers AI binding's `run(model, inputs, options)` for text generation, faithful to
 * Cloudflare's documented contract: known model ids only, `{ response, tool_calls, usage }` when not
 * streaming, a `ReadableStream` of server-sent events ending with `data: [DONE]` when `stream: true`,
 * and failures thrown as `Error`s whose message reads `AiError: <code>: <description>`.
 * Runs inside workerd; scripted with the same steps as the fake OpenAI server.
 */
import type { WorkersAIBinding } from '../server/providers/chat/workers-ai.ts';
import type { FakeStep, FakeToolCall } from './fake-openai/control.ts';
import { createFakeWorkersAISpeech, type FakeSpeechFailure, fakeWorkersAISpeechModels } from './fake-workers-ai-speech.ts';

/**
 * How a model shapes its output: `native` is the documented `{ response }` form; `openai` is the chat
 * completion form (whole answers and `chat.completion.chunk` events) newer models use.
 */
export type FakeWorkersAIOutputFormat = 'native' | 'openai';

/** The text-generation models the fake knows, with the output format each documents. */
export const fakeWorkersAIModels: Readonly<Record<string, FakeWorkersAIOutputFormat>> = {
  '@cf/meta/llama-3.3-70b-instruct-fp8-fast': 'native',
  '@cf/meta/llama-4-scout-17b-16e-instruct': 'native',
  '@cf/mistralai/mistral-small-3.1-24b-instruct': 'native',
  '@hf/nousresearch/hermes-2-pro-mistral-7b': 'native',
  '@cf/qwen/qwen3-30b-a3b-fp8': 'openai',
  '@cf/openai/gpt-oss-120b': 'openai',
};

/** One recorded `run` call. */
export interface FakeWorkersAICall {
  model: string;
  inputs: Record<string, unknown>;
  options: Record<string, unknown> | undefined;
}

/** How to build the fake. */
export interface FakeWorkersAIOptions {
  /** Delay before the default (unscripted) echo answer. */
  defaultDelayMs?: number;
}

/** The fake binding plus its script queue and its record of calls. */
export interface FakeWorkersAI extends WorkersAIBinding {
  /** Queues answers: each `run` consumes the next step; with none left it echoes the last user message. */
  script(...steps: FakeStep[]): void;
  /** Every `run` call, oldest first, inputs deep-copied as they were at call time. */
  readonly calls: FakeWorkersAICall[];
  /** Makes the next call of a speech model (`fake-workers-ai-speech.ts`) fail this way. */
  failNextSpeech(failure: FakeSpeechFailure): void;
}

/** Cloudflare's documented internal codes for the HTTP statuses it maps them to. */
const documentedErrors: Record<number, { code: number; description: string }> = {
  400: { code: 5007, description: 'No such model or task' },
  403: { code: 3023, description: 'Service unavailable for account' },
  404: { code: 3042, description: 'The model name is invalid' },
  408: { code: 3007, description: 'Request timeout' },
  413: { code: 3006, description: 'Request is too large' },
  429: { code: 3040, description: 'No more data centers to forward the request to' },
};

const textDeltaLength = 4;
const argumentsFragmentLength = 7;

export function createFakeWorkersAI(options: FakeWorkersAIOptions = {}): FakeWorkersAI {
  const queue: FakeStep[] = [];
  const calls: FakeWorkersAICall[] = [];
  const speech = createFakeWorkersAISpeech();

  async function run(model: string, inputs: Record<string, unknown>, runOptions?: Record<string, unknown>): Promise<unknown> {
    if ((fakeWorkersAISpeechModels as readonly string[]).includes(model)) {
      // A stream body cannot be cloned; the record keeps the rest of the input.
      const { audio, ...rest } = inputs;
      calls.push({ model, inputs: { ...structuredClone(rest), ...(audio === undefined ? {} : { audio: describeAudio(audio) }) }, options: runOptions });
      return speech.run(model, inputs, runOptions);
    }
    calls.push({ model, inputs: structuredClone(inputs), options: runOptions });
    const format = fakeWorkersAIModels[model];
    if (format === undefined) throw aiError(5007, `No such model ${model} or task`);
    const messages = readMessages(inputs);
    const signal = runOptions?.signal instanceof AbortSignal ? runOptions.signal : undefined;
    const step = queue.shift() ?? {
      text: `You said: ${lastUserMessage(messages)}`,
      delayMs: options.defaultDelayMs ?? 0,
    };

    await wait(step.delayMs ?? 0, signal);
    if (step.hang === true) await wait(Number.POSITIVE_INFINITY, signal);
    if (step.error !== undefined) {
      const documented = documentedErrors[step.error.status];
      const description = step.error.message ?? documented?.description ?? 'Internal server error';
      throw documented === undefined ? new Error(`AiError: ${description}`) : aiError(documented.code, description);
    }
    const usage = estimateUsage(messages, step);
    if (inputs.stream === true) {
      if (format === 'native' && (step.toolCalls ?? []).length > 0) {
        throw new Error(
          'fake Workers AI: scripted tool calls need a non-streaming call; the documented streamed ' + 'output of this model carries only `response` text.',
        );
      }
      return sseStream(format === 'native' ? nativeEvents(step, usage) : openAIEvents(model, step), step, signal);
    }
    if (step.malformed === true) return { response: 42 };
    return format === 'native' ? nativeAnswer(step, usage) : openAIAnswer(model, step, usage);
  }

  return {
    run,
    calls,
    script(...steps: FakeStep[]) {
      queue.push(...steps);
    },
    failNextSpeech: (failure) => speech.failNext(failure),
  };
}

/** What a recorded call shows of its audio input: its shape, not a copy of the bytes. */
function describeAudio(audio: unknown): unknown {
  if (typeof audio === 'string') return `<base64 ${audio.length} characters>`;
  if (Array.isArray(audio)) return `<${audio.length} bytes>`;
  if (typeof audio === 'object' && audio !== null && 'contentType' in audio) return { body: '<stream>', contentType: audio.contentType };
  return audio;
}

function aiError(code: number, description: string): Error {
  return new Error(`AiError: ${code}: ${description}`);
}

interface FakeMessage {
  role: string;
  content: unknown;
}

/** The binding validates its input before running the model; so does the fake, for `messages`. */
function readMessages(inputs: Record<string, unknown>): FakeMessage[] {
  const { messages } = inputs;
  const valid =
    Array.isArray(messages) &&
    messages.length > 0 &&
    messages.every((message) => typeof message === 'object' && message !== null && typeof message.role === 'string');
  if (!valid) throw new Error("AiError: required properties at '/' are 'messages' with a 'role' each");
  return messages as FakeMessage[];
}

function lastUserMessage(messages: FakeMessage[]): string {
  const message = messages.findLast((candidate) => candidate.role === 'user');
  return typeof message?.content === 'string' ? message.content : '';
}

function estimateUsage(messages: FakeMessage[], step: FakeStep) {
  const countTokens = (text: string) => text.split(/\s+/).filter((word) => word.length > 0).length;
  const promptTokens = messages.reduce((total, message) => total + (typeof message.content === 'string' ? countTokens(message.content) : 0), 0);
  const completionTokens = countTokens(step.text ?? '') + (step.toolCalls ?? []).length;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
}

function nativeAnswer(step: FakeStep, usage: ReturnType<typeof estimateUsage>) {
  const toolCalls = step.toolCalls ?? [];
  return {
    response: step.text ?? '',
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls.map((toolCall) => ({ name: toolCall.name, arguments: toolCall.arguments ?? {} })) } : {}),
    usage,
  };
}

function openAIAnswer(model: string, step: FakeStep, usage: ReturnType<typeof estimateUsage>) {
  const toolCalls = numberToolCalls(step.toolCalls ?? []);
  return {
    id: `chatcmpl-${crypto.randomUUID()}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: step.text ?? '',
          ...(toolCalls.length > 0
            ? {
                tool_calls: toolCalls.map((toolCall) => ({
                  id: toolCall.id,
                  type: 'function',
                  function: { name: toolCall.name, arguments: toolCall.argumentsText },
                })),
              }
            : {}),
        },
        finish_reason: toolCalls.length > 0 ? 'tool_calls' : 'stop',
      },
    ],
    usage,
  };
}

/** The documented stream: `{ response }` pieces, a last event with `usage`, then `[DONE]`. */
function nativeEvents(step: FakeStep, usage: ReturnType<typeof estimateUsage>): string[] {
  const events = splitIntoPieces(step.text ?? '', textDeltaLength).map((piece) => JSON.stringify({ response: piece }));
  if (step.malformed === true) events.splice(1, 0, JSON.stringify({ response: 42 }));
  events.push(JSON.stringify({ response: '', usage }), '[DONE]');
  return events;
}

/** `chat.completion.chunk` events, tool calls split by `index` as OpenAI streams them. */
function openAIEvents(model: string, step: FakeStep): string[] {
  const id = `chatcmpl-${crypto.randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) =>
    JSON.stringify({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      choices: [{ index: 0, delta, finish_reason: finishReason }],
    });
  const toolCalls = numberToolCalls(step.toolCalls ?? []);
  const events = [chunk({ role: 'assistant', content: '' })];
  if (step.malformed === true) events.push(JSON.stringify({ choices: [{ delta: { content: 7 } }] }));
  for (const piece of splitIntoPieces(step.text ?? '', textDeltaLength)) events.push(chunk({ content: piece }));
  toolCalls.forEach((toolCall, index) => {
    events.push(
      chunk({
        tool_calls: [{ index, id: toolCall.id, type: 'function', function: { name: toolCall.name, arguments: '' } }],
      }),
    );
    for (const fragment of splitIntoPieces(toolCall.argumentsText, argumentsFragmentLength)) {
      events.push(chunk({ tool_calls: [{ index, function: { arguments: fragment } }] }));
    }
  });
  events.push(chunk({}, toolCalls.length > 0 ? 'tool_calls' : 'stop'), '[DONE]');
  return events;
}

function sseStream(events: string[], step: FakeStep, signal: AbortSignal | undefined): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let next = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (next > 0) await wait(step.chunkDelayMs ?? 0, signal);
      const event = events[next];
      next += 1;
      if (event === undefined) {
        controller.close();
        return;
      }
      controller.enqueue(encoder.encode(`data: ${event}\n\n`));
    },
  });
}

function numberToolCalls(toolCalls: FakeToolCall[]) {
  return toolCalls.map((toolCall) => ({
    id: `call_${crypto.randomUUID().replaceAll('-', '').slice(0, 24)}`,
    name: toolCall.name,
    argumentsText: JSON.stringify(toolCall.arguments ?? {}),
  }));
}

function splitIntoPieces(text: string, length: number): string[] {
  const codePoints = Array.from(text);
  const pieces: string[] = [];
  for (let start = 0; start < codePoints.length; start += length) {
    pieces.push(codePoints.slice(start, start + length).join(''));
  }
  return pieces;
}

/** Waits `milliseconds` (forever for Infinity), rejecting with the signal's reason if it aborts first. */
function wait(milliseconds: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted === true) return Promise.reject(signal.reason);
  if (milliseconds <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = Number.isFinite(milliseconds) ? setTimeout(finish, milliseconds) : undefined;
    function finish() {
      signal?.removeEventListener('abort', abort);
      resolve();
    }
    function abort() {
      clearTimeout(timer);
      reject(signal?.reason);
    }
    signal?.addEventListener('abort', abort, { once: true });
  });
}

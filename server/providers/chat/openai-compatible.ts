/**
 * The chat model adapter for any server speaking OpenAI's chat completions protocol (OpenAI itself,
 * Ollama, vLLM, llama.cpp, LM Studio, OpenRouter, the test fake...), through the `openai` SDK.
 */
import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import type { ChatCompletionCreateParamsStreaming, ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { z } from 'zod';
import { createOpenAIClient, safeHost } from '../openai-client.ts';
import {
  type ChatMessage,
  type ChatModel,
  ChatModelError,
  type ChatRequest,
  type ChatStreamPart,
  type ChatToolCall,
  type ChatToolDefinition,
  callerAbortFailure,
} from './chat-model.ts';

/** Settings of an OpenAI-compatible provider. */
export interface OpenAICompatibleChatModelSettings {
  /** The API root including its version segment, e.g. `https://api.openai.com/v1` or `http://127.0.0.1:11434/v1`. */
  baseURL: string;
  /** Sent as `Authorization: Bearer …`; local servers usually need none. */
  apiKey?: string;
  model: string;
  /** Extra headers on every request, e.g. OpenRouter's `HTTP-Referer`. */
  headers?: Record<string, string>;
  /** Replaces the global `fetch`, e.g. to route through a service binding. */
  fetch?: typeof fetch;
  /** The longest the provider may stay silent: before its first byte and between streamed chunks. */
  timeoutMs?: number;
}

const defaultTimeoutMs = 60_000;
const longestErrorDetail = 300;

/** OpenAI's documented chunk shape, kept loose: servers add fields and some omit optional ones. */
const toolCallDeltaSchema = z.object({
  index: z.number().int().nonnegative().optional(),
  id: z.string().nullish(),
  function: z.object({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
});
const chunkSchema = z.object({
  choices: z.array(
    z.object({
      index: z.number().int().optional(),
      delta: z.object({ content: z.string().nullish(), tool_calls: z.array(toolCallDeltaSchema).nullish() }).nullish(),
      finish_reason: z.string().nullish(),
    }),
  ),
});
type ToolCallDelta = z.infer<typeof toolCallDeltaSchema>;

export function createOpenAICompatibleChatModel(settings: OpenAICompatibleChatModelSettings): ChatModel {
  const timeoutMs = settings.timeoutMs ?? defaultTimeoutMs;
  const client = createOpenAIClient({ ...settings, timeoutMs });
  const describeProvider = `the OpenAI-compatible provider at ${safeHost(settings.baseURL)}`;

  function redact(text: string): string {
    const apiKey = settings.apiKey;
    const redacted = apiKey !== undefined && apiKey.length > 0 ? text.replaceAll(apiKey, '[redacted]') : text;
    return redacted.length > longestErrorDetail ? `${redacted.slice(0, longestErrorDetail)}…` : redacted;
  }

  /** Turns whatever the SDK or the stream threw into what `ChatModel.stream` promises to throw. */
  function toFailure(error: unknown, silence: AbortSignal, callerSignal: AbortSignal | undefined): unknown {
    if (error instanceof ChatModelError) return error;
    if (silence.aborted || error instanceof APIConnectionTimeoutError) {
      return new ChatModelError('timeout', `${describeProvider} sent nothing for ${timeoutMs} ms.`, {
        cause: error,
      });
    }
    if (callerSignal?.aborted === true) return callerAbortFailure(callerSignal);
    if (error instanceof APIConnectionError) {
      return new ChatModelError('provider', `Could not reach ${describeProvider}: ${redact(error.message)}`, {
        cause: error,
      });
    }
    if (error instanceof APIError) {
      const detail = redact(apiErrorDetail(error));
      const message =
        error.status === undefined
          ? `${describeProvider} reported an error mid-stream: ${detail}`
          : `${describeProvider} answered HTTP ${error.status}: ${detail}`;
      return new ChatModelError('provider', message, { cause: error });
    }
    // The SDK throws SyntaxError for server-sent events whose data is not JSON.
    if (error instanceof SyntaxError) {
      return new ChatModelError('invalid-response', `${describeProvider} streamed malformed JSON.`, {
        cause: error,
      });
    }
    const detail = error instanceof Error ? error.message : String(error);
    return new ChatModelError('provider', `${describeProvider} failed: ${redact(detail)}`, { cause: error });
  }

  async function* stream(request: ChatRequest): AsyncGenerator<ChatStreamPart> {
    const silenceController = new AbortController();
    const silence = silenceController.signal;
    const signal = request.signal === undefined ? silence : AbortSignal.any([request.signal, silence]);
    // One timer per silence period rather than one per chunk: a chunk only records the time, and the
    // timer, when it fires, re-arms for whatever is left. Chunks arrive every few milliseconds, and
    // re-creating a timer for each showed up in the profile of a busy object.
    let silenceTimer: ReturnType<typeof setTimeout> | undefined;
    let lastHeardAt = Date.now();
    let watching = false;
    const checkSilence = () => {
      const silentFor = Date.now() - lastHeardAt;
      if (watching && silentFor >= timeoutMs) return silenceController.abort();
      silenceTimer = setTimeout(checkSilence, watching ? timeoutMs - silentFor : timeoutMs);
    };
    const watchSilence = () => {
      lastHeardAt = Date.now();
      watching = true;
      if (silenceTimer === undefined) silenceTimer = setTimeout(checkSilence, timeoutMs);
    };
    // Time spent by the consumer between parts is not the provider's silence.
    const pauseWatch = () => {
      watching = false;
    };

    const body: ChatCompletionCreateParamsStreaming = {
      model: settings.model,
      messages: request.messages.map(toOpenAIMessage),
      stream: true,
      ...(request.tools !== undefined && request.tools.length > 0 ? { tools: request.tools.map(toOpenAITool) } : {}),
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
      // `max_tokens` rather than `max_completion_tokens`: it is the field compatible servers understand.
      ...(request.maxOutputTokens === undefined ? {} : { max_tokens: request.maxOutputTokens }),
    };

    watchSilence();
    try {
      let chunks: AsyncIterable<unknown>;
      try {
        chunks = await client.chat.completions.create(body, { signal });
      } catch (error) {
        throw toFailure(error, silence, request.signal);
      }
      const toolCalls = new ToolCallAssembler();
      let finishReason: string | undefined;
      try {
        for await (const rawChunk of chunks) {
          pauseWatch();
          const parsed = chunkSchema.safeParse(rawChunk);
          if (!parsed.success) {
            throw new ChatModelError('invalid-response', `${describeProvider} streamed a chunk that is not a chat completion chunk.`, { cause: parsed.error });
          }
          // Kindred never asks for several choices (`n`), so only the first one matters.
          const choice = parsed.data.choices.find((candidate) => (candidate.index ?? 0) === 0);
          const content = choice?.delta?.content;
          if (content !== undefined && content !== null && content.length > 0) {
            yield { type: 'text-delta', text: content };
          }
          for (const delta of choice?.delta?.tool_calls ?? []) toolCalls.add(delta);
          if (choice?.finish_reason !== undefined && choice.finish_reason !== null) {
            finishReason = choice.finish_reason;
          }
          watchSilence();
        }
      } catch (error) {
        throw toFailure(error, silence, request.signal);
      }
      // The SDK ends the iteration quietly when its request is aborted, so an abort must be checked here.
      if (signal.aborted) throw toFailure(signal.reason, silence, request.signal);
      pauseWatch();

      const assembled = toolCalls.finish(describeProvider);
      if (finishReason === undefined) {
        throw new ChatModelError('invalid-response', `${describeProvider} ended its stream without a finish reason.`);
      }
      for (const toolCall of assembled) yield { type: 'tool-call', toolCall };
      yield { type: 'finish', reason: mapFinishReason(finishReason, assembled.length > 0) };
    } finally {
      clearTimeout(silenceTimer);
    }
  }

  return { provider: 'openai-compatible', modelId: settings.model, stream };
}

/**
 * Reassembles streamed tool calls. OpenAI sends a call's id and name in its first delta and the JSON
 * arguments in later fragments, all tagged with the call's `index`.
 */
class ToolCallAssembler {
  private readonly calls = new Map<number, { id: string; name: string; argumentsText: string }>();
  private lastIndex = 0;

  add(delta: ToolCallDelta): void {
    const index = this.indexOf(delta);
    this.lastIndex = index;
    const call = this.calls.get(index) ?? { id: '', name: '', argumentsText: '' };
    if (call.id === '' && delta.id) call.id = delta.id;
    if (call.name === '' && delta.function?.name) call.name = delta.function.name;
    if (delta.function?.arguments) call.argumentsText += delta.function.arguments;
    this.calls.set(index, call);
  }

  finish(describeProvider: string): ChatToolCall[] {
    return [...this.calls.entries()]
      .sort(([left], [right]) => left - right)
      .map(([, call]) => {
        if (call.name === '') {
          throw new ChatModelError('invalid-response', `${describeProvider} streamed a tool call without a name.`);
        }
        return {
          // Some local servers omit ids; the loop still needs one to pair the result with the call.
          id: call.id === '' ? `call_${crypto.randomUUID()}` : call.id,
          name: call.name,
          // A call of a tool without parameters may stream no argument text at all.
          arguments: call.argumentsText === '' ? '{}' : call.argumentsText,
        };
      });
  }

  /** `index` is required by OpenAI, but a few compatible servers leave it out. */
  private indexOf(delta: ToolCallDelta): number {
    if (delta.index !== undefined) return delta.index;
    if (!delta.id) return this.lastIndex;
    for (const [index, call] of this.calls) {
      if (call.id === delta.id) return index;
    }
    return this.calls.size === 0 ? 0 : Math.max(...this.calls.keys()) + 1;
  }
}

function toOpenAIMessage(message: ChatMessage): ChatCompletionMessageParam {
  switch (message.role) {
    case 'system':
    case 'user':
      return { role: message.role, content: message.content };
    case 'assistant': {
      if (message.toolCalls === undefined || message.toolCalls.length === 0) {
        return { role: 'assistant', content: message.content };
      }
      return {
        role: 'assistant',
        // OpenAI documents `null` content for a turn that only calls tools; some servers reject ''.
        content: message.content.length > 0 ? message.content : null,
        tool_calls: message.toolCalls.map((toolCall) => ({
          id: toolCall.id,
          type: 'function',
          function: { name: toolCall.name, arguments: toolCall.arguments },
        })),
      };
    }
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
  }
}

function toOpenAITool(tool: ChatToolDefinition): ChatCompletionTool {
  return {
    type: 'function',
    function: { name: tool.name, description: tool.description, parameters: tool.inputSchema },
  };
}

function mapFinishReason(reason: string, calledTools: boolean): Extract<ChatStreamPart, { type: 'finish' }>['reason'] {
  // Some servers (Ollama among them) report `stop` for a turn that called tools.
  if (calledTools && reason === 'stop') return 'tool-calls';
  if (reason === 'stop') return 'stop';
  if (reason === 'tool_calls' || reason === 'function_call') return 'tool-calls';
  if (reason === 'length') return 'length';
  return 'other';
}

/** The provider's own words from an OpenAI-style error body, else the SDK's message. */
function apiErrorDetail(error: APIError): string {
  const body: unknown = error.error;
  if (typeof body === 'object' && body !== null && 'message' in body && typeof body.message === 'string') {
    return body.message;
  }
  return error.message;
}

/**
 * The chat model adapter for any server speaking OpenAI's chat completions protocol (OpenAI itself,
 * Ollama, vLLM, llama.cpp, LM Studio, OpenRouter, the test fake...).
 *
 * It speaks the protocol with `fetch` and a small reader of server-sent events rather than through the
 * `openai` SDK. The stream is a turn's hot path: in `npm run bench -- chat` the SDK's streaming layer (a
 * line decoder and three async iterators stacked per event, a URL redaction, a timer and a debug log
 * per request) was the largest single cost of a turn, about a quarter of workerd's CPU, for what is
 * reading `data:` lines of JSON. Each chunk is still validated with zod, and failures are mapped to the
 * same `ChatModelError` kinds the SDK's errors were.
 */
import type { ChatCompletionCreateParamsStreaming, ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { z } from 'zod';
import { type OpenAICompatibleSettings, safeHost } from '../openai-client.ts';
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
import { createInactivityTimeout } from './inactivity-timeout.ts';
import { type ServerSentEvent, ServerSentEventReader } from './server-sent-events.ts';

/** Settings of an OpenAI-compatible provider. */
export interface OpenAICompatibleChatModelSettings extends OpenAICompatibleSettings {
  /** The longest the provider may stay silent: before its first byte and between streamed chunks (default 60 s). */
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
  const describeProvider = `the OpenAI-compatible provider at ${safeHost(settings.baseURL)}`;
  const completionsUrl = `${settings.baseURL.replace(/\/+$/, '')}/chat/completions`;
  const fetchImpl = settings.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  // Keyless local servers need no Authorization header; the SDK sent a placeholder they ignored.
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'text/event-stream',
    ...(settings.apiKey ? { authorization: `Bearer ${settings.apiKey}` } : {}),
    ...settings.headers,
  };

  function redact(text: string): string {
    const apiKey = settings.apiKey;
    const redacted = apiKey !== undefined && apiKey.length > 0 ? text.replaceAll(apiKey, '[redacted]') : text;
    return redacted.length > longestErrorDetail ? `${redacted.slice(0, longestErrorDetail)}…` : redacted;
  }

  /** Turns whatever `fetch` or the stream threw into what `ChatModel.stream` promises to throw. */
  function toFailure(error: unknown, silence: AbortSignal, callerSignal: AbortSignal | undefined): unknown {
    if (error instanceof ChatModelError) return error;
    if (silence.aborted) {
      return new ChatModelError('timeout', `${describeProvider} sent nothing for ${timeoutMs} ms.`, { cause: error });
    }
    if (callerSignal?.aborted === true) return callerAbortFailure(callerSignal);
    // `fetch` rejects with a TypeError when the server cannot be reached or the connection drops.
    if (error instanceof TypeError) {
      return new ChatModelError('provider', `Could not reach ${describeProvider}: ${redact(error.message)}`, { cause: error });
    }
    const detail = error instanceof Error ? error.message : String(error);
    return new ChatModelError('provider', `${describeProvider} failed: ${redact(detail)}`, { cause: error });
  }

  async function* stream(request: ChatRequest): AsyncGenerator<ChatStreamPart> {
    // Silence is watched while waiting for the provider; time the consumer spends on a part is not its silence.
    const watch = createInactivityTimeout(timeoutMs);
    const silence = watch.signal;
    const signal = request.signal === undefined ? silence : AbortSignal.any([request.signal, silence]);

    const body: ChatCompletionCreateParamsStreaming = {
      model: settings.model,
      messages: request.messages.map(toOpenAIMessage),
      stream: true,
      ...(request.tools !== undefined && request.tools.length > 0 ? { tools: request.tools.map(toOpenAITool) } : {}),
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
      // `max_tokens` rather than `max_completion_tokens`: it is the field compatible servers understand.
      ...(request.maxOutputTokens === undefined ? {} : { max_tokens: request.maxOutputTokens }),
    };

    let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
    let finished = false;
    try {
      let response: Response;
      try {
        response = await fetchImpl(completionsUrl, { method: 'POST', headers, body: JSON.stringify(body), signal });
      } catch (error) {
        throw toFailure(error, silence, request.signal);
      }
      if (!response.ok || response.body === null) {
        const detail = await readErrorDetail(response).catch(() => response.statusText);
        throw new ChatModelError('provider', `${describeProvider} answered HTTP ${response.status}: ${redact(detail)}`);
      }
      reader = response.body.getReader();
      const events = new ServerSentEventReader();
      const toolCalls = new ToolCallAssembler();
      let finishReason: string | undefined;
      try {
        reading: while (true) {
          const { done, value } = await reader.read();
          if (done) {
            finished = true;
            break;
          }
          watch.pause();
          for (const event of events.push(value)) {
            if (event.data === '[DONE]') break reading;
            const chunk = parseChunk(event);
            // Kindred never asks for several choices (`n`), so only the first one matters.
            const choice = chunk.choices.length === 1 ? chunk.choices[0] : chunk.choices.find((candidate) => (candidate.index ?? 0) === 0);
            const content = choice?.delta?.content;
            if (content !== undefined && content !== null && content.length > 0) {
              yield { type: 'text-delta', text: content };
            }
            const toolCallDeltas = choice?.delta?.tool_calls;
            if (toolCallDeltas !== undefined && toolCallDeltas !== null) for (const delta of toolCallDeltas) toolCalls.add(delta);
            if (choice?.finish_reason !== undefined && choice.finish_reason !== null) {
              finishReason = choice.finish_reason;
            }
          }
          watch.touch();
        }
      } catch (error) {
        throw toFailure(error, silence, request.signal);
      }
      // A stream cut by an abort can end like a finished one, so an abort must be checked here.
      if (signal.aborted) throw toFailure(signal.reason, silence, request.signal);
      watch.pause();

      const assembled = toolCalls.finish(describeProvider);
      if (finishReason === undefined) {
        throw new ChatModelError('invalid-response', `${describeProvider} ended its stream without a finish reason.`);
      }
      for (const toolCall of assembled) yield { type: 'tool-call', toolCall };
      yield { type: 'finish', reason: mapFinishReason(finishReason, assembled.length > 0) };
    } finally {
      watch.stop();
      // Stopped early (after `[DONE]`, on a failure, or by a consumer that stopped iterating): let the connection go.
      if (reader !== undefined && !finished) reader.cancel().catch(() => {});
    }
  }

  /** One event's JSON, validated: malformed JSON or shape is `invalid-response`, an error event is `provider`. */
  function parseChunk(event: ServerSentEvent): z.infer<typeof chunkSchema> {
    let json: unknown;
    try {
      json = JSON.parse(event.data);
    } catch (error) {
      throw new ChatModelError('invalid-response', `${describeProvider} streamed malformed JSON.`, { cause: error });
    }
    // OpenAI reports a failure mid-stream as an event whose data carries `error` (some servers name the event `error`).
    if (event.event === 'error' || (typeof json === 'object' && json !== null && 'error' in json && json.error !== null && json.error !== undefined)) {
      throw new ChatModelError('provider', `${describeProvider} reported an error mid-stream: ${redact(errorDetail(json) ?? event.data)}`);
    }
    const parsed = chunkSchema.safeParse(json);
    if (!parsed.success) {
      throw new ChatModelError('invalid-response', `${describeProvider} streamed a chunk that is not a chat completion chunk.`, { cause: parsed.error });
    }
    return parsed.data;
  }

  return { provider: 'openai-compatible', modelId: settings.model, stream };
}

/** The provider's own words from an OpenAI-style error body, if it has them. */
function errorDetail(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const error = 'error' in body ? body.error : body;
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string') return error.message;
  if ('message' in body && typeof body.message === 'string') return body.message;
  return undefined;
}

/** An HTTP error's body: OpenAI's `{ error: { message } }` when it is that, else its text. */
async function readErrorDetail(response: Response): Promise<string> {
  const text = await response.text();
  try {
    return errorDetail(JSON.parse(text)) ?? (text || response.statusText);
  } catch {
    return text || response.statusText;
  }
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

/**
 * The chat model adapter over the Workers AI binding (`env.AI.run(model, inputs, options)`), following
 * Cloudflare's documented text-generation input (`messages`, `tools`, `stream`, `max_tokens`,
 * `temperature`) and output (`{ response, tool_calls, usage }`, or server-sent events when streaming).
 */
import { z } from 'zod';
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
import { type ServerSentEvent, ServerSentEventReader } from './server-sent-events.ts';

/** The part of the Workers AI binding this adapter uses; the real `Ai` binding and the test fake both fit. */
export interface WorkersAIBinding {
  run(model: string, inputs: Record<string, unknown>, options?: Record<string, unknown>): Promise<unknown>;
}

/** Settings of the Workers AI provider. */
export interface WorkersAIChatModelSettings {
  binding: WorkersAIBinding;
  /** A text-generation model that supports function calling; defaults to `defaultWorkersAIChatModelId`. */
  model?: string;
}

export const defaultWorkersAIChatModelId = '@cf/meta/llama-3.3-70b-instruct-fp8-fast';

type FinishReason = Extract<ChatStreamPart, { type: 'finish' }>['reason'];

/** Native tool calls carry arguments as an object; OpenAI-style ones as JSON text. */
const toolArgumentsSchema = z.union([z.string(), z.record(z.string(), z.unknown())]);

/** The documented non-streaming output: `{ response, tool_calls?: [{ name, arguments }], usage }`. */
const nativeOutputSchema = z.object({
  response: z.string().nullish(),
  tool_calls: z.array(z.object({ name: z.string().min(1), arguments: toolArgumentsSchema.nullish() })).nullish(),
});

/** The OpenAI chat completion shape newer Workers AI models answer with. */
const openAIOutputSchema = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({
          content: z.string().nullish(),
          tool_calls: z
            .array(
              z.object({
                id: z.string().nullish(),
                function: z.object({ name: z.string().min(1), arguments: toolArgumentsSchema.nullish() }),
              }),
            )
            .nullish(),
        }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
});

/** One streamed event: the documented `{ response }` or an OpenAI `chat.completion.chunk`. */
const streamedChunkSchema = z.object({
  response: z.string().nullish(),
  choices: z
    .array(
      z.object({
        delta: z.object({ content: z.string().nullish() }).nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .nullish(),
});

export function createWorkersAIChatModel(settings: WorkersAIChatModelSettings): ChatModel {
  const modelId = settings.model ?? defaultWorkersAIChatModelId;
  const describeProvider = `Workers AI (${modelId})`;

  function invalid(reason: string, cause?: unknown): ChatModelError {
    return new ChatModelError('invalid-response', `${describeProvider} ${reason}`, { cause });
  }

  function toFailure(error: unknown, callerSignal: AbortSignal | undefined): unknown {
    if (error instanceof ChatModelError) return error;
    if (callerSignal?.aborted === true) return callerAbortFailure(callerSignal);
    // The binding throws plain Errors such as `AiError: 3040: No more data centers to forward the request to`.
    const detail = error instanceof Error ? error.message : String(error);
    return new ChatModelError('provider', `${describeProvider} failed: ${detail}`, { cause: error });
  }

  /** A whole (non-streamed) answer, replayed as parts: its text as one delta, then its tool calls. */
  function* completeAnswerParts(output: unknown): Generator<ChatStreamPart> {
    const native = nativeOutputSchema.safeParse(output);
    const openAI = openAIOutputSchema.safeParse(output);
    let text: string;
    let toolCalls: ChatToolCall[];
    let finishReason: FinishReason;
    if (openAI.success) {
      const [choice] = openAI.data.choices;
      if (choice === undefined) throw invalid('answered without a choice.');
      text = choice.message.content ?? '';
      toolCalls = (choice.message.tool_calls ?? []).map((toolCall) => toChatToolCall(toolCall.id, toolCall.function.name, toolCall.function.arguments));
      finishReason = mapFinishReason(choice.finish_reason ?? 'stop', toolCalls.length > 0);
    } else if (native.success && (typeof native.data.response === 'string' || native.data.tool_calls)) {
      text = native.data.response ?? '';
      toolCalls = (native.data.tool_calls ?? []).map((toolCall) => toChatToolCall(undefined, toolCall.name, toolCall.arguments));
      finishReason = toolCalls.length > 0 ? 'tool-calls' : 'stop';
    } else {
      throw invalid('answered with output that is neither its documented shape nor a chat completion.', native.error);
    }
    if (text.length > 0) yield { type: 'text-delta', text };
    for (const toolCall of toolCalls) yield { type: 'tool-call', toolCall };
    yield { type: 'finish', reason: finishReason };
  }

  async function* streamedAnswerParts(output: ReadableStream<unknown>, callerSignal: AbortSignal | undefined): AsyncGenerator<ChatStreamPart> {
    const reader = output.getReader();
    // The binding may not end its stream on abort, so cancelling the reader is what unblocks a pending read.
    const cancelOnAbort = () => {
      reader.cancel(callerSignal?.reason).catch(() => {});
    };
    callerSignal?.addEventListener('abort', cancelOnAbort, { once: true });
    let finishReason: string | undefined;
    let sawDone = false;
    const events = new ServerSentEventReader();
    // One pass over the events of a network chunk, or of the stream's end.
    const take = function* (batch: ServerSentEvent[]): Generator<ChatStreamPart> {
      for (const { data } of batch) {
        if (sawDone) return;
        if (data === '[DONE]') {
          sawDone = true;
          return;
        }
        let json: unknown;
        try {
          json = JSON.parse(data);
        } catch (error) {
          throw invalid('streamed an event whose data is not JSON.', error);
        }
        const chunk = streamedChunkSchema.safeParse(json);
        if (!chunk.success) throw invalid('streamed an event of an unknown shape.', chunk.error);
        const [choice] = chunk.data.choices ?? [];
        const text = chunk.data.response ?? choice?.delta?.content ?? '';
        if (text.length > 0) yield { type: 'text-delta', text };
        if (choice?.finish_reason) finishReason = choice.finish_reason;
      }
    };
    try {
      while (!sawDone) {
        const { done, value } = await reader.read();
        if (done) {
          yield* take(events.finish());
          break;
        }
        yield* take(events.push(typeof value === 'string' ? value : (value as Uint8Array)));
      }
    } catch (error) {
      throw toFailure(error, callerSignal);
    } finally {
      callerSignal?.removeEventListener('abort', cancelOnAbort);
      // Frees the binding's stream whether it ended, failed or the consumer stopped listening early.
      reader.cancel().catch(() => {});
      reader.releaseLock();
    }
    if (callerSignal?.aborted === true) throw callerAbortFailure(callerSignal);
    if (!sawDone) throw invalid('ended its stream before `data: [DONE]`.');
    yield { type: 'finish', reason: mapFinishReason(finishReason ?? 'stop', false) };
  }

  async function* stream(request: ChatRequest): AsyncGenerator<ChatStreamPart> {
    const tools = request.tools ?? [];
    // Cloudflare documents `tool_calls` only on the non-streamed output; the streamed events carry
    // `response` text. So a turn that offers tools is one non-streaming call whose whole text arrives as
    // one delta, and a turn without tools streams token by token.
    const streaming = tools.length === 0;
    const inputs: Record<string, unknown> = {
      messages: toWorkersAIMessages(request.messages),
      ...(streaming ? { stream: true } : { tools: tools.map(toWorkersAITool) }),
      ...(request.maxOutputTokens === undefined ? {} : { max_tokens: request.maxOutputTokens }),
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    };
    if (request.signal?.aborted === true) throw callerAbortFailure(request.signal);

    let output: unknown;
    try {
      output = await settings.binding.run(modelId, inputs, request.signal === undefined ? undefined : { signal: request.signal });
    } catch (error) {
      throw toFailure(error, request.signal);
    }
    if (output instanceof ReadableStream) {
      yield* streamedAnswerParts(output, request.signal);
      return;
    }
    // A model that ignores `stream` answers whole; that is still a valid answer.
    yield* completeAnswerParts(output);
  }

  return { provider: 'workers-ai', modelId, stream };
}

/**
 * Workers AI accepts OpenAI's message shape for tool round trips. Tool results also carry the tool's
 * `name`, which Llama's chat template puts before the result.
 */
function toWorkersAIMessages(messages: ChatMessage[]): Record<string, unknown>[] {
  const toolNames = new Map<string, string>();
  for (const message of messages) {
    if (message.role !== 'assistant') continue;
    for (const toolCall of message.toolCalls ?? []) toolNames.set(toolCall.id, toolCall.name);
  }
  return messages.map((message) => toWorkersAIMessage(message, toolNames));
}

function toWorkersAIMessage(message: ChatMessage, toolNames: Map<string, string>): Record<string, unknown> {
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
        // The documented message schema requires string content, so a tools-only turn sends ''.
        content: message.content,
        tool_calls: message.toolCalls.map((toolCall) => ({
          id: toolCall.id,
          type: 'function',
          function: { name: toolCall.name, arguments: toolCall.arguments },
        })),
      };
    }
    case 'tool': {
      const name = toolNames.get(message.toolCallId);
      return {
        role: 'tool',
        tool_call_id: message.toolCallId,
        content: message.content,
        ...(name === undefined ? {} : { name }),
      };
    }
  }
}

function toWorkersAITool(tool: ChatToolDefinition): Record<string, unknown> {
  return {
    type: 'function',
    function: { name: tool.name, description: tool.description, parameters: tool.inputSchema },
  };
}

function toChatToolCall(id: string | null | undefined, name: string, toolArguments: z.infer<typeof toolArgumentsSchema> | null | undefined): ChatToolCall {
  return {
    // Native tool calls have no id; the conversation loop needs one to pair each result with its call.
    id: id ? id : `call_${crypto.randomUUID()}`,
    name,
    arguments: typeof toolArguments === 'string' ? toolArguments || '{}' : JSON.stringify(toolArguments ?? {}),
  };
}

function mapFinishReason(reason: string, calledTools: boolean): FinishReason {
  if (calledTools || reason === 'tool_calls') return 'tool-calls';
  if (reason === 'stop') return 'stop';
  if (reason === 'length') return 'length';
  return 'other';
}

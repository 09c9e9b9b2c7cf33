/**
 * The chat model port. Each provider (Workers AI binding, any OpenAI-compatible API) is an adapter
 * made by a `createX(settings)` factory; the conversation loop only ever sees this interface.
 */

/** One message of the prompt, in the OpenAI chat shape every adapter translates from. */
export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: ChatToolCall[] }
  | { role: 'tool'; toolCallId: string; content: string };

/** A tool the model may call: its input is described by a JSON Schema object. */
export interface ChatToolDefinition {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

export interface ChatToolCall {
  id: string;
  name: string;
  /** The raw JSON text of the arguments as the model produced it; the tool registry validates it. */
  arguments: string;
}

export interface ChatRequest {
  messages: ChatMessage[];
  tools?: ChatToolDefinition[];
  temperature?: number;
  maxOutputTokens?: number;
  /** Aborts the provider call: the caller's timeout or a client that went away. */
  signal?: AbortSignal;
}

/** What a streaming call yields, noun then verb. Tool calls arrive whole, after their deltas were assembled. */
export type ChatStreamPart =
  | { type: 'text-delta'; text: string }
  | { type: 'tool-call'; toolCall: ChatToolCall }
  | { type: 'finish'; reason: 'stop' | 'tool-calls' | 'length' | 'other' };

export interface ChatModel {
  readonly provider: string;
  readonly modelId: string;
  /** Streams one model response. Throws `ChatModelError` for provider failures. */
  stream(request: ChatRequest): AsyncIterable<ChatStreamPart>;
}

export type ChatModelErrorKind = 'timeout' | 'provider' | 'invalid-response';

/** A provider failure with a stable kind the conversation loop maps to an `error` event id. */
export class ChatModelError extends Error {
  override readonly name = 'ChatModelError';
  constructor(
    readonly kind: ChatModelErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A caller that gave up on time is a timeout; any other abort is a cancellation, passed through as is. */
export function callerAbortFailure(callerSignal: AbortSignal): unknown {
  const reason: unknown = callerSignal.reason;
  // `AbortSignal.timeout()` aborts with a DOMException named TimeoutError.
  if (typeof reason === 'object' && reason !== null && 'name' in reason && reason.name === 'TimeoutError') {
    return new ChatModelError('timeout', 'The chat model call ran out of time.', { cause: reason });
  }
  return reason ?? new DOMException('The chat model call was aborted.', 'AbortError');
}

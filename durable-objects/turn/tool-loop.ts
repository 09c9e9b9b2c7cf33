import type { ErrorId } from '../../common/error-ids.ts';
import type { JsonValue } from '../../common/protocol.ts';
import { type ChatMessage, type ChatModel, ChatModelError, type ChatToolCall } from '../../server/providers/chat/chat-model.ts';
import { createInactivityTimeout } from '../../server/providers/chat/inactivity-timeout.ts';
import type { ToolActivity } from '../conversations/conversation-store.ts';
import { type ApprovalAnswer, executeToolCall, type Tool, type ToolContext, toChatToolDefinition } from '../tools/tool.ts';

/** What a turn reports as it goes; the caller adds the message id and sends it on its channel. */
export type TurnProgress =
  | { type: 'text-delta'; text: string }
  | { type: 'tool-call'; toolName: string; input: JsonValue }
  | { type: 'tool-result'; toolName: string; output: JsonValue };

export interface AssistantTurnInput {
  model: ChatModel;
  /** The system prompt, then the recent turns, ending with the person's new message. */
  messages: ChatMessage[];
  tools: Tool[];
  toolContext: ToolContext;
  onProgress: (progress: TurnProgress) => void;
  /** The longest the model may stay silent (no chunk at all) before the step fails with `llm_timeout`. */
  timeoutMs: number;
  /** Model calls per turn, tool rounds included; the last one is offered no tools so it must answer. */
  maxSteps?: number;
  /**
   * Runs once the first model request has been sent, before its answer is read. Writes belong here,
   * not before: the object holds outgoing requests until its pending writes are committed, so a write
   * made before asking would hold the request back by a commit.
   */
  onModelAsked?: () => Promise<void>;
  /**
   * The caller's own stop (a person talking over a spoken reply): the model call is aborted at once
   * and the turn answers what streamed so far, marked `interrupted`, rather than failing.
   */
  signal?: AbortSignal;
  /**
   * Asked before each tool call runs, with its validated input: a call that changes the person's data
   * or acts in the world waits here for the person. No model request is open while it waits, so the
   * model's silence limit does not run. Absent: every call runs.
   */
  approve?: (tool: Tool, input: JsonValue) => Promise<ApprovalAnswer>;
}

export interface AssistantTurnResult {
  text: string;
  tools: ToolActivity[];
  /** Set when the caller's signal stopped the reply: `text` is what streamed before. */
  interrupted?: boolean;
}

/** Between the texts of two steps of one reply (text, tool calls, more text), so they do not run together. */
export const stepSeparator = '\n\n';

/** A turn that could not finish, with the stable id the client shows a sentence for, and what the reply had become by then. */
export class TurnError extends Error {
  override readonly name = 'TurnError';
  readonly id: ErrorId;
  /** The text and tool activity streamed before the failure, kept so history shows what happened. */
  partial: AssistantTurnResult = { text: '', tools: [] };
  constructor(id: ErrorId, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.id = id;
  }
}

/** The multi-step loop: stream the model, run the tools it calls, feed their results back, until it answers. */
export async function runAssistantTurn(input: AssistantTurnInput): Promise<AssistantTurnResult> {
  const maxSteps = input.maxSteps ?? 5;
  const messages = [...input.messages];
  const activity: ToolActivity[] = [];
  const toolsByName = new Map(input.tools.map((tool) => [tool.name, tool]));
  const definitions = input.tools.map(toChatToolDefinition);
  let text = '';

  for (let step = 1; step <= maxSteps; step++) {
    const offerTools = definitions.length > 0 && step < maxSteps;
    const toolCalls: ChatToolCall[] = [];
    let stepText = '';
    const silence = createInactivityTimeout(input.timeoutMs);
    const signal = input.signal ? AbortSignal.any([silence.signal, input.signal]) : silence.signal;
    const parts = input.model.stream({ messages, ...(offerTools ? { tools: definitions } : {}), signal })[Symbol.asyncIterator]();
    // Asking for the first part sends the request.
    const first = parts.next();
    const onModelAsked = step === 1 ? input.onModelAsked : undefined;
    if (onModelAsked) {
      try {
        await onModelAsked();
      } catch (error) {
        silence.cancel();
        first.catch(() => {});
        parts.return?.(undefined).catch(() => {});
        throw error;
      }
    }
    try {
      for (let next = await first; next.done !== true; next = await parts.next()) {
        const part = next.value;
        silence.touch();
        if (part.type === 'text-delta' && part.text.length > 0) {
          if (stepText === '' && text !== '') {
            stepText = stepSeparator;
            input.onProgress({ type: 'text-delta', text: stepSeparator });
          }
          stepText += part.text;
          input.onProgress({ type: 'text-delta', text: part.text });
        } else if (part.type === 'tool-call') {
          toolCalls.push(part.toolCall);
        }
      }
    } catch (error) {
      if (input.signal?.aborted) return { text: text + stepText, tools: activity, interrupted: true };
      const failure = toTurnError(error);
      failure.partial = { text: text + stepText, tools: activity };
      throw failure;
    } finally {
      silence.stop();
    }
    text += stepText;
    if (toolCalls.length === 0) return { text, tools: activity };
    // Stopped between steps: no tool runs for a reply nobody is listening to any more.
    if (input.signal?.aborted) return { text, tools: activity, interrupted: true };

    messages.push({ role: 'assistant', content: stepText.startsWith(stepSeparator) ? stepText.slice(stepSeparator.length) : stepText, toolCalls });
    for (const call of toolCalls) {
      const tool = toolsByName.get(call.name);
      input.onProgress({ type: 'tool-call', toolName: call.name, input: safeParse(call.arguments) });
      const approve = input.approve;
      const { input: toolInput, output } = tool
        ? await executeToolCall(tool, call.arguments, input.toolContext, approve && ((toolInput) => approve(tool, toolInput)))
        : { input: safeParse(call.arguments), output: { error: `There is no tool named ${call.name}.` } };
      input.onProgress({ type: 'tool-result', toolName: call.name, output });
      activity.push({ toolName: call.name, input: toolInput, output });
      messages.push({ role: 'tool', toolCallId: call.id, content: toolResultBlock(call.name, output) });
    }
  }
  const limit = new TurnError('tool_loop_limit', `The model kept calling tools for ${maxSteps} steps without answering.`);
  limit.partial = { text, tools: activity };
  throw limit;
}

/**
 * A tool's output as the model reads it: a marked data block, never instructions (the system prompt
 * says so). `</data` inside is written `<\/data`, the same JSON string, so no output can close its block early.
 */
export function toolResultBlock(toolName: string, output: JsonValue): string {
  const source = toolName.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64);
  return `<data source="tool:${source}">\n${JSON.stringify(output).replace(/<\/(data)/gi, '<\\/$1')}\n</data>`;
}

function toTurnError(error: unknown): TurnError {
  if (error instanceof ChatModelError) {
    if (error.kind === 'timeout') return new TurnError('llm_timeout', 'The model took too long to answer. Please try again.', { cause: error });
    if (error.kind === 'invalid-response') return new TurnError('llm_invalid_response', 'The model sent an answer Kindred could not read.', { cause: error });
    return new TurnError('llm_provider_error', 'The model provider failed to answer. Please try again in a moment.', { cause: error });
  }
  if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return new TurnError('llm_timeout', 'The model took too long to answer. Please try again.', { cause: error });
  }
  return new TurnError('llm_provider_error', 'The model provider failed to answer. Please try again in a moment.', { cause: error });
}

function safeParse(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return text;
  }
}

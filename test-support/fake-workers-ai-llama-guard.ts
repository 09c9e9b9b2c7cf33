/**
 * A fake of the Workers AI binding's `run(model, inputs, options)` for `@cf/meta/llama-guard-3-8b`,
 * faithful to Cloudflare's documented contract for that model: input `{ messages: [{ role: 'user' |
 * 'assistant', content: string }], max_tokens?, temperature?, response_format?: { type } }`; output
 * `{ response, usage }` where `response` is the model's own text (`safe`, or `unsafe` and a line of
 * comma-separated MLCommons hazard codes such as `S1,S11`), or `{ safe, categories }` when the call asks
 * for `response_format: { type: 'json_object' }`; failures thrown as `Error`s reading
 * `AiError: <code>: <description>`. Runs inside workerd; scripted per call and recording every call.
 */
import type { WorkersAIBinding } from '../server/providers/chat/workers-ai.ts';

export const fakeLlamaGuardModelId = '@cf/meta/llama-guard-3-8b';

/** How the next `run` answers. */
export type FakeLlamaGuardStep =
  /** The conversation is safe. */
  | { safe: true }
  /** Unsafe, in these hazard categories (`S1` ... `S14`). */
  | { categories: string[] }
  /** This exact `response` value, whatever it is: for answers the model should never give. */
  | { rawResponse: unknown }
  /** The binding throws a documented capacity error. */
  | { failure: 'provider-error' }
  /** Never answers, until the call's signal aborts. */
  | { failure: 'hang' };

/** One recorded `run` call. */
export interface FakeLlamaGuardCall {
  model: string;
  inputs: Record<string, unknown>;
  options: Record<string, unknown> | undefined;
}

export interface FakeWorkersAILlamaGuard extends WorkersAIBinding {
  /** Queues answers: each `run` consumes the next step; with none left it answers `safe`. */
  script(...steps: FakeLlamaGuardStep[]): void;
  /** Every `run` call, oldest first, inputs deep-copied as they were at call time. */
  readonly calls: FakeLlamaGuardCall[];
}

export function createFakeWorkersAILlamaGuard(): FakeWorkersAILlamaGuard {
  const queue: FakeLlamaGuardStep[] = [];
  const calls: FakeLlamaGuardCall[] = [];

  async function run(model: string, inputs: Record<string, unknown>, options?: Record<string, unknown>): Promise<unknown> {
    calls.push({ model, inputs: structuredClone(inputs), options });
    if (model !== fakeLlamaGuardModelId) throw new Error(`AiError: 5007: No such model ${model} or task`);
    checkMessages(inputs.messages);
    const step = queue.shift() ?? { safe: true };
    if ('failure' in step) {
      if (step.failure === 'hang') return hangUntilAborted(options?.signal);
      throw new Error('AiError: 3040: No more data centers to forward the request to');
    }
    const usage = { prompt_tokens: 200, completion_tokens: 'safe' in step ? 2 : 6, total_tokens: 'safe' in step ? 202 : 206 };
    if ('rawResponse' in step) return { response: step.rawResponse, usage };
    const asJson = isRecord(inputs.response_format) && inputs.response_format.type === 'json_object';
    if ('safe' in step) return { response: asJson ? { safe: true, categories: [] } : 'safe', usage };
    return { response: asJson ? { safe: false, categories: step.categories } : `unsafe\n${step.categories.join(',')}`, usage };
  }

  return {
    run,
    calls,
    script: (...steps) => {
      queue.push(...steps);
    },
  };
}

/** The binding validates its input before running the model: a non-empty list of user/assistant turns that alternate. */
function checkMessages(messages: unknown): void {
  const valid =
    Array.isArray(messages) &&
    messages.length > 0 &&
    messages.every((message, index) => isRecord(message) && typeof message.content === 'string' && message.role === (index % 2 === 0 ? 'user' : 'assistant'));
  if (!valid) throw new Error("AiError: required properties at '/' are 'messages' with alternating 'user' and 'assistant' roles and string 'content'");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function hangUntilAborted(signal: unknown): Promise<never> {
  return new Promise((_resolve, reject) => {
    if (signal instanceof AbortSignal) signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

import OpenAI from 'openai';

/**
 * The settings every adapter over an OpenAI-compatible API (chat, embeddings, speech to text, text to
 * speech) takes. Each adapter's settings extend these with its own fields, and say what `timeoutMs`
 * measures for it and its default.
 */
export interface OpenAICompatibleSettings {
  /** The API root including its version segment, e.g. `https://api.openai.com/v1` or `http://127.0.0.1:11434/v1`. */
  baseURL: string;
  /** Sent as `Authorization: Bearer …`; local servers usually need none. */
  apiKey?: string;
  /** The model's name on that server. */
  model: string;
  /** Extra headers on every request, e.g. OpenRouter's `HTTP-Referer`. */
  headers?: Record<string, string>;
  /** Replaces the global `fetch`, e.g. to route through a service binding. */
  fetch?: typeof fetch;
  /** How long the provider may take: each adapter says what this limits, and its default. */
  timeoutMs?: number;
}

/** What every adapter over an OpenAI-compatible API passes to the client: its timeout already defaulted. */
export interface OpenAIClientSettings extends Omit<OpenAICompatibleSettings, 'model' | 'timeoutMs'> {
  timeoutMs: number;
}

/**
 * The `openai` client as every OpenAI-compatible adapter (chat, embeddings) wants it. Retries are
 * off: a chat turn's loop and an embedding's scheduler own them, and a hidden retry would only add
 * latency or replay a half-streamed answer.
 */
export function createOpenAIClient(settings: OpenAIClientSettings): OpenAI {
  return new OpenAI({
    baseURL: settings.baseURL,
    // The SDK refuses to start without a key; keyless local servers ignore the placeholder.
    apiKey: settings.apiKey ?? 'not-needed',
    // Explicit nulls keep stray OPENAI_ORG_ID / OPENAI_PROJECT_ID variables from adding headers.
    organization: null,
    project: null,
    fetch: settings.fetch,
    defaultHeaders: settings.headers,
    timeout: settings.timeoutMs,
    maxRetries: 0,
    // Failures reach the caller as typed errors; the SDK's console logging would only repeat them.
    logLevel: 'off',
  });
}

/** The provider's host for messages and logs: never the path, query or key. */
export function safeHost(baseURL: string): string {
  try {
    return new URL(baseURL).host;
  } catch {
    return 'an invalid base URL';
  }
}

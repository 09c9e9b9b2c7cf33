import OpenAI from 'openai';

/** What every adapter over an OpenAI-compatible API passes to the client. */
export interface OpenAIClientSettings {
  baseURL: string;
  apiKey?: string;
  headers?: Record<string, string>;
  fetch?: typeof globalThis.fetch;
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

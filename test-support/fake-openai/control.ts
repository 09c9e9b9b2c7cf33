/**
 * The script vocabulary of the fakes (the fake OpenAI server and the fake Workers AI binding) and
 * typed helpers that drive the fake OpenAI server from tests. The helpers run inside workerd, so they
 * only use `fetch`; the types are shared with the Node-side server, which imports them type-only.
 */

/** One scripted tool call; `arguments` is serialised to JSON text by the fake, as a model would. */
export interface FakeToolCall {
  name: string;
  arguments: unknown;
}

/** An HTTP failure the fake answers with instead of a completion. */
export interface FakeError {
  status: number;
  message?: string;
}

/**
 * One scripted answer. Fields combine: `delayMs` then either `hang`, `error`, `malformed` or a
 * completion made of `text` and/or `toolCalls`.
 */
export interface FakeStep {
  text?: string;
  toolCalls?: FakeToolCall[];
  /** Time from the request's arrival to the first byte of the answer (reading and checking the request are within it). */
  delayMs?: number;
  /** Wait between streamed chunks. */
  chunkDelayMs?: number;
  error?: FakeError;
  /** Never answer: for timeout tests. */
  hang?: boolean;
  /** Stream this many chunks, then fall silent with the connection open: a model that stalls mid-reply. */
  hangAfterChunks?: number;
  /** Answer with output that breaks the provider's documented shape: for `invalid-response` tests. */
  malformed?: boolean;
}

/** A request the fake OpenAI server recorded. */
export interface RecordedRequest {
  path: string;
  /** Lower-cased header names, as Node reports them. */
  headers: Record<string, string>;
  body: unknown;
}

/** The control endpoints live beside `/v1`, so a base URL `http://host:port/v1` maps to `http://host:port/__control`. */
function controlUrl(baseUrl: string, path: string): string {
  const origin = new URL(baseUrl).origin;
  return `${origin}/__control${path}`;
}

async function expectOk(response: Response, what: string): Promise<void> {
  if (!response.ok) {
    throw new Error(`fake OpenAI ${what} failed: HTTP ${response.status} ${await response.text()}`);
  }
}

/**
 * Queues `steps` for chat requests whose last user message contains `match`; each such request consumes
 * the next step. Registering the same `match` again replaces its remaining steps.
 */
export async function scriptFakeOpenAI(baseUrl: string, match: string, steps: FakeStep[]): Promise<void> {
  const response = await fetch(controlUrl(baseUrl, '/scripts'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ match, steps }),
  });
  await expectOk(response, 'scripting');
}

/** The chat and embedding requests whose last user message (or embedding input) contains `match`, oldest first. */
export async function recordedRequests(baseUrl: string, match: string): Promise<RecordedRequest[]> {
  const response = await fetch(controlUrl(baseUrl, `/requests?match=${encodeURIComponent(match)}`));
  await expectOk(response, 'reading recorded requests');
  const payload = (await response.json()) as { requests: RecordedRequest[] };
  return payload.requests;
}

/** Only the chat completion requests: embedding requests for the same text are recorded too. */
export async function recordedChatRequests(baseUrl: string, match: string): Promise<RecordedRequest[]> {
  return (await recordedRequests(baseUrl, match)).filter((request) => request.path.endsWith('/chat/completions'));
}

import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, inject, it, vi } from 'vitest';
import { type Message, messagesPageSchema, turnAnswerSchema } from '../common/protocol.ts';
import type { CompanionAgent } from '../durable-objects/companion-agent.ts';
import { api, buildUser, readEvents, readJson, uniqueText } from '../test-support/api.ts';
import { recordedChatRequests, scriptFakeOpenAI } from '../test-support/fake-openai/control.ts';

const testEnv = env as unknown as { COMPANION: DurableObjectNamespace<CompanionAgent> };
const fakeUrl = inject('fakeOpenAIUrl');

/** The conversation as stored, oldest first, each message as the fields a fault could lose or double. */
async function storedTurns(token: string) {
  const page = await readJson(await api('/api/v1/messages?limit=100', { token }), messagesPageSchema);
  return page.messages
    .toReversed()
    .map((message: Message) => ({ id: message.id, role: message.role, text: message.text, status: message.status, errorId: message.errorId }));
}

const sendStreaming = (token: string, text: string) => api('/api/v1/messages', { token, body: { text }, headers: { accept: 'text/event-stream' } });

/** The person sends the same words again, as the app's "try again" does, and gets a complete reply. */
async function retry(token: string, text: string) {
  const answer = await readJson(await api('/api/v1/messages', { token, body: { text } }), turnAnswerSchema);
  expect(answer.assistantMessage).toMatchObject({ role: 'assistant', status: 'complete', errorId: null });
  return answer;
}

describe('the model failing', () => {
  it('before the first token: the person sees llm_provider_error, their message is kept once, and trying again works', async () => {
    const { token } = await buildUser();
    const text = uniqueText('the model breaks at once');
    await scriptFakeOpenAI(fakeUrl, text, [{ error: { status: 500, message: 'upstream exploded' } }, { text: 'Here I am again.' }]);

    const events = await readEvents(await sendStreaming(token, text));
    expect(events.filter((event) => event.type === 'text-delta')).toEqual([]);
    const failure = events.at(-1);
    expect(failure).toMatchObject({ type: 'error', id: 'llm_provider_error' });
    // The provider's own words stay in the logs, never in what the person is shown.
    expect(JSON.stringify(failure)).not.toContain('upstream exploded');

    const afterFault = await storedTurns(token);
    expect(afterFault).toEqual([
      { id: expect.any(String), role: 'user', text, status: 'complete', errorId: null },
      { id: failure?.type === 'error' ? failure.messageId : 'missing', role: 'assistant', text: '', status: 'failed', errorId: 'llm_provider_error' },
    ]);

    const retried = await retry(token, text);
    expect(retried.assistantMessage.text).toBe('Here I am again.');
    // The retry adds exactly its own two messages; the first question and its failed reply are untouched, not doubled.
    const afterRetry = await storedTurns(token);
    expect(afterRetry).toEqual([
      ...afterFault,
      { id: retried.userMessage.id, role: 'user', text, status: 'complete', errorId: null },
      { id: retried.assistantMessage.id, role: 'assistant', text: 'Here I am again.', status: 'complete', errorId: null },
    ]);
    expect(new Set(afterRetry.map((message) => message.id)).size).toBe(4);
  });

  it('stalling mid-stream: the person sees what streamed and llm_timeout, the partial reply is kept as failed, and trying again works', async () => {
    const { token } = await buildUser();
    const text = uniqueText('the model stalls');
    await scriptFakeOpenAI(fakeUrl, text, [{ text: 'I was saying something important when', hangAfterChunks: 3 }, { text: 'As I was saying.' }]);

    const events = await readEvents(await sendStreaming(token, text));
    const streamed = events.flatMap((event) => (event.type === 'text-delta' ? [event.text] : [])).join('');
    expect(streamed.length).toBeGreaterThan(0);
    const failure = events.at(-1);
    expect(failure).toMatchObject({ type: 'error', id: 'llm_timeout' });

    const afterFault = await storedTurns(token);
    expect(afterFault).toEqual([
      { id: expect.any(String), role: 'user', text, status: 'complete', errorId: null },
      // Exactly what the person saw stream, no more and no less.
      { id: failure?.type === 'error' ? failure.messageId : 'missing', role: 'assistant', text: streamed, status: 'failed', errorId: 'llm_timeout' },
    ]);

    const retried = await retry(token, text);
    expect(retried.assistantMessage.text).toBe('As I was saying.');
    expect(await storedTurns(token)).toEqual([
      ...afterFault,
      { id: retried.userMessage.id, role: 'user', text, status: 'complete', errorId: null },
      { id: retried.assistantMessage.id, role: 'assistant', text: 'As I was saying.', status: 'complete', errorId: null },
    ]);
  });
});

describe('the object restarting in the middle of a turn', () => {
  /*
   * workerd's test pool can restart an object for real: `state.abort()` inside `runInDurableObject`
   * resets it as a crash or a deploy would, and the next request starts a fresh instance on the same
   * storage (durable-objects/reminders/reminders.test.ts does the same between a reminder being set
   * and falling due). Here the restart lands while the model is still answering: the person's message
   * is stored and the reply is being written.
   */
  it('keeps the person’s message once, ends the interrupted request, and the next turn works', async () => {
    const user = await buildUser();
    const text = uniqueText('interrupted by a restart');
    // The model never answers, so the turn is certainly in flight when the object restarts.
    await scriptFakeOpenAI(fakeUrl, text, [{ hang: true }, { text: 'Back again.' }]);

    const inFlight = sendStreaming(user.token, text).then(
      (response) =>
        readEvents(response).then(
          (events) => ({ events }),
          (error: unknown) => ({ streamBroke: error }),
        ),
      (error: unknown) => ({ requestFailed: error }),
    );
    // The turn has reached the model: the question is stored and the reply is being written.
    await vi.waitFor(async () => expect(await recordedChatRequests(fakeUrl, text)).toHaveLength(1), { timeout: 10_000, interval: 50 });
    const stub = testEnv.COMPANION.getByName(user.user.id);
    await runInDurableObject(stub, (_instance, state) => state.abort('restart under test')).catch(() => undefined);

    // What the person sees: the reply's stream breaks off (the app says the connection dropped).
    const interrupted = await inFlight;
    expect(interrupted).toEqual({ streamBroke: expect.any(Error) });

    // The question is stored once. The reply that was being written is stored when the object starts
    // again, as failed with `turn_interrupted`, so the person sees that it stopped (and can send again)
    // rather than a question with nothing under it; nothing half-written is kept.
    const afterRestart = await storedTurns(user.token);
    expect(afterRestart).toEqual([
      { id: expect.any(String), role: 'user', text, status: 'complete', errorId: null },
      { id: expect.any(String), role: 'assistant', text: '', status: 'failed', errorId: 'turn_interrupted' },
    ]);

    const retried = await retry(user.token, text);
    expect(retried.assistantMessage.text).toBe('Back again.');
    const afterRetry = await storedTurns(user.token);
    expect(afterRetry.slice(0, afterRestart.length)).toEqual(afterRestart);
    expect(afterRetry.slice(afterRestart.length).map((message) => message.id)).toEqual([retried.userMessage.id, retried.assistantMessage.id]);
  });
});

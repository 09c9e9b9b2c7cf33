import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { CompanionAgent } from '../companion-agent.ts';
import { configuredMasterKeys, UserVault } from '../host/user-vault.ts';
import { ConversationStore } from './conversation-store.ts';

const testEnv = env as unknown as { COMPANION: DurableObjectNamespace<CompanionAgent> };

/** A store over a fresh object's own tables (migrated when the object started), as the capability builds it. */
function inFreshObject<Result>(work: (store: ConversationStore) => Promise<Result>): Promise<Result> {
  const userId = `user_between_${crypto.randomUUID().slice(0, 8)}`;
  return runInDurableObject(testEnv.COMPANION.getByName(userId), (_instance, state) =>
    work(new ConversationStore(state.storage.sql, new UserVault(state.storage.sql, userId, configuredMasterKeys(env)))),
  );
}

describe('the messages between two instants', () => {
  it('come from every conversation, newest first, capped, without failed replies, the end left out', async () => {
    const texts = await inFreshObject(async (store) => {
      const first = await store.create(1_000);
      const second = await store.create(2_000);
      const at = (minute: number) => Date.parse('2026-12-01T00:00:00Z') + minute * 60_000;
      await store.append({ conversationId: first.id, role: 'user', text: 'before the span', createdAt: at(-1) });
      await store.append({ conversationId: first.id, role: 'user', text: 'at its start', createdAt: at(0) });
      await store.append({ conversationId: second.id, role: 'assistant', text: 'a failed reply', createdAt: at(1), status: 'failed' });
      await store.append({ conversationId: second.id, role: 'user', text: 'in the other conversation', createdAt: at(2) });
      await store.append({ conversationId: first.id, role: 'assistant', text: 'the newest', createdAt: at(3) });
      await store.append({ conversationId: first.id, role: 'user', text: 'at its end', createdAt: at(4) });
      await store.indexingSettled();
      const all = await store.between(at(0), at(4), 10);
      const capped = await store.between(at(0), at(4), 2);
      return { all: all.map((message) => message.text), capped: capped.map((message) => message.text) };
    });
    expect(texts.all).toEqual(['the newest', 'in the other conversation', 'at its start']);
    expect(texts.capped).toEqual(['the newest', 'in the other conversation']);
  });

  it('keep the kind of a proactive message newer than the proactive column’s check', async () => {
    const kinds = await inFreshObject(async (store) => {
      const conversation = await store.create(1_000);
      const kinds = ['reflection', 'goal-check-in', 'check-in'] as const;
      for (const [index, proactive] of kinds.entries()) {
        await store.append({ conversationId: conversation.id, role: 'assistant', text: `a ${proactive}`, createdAt: 10_000 + index, proactive });
      }
      await store.indexingSettled();
      return (await store.between(0, 20_000, 10)).map((message) => message.proactive);
    });
    expect(kinds).toEqual(['check-in', 'goal-check-in', 'reflection']);
  });
});

import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { CompanionAgent } from '../companion-agent.ts';
import { ConversationStore } from '../conversations/conversation-store.ts';
import type { JobPayload } from '../host/capability.ts';
import { configuredMasterKeys, UserVault } from '../host/user-vault.ts';
import { createReflectionCapability } from './reflection-capability.ts';
import type { WeekInReviewSource } from './week-in-review.ts';

const testEnv = env as unknown as { COMPANION: DurableObjectNamespace<CompanionAgent> };

type ReachOut = { kind: 'reflection' | 'goal-check-in'; sourceKey: string; reason: string; occasion: string; details: string[] };

/**
 * The capability over a fresh object's own tables, with a clock the test moves, a scheduler that
 * records, outreach that records what it was asked to send, and small in-test sources (goals and
 * moods implement the same interface).
 */
async function withReflection(
  sources: readonly WeekInReviewSource[],
  work: (context: {
    reflection: ReturnType<typeof createReflectionCapability>;
    conversations: ConversationStore;
    setNow: (instant: number) => void;
    reachedOut: ReachOut[];
    scheduled: { at: number; job: string; payload: JobPayload; id: string }[];
    cancelled: string[];
  }) => Promise<void>,
): Promise<void> {
  const userId = `user_reflection_${crypto.randomUUID().slice(0, 8)}`;
  await runInDurableObject(testEnv.COMPANION.getByName(userId), async (_instance, state) => {
    const sql = state.storage.sql;
    const conversations = new ConversationStore(sql, new UserVault(sql, userId, configuredMasterKeys(env)));
    let now = 0;
    const reachedOut: ReachOut[] = [];
    const scheduled: { at: number; job: string; payload: JobPayload; id: string }[] = [];
    const cancelled: string[] = [];
    const reflection = createReflectionCapability(
      {
        userId,
        sql,
        now: () => now,
        scheduler: () => ({
          schedule: async (when, job, payload) => {
            const id = `schedule_${scheduled.length + 1}`;
            scheduled.push({ at: when instanceof Date ? when.getTime() : now + when * 1000, job, payload, id });
            return id;
          },
          cancel: async (id) => {
            cancelled.push(id);
          },
        }),
      },
      {
        companion: { settings: { profile: async () => ({ displayName: null, timezone: 'Europe/Berlin' }) }, onTimezoneChange: () => undefined },
        conversations: { store: conversations },
        outreach: {
          reachOut: async (request) => {
            reachedOut.push(request);
            return true;
          },
        },
        sources: () => sources,
      },
    );
    await work({ reflection, conversations, setNow: (instant) => (now = instant), reachedOut, scheduled, cancelled });
  });
}

describe('the weekly reflection job', () => {
  it('gathers the seven days before from the conversations and every source, and asks outreach once', async () => {
    const askedFor: { from: number; to: number; timezone: string }[] = [];
    const goals: WeekInReviewSource = {
      weekInReview: async (week) => {
        askedFor.push(week);
        return ['Goal “Run a 5k” (health): 40% → 65%'];
      },
    };
    const broken: WeekInReviewSource = {
      weekInReview: async () => {
        throw new Error('moods are down');
      },
    };
    const throwsAtOnce: WeekInReviewSource = {
      weekInReview: () => {
        throw new Error('not even a promise');
      },
    };
    await withReflection([goals, broken, throwsAtOnce], async ({ reflection, conversations, setNow, reachedOut, scheduled, cancelled }) => {
      // Sunday 6 December 2026, 18:00 in Berlin is 17:00 UTC.
      const slotAt = Date.parse('2026-12-06T17:00:00Z');
      const weekStart = Date.parse('2026-11-29T17:00:00Z');
      const conversation = await conversations.create(Date.parse('2026-11-01T00:00:00Z'));
      const say = (text: string, at: number, role: 'user' | 'assistant' = 'user') =>
        conversations.append({ conversationId: conversation.id, role, text, createdAt: at }, { deferIndexing: true });
      await say('Two weeks ago I started knitting', Date.parse('2026-11-22T10:00:00Z'));
      await say('Just before the week began', weekStart - 1);
      await say('The week began with a swim', weekStart);
      await say('I ran 5 km on Thursday!', Date.parse('2026-12-03T18:00:00Z'));
      await say('That is wonderful.', Date.parse('2026-12-03T18:01:00Z'), 'assistant');
      await say('Said after the reflection', slotAt + 10_000);

      setNow(Date.parse('2026-12-01T09:00:00Z'));
      const answer = await reflection.rpc.update({ enabled: true });
      expect(answer).toEqual({ settings: { enabled: true, weekday: 'sunday', time: '18:00' }, nextAt: '2026-12-06T18:00:00+01:00' });
      expect(scheduled).toEqual([{ at: slotAt, job: 'reflect', payload: { date: '2026-12-06', at: slotAt }, id: 'schedule_1' }]);

      // Early, it does nothing.
      await reflection.jobs.reflect({ date: '2026-12-06', at: slotAt });
      expect(reachedOut).toEqual([]);

      setNow(slotAt + 30_000);
      await Promise.all([reflection.jobs.reflect({ date: '2026-12-06', at: slotAt }), reflection.jobs.reflect({ date: '2026-12-06', at: slotAt })]);
      await reflection.jobs.reflect({ date: '2026-12-06', at: slotAt });
      expect(reachedOut).toHaveLength(1);
      const [request] = reachedOut;
      expect(request).toMatchObject({ kind: 'reflection', sourceKey: 'reflection:2026-12-06', reason: 'Your weekly reflection' });
      expect(request?.details).toEqual([
        'The week: 2026-11-29 to 2026-12-06.',
        'Goal “Run a 5k” (health): 40% → 65%',
        'The week’s conversation (oldest first):',
        'Sunday 18:00, The person: The week began with a swim',
        'Thursday 19:00, The person: I ran 5 km on Thursday!',
        'Thursday 19:01, You: That is wonderful.',
      ]);
      expect(askedFor).toEqual([{ from: weekStart, to: slotAt, timezone: 'Europe/Berlin' }]);

      // The next week is planned, and the job for this one (already run) is not planned again.
      const nextAt = Date.parse('2026-12-13T17:00:00Z');
      expect(scheduled.at(-1)).toMatchObject({ at: nextAt, payload: { date: '2026-12-13', at: nextAt } });
      expect(cancelled).toContain('schedule_1');
      expect((await reflection.rpc.get()).nextAt).toBe('2026-12-13T18:00:00+01:00');
    });
  });

  it('skips a week with nothing in it without asking outreach, and plans the next', async () => {
    const quiet: WeekInReviewSource = { weekInReview: async () => [] };
    await withReflection([quiet], async ({ reflection, setNow, reachedOut, scheduled }) => {
      setNow(Date.parse('2026-12-01T09:00:00Z'));
      await reflection.rpc.update({ enabled: true, weekday: 'tuesday', time: '10:00' });
      const slotAt = Date.parse('2026-12-01T09:00:00Z');
      expect(scheduled.at(-1)?.at).toBe(slotAt);
      await reflection.jobs.reflect({ date: '2026-12-01', at: slotAt });
      expect(reachedOut).toEqual([]);
      expect(scheduled.at(-1)?.at).toBe(Date.parse('2026-12-08T09:00:00Z'));
    });
  });

  it('moves the job when the weekday or time changes, cancels it when turned off, and ignores a job planned before', async () => {
    const goals: WeekInReviewSource = { weekInReview: async () => ['Goal “Read more” (education): 2 of 3 books'] };
    await withReflection([goals], async ({ reflection, setNow, reachedOut, scheduled, cancelled }) => {
      setNow(Date.parse('2026-12-01T09:00:00Z'));
      await reflection.rpc.update({ enabled: true });
      const first = scheduled.at(-1);
      const moved = await reflection.rpc.update({ weekday: 'friday', time: '07:15' });
      expect(moved.nextAt).toBe('2026-12-04T07:15:00+01:00');
      expect(cancelled).toEqual([first?.id]);
      const second = scheduled.at(-1);
      expect(second?.payload).toEqual({ date: '2026-12-04', at: Date.parse('2026-12-04T06:15:00Z') });

      // The Sunday job, had it been left waiting, does nothing at its old moment.
      setNow(first?.at ?? 0);
      await reflection.jobs.reflect(first?.payload as { date: string; at: number });
      expect(reachedOut).toEqual([]);

      // Turning it off cancels whichever job is waiting now, and plans none.
      setNow(Date.parse('2026-12-01T09:00:00Z'));
      await reflection.rpc.get();
      const waiting = scheduled.at(-1);
      const cancelledBefore = cancelled.length;
      const scheduledBefore = scheduled.length;
      const off = await reflection.rpc.update({ enabled: false });
      expect(off.nextAt).toBeNull();
      expect(cancelled.slice(cancelledBefore)).toEqual([waiting?.id]);
      expect(scheduled).toHaveLength(scheduledBefore);
      setNow(second?.at ?? 0);
      await reflection.jobs.reflect(second?.payload as { date: string; at: number });
      expect(reachedOut).toEqual([]);
    });
  });
});

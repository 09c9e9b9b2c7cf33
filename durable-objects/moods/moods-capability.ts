import type { ImportDocument } from '../../common/import.ts';
import type { MoodEntry, MoodRange, MoodSummary, MoodsAnswer, RecordMoodBody } from '../../common/mood.ts';
import { AppError, notFound } from '../../server/errors/app-error.ts';
import { localDateOf } from '../../server/time/zoned-time.ts';
import type { CompanionCapability } from '../companion/companion-capability.ts';
import type { Capability, CapabilityHost } from '../host/capability.ts';
import { exportList } from '../host/export-document.ts';
import type { ImportPlan } from '../host/import-document.ts';
import { lazily } from '../host/lazily.ts';
import type { WeekInReviewSource } from '../reflection/week-in-review.ts';
import { goodAndBadDays } from './mood-insights.ts';
import { MoodStore } from './mood-store.ts';
import { addDays, moodWindow, summarizeMoods } from './mood-summary.ts';
import { createMoodTools } from './mood-tools.ts';
import { moodWeekLines } from './mood-week-in-review.ts';
import { moodsSchemaSteps } from './schema.ts';

const dayMs = 86_400_000;
/** The furthest back a mood may be dated: a year, with room for "around this time last year". */
export const oldestMoodAgeMs = 400 * dayMs;
/** A mood may be dated a little ahead, for a client whose clock runs fast; beyond that it is a mistake. */
export const moodClockSkewMs = 60_000;

/**
 * Mood check-ins: a score from 1 to 5 and an optional note, tapped in the app or recorded by the
 * companion when the person says how they feel. Score and note are sealed; the trend and what tends
 * to go with good and bad days (`mood-insights.ts`) are computed when asked, from the opened
 * entries, and shown only to the person: the model's tools and the weekly reflection never get
 * the insights.
 */
export function createMoodsCapability(host: CapabilityHost, dependencies: { companion: Pick<CompanionCapability, 'settings'> }) {
  const store = new MoodStore(host.sql, host.vault);
  const timezone = async () => (await dependencies.companion.settings.profile()).timezone;

  /** Stores a check-in, dated `at` (now when absent). Throws `validation_failed` for a date too old or ahead. */
  async function record(body: RecordMoodBody, source: MoodEntry['source']): Promise<MoodEntry> {
    const now = host.now();
    const at = body.at === undefined ? now : Date.parse(body.at);
    if (Number.isNaN(at)) throw new AppError('validation_failed', 'The body is not valid: at: not a time.');
    if (at > now + moodClockSkewMs) throw new AppError('validation_failed', 'The body is not valid: at: a mood cannot be dated in the future.');
    if (at < now - oldestMoodAgeMs) throw new AppError('validation_failed', 'The body is not valid: at: a mood can be dated at most 400 days back.');
    return store.insert({ score: body.score, note: body.note ?? null, at, localDate: localDateOf(at, await timezone()), source });
  }

  async function summary(range: MoodRange): Promise<MoodSummary> {
    const today = localDateOf(host.now(), await timezone());
    const { from, to } = moodWindow(range, today);
    // Notes of days in between are never opened: the insights read only good and bad days.
    return summarizeMoods(range, today, await store.forSummary(from, to, goodAndBadDays));
  }

  const tools = lazily(() =>
    createMoodTools({
      record: (entry) => record(entry, 'conversation'),
      async recent(days) {
        const zone = await timezone();
        const today = localDateOf(host.now(), zone);
        return { entries: await store.list({ from: addDays(today, -(days - 1)), to: today, limit: 500 }), timezone: zone };
      },
    }),
  );

  const weekInReview: WeekInReviewSource['weekInReview'] = async (week) => {
    const entries = await store.between(week.from, week.to);
    return moodWeekLines(
      entries.map((entry) => ({ at: Date.parse(entry.at), score: entry.score, note: entry.note })),
      week.timezone,
    );
  };

  return {
    name: 'moods',
    schema: moodsSchemaSteps,
    weekInReview,
    rpc: {
      /** `POST /moods`: a check-in tapped in the app. */
      record: (body: RecordMoodBody): Promise<MoodEntry> => record(body, 'app'),
      /** `GET /moods`: by local day (inclusive), newest first. */
      async list(query: { from?: string; to?: string; limit: number }): Promise<MoodsAnswer> {
        if (query.from !== undefined && query.to !== undefined && query.from > query.to) {
          throw new AppError('validation_failed', 'The query is not valid: from: comes after to.');
        }
        return { entries: await store.list(query) };
      },
      async delete(id: string): Promise<null> {
        if (!store.delete(id)) throw notFound('mood entry');
        return null;
      },
      /** `GET /moods/summary`: the trend over the range and, for the person alone, the insights. */
      summary,
    },
    tools,
    holdsData: async () => store.hasAny(),
    /** Every entry under its own id, at its instant and on the local day it was recorded on, then. */
    async importData(document: ImportDocument): Promise<ImportPlan> {
      const entries = document.moods;
      if (!entries) return { imported: {}, write: () => undefined };
      const writes = await Promise.all(entries.map((entry) => store.prepare(entry)));
      return {
        imported: { moods: entries.length },
        write: () => {
          for (const write of writes) write();
        },
      };
    },
    exportData: async () => ({ moods: exportList(() => store.exportAll()) }),
  } satisfies Capability & WeekInReviewSource;
}

export type MoodsCapability = ReturnType<typeof createMoodsCapability>;

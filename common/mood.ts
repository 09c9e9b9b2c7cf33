import { z } from 'zod';

/**
 * The wire shapes of mood check-ins (`/moods`): a one-tap mood with an optional note, the trend over
 * weeks and months, and what tends to go with good and bad days. All of it is the person's alone.
 */

const isoDateTime = z.iso.datetime({ offset: true });
const calendarDate = z.iso.date();

/** 1 = very low, 2 = low, 3 = okay, 4 = good, 5 = great. */
export const moodScoreSchema = z.number().int().min(1).max(5);
export const moodLabels = ['very low', 'low', 'okay', 'good', 'great'] as const;

export const moodEntrySchema = z.object({
  id: z.string(),
  score: moodScoreSchema,
  note: z.string().nullable(),
  at: isoDateTime,
  /** The person's calendar day when it was recorded, in their time zone then. */
  localDate: calendarDate,
  /** Tapped in the app, or recorded by the companion when the person said in conversation. */
  source: z.enum(['app', 'conversation']),
});
export type MoodEntry = z.infer<typeof moodEntrySchema>;

/** `POST /moods`. `at` records a mood from earlier (at most a year back, never ahead). */
export const recordMoodBodySchema = z
  .object({ score: moodScoreSchema, note: z.string().trim().min(1).max(1000).optional(), at: isoDateTime.optional() })
  .strict();
export type RecordMoodBody = z.infer<typeof recordMoodBodySchema>;

/** `GET /moods`: entries in the range (by local day, inclusive), newest first. */
export const moodsQuerySchema = z.object({
  from: calendarDate.optional(),
  to: calendarDate.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const moodsAnswerSchema = z.object({ entries: z.array(moodEntrySchema) });
export type MoodsAnswer = z.infer<typeof moodsAnswerSchema>;

/** The chart's span: four weeks by day, three months or a year by week. */
export const moodRangeSchema = z.enum(['4w', '3m', '12m']);
export type MoodRange = z.infer<typeof moodRangeSchema>;

export const moodTrendPointSchema = z.object({
  /** The day, or the Monday that starts the week. */
  start: calendarDate,
  average: z.number().min(1).max(5),
  count: z.number().int().min(1),
  low: moodScoreSchema,
  high: moodScoreSchema,
});

/** A word or theme from the person's own notes, and on how many good (or bad) days it came up. */
export const moodThemeSchema = z.object({ theme: z.string(), days: z.number().int().min(1), share: z.number().min(0).max(1) });

/** `GET /moods/summary?range=`: the trend (only buckets with entries) and what goes with good and bad days. */
export const moodSummarySchema = z.object({
  range: moodRangeSchema,
  bucket: z.enum(['day', 'week']),
  from: calendarDate,
  to: calendarDate,
  points: z.array(moodTrendPointSchema),
  average: z.number().min(1).max(5).nullable(),
  insights: z.object({
    /** False until there are enough notes on good and on bad days to say anything. */
    enoughData: z.boolean(),
    goodDays: z.array(moodThemeSchema),
    badDays: z.array(moodThemeSchema),
  }),
});
export type MoodSummary = z.infer<typeof moodSummarySchema>;

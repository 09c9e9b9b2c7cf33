import { z } from 'zod';
import { type MoodEntry, moodLabels, moodScoreSchema } from '../../common/mood.ts';
import type { JsonValue } from '../../common/protocol.ts';
import { defineTool, type Tool } from '../tools/tool.ts';

/** How far back `mood_recent` reads, in local days, today included. */
export const recentMoodDays = 14;

const labelOf = (score: number) => moodLabels[score - 1] ?? String(score);

/**
 * Tools over the person's own mood check-ins. They close over this user's capability only. What
 * they give the model is the entries themselves; the insights (what tends to go with good and bad
 * days) are never among them: those are shown only to the person, in the app.
 */
export function createMoodTools(services: {
  record: (entry: { score: number; note?: string }) => Promise<MoodEntry>;
  recent: (days: number) => Promise<{ entries: MoodEntry[]; timezone: string }>;
}): Tool[] {
  return [
    defineTool({
      id: 'mood-record',
      name: 'mood_record',
      title: 'Mood check-ins',
      summary: 'Notes how you feel when you tell it, as a mood check-in you can see in the app.',
      description:
        'Records a mood check-in for the person: a score from 1 to 5 (1 very low, 2 low, 3 okay, 4 good, 5 great) and, if they said why, a short note in their words. Use it when the person tells you how they feel or answers a question about their mood. When it fits naturally (they talk about how their day went), you may ask them to rate it from 1 to 5, in words, once; never nag, never ask again if they pass, and never turn a hard moment into a form. Record only what they said: do not guess a score they did not give or imply clearly.',
      inputSchema: z.object({
        score: moodScoreSchema.describe('1 very low, 2 low, 3 okay, 4 good, 5 great'),
        note: z.string().trim().min(1).max(1000).optional().describe('What they said goes with it, briefly, in their words'),
      }),
      enabledByDefault: true,
      risk: 'change',
      async execute({ score, note }): Promise<JsonValue> {
        const entry = await services.record(note === undefined ? { score } : { score, note });
        return { recorded: true, id: entry.id, score: entry.score, label: labelOf(entry.score), date: entry.localDate };
      },
    }),
    defineTool({
      id: 'mood-recent',
      name: 'mood_recent',
      title: 'Mood check-ins',
      summary: 'Looks at your mood check-ins of the last two weeks, to ask how you are doing with care.',
      description: `Reads the person's mood check-ins of the last ${recentMoodDays} days, newest first: each with its date, score (1 very low to 5 great) and note. Use it to follow up with care on how they have been, not to lecture or diagnose.`,
      inputSchema: z.object({}),
      enabledByDefault: true,
      risk: 'read',
      async execute(): Promise<JsonValue> {
        const { entries, timezone } = await services.recent(recentMoodDays);
        return {
          timezone,
          entries: entries.map((entry) => ({ date: entry.localDate, score: entry.score, label: labelOf(entry.score), note: entry.note })),
        };
      },
    }),
  ];
}

import { describe, expect, it } from 'vitest';
import { moodWeekLines } from './mood-week-in-review.ts';

// Monday 2026-11-23, 12:00 in Berlin (UTC+1), and the days after it.
const monday = Date.parse('2026-11-23T11:00:00Z');
const day = 86_400_000;

describe("the week's mood line for the weekly reflection", () => {
  it('counts, averages and names the lowest and highest days in the person’s zone, with a note shortened', () => {
    const longNote = `Could not sleep, the deadline for the grant report kept me up and I snapped at Sam over nothing at all, again`;
    const lines = moodWeekLines(
      [
        { at: monday, score: 4, note: null },
        { at: monday + day, score: 2, note: longNote },
        { at: monday + 2 * day, score: 3, note: null },
        { at: monday + 5 * day, score: 5, note: 'Hike with my sister' },
        { at: monday + 6 * day, score: 4, note: null },
      ],
      'Europe/Berlin',
    );
    expect(lines).toEqual([
      'Mood check-ins this week: 5, average 3.6 (lowest Tuesday, 2: Could not sleep, the deadline for the grant report kept me up and I snapped at…; highest Saturday, 5: Hike with my sister)',
    ]);
  });

  it('names the day in the given zone, not UTC', () => {
    // 23:30 UTC on Monday is already Tuesday in Tokyo.
    expect(moodWeekLines([{ at: Date.parse('2026-11-23T23:30:00Z'), score: 3, note: null }], 'Asia/Tokyo')).toEqual([
      'Mood check-ins this week: 1, average 3.0 (Tuesday, 3)',
    ]);
  });

  it('says when every check-in had the same score, and nothing for a week without any', () => {
    expect(
      moodWeekLines(
        [
          { at: monday, score: 4, note: 'fine' },
          { at: monday + day, score: 4, note: null },
        ],
        'UTC',
      ),
    ).toEqual(['Mood check-ins this week: 2, average 4.0 (every one a 4)']);
    expect(moodWeekLines([], 'UTC')).toEqual([]);
  });
});

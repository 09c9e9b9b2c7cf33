import { describe, expect, it } from 'vitest';
import type { MoodInsightEntry } from './mood-insights.ts';
import { addDays, mondayOf, moodWindow, summarizeMoods } from './mood-summary.ts';

const entry = (localDate: string, score: number, note: string | null = null): MoodInsightEntry => ({ localDate, score, note });

describe('calendar arithmetic', () => {
  it('finds the Monday of a week and moves across months and years', () => {
    expect(mondayOf('2026-11-30')).toBe('2026-11-30');
    expect(mondayOf('2026-12-06')).toBe('2026-11-30');
    expect(mondayOf('2026-03-01')).toBe('2026-02-23');
    expect(mondayOf('2027-01-01')).toBe('2026-12-28');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
  });

  it('covers 28 days, 13 weeks or 52 weeks, ending today', () => {
    expect(moodWindow('4w', '2026-11-30')).toEqual({ bucket: 'day', from: '2026-11-03', to: '2026-11-30' });
    expect(moodWindow('3m', '2026-12-02')).toEqual({ bucket: 'week', from: '2026-09-07', to: '2026-12-02' });
    expect(moodWindow('12m', '2026-12-02')).toEqual({ bucket: 'week', from: '2025-12-08', to: '2026-12-02' });
  });
});

describe('the trend', () => {
  it('buckets four weeks by day: average, lowest, highest and count, only days with check-ins', () => {
    const summary = summarizeMoods('4w', '2026-11-30', [
      entry('2026-11-02', 1),
      entry('2026-11-03', 2),
      entry('2026-11-03', 5),
      entry('2026-11-03', 4),
      entry('2026-11-30', 3),
    ]);
    expect(summary).toMatchObject({ range: '4w', bucket: 'day', from: '2026-11-03', to: '2026-11-30' });
    expect(summary.points).toEqual([
      { start: '2026-11-03', average: 3.67, count: 3, low: 2, high: 5 },
      { start: '2026-11-30', average: 3, count: 1, low: 3, high: 3 },
    ]);
    // Over check-ins, not over days; the one before the window is left out.
    expect(summary.average).toBe(3.5);
  });

  it('buckets three months and a year by week, weeks starting on Monday', () => {
    const entries = [
      entry('2025-12-07', 1),
      entry('2025-12-08', 2),
      entry('2026-09-06', 1),
      entry('2026-09-07', 4),
      entry('2026-09-13', 5),
      entry('2026-12-02', 3),
    ];
    const quarter = summarizeMoods('3m', '2026-12-02', entries);
    expect(quarter.bucket).toBe('week');
    expect(quarter.points).toEqual([
      { start: '2026-09-07', average: 4.5, count: 2, low: 4, high: 5 },
      { start: '2026-11-30', average: 3, count: 1, low: 3, high: 3 },
    ]);
    const year = summarizeMoods('12m', '2026-12-02', entries);
    expect(year.points.map((point) => [point.start, point.count])).toEqual([
      ['2025-12-08', 1],
      ['2026-08-31', 1],
      ['2026-09-07', 2],
      ['2026-11-30', 1],
    ]);
    expect(year.average).toBe(3);
  });

  it('has no points and no average without check-ins', () => {
    expect(summarizeMoods('4w', '2026-11-30', [])).toEqual({
      range: '4w',
      bucket: 'day',
      from: '2026-11-03',
      to: '2026-11-30',
      points: [],
      average: null,
      insights: { enoughData: false, goodDays: [], badDays: [] },
    });
  });
});

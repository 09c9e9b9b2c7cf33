import { describe, expect, it } from 'vitest';
import type { MoodSummary } from '../../../common/client.ts';
import { chartFrame, chartPoints, describeTrend, formatTickDate, linePath, moodWord, tableRows, tickDays, xScale, yScale } from './mood-chart.ts';

function summary(overrides: Partial<MoodSummary> = {}): MoodSummary {
  return {
    range: '4w',
    bucket: 'day',
    from: '2026-11-03',
    to: '2026-11-30',
    points: [],
    average: null,
    insights: { enoughData: false, goodDays: [], badDays: [] },
    ...overrides,
  };
}

describe('the mood chart’s scales', () => {
  const frame = chartFrame(600);

  it('puts 5 (great) at the top of the plot and 1 (very low) at the bottom, and clamps outside values', () => {
    const y = yScale(frame);
    expect(y(5)).toBe(frame.top);
    expect(y(1)).toBe(frame.height - frame.bottom);
    expect(y(3)).toBe((frame.top + frame.height - frame.bottom) / 2);
    expect(y(7)).toBe(y(5));
    expect(y(0)).toBe(y(1));
  });

  it('spreads days evenly from the first to the last, keeping days outside the span at its edges', () => {
    const x = xScale(frame, '2026-11-01', '2026-11-11');
    expect(x('2026-11-01')).toBe(frame.left);
    expect(x('2026-11-11')).toBe(frame.width - frame.right);
    expect(x('2026-11-06')).toBe(frame.left + (frame.width - frame.left - frame.right) / 2);
    expect(x('2026-10-20')).toBe(frame.left);
    expect(x('2026-12-20')).toBe(frame.width - frame.right);
  });
});

describe('the mood chart’s points and line', () => {
  const frame = chartFrame(600);

  it('draws one point per bucket, in date order, with the line through them left to right', () => {
    const points = chartPoints(
      summary({
        points: [
          { start: '2026-11-30', average: 5, count: 1, low: 5, high: 5 },
          { start: '2026-11-03', average: 1, count: 2, low: 1, high: 1 },
        ],
      }),
      frame,
    );
    expect(points.map((point) => point.start)).toEqual(['2026-11-03', '2026-11-30']);
    expect(points[0]).toMatchObject({ x: frame.left, y: frame.height - frame.bottom });
    expect(points[1]).toMatchObject({ x: frame.width - frame.right, y: frame.top });
    expect(linePath(points)).toBe(`M${frame.left} ${frame.height - frame.bottom} L${frame.width - frame.right} ${frame.top}`);
  });

  it('starts the axis at a week bucket’s Monday when that lies before the range', () => {
    const points = chartPoints(
      summary({ range: '3m', bucket: 'week', from: '2026-09-02', points: [{ start: '2026-08-31', average: 3, count: 4, low: 2, high: 4 }] }),
      frame,
    );
    expect(points[0]?.x).toBe(frame.left);
  });

  it('draws no line when there is nothing to draw', () => {
    expect(linePath([])).toBe('');
  });
});

describe('the mood chart’s x axis', () => {
  it('picks evenly spread days, both ends included, without repeats', () => {
    expect(tickDays('2026-11-03', '2026-11-30', 4)).toEqual(['2026-11-03', '2026-11-12', '2026-11-21', '2026-11-30']);
    expect(tickDays('2026-11-03', '2026-11-05', 5)).toEqual(['2026-11-03', '2026-11-04', '2026-11-05']);
    expect(tickDays('2026-11-03', '2026-11-03', 4)).toEqual(['2026-11-03']);
  });

  it('writes dates in the person’s locale: day and month over weeks, month and year over a year', () => {
    expect(formatTickDate('2026-11-03', '4w', 'en-GB')).toBe('3 Nov');
    expect(formatTickDate('2026-11-03', '4w', 'en-US')).toBe('Nov 3');
    expect(formatTickDate('2026-11-03', '3m', 'de-DE')).toBe('3. Nov.');
    expect(formatTickDate('2026-11-03', '12m', 'en-GB')).toBe('Nov 2026');
  });
});

describe('what the chart says to someone who cannot see it', () => {
  it('sums up the span, the buckets with entries, the average, the lowest and the highest', () => {
    const text = describeTrend(
      summary({
        average: 3.45,
        points: [
          { start: '2026-11-03', average: 2, count: 1, low: 2, high: 2 },
          { start: '2026-11-04', average: 4.5, count: 2, low: 4, high: 5 },
        ],
      }),
      'en-GB',
    );
    expect(text).toBe('Mood over the last 4 weeks (Tue, 3 Nov 2026 to Mon, 30 Nov 2026): 2 days with entries, average 3.5 of 5 (okay), lowest 2, highest 4.5.');
  });

  it('says when nothing has been recorded', () => {
    expect(describeTrend(summary({ range: '12m', bucket: 'week' }), 'en-GB')).toBe(
      'Mood over the last 12 months (Tue, 3 Nov 2026 to Mon, 30 Nov 2026): nothing recorded yet.',
    );
  });

  it('lists every point in the table, weeks named by their Monday', () => {
    const rows = tableRows({ bucket: 'week', points: [{ start: '2026-11-02', average: 4.25, count: 6, low: 3, high: 5 }] }, 'en-GB');
    expect(rows).toEqual([{ when: 'Week of Mon, 2 Nov 2026', average: '4.3 (good)', entries: '6' }]);
  });

  it('names an average by the nearest mood', () => {
    expect([1, 1.4, 2.6, 3.4, 4.6, 5].map(moodWord)).toEqual(['very low', 'very low', 'okay', 'okay', 'great', 'great']);
  });
});

import { describe, expect, it } from 'vitest';
import { formatInZone, instantOf, parseLocal } from './zoned-time.ts';

const at = (text: string, timezone: string) => {
  const parsed = parseLocal(text, timezone);
  if (!parsed) throw new Error(`unreadable ${text}`);
  return instantOf(parsed.local, timezone);
};

describe('wall-clock times in a zone', () => {
  it('names the instant on either side of a daylight-saving change', () => {
    expect(new Date(at('2026-03-28T09:00', 'Europe/Berlin')).toISOString()).toBe('2026-03-28T08:00:00.000Z');
    expect(new Date(at('2026-03-30T09:00', 'Europe/Berlin')).toISOString()).toBe('2026-03-30T07:00:00.000Z');
    expect(new Date(at('2026-11-02T09:00', 'America/New_York')).toISOString()).toBe('2026-11-02T14:00:00.000Z');
  });

  it('puts a skipped time after the gap and a repeated time on its first pass', () => {
    // 02:30 does not happen in Berlin on 29 March 2026: clocks jump from 02:00 to 03:00.
    expect(formatInZone(at('2026-03-29T02:30', 'Europe/Berlin'), 'Europe/Berlin')).toBe('2026-03-29T03:30:00+02:00');
    // 02:30 happens twice on 25 October 2026: first in summer time.
    expect(formatInZone(at('2026-10-25T02:30', 'Europe/Berlin'), 'Europe/Berlin')).toBe('2026-10-25T02:30:00+02:00');
  });

  it('reads dates, wall-clock times and times with offsets, and refuses impossible ones', () => {
    expect(parseLocal('2026-03-02', 'UTC')).toEqual({ local: { year: 2026, month: 3, day: 2, hour: 0, minute: 0, second: 0 }, dateOnly: true });
    expect(parseLocal('2026-03-02T08:00:00Z', 'Europe/Berlin')?.local).toMatchObject({ hour: 9, minute: 0 });
    expect(parseLocal('2026-03-02T09:15:30+05:30', 'UTC')?.local).toMatchObject({ hour: 3, minute: 45, second: 30 });
    for (const impossible of ['2026-02-29', '2026-13-01', '2026-03-02T24:00', '2026-03-02T09:60', 'tomorrow', '2026-03-02Z']) {
      expect(parseLocal(impossible, 'UTC'), impossible).toBeUndefined();
    }
  });
});

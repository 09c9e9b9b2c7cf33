import { describe, expect, it } from 'vitest';
import { formatInZone, instantOf, localAt, parseLocal } from './zoned-time.ts';

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

  it('reads the same wall-clock time as the runtime for every second around changes, whatever was read before', () => {
    /** What Intl says, with nothing remembered between reads. */
    const fresh = (instant: number, timezone: string) => {
      const parts = Object.fromEntries(
        new Intl.DateTimeFormat('en-US', {
          timeZone: timezone,
          hourCycle: 'h23',
          year: 'numeric',
          month: 'numeric',
          day: 'numeric',
          hour: 'numeric',
          minute: 'numeric',
          second: 'numeric',
        })
          .formatToParts(new Date(instant))
          .map((part) => [part.type, Number(part.value)]),
      );
      return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour, minute: parts.minute, second: parts.second };
    };
    const cases: [string, string][] = [
      ['Europe/Paris', '2026-03-29T01:00:00Z'], // clocks go forward an hour
      ['America/New_York', '2026-11-01T06:00:00Z'], // back an hour
      ['Australia/Lord_Howe', '2026-04-04T15:00:00Z'], // back half an hour
      ['Asia/Kathmandu', '2026-06-01T00:00:00Z'], // +05:45 all year
      ['Europe/Amsterdam', '1890-06-01T12:00:00Z'], // local mean time, an offset with seconds
    ];
    for (const [timezone, change] of cases) {
      const around = Date.parse(change);
      // Every 997 ms across the change (most reads fall in the minute read before), and now and then
      // an hour back, so that a remembered minute is never taken for another.
      for (let step = -125; step <= 125; step++) {
        const instants = [around + step * 997, ...(step % 10 === 0 ? [around + step * 997 - 3_600_000] : [])];
        for (const instant of instants) {
          expect(localAt(instant, timezone), `${timezone} at ${new Date(instant).toISOString()}`).toEqual(fresh(instant, timezone));
        }
      }
    }
  });
});

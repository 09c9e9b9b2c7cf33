import { describe, expect, it } from 'vitest';
import type { ReflectionSettings } from '../../common/reflection.ts';
import { nextReflectionSlot, reflectionTimeOn, weekBefore } from './reflection-time.ts';

const on = (change: Partial<ReflectionSettings> = {}): ReflectionSettings => ({ enabled: true, weekday: 'sunday', time: '18:00', ...change });
const iso = (instant: number | undefined) => (instant === undefined ? undefined : new Date(instant).toISOString());

describe('the next weekly reflection', () => {
  it('is on the chosen weekday at the chosen wall-clock time of the person’s zone, not of UTC', () => {
    // Monday 08:00 in Tokyo is Sunday 23:00 in UTC.
    const tokyo = on({ weekday: 'monday', time: '08:00' });
    expect(nextReflectionSlot(Date.parse('2026-11-29T22:00:00Z'), 'Asia/Tokyo', tokyo)).toEqual({
      date: '2026-11-30',
      at: Date.parse('2026-11-29T23:00:00Z'),
    });
    // An hour after it, the next is a week later.
    expect(nextReflectionSlot(Date.parse('2026-11-30T00:00:00Z'), 'Asia/Tokyo', tokyo)).toEqual({
      date: '2026-12-07',
      at: Date.parse('2026-12-06T23:00:00Z'),
    });
  });

  it('counts one due at this very instant, so a time set to the current minute runs now', () => {
    const at = Date.parse('2026-12-06T18:00:00Z');
    expect(nextReflectionSlot(at, 'UTC', on())?.at).toBe(at);
    expect(nextReflectionSlot(at + 1, 'UTC', on())?.date).toBe('2026-12-13');
  });

  it('keeps 18:00 at 18:00 across a daylight-saving change, and the week is as long as the person lived it', () => {
    // Berlin springs forward on Sunday 28 March 2027: 18:00 is 17:00 UTC the Sunday before, 16:00 UTC that day.
    const before = nextReflectionSlot(Date.parse('2027-03-21T12:00:00Z'), 'Europe/Berlin', on());
    expect(iso(before?.at)).toBe('2027-03-21T17:00:00.000Z');
    const after = nextReflectionSlot((before?.at ?? 0) + 1, 'Europe/Berlin', on());
    expect(after).toEqual({ date: '2027-03-28', at: Date.parse('2027-03-28T16:00:00Z') });
    const week = weekBefore(after ?? { date: '', at: 0 }, 'Europe/Berlin', '18:00');
    expect(iso(week.from)).toBe('2027-03-21T17:00:00.000Z');
    expect((week.to - week.from) / 3600_000).toBe(167);
    // New York falls back on Sunday 1 November 2026: that week has 169 hours.
    const fallBack = nextReflectionSlot(Date.parse('2026-10-31T12:00:00Z'), 'America/New_York', on());
    expect(iso(fallBack?.at)).toBe('2026-11-01T23:00:00.000Z');
    const longWeek = weekBefore(fallBack ?? { date: '', at: 0 }, 'America/New_York', '18:00');
    expect(iso(longWeek.from)).toBe('2026-10-25T22:00:00.000Z');
    expect((longWeek.to - longWeek.from) / 3600_000).toBe(169);
  });

  it('does not exist while the reflection is off, nor on another weekday', () => {
    expect(nextReflectionSlot(Date.parse('2026-12-01T00:00:00Z'), 'UTC', on({ enabled: false }))).toBeUndefined();
    expect(reflectionTimeOn('2026-12-05', 'UTC', on())).toBeUndefined();
    expect(iso(reflectionTimeOn('2026-12-06', 'UTC', on()))).toBe('2026-12-06T18:00:00.000Z');
  });
});

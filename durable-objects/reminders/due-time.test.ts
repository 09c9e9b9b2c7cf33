import { describe, expect, it } from 'vitest';
import { instantOf, localAt } from '../../server/time/zoned-time.ts';
import { resolveDueTime } from './due-time.ts';

const at = (iso: string) => new Date(iso);
const localClock = (instant: Date | undefined, timezone: string) => {
  if (!instant) throw new Error('no time was read');
  const wall = localAt(instant.getTime(), timezone);
  return `${wall.year}-${String(wall.month).padStart(2, '0')}-${String(wall.day).padStart(2, '0')} ${String(wall.hour).padStart(2, '0')}:${String(wall.minute).padStart(2, '0')}`;
};

describe('reading when a reminder is due', () => {
  it('reads "tomorrow at 9" as 09:00 on the person\'s own tomorrow, in New York and in Tokyo', () => {
    // 10:00 on 30 November in New York is already midnight on 1 December in Tokyo.
    const now = at('2026-11-30T15:00:00Z');
    expect(resolveDueTime('tomorrow at 9', now, 'America/New_York')?.toISOString()).toBe('2026-12-01T14:00:00.000Z');
    expect(resolveDueTime('tomorrow at 9', now, 'Asia/Tokyo')?.toISOString()).toBe('2026-12-02T00:00:00.000Z');
    expect(localClock(resolveDueTime('tomorrow at 9', now, 'Asia/Tokyo'), 'Asia/Tokyo')).toBe('2026-12-02 09:00');
  });

  it('keeps 09:00 local across a daylight-saving change, where one fixed offset would be an hour off', () => {
    // The evening before the US spring change (8 March 2026): the offset then is -05:00, the next morning -04:00.
    const beforeUsSpring = at('2026-03-08T01:00:00Z');
    expect(resolveDueTime('tomorrow at 9', beforeUsSpring, 'America/New_York')?.toISOString()).toBe('2026-03-08T13:00:00.000Z');
    // Just after midnight on the night of the EU change (29 March 2026): "at 9" is 09:00 summer time, 07:00 UTC.
    const nightOfEuSpring = at('2026-03-28T23:30:00Z');
    expect(resolveDueTime('at 9', nightOfEuSpring, 'Europe/Paris')?.toISOString()).toBe('2026-03-29T07:00:00.000Z');
    // The US autumn change (1 November 2026), the other way.
    const beforeUsAutumn = at('2026-11-01T02:00:00Z');
    expect(localClock(resolveDueTime('tomorrow at 9', beforeUsAutumn, 'America/New_York'), 'America/New_York')).toBe('2026-11-01 09:00');
    expect(resolveDueTime('tomorrow at 9', beforeUsAutumn, 'America/New_York')?.toISOString()).toBe('2026-11-01T14:00:00.000Z');
  });

  it('counts "in 2 hours" as elapsed time, even across the change', () => {
    const now = at('2026-03-08T06:30:00Z');
    expect(resolveDueTime('in 2 hours', now, 'America/New_York')?.toISOString()).toBe('2026-03-08T08:30:00.000Z');
    expect(resolveDueTime('in 30 minutes', now, 'Asia/Tokyo')?.toISOString()).toBe('2026-03-08T07:00:00.000Z');
  });

  it('reads a time already past today as the next one', () => {
    // 20:00 in Tokyo: "at 9" is tomorrow morning.
    expect(localClock(resolveDueTime('at 9am', at('2026-11-30T11:00:00Z'), 'Asia/Tokyo'), 'Asia/Tokyo')).toBe('2026-12-01 09:00');
  });

  it('takes an ISO instant as it is, and an offset the person named', () => {
    const now = at('2026-11-30T15:00:00Z');
    expect(resolveDueTime('2026-12-24T18:00:00+01:00', now, 'Asia/Tokyo')?.toISOString()).toBe('2026-12-24T17:00:00.000Z');
    expect(resolveDueTime('2027-02-30T09:00:00Z', now, 'Asia/Tokyo')).toBeUndefined();
    // "Tomorrow" is still the person's tomorrow (2 December in Tokyo); the hour is in the zone they named.
    expect(resolveDueTime('tomorrow at 9am UTC', now, 'Asia/Tokyo')?.toISOString()).toBe('2026-12-02T09:00:00.000Z');
  });

  it('answers nothing for words that are no time', () => {
    expect(resolveDueTime('whenever you feel like it', at('2026-11-30T15:00:00Z'), 'Europe/Paris')).toBeUndefined();
  });

  it('turns a wall time skipped by the spring change into the hour after, and a repeated one into its first occurrence', () => {
    const skipped = new Date(instantOf({ year: 2026, month: 3, day: 8, hour: 2, minute: 30, second: 0 }, 'America/New_York'));
    expect(skipped.toISOString()).toBe('2026-03-08T07:30:00.000Z');
    const repeated = new Date(instantOf({ year: 2026, month: 11, day: 1, hour: 1, minute: 30, second: 0 }, 'America/New_York'));
    expect(repeated.toISOString()).toBe('2026-11-01T05:30:00.000Z');
  });
});

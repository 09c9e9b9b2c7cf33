import { describe, expect, it } from 'vitest';
import { offsetMinutes, resolveRelativeDate } from './relative-dates.ts';

describe('relative dates', () => {
  // 23:30 UTC on Tuesday 24 November 2026 is already Wednesday morning in Tokyo, and still Tuesday afternoon in Los Angeles.
  const spokenAt = new Date('2026-11-24T23:30:00Z');

  it('resolves "tomorrow" in the zone of the person who said it', () => {
    expect(resolveRelativeDate('tomorrow', spokenAt, 'Asia/Tokyo')?.date).toBe('2026-11-26');
    expect(resolveRelativeDate('tomorrow', spokenAt, 'America/Los_Angeles')?.date).toBe('2026-11-25');
    expect(resolveRelativeDate('tomorrow', spokenAt, 'UTC')?.date).toBe('2026-11-25');
  });

  it('resolves weekdays, offsets and times of day', () => {
    expect(resolveRelativeDate('on Friday', spokenAt, 'America/Los_Angeles')?.date).toBe('2026-11-27');
    expect(resolveRelativeDate('in 3 days', spokenAt, 'Asia/Tokyo')?.date).toBe('2026-11-28');
    const atThree = resolveRelativeDate('tomorrow at 3pm', spokenAt, 'Asia/Tokyo');
    expect(atThree?.instant).toBe('2026-11-26T06:00:00.000Z');
    expect(resolveRelativeDate('on 3 March 2027', spokenAt, 'Europe/Paris')?.date).toBe('2027-03-03');
  });

  it('knows daylight saving and says nothing when there is no date', () => {
    expect(offsetMinutes(new Date('2026-07-01T12:00:00Z'), 'Europe/London')).toBe(60);
    expect(offsetMinutes(new Date('2026-12-01T12:00:00Z'), 'Europe/London')).toBe(0);
    expect(offsetMinutes(spokenAt, 'Asia/Kolkata')).toBe(330);
    expect(resolveRelativeDate('whenever', spokenAt, 'UTC')).toBeNull();
  });
});

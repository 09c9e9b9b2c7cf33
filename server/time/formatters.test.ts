import { describe, expect, it } from 'vitest';
import { zonedFormat } from './formatters.ts';

describe('formats kept per zone', () => {
  const dayAndHour = zonedFormat('en-GB', { weekday: 'long', hour: '2-digit', hourCycle: 'h23' });
  const instant = Date.UTC(2026, 11, 2, 23, 30);

  it('formats in the zone asked for, and builds each zone once', () => {
    expect(dayAndHour('UTC').format(instant)).toBe('Wednesday, 23');
    expect(dayAndHour('Asia/Tokyo').format(instant)).toBe('Thursday, 08');
    expect(dayAndHour('America/Los_Angeles').format(instant)).toBe('Wednesday, 15');
    expect(dayAndHour('Asia/Tokyo')).toBe(dayAndHour('Asia/Tokyo'));
    expect(dayAndHour('Asia/Tokyo')).not.toBe(dayAndHour('UTC'));
    expect(dayAndHour('Asia/Tokyo').resolvedOptions().timeZone).toBe('Asia/Tokyo');
  });

  it('refuses a zone that does not exist, as the constructor does, and keeps nothing of it', () => {
    expect(() => dayAndHour('Mars/Olympus_Mons')).toThrow(RangeError);
    expect(() => dayAndHour('Mars/Olympus_Mons')).toThrow(RangeError);
  });
});

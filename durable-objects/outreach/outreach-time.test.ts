import { describe, expect, it } from 'vitest';
import type { OutreachSettings } from '../../common/outreach.ts';
import { checkInTimeOn, clockAt, firstWakingInstant, inQuietHours, nextCheckInAt } from './outreach-time.ts';

const settings = (change: Partial<OutreachSettings> = {}): OutreachSettings => ({
  checkInCadence: 'daily',
  checkInTime: '18:00',
  quietHours: { start: '22:00', end: '08:00' },
  dailyCap: 3,
  eventReminderMinutes: 30,
  followUps: true,
  channelOrder: ['app', 'push', 'whatsapp'],
  paused: false,
  ...change,
});

describe('quiet hours', () => {
  it('run across midnight when they start after they end', () => {
    const quiet = { start: '22:00', end: '08:00' };
    expect(inQuietHours({ hour: 23, minute: 30 }, quiet)).toBe(true);
    expect(inQuietHours({ hour: 7, minute: 59 }, quiet)).toBe(true);
    expect(inQuietHours({ hour: 8, minute: 0 }, quiet)).toBe(false);
    expect(inQuietHours({ hour: 21, minute: 59 }, quiet)).toBe(false);
  });

  it('run within a day when they start before they end', () => {
    const quiet = { start: '13:00', end: '14:00' };
    expect(inQuietHours({ hour: 13, minute: 30 }, quiet)).toBe(true);
    expect(inQuietHours({ hour: 14, minute: 0 }, quiet)).toBe(false);
  });

  it('moves a moment inside them to their end', () => {
    const at = firstWakingInstant(Date.parse('2026-12-01T23:10:00Z'), 'UTC', { start: '22:00', end: '08:00' });
    expect(new Date(at).toISOString()).toBe('2026-12-02T08:10:00.000Z');
  });
});

describe('the next check-in', () => {
  it('is today at the chosen time when that is still ahead, else tomorrow', () => {
    expect(new Date(nextCheckInAt(Date.parse('2026-12-01T10:00:00Z'), 'UTC', settings())?.at ?? 0).toISOString()).toBe('2026-12-01T18:00:00.000Z');
    expect(new Date(nextCheckInAt(Date.parse('2026-12-01T18:00:00Z'), 'UTC', settings())?.at ?? 0).toISOString()).toBe('2026-12-02T18:00:00.000Z');
  });

  it('keeps the wall-clock time across a daylight-saving change', () => {
    // Europe/London leaves summer time on 25 October 2026.
    const before = nextCheckInAt(Date.parse('2026-10-24T12:00:00Z'), 'Europe/London', settings());
    const after = nextCheckInAt(Date.parse('2026-10-25T12:00:00Z'), 'Europe/London', settings());
    expect(new Date(before?.at ?? 0).toISOString()).toBe('2026-10-24T17:00:00.000Z');
    expect(new Date(after?.at ?? 0).toISOString()).toBe('2026-10-25T18:00:00.000Z');
    expect(after?.date).toBe('2026-10-25');
  });

  it('skips weekends on weekdays, and comes on Mondays when weekly', () => {
    // 5 December 2026 is a Saturday.
    const saturday = Date.parse('2026-12-05T10:00:00Z');
    expect(nextCheckInAt(saturday, 'UTC', settings({ checkInCadence: 'weekdays' }))?.date).toBe('2026-12-07');
    expect(nextCheckInAt(saturday, 'UTC', settings({ checkInCadence: 'weekly' }))?.date).toBe('2026-12-07');
  });

  it('never falls in quiet hours, and is off when asked', () => {
    expect(nextCheckInAt(Date.now(), 'UTC', settings({ checkInTime: '23:00' }))).toBeUndefined();
    expect(nextCheckInAt(Date.now(), 'UTC', settings({ checkInCadence: 'off' }))).toBeUndefined();
  });
});

describe('the check-in on a date', () => {
  it('is the chosen wall-clock time that day in the zone, on either side of a daylight-saving change', () => {
    // Europe/London leaves summer time on 25 October 2026.
    expect(new Date(checkInTimeOn('2026-10-24', 'Europe/London', settings()) ?? 0).toISOString()).toBe('2026-10-24T17:00:00.000Z');
    expect(new Date(checkInTimeOn('2026-10-25', 'Europe/London', settings()) ?? 0).toISOString()).toBe('2026-10-25T18:00:00.000Z');
  });

  it('is absent on a day the cadence skips, inside quiet hours, and when off', () => {
    // 5 December 2026 is a Saturday, 7 December a Monday.
    expect(checkInTimeOn('2026-12-05', 'UTC', settings({ checkInCadence: 'weekdays' }))).toBeUndefined();
    expect(checkInTimeOn('2026-12-08', 'UTC', settings({ checkInCadence: 'weekly' }))).toBeUndefined();
    expect(checkInTimeOn('2026-12-07', 'UTC', settings({ checkInCadence: 'weekly' }))).toBe(Date.parse('2026-12-07T18:00:00Z'));
    expect(checkInTimeOn('2026-12-07', 'UTC', settings({ checkInTime: '23:00' }))).toBeUndefined();
    expect(checkInTimeOn('2026-12-07', 'UTC', settings({ checkInCadence: 'off' }))).toBeUndefined();
  });
});

describe('the wall-clock time of an instant', () => {
  it('is the hour and minute in the zone, with its summer time', () => {
    expect(clockAt(Date.parse('2026-07-01T08:05:00Z'), 'Europe/London')).toBe('09:05');
    expect(clockAt(Date.parse('2026-12-01T08:05:00Z'), 'Europe/London')).toBe('08:05');
    expect(clockAt(Date.parse('2026-12-01T23:30:00Z'), 'Asia/Kolkata')).toBe('05:00');
  });
});

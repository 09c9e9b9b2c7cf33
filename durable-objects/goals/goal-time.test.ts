import { describe, expect, it } from 'vitest';
import { defaultOutreachSettings } from '../outreach/outreach-store.ts';
import { checkInTimeOn } from '../outreach/outreach-time.ts';
import { defaultCheckIn, habitProgress, habitStanding, nextCheckInSlot, periodNumberOf, slotInstant, weekdayAt } from './goal-time.ts';

const at = (text: string) => Date.parse(text);
const daily = (timesPerPeriod: number) => ({ timesPerPeriod, period: 'day' as const });
const weekly = (timesPerPeriod: number) => ({ timesPerPeriod, period: 'week' as const });

describe('habit periods', () => {
  it('start weeks on Monday, in the person’s zone', () => {
    // Sunday 29 November 2026 at 23:30 in Berlin is still that week; 00:30 on Monday is the next.
    const sundayNight = at('2026-11-29T22:30:00Z');
    const mondayMorning = at('2026-11-29T23:30:00Z');
    expect(weekdayAt(sundayNight, 'Europe/Berlin')).toBe('sunday');
    expect(weekdayAt(mondayMorning, 'Europe/Berlin')).toBe('monday');
    expect(periodNumberOf(mondayMorning, 'week', 'Europe/Berlin') - periodNumberOf(sundayNight, 'week', 'Europe/Berlin')).toBe(7);
    expect(periodNumberOf(at('2026-12-06T12:00:00Z'), 'week', 'Europe/Berlin')).toBe(periodNumberOf(mondayMorning, 'week', 'Europe/Berlin'));
    // The same instant is still Sunday in New York.
    expect(weekdayAt(mondayMorning, 'America/New_York')).toBe('sunday');
  });
});

describe('a habit’s count and streak', () => {
  const now = at('2026-11-30T20:00:00Z');

  it('count what was done today, and the days in a row before it that met the target', () => {
    const done = [at('2026-11-27T08:00:00Z'), at('2026-11-28T08:00:00Z'), at('2026-11-29T08:00:00Z')];
    expect(habitStanding(done, daily(1), now, 'UTC')).toEqual({ doneThisPeriod: 0, streak: 3 });
    // Doing it today extends the streak to today.
    expect(habitStanding([...done, at('2026-11-30T07:00:00Z')], daily(1), now, 'UTC')).toEqual({ doneThisPeriod: 1, streak: 4 });
  });

  it('break the streak on a day that missed the target', () => {
    const done = [at('2026-11-26T08:00:00Z'), at('2026-11-28T08:00:00Z'), at('2026-11-29T08:00:00Z'), at('2026-11-29T09:00:00Z')];
    expect(habitStanding(done, daily(1), now, 'UTC')).toEqual({ doneThisPeriod: 0, streak: 2 });
    // Twice a day: only Sunday met it.
    expect(habitStanding(done, daily(2), now, 'UTC')).toEqual({ doneThisPeriod: 0, streak: 1 });
    expect(habitStanding([], daily(1), now, 'UTC')).toEqual({ doneThisPeriod: 0, streak: 0 });
  });

  it('read the days in the person’s zone', () => {
    // 23:30 UTC on Sunday is already Monday (today) in Berlin.
    const lateSunday = at('2026-11-29T23:30:00Z');
    expect(habitStanding([lateSunday], daily(1), now, 'UTC')).toEqual({ doneThisPeriod: 0, streak: 1 });
    expect(habitStanding([lateSunday], daily(1), now, 'Europe/Berlin')).toEqual({ doneThisPeriod: 1, streak: 1 });
  });

  it('count weekly habits by weeks from Monday', () => {
    // Two weeks ago twice, last week twice, this week (from Monday 30 November) once.
    const done = [at('2026-11-17T08:00:00Z'), at('2026-11-22T08:00:00Z'), at('2026-11-23T08:00:00Z'), at('2026-11-29T20:00:00Z'), at('2026-11-30T08:00:00Z')];
    expect(habitStanding(done, weekly(2), now, 'UTC')).toEqual({ doneThisPeriod: 1, streak: 2 });
    expect(habitStanding(done, weekly(3), now, 'UTC')).toEqual({ doneThisPeriod: 1, streak: 0 });
  });

  it('give a habit’s progress as its share of the target, capped at 100', () => {
    expect(habitProgress(1, 3)).toBe(33);
    expect(habitProgress(2, 3)).toBe(67);
    expect(habitProgress(5, 3)).toBe(100);
    expect(habitProgress(0, 1)).toBe(0);
  });
});

describe('a goal’s next check-in', () => {
  it('is the next day or weekday at its time, strictly after now, keyed by local date and time', () => {
    const now = at('2026-11-30T10:00:00Z');
    expect(nextCheckInSlot({ every: 'day', time: '09:00' }, now, 'UTC')).toEqual({ at: at('2026-12-01T09:00:00Z'), slot: '2026-12-01T09:00' });
    expect(nextCheckInSlot({ every: 'day', time: '18:30' }, now, 'Europe/Berlin')).toEqual({ at: at('2026-11-30T17:30:00Z'), slot: '2026-11-30T18:30' });
    expect(nextCheckInSlot({ every: 'week', weekday: 'thursday', time: '08:00' }, now, 'UTC')?.slot).toBe('2026-12-03T08:00');
    // The same weekday as today, its time passed: next week.
    expect(nextCheckInSlot({ every: 'week', weekday: 'monday', time: '09:00' }, now, 'UTC')?.slot).toBe('2026-12-07T09:00');
    expect(nextCheckInSlot({ every: 'off' }, now, 'UTC')).toBeUndefined();
  });

  it('lands where the outreach check-in lands on a time the clock skips', () => {
    // 29 March 2026: Berlin's clocks go from 02:00 to 03:00, so 02:30 does not exist that day.
    const next = nextCheckInSlot({ every: 'day', time: '02:30' }, at('2026-03-28T12:00:00Z'), 'Europe/Berlin');
    const outreach = checkInTimeOn('2026-03-29', 'Europe/Berlin', {
      ...defaultOutreachSettings,
      checkInCadence: 'daily',
      checkInTime: '02:30',
      quietHours: { start: '00:00', end: '00:00' },
    });
    expect(next).toEqual({ at: outreach, slot: '2026-03-29T02:30' });
    expect(slotInstant('2026-03-29T02:30', 'Europe/Berlin')).toBe(at('2026-03-29T01:30:00Z'));
  });

  it('defaults to weekly on the weekday the goal was set, at the person’s check-in time', () => {
    expect(defaultCheckIn(at('2026-12-02T23:30:00Z'), 'Asia/Tokyo', '18:00')).toEqual({ every: 'week', weekday: 'thursday', time: '18:00' });
  });
});

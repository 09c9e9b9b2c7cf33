import { describe, expect, it } from 'vitest';
import type { Goal } from '../../../common/client.ts';
import {
  describeCheckIn,
  describeHabitCount,
  describeHabitTarget,
  describeNextReflection,
  describeStreak,
  describeTargetDate,
  describeThemes,
  groupByArea,
  weekdayOf,
} from './life-words.ts';

function goal(overrides: Partial<Goal>): Goal {
  return {
    id: overrides.title ?? 'goal',
    area: 'health',
    kind: 'goal',
    title: 'Run a 10k',
    notes: null,
    status: 'active',
    progress: 0,
    habit: null,
    doneThisPeriod: 0,
    streak: 0,
    checkIn: { every: 'off' },
    targetDate: null,
    createdAt: '2026-11-01T10:00:00Z',
    updatedAt: '2026-11-01T10:00:00Z',
    completedAt: null,
    lastUpdateAt: null,
    ...overrides,
  };
}

describe('goals grouped by life area', () => {
  it('keeps the areas’ order, sorts each area’s goals by title, and leaves empty areas out', () => {
    const groups = groupByArea([
      goal({ title: 'Save for a bike', area: 'finances' }),
      goal({ title: 'Walk daily', area: 'health' }),
      goal({ title: 'Drink water', area: 'health' }),
      goal({ title: 'Call Gran', area: 'relationships' }),
    ]);
    expect(groups.map((group) => [group.area, group.goals.map((item) => item.title)])).toEqual([
      ['health', ['Drink water', 'Walk daily']],
      ['relationships', ['Call Gran']],
      ['finances', ['Save for a bike']],
    ]);
  });
});

describe('a habit in words', () => {
  const daily = goal({ kind: 'habit', habit: { timesPerPeriod: 3, period: 'day' }, doneThisPeriod: 2, streak: 1 });
  const weekly = goal({ kind: 'habit', habit: { timesPerPeriod: 2, period: 'week' }, doneThisPeriod: 0, streak: 4 });

  it('counts this period against the target', () => {
    expect(describeHabitCount(daily)).toBe('2 of 3 today');
    expect(describeHabitCount(weekly)).toBe('0 of 2 this week');
    expect(describeHabitCount(goal({}))).toBe('');
  });

  it('says the target and the streak in the habit’s own period', () => {
    expect(describeHabitTarget({ timesPerPeriod: 1, period: 'day' })).toBe('Once a day');
    expect(describeHabitTarget({ timesPerPeriod: 2, period: 'week' })).toBe('Twice a week');
    expect(describeHabitTarget({ timesPerPeriod: 5, period: 'week' })).toBe('5 times a week');
    expect(describeStreak(daily)).toBe('1 day in a row');
    expect(describeStreak(weekly)).toBe('4 weeks in a row');
    expect(describeStreak({ ...daily, streak: 0 })).toBe('No streak yet');
  });
});

describe('a goal’s schedule in words', () => {
  it('says how often the companion asks', () => {
    expect(describeCheckIn({ every: 'off' })).toBe('No check-ins');
    expect(describeCheckIn({ every: 'day', time: '18:00' })).toBe('Check-in every day at 18:00');
    expect(describeCheckIn({ every: 'week', weekday: 'sunday', time: '10:30' })).toBe('Check-in on Sundays at 10:30');
  });

  it('writes the target date in the person’s locale', () => {
    expect(describeTargetDate('2027-03-31', 'en-GB')).toBe('by 31 Mar 2027');
    expect(describeTargetDate('2027-03-31', 'en-US')).toBe('by Mar 31, 2027');
  });

  it('finds the weekday of a calendar day', () => {
    expect(weekdayOf('2026-11-30')).toBe('monday');
    expect(weekdayOf('2026-12-06')).toBe('sunday');
  });
});

describe('insights and the reflection in words', () => {
  it('lists the themes that came up on most days first', () => {
    expect(
      describeThemes([
        { theme: 'work', days: 2, share: 0.2 },
        { theme: 'walk', days: 5, share: 0.5 },
        { theme: 'Sam', days: 1, share: 0.1 },
      ]),
    ).toBe('walk (5 days), work (2 days), Sam (1 day)');
    expect(
      describeThemes(
        [
          { theme: 'a', days: 3, share: 1 },
          { theme: 'b', days: 2, share: 1 },
        ],
        1,
      ),
    ).toBe('a (3 days)');
  });

  it('says when the next reflection comes, in the person’s zone', () => {
    const now = new Date('2026-11-30T08:00:00Z');
    expect(describeNextReflection('2026-12-06T17:00:00Z', now, 'Europe/Berlin')).toBe('The next one comes Sun 6 Dec at 18:00.');
    expect(describeNextReflection(null, now, 'Europe/Berlin')).toBe('Off: no reflection is planned.');
  });
});

import type { SchemaStep } from '../host/schema/schema-step.ts';

/**
 * The goals capability's schema step. Numbered 18 on this branch (the last landed step is 17);
 * renumbered at merge. Titles, notes and update notes are the person's own words, so they are
 * sealed; everything else is an id, an enum, a number or a time, kept plain so goals can be listed,
 * counted and found by their check-in slot without opening anything.
 */
export const goalsSchemaSteps: readonly SchemaStep[] = [
  {
    version: 18,
    description: 'goals and habits: sealed title and notes, progress, habit target, check-in plan; and their updates, each note sealed',
    statements: [
      `CREATE TABLE IF NOT EXISTS goals (
        id TEXT PRIMARY KEY,
        area TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('goal', 'habit')),
        title_sealed TEXT NOT NULL,
        notes_sealed TEXT,
        status TEXT NOT NULL CHECK (status IN ('active', 'completed', 'archived')),
        progress REAL NOT NULL DEFAULT 0,
        habit_times INTEGER,
        habit_period TEXT CHECK (habit_period IN ('day', 'week')),
        check_in_every TEXT NOT NULL CHECK (check_in_every IN ('off', 'day', 'week')),
        check_in_weekday TEXT,
        check_in_time TEXT,
        target_date TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        completed_at INTEGER,
        check_in_slot TEXT,
        check_in_schedule_id TEXT
      )`,
      'CREATE INDEX IF NOT EXISTS goals_by_status ON goals (status, created_at)',
      'CREATE INDEX IF NOT EXISTS goals_by_check_in_slot ON goals (check_in_slot)',
      `CREATE TABLE IF NOT EXISTS goal_updates (
        id TEXT PRIMARY KEY,
        goal_id TEXT NOT NULL,
        at INTEGER NOT NULL,
        progress REAL,
        done INTEGER NOT NULL DEFAULT 0,
        note_sealed TEXT,
        source TEXT NOT NULL CHECK (source IN ('app', 'companion'))
      )`,
      'CREATE INDEX IF NOT EXISTS goal_updates_by_goal ON goal_updates (goal_id, at)',
      'CREATE INDEX IF NOT EXISTS goal_updates_by_time ON goal_updates (at)',
    ],
  },
];

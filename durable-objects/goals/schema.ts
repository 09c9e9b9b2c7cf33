import type { SchemaStep } from '../host/schema/schema-step.ts';

/**
 * The goals capability's schema step. Numbered 18 on this branch (the last landed step is 17);
 * renumbered at merge. Titles, notes and update notes are the person's own words, so they are
 * sealed; everything else is an id, an enum, a number or a time, kept plain so goals can be listed,
 * counted and found by their check-in slot without opening anything.
 *
 * The step also rebuilds `messages`, whose `proactive` CHECK (step 6) allows only the first four
 * outreach kinds: a goal check-in or reflection written through `outreach.reachOut` was refused by
 * SQLite. SQLite cannot change a CHECK in place, so the table is copied into one that allows every
 * kind of `outreachKindSchema`. Whoever merges: keep one such rebuild if another branch has it too.
 */
export const goalsSchemaSteps: readonly SchemaStep[] = [
  {
    version: 18,
    description:
      'goals and habits: sealed title and notes, progress, habit target, check-in plan; their updates, each note sealed; and messages rebuilt so a proactive message may be a goal check-in or a reflection',
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
      `CREATE TABLE messages_rebuilt (
        sequence INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
        text_sealed TEXT NOT NULL,
        tools_sealed TEXT,
        speaker_sealed TEXT,
        external_id TEXT,
        memory_ids TEXT NOT NULL DEFAULT '[]',
        status TEXT NOT NULL CHECK (status IN ('complete', 'failed')),
        error_id TEXT,
        created_at INTEGER NOT NULL,
        proactive TEXT CHECK (proactive IN ('reminder', 'event-soon', 'check-in', 'follow-up', 'goal-check-in', 'reflection')),
        care_sealed TEXT
      )`,
      `INSERT INTO messages_rebuilt (sequence, id, conversation_id, role, text_sealed, tools_sealed, speaker_sealed, external_id, memory_ids, status, error_id, created_at, proactive, care_sealed)
        SELECT sequence, id, conversation_id, role, text_sealed, tools_sealed, speaker_sealed, external_id, memory_ids, status, error_id, created_at, proactive, care_sealed FROM messages`,
      'DROP TABLE messages',
      'ALTER TABLE messages_rebuilt RENAME TO messages',
      'CREATE INDEX IF NOT EXISTS messages_conversation ON messages (conversation_id, sequence)',
    ],
  },
];

import { z } from 'zod';
import { clockTimeSchema } from './outreach.ts';

/**
 * The wire shapes of goals and habits (`/goals`): what a person is working on in any part of life,
 * the progress they and the companion record, and how often the companion asks about it.
 */

const isoDateTime = z.iso.datetime({ offset: true });
const calendarDate = z.iso.date();

/** The parts of life Kindred supports; `other` for whatever fits none. */
export const lifeAreaSchema = z.enum(['health', 'relationships', 'education', 'career', 'well-being', 'finances', 'other']);
export type LifeArea = z.infer<typeof lifeAreaSchema>;

/** A habit is done a number of times per day or week; a goal moves from 0 to 100 percent. */
export const goalKindSchema = z.enum(['goal', 'habit']);

export const weekdaySchema = z.enum(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']);
export type Weekday = z.infer<typeof weekdaySchema>;

/** How often the companion asks about the goal, through outreach (quiet hours, the daily cap and "stop" apply). */
export const goalCheckInSchema = z.discriminatedUnion('every', [
  z.object({ every: z.literal('off') }),
  z.object({ every: z.literal('day'), time: clockTimeSchema }),
  z.object({ every: z.literal('week'), weekday: weekdaySchema, time: clockTimeSchema }),
]);
export type GoalCheckIn = z.infer<typeof goalCheckInSchema>;

export const habitTargetSchema = z.object({ timesPerPeriod: z.number().int().min(1).max(50), period: z.enum(['day', 'week']) });

export const goalSchema = z.object({
  id: z.string(),
  area: lifeAreaSchema,
  kind: goalKindSchema,
  title: z.string(),
  /** Why it matters to the person, or how they mean to go about it. */
  notes: z.string().nullable(),
  status: z.enum(['active', 'completed', 'archived']),
  /** A goal's progress, 0–100; a habit's share of this period's target done. */
  progress: z.number().min(0).max(100),
  /** Set for habits only. */
  habit: habitTargetSchema.nullable(),
  /** A habit: times done in the current day or week (in the person's time zone). */
  doneThisPeriod: z.number().int().min(0),
  /** A habit: periods in a row, up to the last finished one (or this one once met), in which the target was met. */
  streak: z.number().int().min(0),
  checkIn: goalCheckInSchema,
  /** When the person hopes to reach it. */
  targetDate: calendarDate.nullable(),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
  completedAt: isoDateTime.nullable(),
  lastUpdateAt: isoDateTime.nullable(),
});
export type Goal = z.infer<typeof goalSchema>;

/** One step on the way: progress set, a habit done, or a note. */
export const goalUpdateSchema = z.object({
  id: z.string(),
  goalId: z.string(),
  at: isoDateTime,
  /** The goal's progress after this update, when it set one. */
  progress: z.number().min(0).max(100).nullable(),
  /** A habit done once. */
  done: z.boolean(),
  note: z.string().nullable(),
  /** Who recorded it: the person in the app, or the companion in conversation (with a tool). */
  source: z.enum(['app', 'companion']),
});
export type GoalUpdate = z.infer<typeof goalUpdateSchema>;

const titleSchema = z.string().trim().min(1, 'must not be empty').max(200);
const notesSchema = z.string().trim().max(2000).nullable();

/** `POST /goals`. A habit needs its target; a goal must not have one. */
export const createGoalBodySchema = z
  .object({
    area: lifeAreaSchema,
    kind: goalKindSchema.default('goal'),
    title: titleSchema,
    notes: notesSchema.optional(),
    habit: habitTargetSchema.optional(),
    /** Defaults to once a week, on the weekday it was set, at the person's check-in time. */
    checkIn: goalCheckInSchema.optional(),
    targetDate: calendarDate.nullable().optional(),
  })
  .strict()
  .refine((body) => (body.kind === 'habit') === (body.habit !== undefined), {
    message: 'a habit needs `habit` (times per day or week); a goal has none',
    path: ['habit'],
  });
export type CreateGoalBody = z.input<typeof createGoalBodySchema>;

/** `PATCH /goals/:id`: any subset. Completing sets progress to 100; `active` reopens. */
export const patchGoalBodySchema = z
  .object({
    area: lifeAreaSchema,
    title: titleSchema,
    notes: notesSchema,
    habit: habitTargetSchema,
    checkIn: goalCheckInSchema,
    targetDate: calendarDate.nullable(),
    status: z.enum(['active', 'completed', 'archived']),
  })
  .partial()
  .strict();
export type PatchGoalBody = z.infer<typeof patchGoalBodySchema>;

/** `POST /goals/:id/updates`: progress (goals), done (habits), a note, or several. */
export const goalUpdateBodySchema = z
  .object({
    progress: z.number().min(0).max(100).optional(),
    done: z.literal(true).optional(),
    note: z.string().trim().min(1).max(2000).optional(),
  })
  .strict()
  .refine((body) => body.progress !== undefined || body.done !== undefined || body.note !== undefined, {
    message: 'give progress, done or a note',
  });
export type GoalUpdateBody = z.infer<typeof goalUpdateBodySchema>;

export const goalsQuerySchema = z.object({ status: z.enum(['active', 'completed', 'archived', 'all']).default('active') });
export const goalsAnswerSchema = z.object({ goals: z.array(goalSchema) });
export type GoalsAnswer = z.infer<typeof goalsAnswerSchema>;
/** `GET /goals/:id`: the goal and its updates, newest first. */
export const goalDetailSchema = z.object({ goal: goalSchema, updates: z.array(goalUpdateSchema) });
export type GoalDetail = z.infer<typeof goalDetailSchema>;
export const goalUpdateAnswerSchema = z.object({ goal: goalSchema, update: goalUpdateSchema });

/** The goals capability's part of `GET /me/export`: every goal with every update, oldest first. */
export const exportedGoalSchema = goalSchema.extend({ updates: z.array(goalUpdateSchema) });

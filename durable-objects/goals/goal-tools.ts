import { z } from 'zod';
import {
  type CreateGoalBody,
  createGoalBodySchema,
  type Goal,
  type GoalUpdate,
  type GoalUpdateBody,
  goalCheckInSchema,
  goalKindSchema,
  goalUpdateBodySchema,
  habitTargetSchema,
  lifeAreaSchema,
  type PatchGoalBody,
  patchGoalBodySchema,
} from '../../common/goals.ts';
import type { JsonValue } from '../../common/protocol.ts';
import { AppError } from '../../server/errors/app-error.ts';
import { defineTool, type Tool } from '../tools/tool.ts';

/** What the goal tools may do: the capability's own functions, closed over this user's object only. */
export interface GoalToolServices {
  list(status: Goal['status'] | 'all'): Promise<Goal[]>;
  create(body: z.output<typeof createGoalBodySchema>): Promise<Goal>;
  change(id: string, body: PatchGoalBody): Promise<Goal>;
  record(id: string, body: GoalUpdateBody, source: GoalUpdate['source']): Promise<{ goal: Goal; update: GoalUpdate }>;
}

const title = 'Goals and habits';
const summary = 'Keeps track of the goals and habits you set, records your progress when you tell it, and asks how they are going.';

/** A goal as the model reads it: data about the person, never instructions. */
const forModel = (goal: Goal): JsonValue => ({ ...goal }) as JsonValue;

const issuesOf = (error: z.ZodError) => error.issues.map((issue) => `${issue.path.join('.') || 'input'} ${issue.message}`).join('; ');

/** An expected failure (no such goal, a body that does not fit the goal) is told to the model, which can ask again. */
async function orFailure(work: () => Promise<JsonValue>): Promise<JsonValue> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AppError && (error.id === 'not_found' || error.id === 'validation_failed')) return { ok: false, error: error.message };
    throw error;
  }
}

/** The model's tools over the person's goals and habits: list, set (new or changed), record progress, complete. */
export function createGoalTools(services: GoalToolServices): Tool[] {
  return [
    defineTool({
      id: 'goal-list',
      name: 'goal_list',
      title,
      summary,
      description:
        "Lists the person's goals and habits with their progress: for a habit, how often it was done this day or week (`doneThisPeriod`) against its target, and its `streak`. Active ones unless `status` says otherwise. Use the ids with the other goal tools.",
      inputSchema: z.object({ status: z.enum(['active', 'completed', 'archived', 'all']).default('active') }),
      enabledByDefault: true,
      risk: 'read',
      async execute({ status }): Promise<JsonValue> {
        return { goals: (await services.list(status)).map(forModel) };
      },
    }),
    defineTool({
      id: 'goal-set',
      name: 'goal_set',
      title,
      summary,
      description: [
        'Sets a new goal or habit the person chose, or changes one (give `goalId`). Only for what the person said they want to work on.',
        'A goal moves from 0 to 100 percent; a habit is done a number of times per day or week (`habit`, required for a habit).',
        '`checkIn` is how often you will ask about it (`off`, every `day` at a time, or every `week` on a weekday at a time, times as HH:MM in their zone);',
        'left out for a new goal, it is once a week on today’s weekday at their usual check-in time.',
      ].join(' '),
      inputSchema: z.object({
        goalId: z.string().min(1).max(64).optional(),
        area: lifeAreaSchema.optional(),
        kind: goalKindSchema.optional(),
        title: z.string().max(200).optional(),
        notes: z.string().max(2000).nullable().optional(),
        habit: habitTargetSchema.optional(),
        checkIn: goalCheckInSchema.optional(),
        targetDate: z.iso.date().nullable().optional(),
      }),
      enabledByDefault: true,
      risk: 'change',
      async execute({ goalId, kind, ...fields }): Promise<JsonValue> {
        const given = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
        if (goalId) {
          if (kind !== undefined) return { ok: false, error: 'A goal cannot become a habit or the other way round: set a new one.' };
          const body = patchGoalBodySchema.safeParse(given);
          if (!body.success) return { ok: false, error: `Invalid change: ${issuesOf(body.error)}` };
          return orFailure(async () => ({ ok: true, goal: forModel(await services.change(goalId, body.data)) }));
        }
        const body = createGoalBodySchema.safeParse({ ...given, ...(kind ? { kind } : {}) } satisfies Partial<CreateGoalBody>);
        if (!body.success) return { ok: false, error: `Invalid goal: ${issuesOf(body.error)}` };
        return orFailure(async () => ({ ok: true, goal: forModel(await services.create(body.data)) }));
      },
    }),
    defineTool({
      id: 'goal-update',
      name: 'goal_update',
      title,
      summary,
      description:
        "Records what the person told you about a goal or habit: a goal's new `progress` (0–100), a habit done once (`done: true`), and/or a short `note` in their words. Record only what they said happened.",
      inputSchema: z.object({
        goalId: z.string().min(1).max(64),
        progress: z.number().optional(),
        done: z.boolean().optional(),
        note: z.string().max(2000).optional(),
      }),
      enabledByDefault: true,
      risk: 'change',
      async execute({ goalId, done, ...fields }): Promise<JsonValue> {
        const given = Object.fromEntries(Object.entries({ ...fields, ...(done ? { done } : {}) }).filter(([, value]) => value !== undefined));
        const body = goalUpdateBodySchema.safeParse(given);
        if (!body.success) return { ok: false, error: `Invalid update: ${issuesOf(body.error)}` };
        return orFailure(async () => {
          const { goal, update } = await services.record(goalId, body.data, 'companion');
          return { ok: true, goal: forModel(goal), update: { ...update } as JsonValue };
        });
      },
    }),
    defineTool({
      id: 'goal-complete',
      name: 'goal_complete',
      title,
      summary,
      description: 'Marks a goal or habit completed, when the person says they reached it or are done with it. Its check-ins stop.',
      inputSchema: z.object({ goalId: z.string().min(1).max(64) }),
      enabledByDefault: true,
      risk: 'change',
      async execute({ goalId }): Promise<JsonValue> {
        return orFailure(async () => ({ ok: true, goal: forModel(await services.change(goalId, { status: 'completed' })) }));
      },
    }),
  ];
}

import { z } from 'zod';
import { type JsonValue, maxReminderTextLength, type Reminder } from '../../common/protocol.ts';
import { AppError } from '../../server/errors/app-error.ts';
import { defineTool, type Tool } from '../tools/tool.ts';
import { resolveDueTime } from './due-time.ts';

/** Tools over the user's own reminders. They close over this user's capability only, so no tool can reach another user. */
export function createReminderTools(services: { schedule: (text: string, dueAt: Date) => Promise<Reminder> }): Tool[] {
  return [
    defineTool({
      id: 'reminder-create',
      name: 'create_reminder',
      title: 'Reminders',
      summary: 'Sets reminders when you ask, and nudges you when they come due.',
      description:
        'Sets a reminder that is sent at the given time, even if no conversation is open. `when` is the time as said ("tomorrow at 9", "in 2 hours", "friday 18:30"), read in the person\'s time zone, or an ISO 8601 instant.',
      inputSchema: z.object({ text: z.string().trim().min(1).max(maxReminderTextLength), when: z.string().trim().min(1).max(120) }),
      enabledByDefault: true,
      risk: 'change',
      async execute({ text, when }, context): Promise<JsonValue> {
        const dueAt = resolveDueTime(when, context.now, context.timezone);
        if (!dueAt) return { created: false, error: `"${when}" is not a time I can read. Ask for a day and a time.` };
        try {
          const reminder = await services.schedule(text, dueAt);
          return { created: true, reminderId: reminder.id, dueAt: reminder.dueAt, timezone: context.timezone };
        } catch (error) {
          // The model reads why and can ask again; other failures are the tool loop's to report.
          if (error instanceof AppError && error.id === 'invalid_due_time') return { created: false, error: error.message };
          throw error;
        }
      },
    }),
  ];
}

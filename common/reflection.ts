import { z } from 'zod';
import { weekdaySchema } from './goals.ts';
import { clockTimeSchema } from './outreach.ts';

/**
 * The wire shapes of the weekly reflection (`/reflection`): when on, the companion writes what
 * happened, what went well and what is next from the week's conversations, goals and moods, and
 * outreach delivers it.
 */
export const reflectionSettingsSchema = z.object({ enabled: z.boolean(), weekday: weekdaySchema, time: clockTimeSchema }).strict();
export type ReflectionSettings = z.infer<typeof reflectionSettingsSchema>;

export const reflectionSettingsPatchSchema = reflectionSettingsSchema.partial().strict();
export type ReflectionSettingsPatch = z.infer<typeof reflectionSettingsPatchSchema>;

/** `GET/PUT /reflection`: the settings and when the next one is due (null when off). */
export const reflectionAnswerSchema = z.object({ settings: reflectionSettingsSchema, nextAt: z.iso.datetime({ offset: true }).nullable() });
export type ReflectionAnswer = z.infer<typeof reflectionAnswerSchema>;

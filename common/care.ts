import { z } from 'zod';

/**
 * The wire shapes of care: what the safety net found in a person's message, and the real help a reply
 * carries. protocol.ts adds `care` to the message, so nothing here imports it.
 */

/** What the local screen (and a model classifier, when configured) looks for. */
export const careCategorySchema = z.enum([
  /** Suicide and self-harm, including the indirect warning signs (goodbyes, giving things away, being a burden, a plan or the means). */
  'suicide-self-harm',
  /** Violence or abuse against the person: at home, by a partner, sexual, a child at risk. */
  'abuse',
  /** A medical emergency happening now: chest pain, cannot breathe, overdose, stroke signs. */
  'medical-emergency',
  'eating-disorder',
  /** The person says they might hurt someone else. */
  'harm-to-others',
]);
export type CareCategory = z.infer<typeof careCategorySchema>;

/** One place a person can turn to. At least one of phone, text or url is set. */
export const careResourceSchema = z.object({
  name: z.string(),
  /** ISO 3166-1 alpha-2, or `INT` for the international fallback. */
  country: z.string(),
  phone: z.string().optional(),
  /** How to reach it by text or chat, in words ("Text HOME to 741741"). */
  text: z.string().optional(),
  url: z.string().optional(),
  hours: z.string().optional(),
  /** True for the emergency number: shown first when life is at risk. */
  emergency: z.boolean().optional(),
});
export type CareResource = z.infer<typeof careResourceSchema>;

/** Carried by the assistant message (stored and in `message-end`) that answers a flagged message. */
export const careSchema = z.object({
  category: careCategorySchema,
  resources: z.array(careResourceSchema),
});
export type Care = z.infer<typeof careSchema>;

/** The person's care settings: the country whose crisis resources they get. */
export const careSettingsSchema = z.object({
  /** ISO 3166-1 alpha-2 (`DE`, `US`), or null to let Kindred work it out from the WhatsApp number, then the time zone. */
  country: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'an ISO 3166-1 alpha-2 code, like DE or US')
    .transform((code) => code.toUpperCase())
    .nullable(),
});
export type CareSettings = z.infer<typeof careSettingsSchema>;

/** A conversation in which a message was flagged: what the follow-up is planned from. Never the person's words. */
export const careFlagSchema = z.object({
  conversationId: z.string(),
  category: careCategorySchema,
  /** The channel the conversation was on: the follow-up goes there only. */
  channel: z.string(),
  flaggedAt: z.string(),
  followedUpAt: z.string().nullable(),
});

/** The care capability's part of `GET /me/export`. */
export const careExportSchema = z.object({ settings: careSettingsSchema, flagged: z.array(careFlagSchema) });

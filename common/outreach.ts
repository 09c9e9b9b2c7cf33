import { z } from 'zod';

// protocol.ts imports this module (messages carry their outreach kind), so nothing here imports it back.
const isoDateTime = z.iso.datetime({ offset: true });

/** Why the companion spoke unasked: a message it sent first carries its kind. */
export const outreachKindSchema = z.enum([
  'reminder',
  'event-soon',
  'check-in',
  'follow-up',
  /** Asking about goals and habits the person asked to be checked in on. */
  'goal-check-in',
  /** The weekly reflection the person turned on: what happened, what went well, what is next. */
  'reflection',
]);
export type OutreachKind = z.infer<typeof outreachKindSchema>;

/**
 * The wire shapes of proactive outreach and the channels it uses: `GET/PUT /outreach`,
 * `GET /outreach/log`, `/push/*`, `/channels/whatsapp*`. The object's outreach capability,
 * the routes and the clients share them.
 */

/** A wall-clock time of day in the person's time zone, `HH:MM` (24-hour). */
export const clockTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM');

export const deliveryChannelNameSchema = z.enum(['app', 'push', 'whatsapp']);

export const outreachSettingsSchema = z
  .object({
    /** How often the companion checks in unasked: never, every day, on weekdays, or once a week (on Mondays). */
    checkInCadence: z.enum(['off', 'daily', 'weekdays', 'weekly']),
    /** When a check-in goes out, in the person's time zone. */
    checkInTime: clockTimeSchema,
    /** Nothing proactive but reminders the person set goes out between these times (across midnight when start > end). */
    quietHours: z.object({ start: clockTimeSchema, end: clockTimeSchema }),
    /** The most proactive messages in one day (reminders the person set are not counted). */
    dailyCap: z.number().int().min(0).max(20),
    /** Minutes before an event its reminder goes out; 0 turns event reminders off. */
    eventReminderMinutes: z
      .number()
      .int()
      .min(0)
      .max(24 * 60),
    /** Whether the companion follows up on things the person said were coming ("how did the interview go?"). */
    followUps: z.boolean(),
    /** Where to reach the person, first choice first; the next is tried when one cannot deliver. */
    channelOrder: z.array(deliveryChannelNameSchema).min(1).max(3),
    /** Paused by "stop" on any channel, or here: nothing proactive goes out but reminders the person set. */
    paused: z.boolean(),
  })
  .strict();
export type OutreachSettings = z.infer<typeof outreachSettingsSchema>;

/** `PUT /outreach` takes any subset; what it leaves out stays. */
export const outreachSettingsPatchSchema = outreachSettingsSchema.partial().strict();
export type OutreachSettingsPatch = z.infer<typeof outreachSettingsPatchSchema>;

export const deliveryAttemptSchema = z.object({
  channel: deliveryChannelNameSchema,
  at: isoDateTime,
  outcome: z.enum(['sent', 'delivered', 'read', 'unavailable', 'failed']),
  /** Why it did not go through, for people: "no device has notifications on", "WhatsApp answered 429". */
  detail: z.string().optional(),
});

export const outreachLogEntrySchema = z.object({
  id: z.string(),
  kind: outreachKindSchema,
  /** Why the companion spoke: "reminder you set for 09:00", "check-in (daily at 18:00)", "your interview on Tuesday". */
  reason: z.string(),
  text: z.string(),
  /** The message it left in the conversation. */
  messageId: z.string().optional(),
  createdAt: isoDateTime,
  status: z.enum(['planned', 'sending', 'sent', 'failed', 'skipped']),
  /** Why it was skipped or failed: quiet hours, the daily cap, paused, no channel reached. */
  statusDetail: z.string().optional(),
  attempts: z.array(deliveryAttemptSchema),
});
export type OutreachLogEntry = z.infer<typeof outreachLogEntrySchema>;

/**
 * A log entry as exported: besides what the log shows, what it was about (`sourceKey`: a reminder,
 * a day's check-in, an event's start, by id and date), the person's day it counted against, and the
 * conversation its message is in. An import keeps them, so nothing the entry stands for is sent again.
 * Optional, for exports written before they were added.
 */
export const exportedOutreachLogEntrySchema = outreachLogEntrySchema.extend({
  sourceKey: z.string().min(1).optional(),
  localDate: z.iso.date().optional(),
  conversationId: z.string().nullable().optional(),
});
export type ExportedOutreachLogEntry = z.infer<typeof exportedOutreachLogEntrySchema>;

export const outreachLogAnswerSchema = z.object({ entries: z.array(outreachLogEntrySchema), nextCursor: z.string().nullable() });
export type OutreachLogAnswer = z.infer<typeof outreachLogAnswerSchema>;

/** What the companion plans to bring up next: shown on the Today screen. */
export const plannedOutreachSchema = z.object({ kind: outreachKindSchema, at: isoDateTime, reason: z.string() });
export const outreachAnswerSchema = z.object({ settings: outreachSettingsSchema, planned: z.array(plannedOutreachSchema) });
export type OutreachAnswer = z.infer<typeof outreachAnswerSchema>;

// --- Web Push and native push --------------------------------------------------------------------

export const pushPublicKeyAnswerSchema = z.object({ publicKey: z.string().nullable() });
export type PushPublicKeyAnswer = z.infer<typeof pushPublicKeyAnswerSchema>;

export const pushSubscriptionBodySchema = z.union([
  z
    .object({
      /** A browser's PushSubscription, as `toJSON()` gives it. */
      endpoint: z.string().url().max(2048),
      keys: z.object({ p256dh: z.string().min(1).max(200), auth: z.string().min(1).max(100) }).strict(),
      expirationTime: z.number().nullable().optional(),
      /** A name for the device, shown in settings ("Chrome on Linux"). */
      deviceName: z.string().trim().max(100).optional(),
    })
    .strict(),
  z
    .object({
      /** The Capacitor app's native token (FCM on Android, APNs on iOS). */
      nativeToken: z.string().min(1).max(4096),
      platform: z.enum(['android', 'ios']),
      deviceName: z.string().trim().max(100).optional(),
    })
    .strict(),
]);
export type PushSubscriptionBody = z.infer<typeof pushSubscriptionBodySchema>;

/** A device registered for notifications, as listed and exported: never its endpoint, keys or token. */
export const pushSubscriptionSchema = z.object({
  id: z.string(),
  kind: z.enum(['web', 'android', 'ios']),
  deviceName: z.string().optional(),
  createdAt: isoDateTime,
});
export type PushSubscriptionInfo = z.infer<typeof pushSubscriptionSchema>;
export const pushSubscriptionsAnswerSchema = z.object({ subscriptions: z.array(pushSubscriptionSchema) });
export type PushSubscriptionsAnswer = z.infer<typeof pushSubscriptionsAnswerSchema>;

// --- WhatsApp ------------------------------------------------------------------------------------

/** A phone number in E.164 form: `+` and up to 15 digits; spaces, dashes and brackets are dropped first. */
export const phoneNumberSchema = z
  .string()
  .transform((value) => value.replace(/[\s().-]/g, ''))
  .pipe(z.string().regex(/^\+[1-9]\d{6,14}$/, 'a phone number with its country code, such as +447700900123'));

export const whatsAppLinkBodySchema = z.object({ phoneNumber: phoneNumberSchema }).strict();
export const whatsAppConfirmBodySchema = z
  .object({
    code: z
      .string()
      .trim()
      .regex(/^\d{6}$/, 'the six digits sent over WhatsApp'),
  })
  .strict();

export const whatsAppLinkSchema = z.object({
  status: z.enum(['unlinked', 'pending', 'linked']),
  /** The number, shown masked ("+44 •••• ••0123"). */
  phoneNumber: z.string().optional(),
  /** Whether this server has WhatsApp configured at all. */
  available: z.boolean(),
});
export type WhatsAppLink = z.infer<typeof whatsAppLinkSchema>;

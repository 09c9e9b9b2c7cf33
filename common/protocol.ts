/**
 * The wire protocol: zod schemas for every request body, answer and stream event, shared by the
 * Worker (which validates with them) and the clients (which derive their types from them).
 */
import { z } from 'zod';
import { exportedOutreachLogEntrySchema, outreachKindSchema, outreachSettingsSchema, pushSubscriptionSchema } from './outreach.ts';

export { type OutreachKind, outreachKindSchema, pushSubscriptionSchema } from './outreach.ts';

import { calendarSourceSchema } from './calendar-sources.ts';
import { careExportSchema, careSchema } from './care.ts';
import { errorIds } from './error-ids.ts';
import { exportedGoalSchema } from './goals.ts';
import { moodEntrySchema } from './mood.ts';
import { reflectionSettingsSchema } from './reflection.ts';
import {
  httpToolSchema,
  mcpServerSchema,
  type ToolView,
  toolApprovalSchema,
  toolClientFrameSchemas,
  toolStreamEventSchemas,
  toolViewSchema,
  type UpdateToolBody,
  updateToolBodySchema,
} from './tools.ts';
import { exportedVoiceRecordingSchema, voiceBinaryFields, voiceClientFrameSchemas, voiceServerFrameSchemas, voiceSettingsSchema } from './voice.ts';

/** The body of every failing HTTP answer. */
export const errorBodySchema = z.object({ error: z.object({ id: z.enum(errorIds), message: z.string() }) });
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** The longest message a person may send in one turn. */
export const maxMessageLength = 16_000;

export const isoDateTime = z.iso.datetime({ offset: true });

/** An IANA time zone the runtime knows, such as `Europe/Paris`. */
export const timezoneSchema = z.string().refine(
  (value) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: value });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be an IANA time zone such as Europe/Paris' },
);

export const userSchema = z.object({
  id: z.string(),
  email: z.email(),
  displayName: z.string().nullable(),
  timezone: z.string(),
  createdAt: isoDateTime,
});
export type User = z.infer<typeof userSchema>;

export const signupBodySchema = z.object({
  email: z.email().max(254),
  password: z.string().min(8, 'must be at least 8 characters').max(256),
  displayName: z.string().trim().min(1).max(80).optional(),
  timezone: timezoneSchema.optional(),
});
export type SignupBody = z.infer<typeof signupBodySchema>;

export const loginBodySchema = z.object({
  email: z.email().max(254),
  password: z.string().min(1).max(256),
});
export type LoginBody = z.infer<typeof loginBodySchema>;

export const authAnswerSchema = z.object({ user: userSchema, token: z.string() });
export type AuthAnswer = z.infer<typeof authAnswerSchema>;

export const realtimeTicketSchema = z.object({ ticket: z.string(), expiresAt: z.iso.datetime() });
export type RealtimeTicket = z.infer<typeof realtimeTicketSchema>;

export const updateMeBodySchema = z
  .object({
    displayName: z.string().trim().min(1).max(80).nullable(),
    timezone: timezoneSchema,
  })
  .partial()
  .strict();
export type UpdateMeBody = z.infer<typeof updateMeBodySchema>;

export const companionSchema = z.object({
  name: z.string().trim().min(1).max(40),
  personaId: z.string(),
  voiceId: z.string(),
  avatarId: z.string(),
});
export type Companion = z.infer<typeof companionSchema>;

export const conversationSchema = z.object({
  id: z.string(),
  title: z.string().nullable(),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
});
export type Conversation = z.infer<typeof conversationSchema>;

/**
 * `POST /conversations`, whose body is optional. With `greet`, the companion's persona opens the
 * conversation with its greeting, stored as the first assistant message, so it is there on every device.
 */
export const createConversationBodySchema = z.object({ greet: z.boolean().optional() }).strict();
export type CreateConversationBody = z.infer<typeof createConversationBodySchema>;

export const conversationAnswerSchema = z.object({ conversation: conversationSchema });
export type ConversationAnswer = z.infer<typeof conversationAnswerSchema>;
export const conversationsAnswerSchema = z.object({ conversations: z.array(conversationSchema) });
export type ConversationsAnswer = z.infer<typeof conversationsAnswerSchema>;

export const messageRoleSchema = z.enum(['user', 'assistant']);

/** Any JSON value: what tools take and give. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * Any JSON value, for tool inputs and outputs. Not `z.json()`: its recursion sends the OpenAPI
 * generator into an endless descent. Values reach it only from `JSON.parse`, so no check is lost.
 */
const jsonValueSchema = z.unknown() as unknown as z.ZodType<JsonValue>;

export const toolActivitySchema = z.object({
  toolName: z.string(),
  input: jsonValueSchema,
  output: jsonValueSchema,
});
export type ToolActivity = z.infer<typeof toolActivitySchema>;

export const messageSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  role: messageRoleSchema,
  text: z.string(),
  status: z.enum(['complete', 'failed']),
  errorId: z.string().nullable(),
  tools: z.array(toolActivitySchema),
  /** The memories the companion was given when it wrote this reply. */
  memoryIds: z.array(z.string()),
  createdAt: isoDateTime,
  /** Set when the companion wrote it unasked (a reminder, a check-in): the history shows why it spoke. */
  proactive: outreachKindSchema.optional(),
  /** Set on the reply to a message the safety net flagged: the category and real help, shown prominently. */
  care: careSchema.optional(),
});
export type Message = z.infer<typeof messageSchema>;

export const sendMessageBodySchema = z.object({
  text: z.string().trim().min(1, 'must not be empty').max(maxMessageLength, `must be at most ${maxMessageLength} characters`),
  conversationId: z.string().min(1).max(64).optional(),
});
export type SendMessageBody = z.infer<typeof sendMessageBodySchema>;

/** `POST /messages` answered as JSON, once the reply is complete. */
export const turnAnswerSchema = z.object({ userMessage: messageSchema, assistantMessage: messageSchema });
export type TurnAnswer = z.infer<typeof turnAnswerSchema>;

export const listMessagesQuerySchema = z.object({
  conversationId: z.string().min(1).max(64).optional(),
  before: z
    .string()
    .regex(/^\d{1,15}$/, 'must be a nextCursor from a previous page')
    .optional(),
  // Clients pass a number; the query string carries it as text.
  limit: z.coerce.number<number>().int().min(1).max(100).default(30),
});
export type ListMessagesQuery = z.input<typeof listMessagesQuerySchema>;

export const messagesPageSchema = z.object({
  messages: z.array(messageSchema),
  nextCursor: z.string().nullable(),
});
export type MessagesPage = z.infer<typeof messagesPageSchema>;

/** A tool as people see it: `title` and `description` are written for a person; `name` is the stable name the model calls it by. */
export const toolSummarySchema = toolViewSchema;
export type ToolSummary = ToolView;

export const toolsAnswerSchema = z.object({ tools: z.array(toolSummarySchema) });
export type ToolsAnswer = z.infer<typeof toolsAnswerSchema>;

export { type UpdateToolBody, updateToolBodySchema };

/** Events of one assistant turn, shared by server-sent events and WebSocket frames: noun then verb. */
export const streamEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('message-start'), messageId: z.string(), conversationId: z.string() }),
  z.object({ type: z.literal('text-delta'), messageId: z.string(), text: z.string() }),
  z.object({ type: z.literal('tool-call'), messageId: z.string(), toolName: z.string(), input: jsonValueSchema }),
  z.object({ type: z.literal('tool-result'), messageId: z.string(), toolName: z.string(), output: jsonValueSchema }),
  z.object({ type: z.literal('message-end'), message: messageSchema }),
  z.object({
    type: z.literal('error'),
    id: z.enum(errorIds),
    message: z.string(),
    messageId: z.string().optional(),
    /** Set when the error answers a `confirmation-answer` frame, so the client knows which card it concerns. */
    confirmationId: z.string().optional(),
    /** Set when the error answers a `tool-approval` frame. */
    approvalId: z.string().optional(),
  }),
  ...toolStreamEventSchemas,
]);
export type StreamEvent = z.infer<typeof streamEventSchema>;

/** Frames a client sends on `/api/v1/realtime`. */
export const clientFrameSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('message-send'), ...sendMessageBodySchema.shape }),
  z.object({ type: z.literal('ping') }),
  /** The person's answer to a `confirmation-request`: the same as `POST /confirmations/:id`. */
  z.object({ type: z.literal('confirmation-answer'), confirmationId: z.string().min(1).max(64), accept: z.boolean() }),
  ...voiceClientFrameSchemas,
  ...toolClientFrameSchemas,
]);
export type ClientFrame = z.infer<typeof clientFrameSchema>;

/** Frames that may travel as binary messages (`common/binary-frame.ts`), either way, and the field their bytes fill. */
export const binaryFrameFields = voiceBinaryFields;

/**
 * The keep-alive ping exactly as clients send it, and its answer: the object has the runtime answer
 * this very text itself (WebSocket auto-response), so keeping a socket open never wakes the object.
 */
export const pingFrame = '{"type":"ping"}';
export const pongFrame = '{"type":"pong"}';

/** The longest text a reminder may have: one line of what to be reminded of, not a document. */
export const maxReminderTextLength = 500;

export const reminderStatusSchema = z.enum(['scheduled', 'delivered', 'done', 'cancelled']);

export const reminderSchema = z.object({
  id: z.string(),
  text: z.string(),
  /** When it is due: an instant, in UTC. */
  dueAt: isoDateTime,
  createdAt: isoDateTime,
  status: reminderStatusSchema,
  /** When it went out to the person, once it has. */
  deliveredAt: isoDateTime.optional(),
});
export type Reminder = z.infer<typeof reminderSchema>;

export const remindersAnswerSchema = z.object({ reminders: z.array(reminderSchema) });
export type RemindersAnswer = z.infer<typeof remindersAnswerSchema>;

export const createReminderBodySchema = z
  .object({
    text: z.string().trim().min(1).max(maxReminderTextLength),
    /** An ISO instant with its offset; a time in the past, or a day that does not exist, answers `invalid_due_time`. */
    dueAt: isoDateTime,
  })
  .strict();
export type CreateReminderBody = z.infer<typeof createReminderBodySchema>;

/** What became of a request to confirm: `failed` means the person accepted but the action could not be done. */
export const confirmationStatusSchema = z.enum(['pending', 'accepted', 'declined', 'expired', 'failed']);
export type ConfirmationStatus = z.infer<typeof confirmationStatusSchema>;

/**
 * One occurrence of an event in a range; `occurrenceId` names the instance, `recurrence` is the rule's text.
 * Declared here rather than with the calendar's shapes below because a confirmation card's event is cut from it.
 */
export const eventOccurrenceSchema = z.object({
  id: z.string(),
  occurrenceId: z.string(),
  start: isoDateTime,
  end: isoDateTime,
  timezone: z.string(),
  allDay: z.boolean(),
  title: z.string(),
  location: z.string().nullable(),
  notes: z.string().nullable(),
  recurrence: z.string().nullable(),
});
export type EventOccurrenceView = z.infer<typeof eventOccurrenceSchema>;

/**
 * A calendar event as a confirmation card shows it: wall-clock times with their offset, in the event's
 * zone; `repeats` is the rule's text when the event repeats. `pick` keeps the order listed, which is the
 * order the OpenAPI document has always shown.
 */
export const confirmationEventSchema = eventOccurrenceSchema
  .pick({ title: true, start: true, end: true, timezone: true, allDay: true, location: true })
  .extend({ repeats: z.string().nullable() });
export type ConfirmationEvent = z.infer<typeof confirmationEventSchema>;

/**
 * What the person is asked, for display. `headline` says it in one sentence; the rest is optional
 * detail a client may show: the calendar event as it is and as it would be, and plain label/value lines.
 */
export const confirmationSummarySchema = z.object({
  headline: z.string(),
  acceptLabel: z.string(),
  declineLabel: z.string(),
  event: confirmationEventSchema.optional(),
  /** The event after the change; absent when the action removes it. */
  after: confirmationEventSchema.pick({ start: true, end: true }).optional(),
  /** For a repeating event: whether one occurrence or the whole series is concerned. */
  scope: z.enum(['occurrence', 'series']).optional(),
  details: z.array(z.object({ label: z.string(), value: z.string() })).optional(),
});
export type ConfirmationSummary = z.infer<typeof confirmationSummarySchema>;

/** A request to confirm an action the companion proposed, and what became of it. */
export const confirmationSchema = z.object({
  id: z.string(),
  /** The action, named `<capability>.<action>`, such as `calendar.move-event`. */
  action: z.string(),
  status: confirmationStatusSchema,
  summary: confirmationSummarySchema,
  conversationId: z.string(),
  /** The assistant message whose tool call asked; null when the request came from elsewhere. */
  messageId: z.string().nullable(),
  createdAt: isoDateTime,
  expiresAt: isoDateTime,
  answeredAt: isoDateTime.nullable(),
});
export type Confirmation = z.infer<typeof confirmationSchema>;

export const listConfirmationsQuerySchema = z.object({ status: confirmationStatusSchema.optional() });
export type ListConfirmationsQuery = z.infer<typeof listConfirmationsQuerySchema>;

export const confirmationsAnswerSchema = z.object({ confirmations: z.array(confirmationSchema) });
export type ConfirmationsAnswer = z.infer<typeof confirmationsAnswerSchema>;

export const answerConfirmationBodySchema = z.object({ accept: z.boolean() }).strict();
export type AnswerConfirmationBody = z.infer<typeof answerConfirmationBodySchema>;

/** The answered confirmation, and the companion's message saying what was done (null when its conversation is gone). */
export const confirmationAnsweredSchema = z.object({ confirmation: confirmationSchema, message: messageSchema.nullable() });
export type ConfirmationAnswered = z.infer<typeof confirmationAnsweredSchema>;
/** The longest a reminder may be snoozed for at once: a day. */
export const maxSnoozeMinutes = 1440;

/**
 * `PATCH /reminders/:id`: mark it done (it will not go out, or is dealt with), or snooze it: it goes
 * out once more, `snoozeMinutes` from now, whether it was still waiting or had gone out already.
 */
export const updateReminderBodySchema = z.union([
  z.object({ status: z.literal('done') }).strict(),
  z.object({ snoozeMinutes: z.number().int().min(1).max(maxSnoozeMinutes) }).strict(),
]);
export type UpdateReminderBody = z.infer<typeof updateReminderBodySchema>;

/** Frames the server sends on `/api/v1/realtime`: the turn events, and those it pushes unasked. */
export const serverFrameSchema = z.discriminatedUnion('type', [
  ...streamEventSchema.options,
  z.object({ type: z.literal('user-message'), message: messageSchema }),
  z.object({ type: z.literal('pong') }),
  /**
   * A reminder has come due: sent once, to every open client of the person, with the message it left
   * in the conversation. One that went out while no client was open (or the object restarted before
   * the frame left) is sent once on the next connection, if it went out in the last hour.
   */
  z.object({ type: z.literal('reminder-due'), reminder: reminderSchema.pick({ id: true, text: true, dueAt: true }), message: messageSchema.optional() }),
  /** The companion speaks first (a check-in, an event coming up, a follow-up): sent once, to every open client. */
  z.object({
    type: z.literal('notification'),
    notification: z.object({
      /** The id of the message it left in the conversation. */
      id: z.string(),
      kind: outreachKindSchema,
      title: z.string(),
      text: z.string(),
      conversationId: z.string().optional(),
      reminderId: z.string().optional(),
    }),
    message: messageSchema.optional(),
  }),
  /** The companion asks the person to confirm an action: sent to every open client. */
  z.object({ type: z.literal('confirmation-request'), confirmation: confirmationSchema }),
  /** A confirmation was answered or expired; `message` is what the companion recorded in the conversation about it. */
  z.object({ type: z.literal('confirmation-resolved'), confirmation: confirmationSchema, message: messageSchema.nullable() }),
  ...voiceServerFrameSchemas,
]);
export type ServerFrame = z.infer<typeof serverFrameSchema>;

export const memoryKindSchema = z.enum(['fact', 'preference', 'person', 'event', 'goal']);
export type MemoryKind = z.infer<typeof memoryKindSchema>;

export const memorySchema = z.object({
  id: z.string(),
  text: z.string(),
  kind: memoryKindSchema,
  importance: z.number(),
  eventDate: z.string().nullable(),
  sourceMessageIds: z.array(z.string()),
  createdAt: isoDateTime,
  lastUsedAt: isoDateTime.nullable(),
  validTo: isoDateTime.nullable(),
  supersededBy: z.string().nullable(),
  score: z.number().optional(),
});
export type MemoryView = z.infer<typeof memorySchema>;

export const memoriesAnswerSchema = z.object({ memories: z.array(memorySchema) });
export type MemoriesAnswer = z.infer<typeof memoriesAnswerSchema>;

export const listMemoriesQuerySchema = z.object({
  query: z.string().trim().max(1_000).optional(),
  limit: z.coerce.number<number>().int().min(1).max(200).default(50),
  includeInactive: z
    .enum(['true', 'false'])
    .optional()
    .transform((value) => value === 'true'),
});
export type ListMemoriesQuery = z.input<typeof listMemoriesQuerySchema>;

export const createMemoryBodySchema = z.object({
  text: z.string().trim().min(1).max(1_000),
  kind: memoryKindSchema.default('fact'),
  importance: z.number().min(0).max(1).optional(),
  eventDate: z.iso.date().nullable().optional(),
});
export type CreateMemoryBody = z.input<typeof createMemoryBodySchema>;

export const updateMemoryBodySchema = z
  .object({
    text: z.string().trim().min(1).max(1_000),
    kind: memoryKindSchema,
    importance: z.number().min(0).max(1),
    eventDate: z.iso.date().nullable(),
  })
  .partial()
  .strict();
export type UpdateMemoryBody = z.input<typeof updateMemoryBodySchema>;

export const retrievalKindSchema = z.enum(['memory', 'turn', 'file-chunk']);

export const searchQuerySchema = z.object({
  query: z.string().trim().min(1).max(1_000),
  limit: z.coerce.number<number>().int().min(1).max(50).default(10),
  kinds: z
    .string()
    .optional()
    .transform((value) => (value ? value.split(',') : undefined))
    .pipe(z.array(retrievalKindSchema).optional()),
});

export const searchResultSchema = z.object({
  kind: retrievalKindSchema,
  id: z.string(),
  sourceId: z.string(),
  externalId: z.string().optional(),
  score: z.number(),
  text: z.string(),
  createdAt: isoDateTime,
});
export type SearchResult = z.infer<typeof searchResultSchema>;

/** The most items a recall holds: as many as one prompt is given. */
export const maxRecallItems = 12;

/** `POST /recall`: what a turn's prompt would recall for `query`, in `conversationId` when given. */
export const recallBodySchema = z.object({
  query: z.string().trim().min(1).max(maxMessageLength),
  conversationId: z.string().min(1).max(64).optional(),
});
export type RecallBody = z.infer<typeof recallBodySchema>;

/** One recalled item, best first; a turn's `text` is "speaker: text" and `externalId` is its imported id. */
export const recallItemSchema = z.object({
  kind: retrievalKindSchema,
  id: z.string(),
  sourceId: z.string(),
  externalId: z.string().optional(),
  text: z.string(),
  createdAt: isoDateTime,
  score: z.number(),
});
export type RecallItem = z.infer<typeof recallItemSchema>;

export const recallAnswerSchema = z.object({
  items: z.array(recallItemSchema).max(maxRecallItems),
  /** Estimated tokens of the block the prompt gets, at most `tokenBudget`. */
  tokens: z.number().int().min(0),
  tokenBudget: z.number().int(),
  /** Time the recall took in the object, in milliseconds. */
  tookMs: z.number(),
});
export type RecallAnswer = z.infer<typeof recallAnswerSchema>;
export const searchAnswerSchema = z.object({ results: z.array(searchResultSchema), tookMs: z.number() });

/** The most messages one import call takes; a long history is imported in several calls. */
export const maxImportMessages = 200;

export const importConversationBodySchema = z.object({
  title: z.string().trim().min(1).max(200).optional(),
  messages: z
    .array(
      z.object({
        role: messageRoleSchema,
        speaker: z.string().trim().min(1).max(80).optional(),
        text: z.string().trim().min(1).max(maxMessageLength),
        createdAt: isoDateTime,
        externalId: z.string().trim().min(1).max(64).optional(),
      }),
    )
    .min(1)
    .max(maxImportMessages),
});
export type ImportConversationBody = z.infer<typeof importConversationBodySchema>;

/** The new conversation, and the id each imported message got, beside the id it had elsewhere. */
export const importConversationAnswerSchema = z.object({
  conversation: conversationSchema,
  messages: z.array(z.object({ id: z.string(), externalId: z.string().nullable() })),
});

export const fileAuthorSchema = z.enum(['user', 'companion']);

/** A file as listed and as written: its current version, without its content. */
export const fileEntrySchema = z.object({ path: z.string(), versionId: z.string(), size: z.number(), updatedAt: isoDateTime, versionCount: z.number() });
export type FileEntry = z.infer<typeof fileEntrySchema>;

export const fileContentSchema = z.object({ path: z.string(), content: z.string(), versionId: z.string(), size: z.number(), updatedAt: isoDateTime });
export type FileContent = z.infer<typeof fileContentSchema>;

export const fileVersionSchema = z.object({ versionId: z.string(), size: z.number(), author: fileAuthorSchema, createdAt: isoDateTime, current: z.boolean() });
export type FileVersion = z.infer<typeof fileVersionSchema>;

export const fileVersionContentSchema = z.object({
  path: z.string(),
  versionId: z.string(),
  content: z.string(),
  size: z.number(),
  author: fileAuthorSchema,
  createdAt: isoDateTime,
});
export type FileVersionContent = z.infer<typeof fileVersionContentSchema>;

export const listFilesQuerySchema = z.object({ prefix: z.string().max(200).optional() });
export const filesAnswerSchema = z.object({ files: z.array(fileEntrySchema) });
export type FilesAnswer = z.infer<typeof filesAnswerSchema>;
export const fileVersionsAnswerSchema = z.object({ versions: z.array(fileVersionSchema) });
export type FileVersionsAnswer = z.infer<typeof fileVersionsAnswerSchema>;

export const writeFileBodySchema = z.object({ content: z.string(), expectedVersionId: z.string().max(64).optional() });
export type WriteFileBody = z.infer<typeof writeFileBodySchema>;

/** A date (`2026-03-02`) or wall-clock time (`2026-03-02T09:00`) in the event's zone; a time with an offset is converted into that zone. */
const eventTimeSchema = z
  .string()
  .max(40)
  .describe(
    "A wall-clock time such as 2026-03-02T09:00 in the event's `timezone` (a time with an offset is converted into it), or a date such as 2026-03-02 for all-day events",
  );

export const recurrenceBodySchema = z
  .object({
    rrule: z.string().min(1).max(500).describe('An iCalendar RRULE such as FREQ=WEEKLY;BYDAY=MO,WE'),
    exdates: z.array(eventTimeSchema).max(500).optional().describe('Occurrences left out, by the start the rule gives them'),
    rdates: z.array(eventTimeSchema).max(500).optional().describe('Occurrences added'),
  })
  .strict();

export const createEventBodySchema = z
  .object({
    title: z.string().trim().min(1).max(500),
    start: eventTimeSchema,
    end: eventTimeSchema.describe('When the event ends; for an all-day event, the day after its last day, as in iCalendar'),
    timezone: timezoneSchema,
    allDay: z.boolean().optional(),
    location: z.string().max(1000).nullable().optional(),
    notes: z.string().max(10_000).nullable().optional(),
    recurrence: recurrenceBodySchema.nullable().optional(),
  })
  .strict();
export type CreateEventBody = z.infer<typeof createEventBodySchema>;

export const updateEventBodySchema = createEventBodySchema.partial().strict();
export type UpdateEventBody = z.infer<typeof updateEventBodySchema>;

/** An event: its first occurrence, its recurrence in wall-clock times of its zone, and the instances that differ from the rule. */
export const calendarEventSchema = z.object({
  id: z.string(),
  title: z.string(),
  start: isoDateTime,
  end: isoDateTime,
  timezone: z.string(),
  allDay: z.boolean(),
  location: z.string().nullable(),
  notes: z.string().nullable(),
  recurrence: z.object({ rrule: z.string(), exdates: z.array(z.string()), rdates: z.array(z.string()) }).nullable(),
  overrides: z.array(
    z.object({
      recurrenceId: z.string(),
      start: isoDateTime,
      end: isoDateTime,
      title: z.string(),
      location: z.string().nullable(),
      notes: z.string().nullable(),
    }),
  ),
});
export type CalendarEventView = z.infer<typeof calendarEventSchema>;

/** The widest range one listing covers. */
export const maxEventRangeDays = 366;

export const listEventsQuerySchema = z.object({
  from: isoDateTime.describe('Start of the range, ISO 8601 with offset'),
  to: isoDateTime.describe(`End of the range (excluded), at most ${maxEventRangeDays} days after \`from\``),
});
export type ListEventsQuery = z.infer<typeof listEventsQuerySchema>;

export const eventsAnswerSchema = z.object({ events: z.array(eventOccurrenceSchema) });
export type EventsAnswer = z.infer<typeof eventsAnswerSchema>;

export const importCalendarAnswerSchema = z.object({ imported: z.number().int() });
export type ImportCalendarAnswer = z.infer<typeof importCalendarAnswerSchema>;

/**
 * The version of the export's shape, raised whenever a member changes meaning or is removed (adding
 * one is not a change). Version 1 is the earlier document without a `formatVersion`, which had only
 * each file's current content; `docs/export-format.md` describes both.
 */
export const exportFormatVersion = 2;

/** A message as exported: what the API shows, plus who spoke and its id elsewhere for imported histories. */
export const exportedMessageSchema = messageSchema.extend({ speaker: z.string().nullable(), externalId: z.string().nullable() });

export const exportedConversationSchema = conversationSchema.extend({
  /** The companion's rolling summary of the conversation's older part, up to and including `throughMessageId`. */
  summary: z.object({ text: z.string(), throughMessageId: z.string().nullable(), updatedAt: isoDateTime }).nullable(),
  messages: z.array(exportedMessageSchema),
});

/**
 * A memory as exported, active or not. Its history is what the store keeps: `validFrom`, and for a
 * memory that stopped being true, `validTo` and the memory that `supersededBy` it; `sourceMessageIds`
 * name the messages it was learned from. A correction in place (`PATCH /memories/:id`) keeps no
 * earlier wording, so none is exported.
 */
export const exportedMemorySchema = memorySchema.omit({ score: true }).extend({ validFrom: isoDateTime });

/** A file with every version that is kept (the newest 50), each with its content, oldest first. */
export const exportedFileSchema = z.object({
  path: z.string(),
  currentVersionId: z.string(),
  updatedAt: isoDateTime,
  versions: z.array(fileVersionContentSchema.omit({ path: true }).extend({ current: z.boolean() })),
});

/**
 * `GET /me/export`: everything Kindred holds about the user, decrypted. `user` is the account with
 * its profile; every other member is one capability's part of the user's object, and a capability
 * added later adds its own member here. Files are listed by path; every other list is in the order
 * things happened, oldest first.
 */
export const exportDocumentSchema = z.object({
  formatVersion: z.literal(exportFormatVersion),
  exportedAt: isoDateTime,
  user: userSchema,
  companion: companionSchema,
  conversations: z.array(exportedConversationSchema),
  memories: z.array(exportedMemorySchema),
  files: z.array(exportedFileSchema),
  /** Every tool the companion has, with the person's switch. */
  tools: z.array(toolSummarySchema),
  /** The HTTP tools the person described (and the operator's shared ones), naming their headers, never their values. */
  httpTools: z.array(httpToolSchema),
  /** Every calendar event, with its recurrence and overridden instances. */
  calendar: z.object({ events: z.array(calendarEventSchema) }),
  /** Every reminder, whatever became of it, in the order they were made. */
  reminders: z.array(reminderSchema),
  /** Outreach settings, and every proactive message with why it was sent and what became of it. */
  outreach: z.object({ settings: outreachSettingsSchema, log: z.array(exportedOutreachLogEntrySchema) }),
  /** The devices registered for notifications, oldest first, without their endpoints, keys or tokens. */
  pushSubscriptions: z.array(pushSubscriptionSchema),
  /** Every connected calendar, without its password or tokens. */
  calendarSources: z.array(calendarSourceSchema),
  /** Every action the companion asked the person to confirm, with what it showed them and their answer, oldest first. */
  confirmations: z.array(confirmationSchema),
  /** Every tool call the companion asked the person to approve, with its input and their answer, oldest first. */
  toolApprovals: z.array(toolApprovalSchema),
  /** The WhatsApp number linked to the account, in full (settings show it masked). */
  whatsapp: z.object({ status: z.enum(['unlinked', 'pending', 'linked']), phoneNumber: z.string().optional() }),
  /** Voice settings, and the utterances kept while `keepAudio` was on, oldest first. */
  voice: z.object({ settings: voiceSettingsSchema, recordings: z.array(exportedVoiceRecordingSchema) }),
  /** The MCP servers the person added, with their tools: header names only, never their values, and no OAuth client or tokens. */
  mcpServers: z.array(mcpServerSchema),
  /** The country for crisis resources, and the conversations in which a message was flagged (category and channel, never the words), oldest first. */
  care: careExportSchema,
  /** The weekly reflection's settings; the reflections themselves are in the conversations and the outreach log. */
  reflection: z.object({ settings: reflectionSettingsSchema }),
  /** Every goal and habit the person set, oldest first, each with every update (progress, done, notes) oldest first. */
  goals: z.array(exportedGoalSchema),
  /** Every mood check-in, score and note opened, oldest first. */
  moods: z.array(moodEntrySchema),
});
export type ExportDocument = z.infer<typeof exportDocumentSchema>;
/** The members the Worker writes itself; the user's object writes the rest. */
export type ExportHead = Pick<ExportDocument, 'formatVersion' | 'exportedAt' | 'user'>;

/** `POST /speech`, which the Worker does not serve yet: clients fall back to the platform's own voice. */
export const speechBodySchema = z.object({ text: z.string().trim().min(1).max(maxMessageLength), voiceId: z.string().optional() });
export type SpeechBody = z.infer<typeof speechBodySchema>;

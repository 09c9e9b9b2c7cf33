/**
 * The typed Kindred API client shared by the web app, the mobile shell and scripts. It needs only
 * `fetch` and `WebSocket`, so it runs in browsers, in Capacitor's WebView and in Node alike. Types
 * come from the wire schemas in `protocol.ts`; errors come back as `KindredApiError` with the stable
 * id from `error-ids.ts`, so a caller can branch on `error.id` and never on a message's wording.
 */
import type { Backup, BackupsAnswer, RestoreAnswer, TakenBackup } from './backups.ts';
import { decodeBinaryFrame, encodeBinaryFrame } from './binary-frame.ts';
import type { CalendarSource, CalendarSourceBody } from './calendar-sources.ts';
import type { Care, CareCategory, CareResource, CareSettings } from './care.ts';
import type { Avatar, CatalogAnswer, Persona, Voice } from './catalog.ts';
import { type ErrorId, errorIds } from './error-ids.ts';
import type { CreateGoalBody, Goal, GoalDetail, GoalsAnswer, GoalUpdate, GoalUpdateBody, LifeArea, PatchGoalBody } from './goals.ts';
import type { ImportReport } from './import.ts';
import type { MoodEntry, MoodRange, MoodSummary, MoodsAnswer, RecordMoodBody } from './mood.ts';
import type {
  OutreachAnswer,
  OutreachKind,
  OutreachLogAnswer,
  OutreachLogEntry,
  OutreachSettings,
  OutreachSettingsPatch,
  PushPublicKeyAnswer,
  PushSubscriptionBody,
  PushSubscriptionInfo,
  PushSubscriptionsAnswer,
  WhatsAppLink,
} from './outreach.ts';
import type {
  AnswerConfirmationBody,
  AuthAnswer,
  CalendarEventView,
  ClientFrame,
  Companion,
  Confirmation,
  ConfirmationAnswered,
  ConfirmationsAnswer,
  Conversation,
  ConversationAnswer,
  ConversationsAnswer,
  CreateConversationBody,
  CreateEventBody,
  CreateMemoryBody,
  CreateReminderBody,
  EventOccurrenceView,
  EventsAnswer,
  ExportDocument,
  FileContent,
  FileEntry,
  FilesAnswer,
  FileVersion,
  FileVersionContent,
  FileVersionsAnswer,
  ImportCalendarAnswer,
  ListConfirmationsQuery,
  ListEventsQuery,
  ListMemoriesQuery,
  ListMessagesQuery,
  LoginBody,
  MemoriesAnswer,
  MemoryKind,
  MemoryView,
  Message,
  MessagesPage,
  RealtimeTicket,
  Reminder,
  RemindersAnswer,
  SendMessageBody,
  ServerFrame,
  SignupBody,
  SpeechBody,
  StreamEvent,
  ToolSummary,
  ToolsAnswer,
  TurnAnswer,
  UpdateEventBody,
  UpdateMeBody,
  UpdateMemoryBody,
  UpdateReminderBody,
  UpdateToolBody,
  User,
  WriteFileBody,
} from './protocol.ts';
import { binaryFrameFields, pingFrame } from './protocol.ts';
import type { ReflectionAnswer, ReflectionSettings, ReflectionSettingsPatch } from './reflection.ts';
import type { Session, SessionsAnswer } from './sessions.ts';
import type {
  AddMcpServerBody,
  AnswerToolApprovalBody,
  CreateHttpToolBody,
  HttpTool,
  HttpToolsAnswer,
  ImportOpenApiBody,
  McpServer,
  McpServersAnswer,
  ToolApproval,
  ToolApprovalStatus,
  ToolApprovalsAnswer,
  ToolRisk,
  ToolView,
} from './tools.ts';
import {
  type Emotion,
  type VoiceAudioFormat,
  type VoiceClientFrame,
  type VoiceServerFrame,
  type VoiceSettings,
  type VoiceState,
  voiceSettingsSchema,
} from './voice.ts';

/** One MCP server as its routes answer it (adding, reading, reconnecting). */
type McpServerAnswer = { server: McpServer };

/** The catalog as the server answers it: the choices, and whether the server speaks. */
export type Catalog = CatalogAnswer;

export type {
  AddMcpServerBody,
  AnswerToolApprovalBody,
  AuthAnswer,
  Avatar,
  CalendarEventView,
  CalendarSource,
  CalendarSourceBody,
  Care,
  CareCategory,
  CareResource,
  CareSettings,
  Companion,
  Confirmation,
  ConfirmationAnswered,
  Conversation,
  CreateEventBody,
  CreateGoalBody,
  CreateHttpToolBody,
  CreateMemoryBody,
  CreateReminderBody,
  Emotion,
  EventOccurrenceView,
  ExportDocument,
  FileContent,
  FileEntry,
  FileVersion,
  FileVersionContent,
  Goal,
  GoalDetail,
  GoalUpdate,
  GoalUpdateBody,
  HttpTool,
  ImportOpenApiBody,
  LifeArea,
  McpServer,
  MemoryKind,
  MemoryView,
  Message,
  MessagesPage,
  MoodEntry,
  MoodRange,
  MoodSummary,
  OutreachAnswer,
  OutreachKind,
  OutreachLogAnswer,
  OutreachLogEntry,
  OutreachSettings,
  OutreachSettingsPatch,
  PatchGoalBody,
  Persona,
  PushSubscriptionBody,
  PushSubscriptionInfo,
  RecordMoodBody,
  ReflectionAnswer,
  ReflectionSettings,
  ReflectionSettingsPatch,
  Reminder,
  ServerFrame,
  StreamEvent,
  ToolApproval,
  ToolApprovalStatus,
  ToolRisk,
  ToolSummary,
  ToolView,
  TurnAnswer,
  UpdateEventBody,
  UpdateMemoryBody,
  UpdateReminderBody,
  UpdateToolBody,
  User,
  Voice,
  VoiceAudioFormat,
  VoiceClientFrame,
  VoiceServerFrame,
  VoiceSettings,
  VoiceState,
};

/** Ids the client raises itself, for failures that never reached the server or came back unreadable. */
export type ClientErrorId = 'network_error' | 'unexpected_response';

/** A failed API call: `id` is a server error id from the catalogue, or one of the client's own. */
export class KindredApiError extends Error {
  override readonly name = 'KindredApiError';
  readonly id: ErrorId | ClientErrorId;
  /** The HTTP status, or 0 when no answer arrived. */
  readonly status: number;

  constructor(id: ErrorId | ClientErrorId, message: string, status: number, options?: { cause?: unknown }) {
    super(message, options);
    this.id = id;
    this.status = status;
  }
}

const knownErrorIds: ReadonlySet<string> = new Set(errorIds);

/** Whether a string is one of the server's stable error ids. */
export function isErrorId(value: string): value is ErrorId {
  return knownErrorIds.has(value);
}

export interface KindredClientOptions {
  /** The server's origin, such as `https://kindred.example`; empty means the page's own origin (web). */
  baseUrl?: string;
  /** A bearer token from signup or login, for clients that cannot rely on the session cookie. */
  token?: string | (() => string | undefined);
  /** Which client this is, for the server's channel bookkeeping. */
  clientName?: 'web' | 'mobile';
  /** An injected fetch, for tests and for platforms that route HTTP natively. */
  fetch?: typeof fetch;
}

type QueryValue = string | number | boolean | undefined;

/** Per-request options. `keepalive` lets a request finish after the page that sent it has closed. */
export interface RequestOptions {
  keepalive?: boolean;
}

/**
 * Reads the voice settings off the wire. They decide whether a person's recordings are kept, so an
 * answer that does not say plainly is an error, never read as on or off.
 */
export function voiceSettingsFrom(answer: unknown): VoiceSettings {
  const parsed = voiceSettingsSchema.safeParse(answer);
  if (!parsed.success)
    throw new KindredApiError('unexpected_response', 'The server answered the voice settings in an unknown shape.', 200, { cause: parsed.error });
  return parsed.data;
}

/** Builds a client; every method throws `KindredApiError` on failure. */
export function createKindredClient(options: KindredClientOptions = {}) {
  const baseUrl = (options.baseUrl ?? '').replace(/\/+$/, '');
  const fetchFunction = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const tokenOf = () => (typeof options.token === 'function' ? options.token() : options.token);

  function urlOf(path: string, query: Record<string, QueryValue> = {}): string {
    const parameters = Object.entries(query)
      .filter((entry): entry is [string, string | number | boolean] => entry[1] !== undefined && entry[1] !== '')
      .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`);
    return `${baseUrl}/api/v1${path}${parameters.length > 0 ? `?${parameters.join('&')}` : ''}`;
  }

  function headersOf(extra: Record<string, string> = {}): Record<string, string> {
    const headers: Record<string, string> = { ...extra };
    const token = tokenOf();
    if (token) headers['Authorization'] = `Bearer ${token}`;
    if (options.clientName === 'mobile') headers['X-Kindred-Client'] = 'mobile';
    return headers;
  }

  async function send(
    method: string,
    path: string,
    body?: unknown,
    query?: Record<string, QueryValue>,
    accept = 'application/json',
    requestOptions: RequestOptions = {},
    /** A body sent as it is with this media type, instead of as JSON. */
    rawBody?: { text: string; mediaType: string },
  ): Promise<Response> {
    let response: Response;
    const contentType = rawBody?.mediaType ?? (body === undefined ? undefined : 'application/json');
    try {
      response = await fetchFunction(urlOf(path, query), {
        method,
        headers: headersOf(contentType === undefined ? { Accept: accept } : { Accept: accept, 'Content-Type': contentType }),
        body: rawBody?.text ?? (body === undefined ? undefined : JSON.stringify(body)),
        credentials: 'include',
        ...(requestOptions.keepalive ? { keepalive: true } : {}),
      });
    } catch (error) {
      throw new KindredApiError('network_error', 'The server could not be reached.', 0, { cause: error });
    }
    if (!response.ok) throw await errorFrom(response);
    return response;
  }

  async function json<Answer>(
    method: string,
    path: string,
    body?: unknown,
    query?: Record<string, QueryValue>,
    requestOptions?: RequestOptions,
  ): Promise<Answer> {
    const response = await send(method, path, body, query, 'application/json', requestOptions);
    if (response.status === 204) return undefined as Answer;
    try {
      return (await response.json()) as Answer;
    } catch (error) {
      throw new KindredApiError('unexpected_response', 'The server answered with something that is not JSON.', response.status, { cause: error });
    }
  }

  const filePath = (path: string) => `/files/${path.split('/').map(encodeURIComponent).join('/')}`;

  return {
    signup: (body: SignupBody) => json<AuthAnswer>('POST', '/auth/signup', body),
    login: (body: LoginBody) => json<AuthAnswer>('POST', '/auth/login', body),
    logout: () => json<void>('POST', '/auth/logout'),

    me: () => json<User>('GET', '/me'),
    updateMe: (body: UpdateMeBody) => json<User>('PATCH', '/me', body),
    deleteAccount: () => json<void>('DELETE', '/me'),
    exportData: () => json<ExportDocument>('GET', '/me/export'),
    /** Brings an export file's text (as downloaded, any format version) into this account, which must be empty. */
    importData: async (documentText: string) =>
      (await (
        await send('POST', '/me/import', undefined, undefined, 'application/json', {}, { text: documentText, mediaType: 'application/json' })
      ).json()) as ImportReport,
    /** The account's encrypted snapshots, newest first (docs/backups.md). */
    backups: async (): Promise<Backup[]> => (await json<BackupsAnswer>('GET', '/me/backups')).backups,
    /** Takes a snapshot now; `stored: false` when nothing changed since the newest one. */
    takeBackup: () => json<TakenBackup>('POST', '/me/backups'),
    /** Replaces the account's data with a snapshot; `undoBackupId` undoes it. */
    restoreBackup: (id: string) => json<RestoreAnswer>('POST', `/me/backups/${encodeURIComponent(id)}/restore`),
    /** Every device signed in to the account, this one marked `current`. */
    sessions: async (): Promise<Session[]> => (await json<SessionsAnswer>('GET', '/me/sessions')).sessions,
    /** Signs one device out; its next request is refused. */
    endSession: (id: string) => json<void>('DELETE', `/me/sessions/${encodeURIComponent(id)}`),

    catalog: () => json<Catalog>('GET', '/catalog'),
    companion: () => json<Companion>('GET', '/companion'),
    updateCompanion: (body: Companion) => json<Companion>('PUT', '/companion', body),
    tools: async () => (await json<ToolsAnswer>('GET', '/tools')).tools,
    setToolEnabled: (id: string, enabled: boolean) => json<ToolSummary>('PATCH', `/tools/${encodeURIComponent(id)}`, { enabled } satisfies UpdateToolBody),
    /** Switches a tool, sets its risk (`null` goes back to what the tool declares) or whether it asks first; answers it as saved. */
    updateTool: (id: string, body: UpdateToolBody) => json<ToolView>('PATCH', `/tools/${encodeURIComponent(id)}`, body),

    /** The MCP servers the person added, each with its connection state and the tools it offers. */
    mcpServers: async () => (await json<McpServersAnswer>('GET', '/tools/mcp-servers')).servers,
    mcpServer: async (id: string) => (await json<McpServerAnswer>('GET', `/tools/mcp-servers/${encodeURIComponent(id)}`)).server,
    /** Adds a server and tries it at once: the answer may be `ready`, `needs-sign-in` (with `authorizationUrl`) or `failed`. */
    addMcpServer: async (body: AddMcpServerBody) => (await json<McpServerAnswer>('POST', '/tools/mcp-servers', body)).server,
    deleteMcpServer: (id: string) => json<void>('DELETE', `/tools/mcp-servers/${encodeURIComponent(id)}`),
    /** Connects again now instead of waiting for the next automatic try; answers the server as it is then. */
    reconnectMcpServer: async (id: string) => (await json<McpServerAnswer>('POST', `/tools/mcp-servers/${encodeURIComponent(id)}/reconnect`)).server,

    /** The HTTP tools: the person's own and those the operator shares with everyone (`shared`). */
    httpTools: async () => (await json<HttpToolsAnswer>('GET', '/tools/http')).tools,
    createHttpTool: (body: CreateHttpToolBody) => json<HttpTool>('POST', '/tools/http', body),
    /** A shared tool cannot be deleted here (`tool_is_shared`); it can be switched off. */
    deleteHttpTool: (id: string) => json<void>('DELETE', `/tools/http/${encodeURIComponent(id)}`),
    /** Gives the values of every header the tool names (one brought back from an export has none until then); answers the tool. */
    setHttpToolHeaders: async (id: string, headers: Record<string, string>) =>
      (await json<{ tool: HttpTool }>('PUT', `/tools/http/${encodeURIComponent(id)}/headers`, { headers })).tool,
    /** Makes one HTTP tool per operation of an OpenAPI 3 document; answers the tools made. */
    importOpenApi: async (body: ImportOpenApiBody) => (await json<HttpToolsAnswer>('POST', '/tools/http/import-openapi', body)).tools,

    /** A new conversation; `{ greet: true }` opens it with the persona's greeting, stored as its first message. */
    createConversation: async (body: CreateConversationBody = {}) => (await json<ConversationAnswer>('POST', '/conversations', body)).conversation,
    conversations: async () => (await json<ConversationsAnswer>('GET', '/conversations')).conversations,
    messages: (query: ListMessagesQuery) => json<MessagesPage>('GET', '/messages', undefined, query),
    sendMessage: (body: SendMessageBody) => json<TurnAnswer>('POST', '/messages', body),
    /** Sends a message and yields the reply's events as the server streams them. */
    async *streamMessage(body: SendMessageBody): AsyncGenerator<StreamEvent> {
      const response = await send('POST', '/messages', body, undefined, 'text/event-stream');
      if (response.body === null) throw new KindredApiError('unexpected_response', 'The server sent no event stream.', response.status);
      yield* readServerSentEvents(response.body);
    },

    memories: async (query: ListMemoriesQuery = {}) => (await json<MemoriesAnswer>('GET', '/memories', undefined, query)).memories,
    createMemory: (body: CreateMemoryBody) => json<MemoryView>('POST', '/memories', body),
    updateMemory: (id: string, body: UpdateMemoryBody) => json<MemoryView>('PATCH', `/memories/${encodeURIComponent(id)}`, body),
    deleteMemory: (id: string, requestOptions?: RequestOptions) =>
      json<void>('DELETE', `/memories/${encodeURIComponent(id)}`, undefined, undefined, requestOptions),

    reminders: async () => (await json<RemindersAnswer>('GET', '/reminders')).reminders,
    createReminder: (body: CreateReminderBody) => json<Reminder>('POST', '/reminders', body),
    /** Marks a reminder done, or snoozes it: `{ status: 'done' }` or `{ snoozeMinutes }`. */
    updateReminder: (id: string, body: UpdateReminderBody) => json<Reminder>('PATCH', `/reminders/${encodeURIComponent(id)}`, body),
    deleteReminder: (id: string) => json<void>('DELETE', `/reminders/${encodeURIComponent(id)}`),

    /** The server's VAPID key for `PushManager.subscribe`; null when Web Push is not configured. */
    pushPublicKey: async () => (await json<PushPublicKeyAnswer>('GET', '/push/public-key')).publicKey,
    pushSubscriptions: async () => (await json<PushSubscriptionsAnswer>('GET', '/push/subscriptions')).subscriptions,
    /** Registers this device (a browser's `PushSubscription.toJSON()`, or the app's native token); the same one again updates it. */
    addPushSubscription: (body: PushSubscriptionBody) => json<PushSubscriptionInfo>('POST', '/push/subscriptions', body),
    deletePushSubscription: (id: string) => json<void>('DELETE', `/push/subscriptions/${encodeURIComponent(id)}`),
    /** Whether a WhatsApp number is linked (masked), and whether the server has WhatsApp at all. */
    whatsAppLink: () => json<WhatsAppLink>('GET', '/channels/whatsapp'),
    /** Sends a six-digit code to the number over WhatsApp; the link is then pending. */
    linkWhatsApp: (phoneNumber: string) => json<WhatsAppLink>('POST', '/channels/whatsapp', { phoneNumber }),
    confirmWhatsApp: (code: string) => json<WhatsAppLink>('POST', '/channels/whatsapp/confirm', { code }),
    unlinkWhatsApp: () => json<void>('DELETE', '/channels/whatsapp'),
    /** The outreach settings and what the companion plans to bring up next. */
    outreach: () => json<OutreachAnswer>('GET', '/outreach'),
    /** Changes some outreach settings (what the patch leaves out stays); answers them as saved, and the new plan. */
    updateOutreach: (patch: OutreachSettingsPatch) => json<OutreachAnswer>('PUT', '/outreach', patch),
    /** What the companion sent unasked, newest first; pass the previous page's `nextCursor` for the next. */
    outreachLog: (cursor?: string) => json<OutreachLogAnswer>('GET', '/outreach/log', undefined, { cursor }),
    /** The country whose help lines a reply to a worrying message carries; `country: null` means worked out from the time zone. */
    careSettings: () => json<CareSettings>('GET', '/care/settings'),
    /** Sets that country (ISO 3166-1 alpha-2), or back to automatic with null; answers the settings as saved. */
    updateCareSettings: (body: CareSettings) => json<CareSettings>('PUT', '/care/settings', body),
    /** Goals and habits, active ones unless another status (or `all`) is asked for. */
    goals: async (status: 'active' | 'completed' | 'archived' | 'all' = 'active') => (await json<GoalsAnswer>('GET', '/goals', undefined, { status })).goals,
    goal: (id: string) => json<GoalDetail>('GET', `/goals/${encodeURIComponent(id)}`),
    createGoal: (body: CreateGoalBody) => json<Goal>('POST', '/goals', body),
    updateGoal: (id: string, body: PatchGoalBody) => json<Goal>('PATCH', `/goals/${encodeURIComponent(id)}`, body),
    deleteGoal: (id: string) => json<void>('DELETE', `/goals/${encodeURIComponent(id)}`),
    /** Records progress (goals), a habit done, or a note; answers the goal as it now stands and the update. */
    recordGoalUpdate: (id: string, body: GoalUpdateBody) => json<{ goal: Goal; update: GoalUpdate }>('POST', `/goals/${encodeURIComponent(id)}/updates`, body),
    /** Mood entries by local day (inclusive), newest first. */
    moods: async (query: { from?: string; to?: string; limit?: number } = {}) => (await json<MoodsAnswer>('GET', '/moods', undefined, query)).entries,
    recordMood: (body: RecordMoodBody) => json<MoodEntry>('POST', '/moods', body),
    deleteMood: (id: string) => json<void>('DELETE', `/moods/${encodeURIComponent(id)}`),
    /** The trend over the range and what tends to go with good and bad days. */
    moodSummary: (range: MoodRange = '4w') => json<MoodSummary>('GET', '/moods/summary', undefined, { range }),
    reflection: () => json<ReflectionAnswer>('GET', '/reflection'),
    updateReflection: (patch: ReflectionSettingsPatch) => json<ReflectionAnswer>('PUT', '/reflection', patch),
    /** Whether what the person says aloud is kept (sealed, and in the export) or dropped once transcribed. */
    voiceSettings: async () => voiceSettingsFrom(await json<unknown>('GET', '/voice/settings')),
    /** Keeps the audio of what the person says from now on, or stops keeping it; answers the settings as saved. */
    saveVoiceSettings: async (settings: VoiceSettings) => voiceSettingsFrom(await json<unknown>('PUT', '/voice/settings', settings)),

    files: async (prefix?: string) => (await json<FilesAnswer>('GET', '/files', undefined, { prefix })).files,
    readFile: (path: string) => json<FileContent>('GET', filePath(path)),
    fileVersions: async (path: string) => (await json<FileVersionsAnswer>('GET', filePath(path), undefined, { versions: 'true' })).versions,
    readFileVersion: (path: string, versionId: string) => json<FileVersionContent>('GET', filePath(path), undefined, { version: versionId }),
    writeFile: (path: string, content: string, expectedVersionId?: string) =>
      json<FileEntry>('PUT', filePath(path), { content, expectedVersionId } satisfies WriteFileBody),
    deleteFile: (path: string, requestOptions?: RequestOptions) => json<void>('DELETE', filePath(path), undefined, undefined, requestOptions),

    /** Every occurrence overlapping `from`–`to` (ISO 8601 with offset, at most 366 days apart), by start. */
    events: async (query: ListEventsQuery) => (await json<EventsAnswer>('GET', '/events', undefined, query)).events,
    createEvent: (body: CreateEventBody) => json<CalendarEventView>('POST', '/events', body),
    updateEvent: (id: string, body: UpdateEventBody) => json<CalendarEventView>('PATCH', `/events/${encodeURIComponent(id)}`, body),
    deleteEvent: (id: string, requestOptions?: RequestOptions) =>
      json<void>('DELETE', `/events/${encodeURIComponent(id)}`, undefined, undefined, requestOptions),
    /** Imports an ICS file's text: every event in it becomes a new event. */
    importCalendar: async (icsText: string) =>
      (await (
        await send('POST', '/calendar/import', undefined, undefined, 'application/json', {}, { text: icsText, mediaType: 'text/calendar' })
      ).json()) as ImportCalendarAnswer,
    /** The calendars connected by CalDAV or Google. */
    calendarSources: async () => (await json<{ sources: CalendarSource[] }>('GET', '/calendar/sources')).sources,
    /**
     * Connects a calendar. CalDAV answers the new source; Google answers where to send the browser
     * to grant access (`authorizationUrl`), and the connection is finished by `completeGoogleConnection`;
     * with `returnTo: 'app'` the server's callback hands the code and state to the app through a
     * `kindred://calendar/google-return` link, and the app finishes with `completeGoogleConnection` too.
     */
    addCalendarSource: (body: CalendarSourceBody) => json<CalendarSource | { authorizationUrl: string }>('POST', '/calendar/sources', body),
    deleteCalendarSource: (id: string) => json<void>('DELETE', `/calendar/sources/${encodeURIComponent(id)}`),
    /** Back from Google with its `code` and Kindred's `state`: finishes the connection. */
    completeGoogleConnection: (body: { code: string; state: string }) => json<CalendarSource>('POST', '/calendar/sources/google/complete', body),
    /** Every event as one ICS file's text. */
    exportCalendar: async () => (await send('GET', '/calendar/export.ics', undefined, undefined, 'text/calendar')).text(),

    /**
     * The server's speech for a text, or `undefined` when the server has none (`feature_not_configured`,
     * or `not_found` from an older server), so the caller can fall back to the platform's own synthesis.
     */
    async speech(body: SpeechBody): Promise<Blob | undefined> {
      try {
        return await (await send('POST', '/speech', body, undefined, 'audio/*')).blob();
      } catch (error) {
        if (error instanceof KindredApiError && (error.id === 'feature_not_configured' || error.id === 'not_found')) return undefined;
        throw error;
      }
    },

    /** What the companion asked the person to confirm, newest first; `{ status: 'pending' }` for those still waiting. */
    confirmations: async (query: ListConfirmationsQuery = {}): Promise<Confirmation[]> =>
      (await json<ConfirmationsAnswer>('GET', '/confirmations', undefined, query)).confirmations,
    /**
     * Accepts or declines over HTTP, for clients without the socket (the socket's `answerConfirmation`
     * does the same). One already answered or expired fails with `confirmation_not_found`.
     */
    answerConfirmation: (id: string, accept: boolean) =>
      json<ConfirmationAnswered>('POST', `/confirmations/${encodeURIComponent(id)}`, { accept } satisfies AnswerConfirmationBody),

    /** Tool calls that asked the person first, newest first; `{ status: 'pending' }` for those still waiting. */
    toolApprovals: async (query: { status?: ToolApprovalStatus } = {}): Promise<ToolApproval[]> =>
      (await json<ToolApprovalsAnswer>('GET', '/approvals', undefined, query)).approvals,
    /**
     * Allows or denies a waiting tool call over HTTP, for clients without the socket (the socket's
     * `answerToolApproval` does the same); `always` with `approved` stops that tool asking from now
     * on. One already answered or expired fails with `approval_not_found`.
     */
    answerToolApproval: (id: string, body: AnswerToolApprovalBody) => json<ToolApproval>('POST', `/approvals/${encodeURIComponent(id)}`, body),

    /** A single-use ticket that opens the realtime socket once, within 30 seconds. */
    realtimeTicket: () => json<RealtimeTicket>('POST', '/realtime/tickets'),

    /**
     * Opens the realtime WebSocket, reconnecting by itself; see `RealtimeConnection`. A client with a
     * bearer token asks for a fresh single-use ticket before every attempt, so the token itself never
     * goes into a URL; the web app on its own origin is authenticated by its cookie.
     */
    realtime: (realtimeOptions: RealtimeOptions) => {
      // A browser cannot put headers on a WebSocket, so the mobile app says what it is in the query.
      const client = options.clientName === 'mobile' ? { client: 'mobile' } : {};
      const url = async () => {
        const ticket = tokenOf() ? (await json<RealtimeTicket>('POST', '/realtime/tickets')).ticket : undefined;
        return toWebSocketUrl(urlOf('/realtime', { ...client, ticket }), realtimeOptions.origin);
      };
      return openRealtime({ ...realtimeOptions, url });
    },
  };
}

export type KindredClient = ReturnType<typeof createKindredClient>;

async function errorFrom(response: Response): Promise<KindredApiError> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    return new KindredApiError('unexpected_response', `The server answered ${response.status} without an error body.`, response.status);
  }
  const error = (body as { error?: { id?: unknown; message?: unknown } } | null)?.error;
  if (typeof error?.id === 'string' && isErrorId(error.id)) {
    return new KindredApiError(error.id, typeof error.message === 'string' ? error.message : error.id, response.status);
  }
  return new KindredApiError('unexpected_response', `The server answered ${response.status} with an unknown error.`, response.status);
}

/** Parses a `text/event-stream` body into the turn events; unreadable events are skipped. */
export async function* readServerSentEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<StreamEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    while (true) {
      const { done, value } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      // Events end with a blank line; whatever follows the last one is incomplete.
      const blocks = buffer.split(/\r?\n\r?\n/);
      buffer = done ? '' : (blocks.pop() ?? '');
      for (const block of blocks) {
        const data = block
          .split(/\r?\n/)
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).replace(/^ /, ''))
          .join('\n');
        if (data === '') continue;
        try {
          yield JSON.parse(data) as StreamEvent;
        } catch {
          // A malformed event is dropped rather than ending the whole reply.
        }
      }
      if (done) return;
    }
  } finally {
    reader.releaseLock();
  }
}

function toWebSocketUrl(httpUrl: string, origin: string | undefined): string {
  const absolute = /^https?:\/\//.test(httpUrl) ? httpUrl : `${(origin ?? '').replace(/\/+$/, '')}${httpUrl}`;
  return absolute.replace(/^http/, 'ws');
}

export type RealtimeStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface RealtimeOptions {
  /** The page's origin, needed only when the client's `baseUrl` is empty (same-origin web app). */
  origin?: string;
  onFrame: (frame: ServerFrame) => void;
  onStatus?: (status: RealtimeStatus) => void;
  /**
   * Called after every reconnection with the messages sent but not yet acknowledged by the server
   * (no `user-message` came back). It answers which of them to send again, typically after reading
   * the latest history to see which ones arrived; without it every one of them is sent again.
   */
  onReconnect?: (unacknowledged: PendingMessage[]) => Promise<PendingMessage[]> | PendingMessage[];
  /** The longest wait between attempts. */
  maxBackoffMs?: number;
  /** How often to ping, so proxies do not close an idle socket. */
  keepAliveMs?: number;
  /** Called once when the server ends the socket because the session is over (signed out or expired); no reconnection follows. */
  onSessionEnded?: () => void;
}

/** The close code the server uses when the socket's session has ended. */
export const sessionEndedCloseCode = 4001;

/** A message waiting to go out on the socket: what `POST /messages` would take. */
export type PendingMessage = SendMessageBody;

/** A WebSocket to `/api/v1/realtime` that survives drops: it queues, reconnects and resends. */
export interface RealtimeConnection {
  /** Queues a message; it goes out as soon as the socket is open. */
  sendMessage(message: PendingMessage): void;
  /**
   * Answers a `confirmation-request` on the socket when it is open, and answers whether it went. Not
   * queued: an answer must not go out minutes later, so a caller whose socket is down uses HTTP.
   */
  answerConfirmation(confirmationId: string, accept: boolean): boolean;
  /** Answers a `tool-approval-request` on the socket when it is open, and answers whether it went; not queued, like `answerConfirmation`. */
  answerToolApproval(approvalId: string, answer: AnswerToolApprovalBody): boolean;
  /**
   * Sends a voice frame (`voice-start`, `voice-audio`, ...) when the socket is open, and answers
   * whether it went. Not queued: speech that waits out a reconnection is stale, so voice mode says
   * the connection is down instead.
   */
  sendVoiceFrame(frame: VoiceClientFrame): boolean;
  readonly status: RealtimeStatus;
  /** Closes for good: no more reconnection. */
  close(): void;
  /** Drops the socket as a network failure would; tests use it to exercise reconnection. */
  simulateDrop(): void;
}

/**
 * Opens a realtime connection at a `ws(s)://` URL, or at one made afresh before every attempt (a
 * URL with a new single-use ticket).
 */
export function openRealtime(options: RealtimeOptions & { url: string | (() => Promise<string>) }): RealtimeConnection {
  const maxBackoffMs = options.maxBackoffMs ?? 15_000;
  const keepAliveMs = options.keepAliveMs ?? 25_000;
  const queue: PendingMessage[] = [];
  let unacknowledged: PendingMessage[] = [];
  let socket: WebSocket | undefined;
  let status: RealtimeStatus = 'connecting';
  let attempt = 0;
  let closedForGood = false;
  let keepAlive: ReturnType<typeof setInterval> | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let reconciling = false;

  function setStatus(next: RealtimeStatus) {
    status = next;
    options.onStatus?.(next);
  }

  function flush() {
    if (socket?.readyState !== 1 || reconciling) return;
    while (queue.length > 0) {
      const message = queue.shift() as PendingMessage;
      const frame: ClientFrame = { type: 'message-send', text: message.text, ...(message.conversationId ? { conversationId: message.conversationId } : {}) };
      socket.send(JSON.stringify(frame));
      unacknowledged.push(message);
    }
  }

  function retryLater() {
    setStatus('reconnecting');
    // Exponential backoff with jitter, so many clients do not return at the same instant.
    const delay = Math.min(maxBackoffMs, 500 * 2 ** attempt) * (0.75 + Math.random() * 0.5);
    attempt += 1;
    retryTimer = setTimeout(connect, delay);
  }

  function endForGood() {
    closedForGood = true;
    setStatus('closed');
    options.onSessionEnded?.();
  }

  async function connect() {
    let url: string;
    try {
      url = typeof options.url === 'string' ? options.url : await options.url();
    } catch (error) {
      if (closedForGood) return;
      if (error instanceof KindredApiError && error.id === 'unauthenticated') return endForGood();
      return retryLater();
    }
    if (closedForGood) return;
    const isReconnection = attempt > 0;
    const current = new WebSocket(url);
    current.binaryType = 'arraybuffer';
    socket = current;
    current.addEventListener('open', () => {
      attempt = 0;
      setStatus('open');
      keepAlive = setInterval(() => {
        if (current.readyState === 1) current.send(pingFrame);
      }, keepAliveMs);
      if (isReconnection && unacknowledged.length > 0) {
        const waiting = unacknowledged;
        unacknowledged = [];
        reconciling = true;
        Promise.resolve(options.onReconnect ? options.onReconnect(waiting) : waiting)
          .catch(() => waiting)
          .then((toResend) => {
            reconciling = false;
            queue.unshift(...toResend);
            flush();
          });
        return;
      }
      if (isReconnection) void options.onReconnect?.([]);
      flush();
    });
    current.addEventListener('message', (event) => {
      let frame: ServerFrame;
      if (event.data instanceof ArrayBuffer) {
        // The reply's audio after `voice-start` with `binaryAudio`: a header and the bytes.
        const decoded = decodeBinaryFrame(event.data, binaryFrameFields);
        if (decoded === undefined) return;
        frame = decoded as ServerFrame;
      } else if (typeof event.data === 'string') {
        try {
          frame = JSON.parse(event.data) as ServerFrame;
        } catch {
          return;
        }
      } else return;
      if (frame.type === 'user-message') {
        const index = unacknowledged.findIndex((pending) => pending.text.trim() === frame.message.text.trim());
        if (index >= 0) unacknowledged.splice(index, 1);
      }
      options.onFrame(frame);
    });
    current.addEventListener('close', (event) => {
      if (keepAlive !== undefined) clearInterval(keepAlive);
      if (socket !== current) return;
      socket = undefined;
      if (closedForGood) return setStatus('closed');
      if (event.code === sessionEndedCloseCode) return endForGood();
      retryLater();
    });
  }

  void connect();
  return {
    sendMessage(message) {
      queue.push(message);
      flush();
    },
    answerConfirmation(confirmationId, accept) {
      if (socket?.readyState !== 1) return false;
      socket.send(JSON.stringify({ type: 'confirmation-answer', confirmationId, accept } satisfies ClientFrame));
      return true;
    },
    answerToolApproval(approvalId, answer) {
      if (socket?.readyState !== 1) return false;
      socket.send(JSON.stringify({ type: 'tool-approval', approvalId, ...answer } satisfies ClientFrame));
      return true;
    },
    sendVoiceFrame(frame) {
      if (socket?.readyState !== 1) return false;
      // Audio bytes go as they are, in a binary frame; base64 audio and every other frame as JSON text.
      if (frame.type === 'voice-audio' && typeof frame.data !== 'string') {
        const { data, ...header } = frame;
        socket.send(encodeBinaryFrame(header, data));
      } else socket.send(JSON.stringify(frame satisfies ClientFrame));
      return true;
    },
    get status() {
      return status;
    },
    close() {
      closedForGood = true;
      if (retryTimer !== undefined) clearTimeout(retryTimer);
      socket?.close(1000, 'closed by the client');
      setStatus('closed');
    },
    simulateDrop() {
      socket?.close(4000, 'simulated drop');
    },
  };
}

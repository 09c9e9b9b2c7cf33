import { Agent, type Connection, type ConnectionContext, type WSMessage } from 'agents';
import type {
  Companion,
  Conversation,
  ImportConversationBody,
  MemoryView,
  Message,
  MessagesPage,
  SearchResult,
  StreamEvent,
  ToolSummary,
} from '../common/protocol.ts';
import { clientFrameSchema } from '../common/protocol.ts';
import { findPersona } from '../server/catalog/catalog.ts';
import { buildSystemPrompt, type Channel } from '../server/catalog/system-prompt.ts';
import { readConfig } from '../server/config/config.ts';
import { createId } from '../server/crypto/encoding.ts';
import type { Env } from '../server/env.ts';
import { AppError, notFound } from '../server/errors/app-error.ts';
import { fail, failWith, type Outcome, succeed } from '../server/errors/outcome.ts';
import { log } from '../server/logging/log.ts';
import type { ChatMessage } from '../server/providers/chat/chat-model.ts';
import { CompanionServices } from './companion/companion-services.ts';
import { CompanionSettings, type Profile } from './companion/companion-settings.ts';
import { runAssistantTurn, TurnError } from './conversations/assistant-turn.ts';
import { summarizeConversation } from './conversations/rolling-summary.ts';
import type { FileContent, FileInfo, FileVersionContent, FileVersionInfo } from './files/file-store.ts';
import { buildMemoryContext } from './memory/memory-context.ts';
import { applyExtraction, extractMemories } from './memory/memory-extraction.ts';
import type { Memory, MemoryKind } from './memory/memory-store.ts';
import { searchUserData } from './memory/search.ts';
import type { RetrievalKind } from './retrieval/retrieval-index.ts';
import { migrateObjectSchema } from './storage/object-schema.ts';
import { UserVault } from './storage/user-vault.ts';
import { createMemoryTools } from './tools/memory-tools.ts';
import { builtInTools, ToolSettings } from './tools/registry.ts';

export type { Channel };

export interface TurnRequest {
  text: string;
  conversationId?: string;
  channel: Channel;
}

export interface TurnAnswer {
  userMessage: Message;
  assistantMessage: Message;
}

/** What `GET /me/export` gets from the object. */
export interface UserDataExport {
  profile: Profile;
  companion: Companion;
  conversations: (Conversation & { messages: Message[] })[];
  memories: MemoryView[];
  files: { path: string; content: string; updatedAt: string; versions: number }[];
  tools: ToolSummary[];
}

/** The header by which the Worker, after authenticating, tells the object whose connection it hands over. */
export const userIdHeader = 'x-kindred-user-id';

/** How many recent messages of the conversation the model sees verbatim: the short-term memory. */
const recentMessageCount = 24;
/** Older messages are folded into the rolling summary once this many have left the recent window. */
const summaryBatchSize = 12;
/** The most messages one memory extraction reads; more are left for the next run. */
const extractionBatchSize = 40;

const presentMemory = (memory: Memory, score?: number): MemoryView => ({
  id: memory.id,
  text: memory.text,
  kind: memory.kind,
  importance: memory.importance,
  eventDate: memory.eventDate,
  sourceMessageIds: memory.sourceMessageIds,
  createdAt: memory.createdAt,
  lastUsedAt: memory.lastUsedAt,
  validTo: memory.validTo,
  supersededBy: memory.supersededBy,
  ...(score === undefined ? {} : { score }),
});

/**
 * One per user, named by the user id, reached only through the Worker after authentication. It
 * owns the user's profile, companion choice, conversations, memories, files and tool switches,
 * every personal text sealed with the user's data key, and the user's live WebSockets.
 */
export class CompanionAgent extends Agent<Env> {
  readonly #vault: UserVault;
  readonly #services: CompanionServices;
  readonly #settings: CompanionSettings;
  readonly #tools: ToolSettings;
  /** Turns of one conversation run one after another, so each sees the previous reply. */
  readonly #turnChains = new Map<string, Promise<unknown>>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const sql = ctx.storage.sql;
    migrateObjectSchema(sql);
    const userId = ctx.id.name ?? ctx.id.toString();
    this.#vault = new UserVault(sql, userId, () => readConfig(env).MASTER_KEY);
    this.#services = new CompanionServices(sql, this.#vault, env, userId, () => readConfig(env));
    this.#settings = new CompanionSettings(sql, this.#vault);
    this.#tools = new ToolSettings(sql, [...builtInTools, ...createMemoryTools(this.#services)]);
  }

  // --- profile and companion -------------------------------------------------------------------

  async updateProfile(profile: Profile): Promise<void> {
    await this.#settings.updateProfile(profile);
  }

  async getProfile(): Promise<Profile> {
    return this.#settings.profile();
  }

  async getCompanion(): Promise<Companion> {
    return this.#settings.companion();
  }

  async updateCompanion(companion: Companion): Promise<Outcome<Companion>> {
    return this.#attempt(() => this.#settings.updateCompanion(companion));
  }

  // --- conversations -----------------------------------------------------------------------------

  async createConversation(): Promise<Conversation> {
    return this.#services.conversations.create();
  }

  async listConversations(): Promise<Conversation[]> {
    return this.#services.conversations.list();
  }

  async listMessages(query: { conversationId: string; before?: string; limit: number }): Promise<Outcome<MessagesPage>> {
    if (!this.#services.conversations.exists(query.conversationId)) return failWith(notFound('conversation'));
    return succeed(await this.#services.conversations.page(query.conversationId, query));
  }

  /**
   * Brings a history from elsewhere in, message by message through the same path live turns take,
   * so it is indexed and searchable the same way. Times and speakers are kept as given.
   */
  async importConversation(body: ImportConversationBody): Promise<{ conversation: Conversation; messages: { id: string; externalId: string | null }[] }> {
    const conversations = this.#services.conversations;
    const first = body.messages[0];
    const conversation = await conversations.create(first ? Date.parse(first.createdAt) : Date.now());
    const messages: { id: string; externalId: string | null }[] = [];
    for (const message of body.messages) {
      const stored = await conversations.append({
        conversationId: conversation.id,
        role: message.role,
        text: message.text,
        speaker: message.speaker,
        externalId: message.externalId,
        createdAt: Date.parse(message.createdAt),
      });
      messages.push({ id: stored.id, externalId: message.externalId ?? null });
    }
    const [listed] = (await conversations.list()).filter((entry) => entry.id === conversation.id);
    return { conversation: listed ?? conversation, messages };
  }

  /** A whole turn, answered when the reply is complete. */
  async sendMessage(request: TurnRequest): Promise<Outcome<TurnAnswer>> {
    return this.#turn(request, () => {});
  }

  /**
   * A turn as server-sent events. An unknown conversation fails before the stream starts; once it
   * has started, failures arrive as an `error` event. The turn finishes and is stored even if the
   * reader goes away.
   */
  async streamMessage(request: TurnRequest): Promise<Outcome<ReadableStream<Uint8Array>>> {
    if (request.conversationId !== undefined && !this.#services.conversations.exists(request.conversationId)) {
      return failWith(notFound('conversation'));
    }
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const writer = writable.getWriter();
    const encoder = new TextEncoder();
    let readerGone = false;
    const send = (event: StreamEvent) => {
      if (readerGone) return;
      writer.write(encoder.encode(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`)).catch(() => {
        readerGone = true;
      });
    };
    const turn = this.#turn(request, send).finally(() => writer.close().catch(() => {}));
    this.ctx.waitUntil(turn);
    return succeed(readable);
  }

  // --- memory ------------------------------------------------------------------------------------

  /** With a query: the best matches, scored. Without: the active memories, newest first. */
  async listMemories(query: { query?: string; limit: number; includeInactive: boolean }): Promise<MemoryView[]> {
    if (!query.query)
      return (await this.#services.memories.list({ includeInactive: query.includeInactive, limit: query.limit })).map((memory) => presentMemory(memory));
    const results = await this.#services
      .retriever()
      .search(query.query, { limit: query.limit, kinds: ['memory'], now: Date.now(), includeExpired: query.includeInactive });
    const memories = new Map((await this.#services.memories.getMany(results.map((result) => result.sourceId))).map((memory) => [memory.id, memory]));
    return results.flatMap((result) => {
      const memory = memories.get(result.sourceId);
      return memory ? [presentMemory(memory, result.score)] : [];
    });
  }

  async createMemory(input: { text: string; kind: MemoryKind; importance?: number; eventDate?: string | null }): Promise<MemoryView> {
    return presentMemory(await this.#services.memories.add(input));
  }

  async updateMemory(id: string, change: { text?: string; kind?: MemoryKind; importance?: number; eventDate?: string | null }): Promise<Outcome<MemoryView>> {
    const updated = await this.#services.memories.update(id, change);
    return updated ? succeed(presentMemory(updated)) : failWith(notFound('memory'));
  }

  /** Gone from storage and from retrieval at once. */
  async deleteMemory(id: string): Promise<Outcome<null>> {
    return (await this.#services.memories.forget(id)) ? succeed(null) : failWith(notFound('memory'));
  }

  async search(query: { query: string; limit: number; kinds?: RetrievalKind[] }): Promise<{ results: SearchResult[]; tookMs: number }> {
    const startedAt = performance.now();
    const results = await searchUserData(this.#services, query.query, { limit: query.limit, kinds: query.kinds, now: Date.now() });
    return { results, tookMs: Math.round((performance.now() - startedAt) * 100) / 100 };
  }

  // --- files -------------------------------------------------------------------------------------

  async listFiles(prefix?: string): Promise<Outcome<FileInfo[]>> {
    return this.#attempt(() => this.#services.files.list(prefix));
  }

  async readFile(path: string): Promise<Outcome<FileContent>> {
    return this.#attempt(async () => (await this.#services.files.read(path)) ?? Promise.reject(notFound('file')));
  }

  async writeFile(path: string, content: string, expectedVersionId?: string): Promise<Outcome<FileInfo>> {
    return this.#attempt(() => this.#services.files.write(path, content, { expectedVersionId, author: 'user' }));
  }

  async deleteFile(path: string): Promise<Outcome<null>> {
    return this.#attempt(async () => {
      await this.#services.files.delete(path);
      return null;
    });
  }

  async fileVersions(path: string): Promise<Outcome<FileVersionInfo[]>> {
    return this.#attempt(async () => (await this.#services.files.versions(path)) ?? Promise.reject(notFound('file')));
  }

  async readFileVersion(path: string, versionId: string): Promise<Outcome<FileVersionContent>> {
    return this.#attempt(async () => (await this.#services.files.readVersion(path, versionId)) ?? Promise.reject(notFound('file version')));
  }

  // --- tools -------------------------------------------------------------------------------------

  async listTools(): Promise<ToolSummary[]> {
    return this.#tools.list().map(({ tool, enabled }) => ({ id: tool.id, name: tool.name, description: tool.description, enabled }));
  }

  async setToolEnabled(toolId: string, enabled: boolean): Promise<Outcome<ToolSummary>> {
    if (!this.#tools.setEnabled(toolId, enabled)) return fail('unknown_tool', `There is no tool "${toolId}".`);
    const tools = await this.listTools();
    const tool = tools.find((entry) => entry.id === toolId);
    return tool ? succeed(tool) : fail('unknown_tool', `There is no tool "${toolId}".`);
  }

  // --- the user's data as a whole ----------------------------------------------------------------

  /** Everything this object holds about the user, decrypted, for `GET /me/export`. */
  async exportData(): Promise<UserDataExport> {
    const files = await this.#services.files.exportAll();
    return {
      profile: await this.#settings.profile(),
      companion: await this.#settings.companion(),
      conversations: await this.#services.conversations.exportAll(),
      memories: (await this.#services.memories.list({ includeInactive: true })).map((memory) => presentMemory(memory)),
      files: files.map((file) => ({ path: file.path, content: file.content, updatedAt: file.updatedAt, versions: file.versions.length })),
      tools: await this.listTools(),
    };
  }

  /**
   * Crypto-shredding: the wrapped data key goes with the rest of the storage, so whatever a backup
   * still holds of this user can never be decrypted again. Files and vectors outside the object go first.
   */
  async destroyUserData(): Promise<void> {
    for (const connection of this.getConnections()) connection.close(4000, 'account deleted');
    await this.#services.files.deleteAll();
    await this.#services.retriever().removeAll();
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    // Not ctx.abort(): that would fail the caller's RPC too. The account is gone, so nothing can
    // address this object again; until it is evicted it holds empty tables and no key.
    this.#vault.forget();
    this.#settings.forget();
    migrateObjectSchema(this.ctx.storage.sql);
  }

  // --- background work, run from the SDK's durable queue -----------------------------------------

  /**
   * The model reads the conversation's messages since the last extraction and proposes memories,
   * which we apply. Scheduled a short while after a turn, so a burst of turns is read at once and
   * the work never competes with a reply. Runs at least once: the cursor makes a repeat a no-op.
   */
  async extractPendingMemories(payload: { conversationId: string }): Promise<void> {
    const sql = this.ctx.storage.sql;
    const cursor = sql
      .exec<{ through_sequence: number }>('SELECT through_sequence FROM memory_extraction_cursors WHERE conversation_id = ?', payload.conversationId)
      .toArray()[0];
    sql.exec('UPDATE memory_extraction_cursors SET schedule_id = NULL WHERE conversation_id = ?', payload.conversationId);
    const model = this.#services.chatModel();
    if (!model || !this.#services.conversations.exists(payload.conversationId)) return;
    const batch = await this.#services.conversations.since(payload.conversationId, cursor?.through_sequence ?? 0, extractionBatchSize);
    const last = batch.at(-1);
    const lastUserMessage = batch.findLast((entry) => entry.message.role === 'user')?.message;
    if (!last) return;
    if (lastUserMessage) {
      const [profile, companion] = await Promise.all([this.#settings.profile(), this.#settings.companion()]);
      const userName = profile.displayName ?? 'the user';
      const relevant = await this.#services.retriever().search(lastUserMessage.text, { limit: 20, kinds: ['memory'], now: Date.now() });
      const existing = await this.#services.memories.getMany(relevant.map((result) => result.sourceId));
      const lines = batch.map(({ message }) => ({
        id: message.id,
        speaker: message.role === 'user' ? userName : companion.name,
        text: message.text,
        createdAt: new Date(message.createdAt),
      }));
      const result = await extractMemories({ model, lines, existing, userName, timezone: profile.timezone, timeoutMs: readConfig(this.env).LLM_TIMEOUT_MS });
      if (!result.success) {
        log.warn('memory extraction dropped', { userId: this.name, conversationId: payload.conversationId, reason: result.error });
      } else {
        const decisions = await applyExtraction(this.#services.memories, result.candidates, {
          sourceMessageIds: batch.map(({ message }) => message.id),
          // Time words resolve against the latest thing the person said in the batch.
          spokenAt: new Date(lastUserMessage.createdAt),
          timezone: profile.timezone,
        });
        log.info('memories extracted', {
          userId: this.name,
          candidates: result.candidates.length,
          changed: decisions.filter((decision) => decision.action !== 'ignored').length,
        });
      }
    }
    sql.exec(
      `INSERT INTO memory_extraction_cursors (conversation_id, through_sequence) VALUES (?, ?)
       ON CONFLICT (conversation_id) DO UPDATE SET through_sequence = max(through_sequence, excluded.through_sequence)`,
      payload.conversationId,
      last.sequence,
    );
    if (batch.length === extractionBatchSize) await this.#scheduleExtraction(payload.conversationId);
  }

  /** One pending extraction per conversation: its schedule id is kept, so later turns join it. */
  async #scheduleExtraction(conversationId: string): Promise<void> {
    const sql = this.ctx.storage.sql;
    const pending = sql
      .exec<{ schedule_id: string | null }>('SELECT schedule_id FROM memory_extraction_cursors WHERE conversation_id = ?', conversationId)
      .toArray()[0];
    if (pending?.schedule_id) return;
    const schedule = await this.schedule(readConfig(this.env).MEMORY_EXTRACTION_DELAY_SECONDS, 'extractPendingMemories', { conversationId });
    sql.exec(
      `INSERT INTO memory_extraction_cursors (conversation_id, schedule_id) VALUES (?, ?)
       ON CONFLICT (conversation_id) DO UPDATE SET schedule_id = excluded.schedule_id`,
      conversationId,
      schedule.id,
    );
  }

  /** Folds messages that left the recent window into the conversation's rolling summary. */
  async updateRollingSummary(payload: { conversationId: string }): Promise<void> {
    const model = this.#services.chatModel();
    if (!model || !this.#services.conversations.exists(payload.conversationId)) return;
    await summarizeConversation({
      model,
      conversations: this.#services.conversations,
      conversationId: payload.conversationId,
      recentWindow: recentMessageCount,
      minimumBatch: summaryBatchSize,
      timeoutMs: readConfig(this.env).LLM_TIMEOUT_MS,
    });
  }

  // --- realtime ----------------------------------------------------------------------------------

  override shouldSendProtocolMessages(): boolean {
    return false;
  }

  override onConnect(connection: Connection, context: ConnectionContext): void {
    if (context.request.headers.get(userIdHeader) !== this.name) {
      connection.close(1008, 'not authenticated for this companion');
    }
  }

  override async onMessage(connection: Connection, message: WSMessage): Promise<void> {
    const sendError = (id: string, text: string) => connection.send(JSON.stringify({ type: 'error', id, message: text }));
    if (typeof message !== 'string') return sendError('invalid_frame', 'Frames must be JSON text.');
    let frame: unknown;
    try {
      frame = JSON.parse(message);
    } catch {
      return sendError('invalid_frame', 'The frame is not valid JSON.');
    }
    const parsed = clientFrameSchema.safeParse(frame);
    if (!parsed.success) {
      const tooLong = parsed.error.issues.some((issue) => issue.code === 'too_big' && issue.path.join('.') === 'text');
      const details = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'frame'}: ${issue.message}`).join('; ');
      return sendError(tooLong ? 'message_too_long' : 'validation_failed', `The frame is not valid: ${details}.`);
    }
    if (parsed.data.type === 'ping') return connection.send(JSON.stringify({ type: 'pong' }));
    const { text, conversationId } = parsed.data;
    if (conversationId !== undefined && !this.#services.conversations.exists(conversationId)) {
      return sendError('not_found', 'No such conversation.');
    }
    // Every device of this user sees the turn: the object only ever holds this user's connections.
    // They are listed once per turn, not per text delta: listing them is the costly part of a send.
    const devices = [...this.getConnections()];
    const sendToDevices = (frame: string) => {
      for (const device of devices) {
        try {
          device.send(frame);
        } catch {
          // A device that went away misses the rest of this turn; it catches up from history.
        }
      }
    };
    await this.#turn(
      { text, conversationId, channel: 'web' },
      (event) => sendToDevices(JSON.stringify(event)),
      (userMessage) => sendToDevices(JSON.stringify({ type: 'user-message', message: userMessage })),
    );
  }

  // --- the turn ------------------------------------------------------------------------------------

  #turn(request: TurnRequest, send: (event: StreamEvent) => void, onUserMessage?: (message: Message) => void): Promise<Outcome<TurnAnswer>> {
    const key = request.conversationId ?? '';
    const previous = this.#turnChains.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.#runTurn(request, send, onUserMessage));
    const settled = next.catch(() => {});
    this.#turnChains.set(key, settled);
    settled.then(() => {
      if (this.#turnChains.get(key) === settled) this.#turnChains.delete(key);
    });
    return next;
  }

  async #runTurn(request: TurnRequest, send: (event: StreamEvent) => void, onUserMessage?: (message: Message) => void): Promise<Outcome<TurnAnswer>> {
    const startedAt = Date.now();
    const conversations = this.#services.conversations;
    let conversationId = request.conversationId;
    if (conversationId === undefined) conversationId = await conversations.latestOrCreate();
    else if (!conversations.exists(conversationId)) {
      send({ type: 'error', id: 'not_found', message: 'No such conversation.' });
      return failWith(notFound('conversation'));
    }
    const [profile, companion] = await Promise.all([this.#settings.profile(), this.#settings.companion()]);
    // The person's words are stored before the model is asked, so no failure below can lose them.
    const userMessage = await conversations.append(
      { conversationId, role: 'user', text: request.text, speaker: profile.displayName ?? undefined },
      { deferIndexing: true },
    );
    onUserMessage?.(userMessage);

    const failTurn = (id: TurnError['id'], message: string, messageId?: string, cause?: unknown): Outcome<never> => {
      send({ type: 'error', id, message, ...(messageId ? { messageId } : {}) });
      // The cause is the provider's own error (status, kind), never the person's words.
      const causeText = cause instanceof Error ? `${cause.name}: ${cause.message}` : undefined;
      log.warn('turn failed', { userId: this.name, conversationId, errorId: id, cause: causeText, durationMs: Date.now() - startedAt });
      return fail(id, message);
    };

    let timeoutMs: number;
    let model: ReturnType<CompanionServices['chatModel']>;
    try {
      timeoutMs = readConfig(this.env).LLM_TIMEOUT_MS;
      model = this.#services.chatModel();
    } catch (error) {
      return failTurn('configuration_invalid', error instanceof AppError ? error.message : 'Kindred is misconfigured.');
    }
    if (!model) {
      return failTurn(
        'llm_not_configured',
        'No chat model is configured. Set LLM_PROVIDER=openai-compatible with LLM_BASE_URL (and LLM_MODEL, LLM_API_KEY if your provider needs them), or LLM_PROVIDER=workers-ai when deployed.',
      );
    }

    const assistantMessageId = createId('msg');
    send({ type: 'message-start', messageId: assistantMessageId, conversationId });
    const now = new Date();
    const persona = findPersona(companion.personaId);
    if (!persona) return failTurn('internal_error', 'The chosen persona is no longer in the catalog.', assistantMessageId);
    const [recent, summary, memoryContext] = await Promise.all([
      conversations.recent(conversationId, recentMessageCount),
      conversations.summary(conversationId),
      buildMemoryContext(this.#services, request.text, now, profile.timezone).catch((error: unknown) => {
        // Recall is a help, not a precondition: a reply without it beats no reply.
        log.error('memory retrieval failed', { userId: this.name, cause: error instanceof Error ? error.message : String(error) });
        return { block: null, memoryIds: [] };
      }),
    ]);
    const messages: ChatMessage[] = [
      {
        role: 'system',
        content: buildSystemPrompt({
          persona,
          companionName: companion.name,
          userDisplayName: profile.displayName ?? undefined,
          timezone: profile.timezone,
          now,
          channel: request.channel,
        }),
      },
      ...(memoryContext.block ? [{ role: 'system' as const, content: memoryContext.block }] : []),
      ...(summary ? [{ role: 'system' as const, content: `<data source="earlier-in-this-conversation">\n${summary.text}\n</data>` }] : []),
      ...recent.filter((message) => message.status === 'complete').map((message): ChatMessage => ({ role: message.role, content: message.text })),
    ];

    try {
      const result = await runAssistantTurn({
        model,
        messages,
        tools: this.#tools.enabledTools(),
        toolContext: { userId: this.name, timezone: profile.timezone, now },
        timeoutMs,
        onProgress: (progress) => send({ ...progress, messageId: assistantMessageId }),
      });
      const assistantMessage = await conversations.append({
        id: assistantMessageId,
        conversationId,
        role: 'assistant',
        text: result.text,
        tools: result.tools,
        speaker: companion.name,
        memoryIds: memoryContext.memoryIds,
      });
      send({ type: 'message-end', message: assistantMessage });
      log.info('turn completed', { userId: this.name, conversationId, toolCalls: result.tools.length, durationMs: Date.now() - startedAt });
      // Off the reply's path: extraction and summaries run later from the object's own scheduling.
      await this.#scheduleExtraction(conversationId);
      if (recent.length >= recentMessageCount) await this.queue('updateRollingSummary', { conversationId }, { id: `summary-${conversationId}` });
      return succeed({ userMessage, assistantMessage });
    } catch (error) {
      if (error instanceof TurnError) return failTurn(error.id, error.message, assistantMessageId, error.cause);
      log.error('turn crashed', { userId: this.name, conversationId, cause: error instanceof Error ? error.message : String(error) });
      return failTurn('internal_error', 'Something went wrong on our side. Please try again.', assistantMessageId);
    }
  }

  async #attempt<Value>(action: () => Promise<Value>): Promise<Outcome<Value>> {
    try {
      return succeed(await action());
    } catch (error) {
      if (error instanceof AppError) return failWith(error);
      throw error;
    }
  }
}

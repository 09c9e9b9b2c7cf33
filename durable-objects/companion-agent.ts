import { Agent, type Connection, type ConnectionContext, type WSMessage } from 'agents';
import type { Companion, Conversation, Message, MessagesPage, StreamEvent, ToolSummary } from '../common/protocol.ts';
import { clientFrameSchema } from '../common/protocol.ts';
import { findPersona } from '../worker/catalog/catalog.ts';
import { buildSystemPrompt, type Channel } from '../worker/catalog/system-prompt.ts';

export type { Channel };

import { readConfig } from '../worker/config/config.ts';
import { createId } from '../worker/crypto/encoding.ts';
import type { Env } from '../worker/env.ts';
import { AppError, notFound } from '../worker/errors/app-error.ts';
import { fail, failWith, type Outcome, succeed } from '../worker/errors/outcome.ts';
import { log } from '../worker/logging/log.ts';
import type { ChatMessage } from '../worker/providers/chat/chat-model.ts';
import { createChatModel } from '../worker/providers/chat/create-chat-model.ts';
import { CompanionSettings, type Profile } from './companion/companion-settings.ts';
import { runAssistantTurn, TurnError } from './conversations/assistant-turn.ts';
import { ConversationStore } from './conversations/conversation-store.ts';
import { migrateObjectSchema } from './storage/object-schema.ts';
import { UserVault } from './storage/user-vault.ts';
import { ToolSettings } from './tools/registry.ts';

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
  tools: ToolSummary[];
}

/** The header by which the Worker, after authenticating, tells the object whose connection it hands over. */
export const userIdHeader = 'x-kindred-user-id';

/** How many recent messages of the conversation the model sees: the short-term memory. */
const recentMessageCount = 24;

const statusByTurnError: Partial<Record<string, number>> = {
  llm_not_configured: 503,
  llm_timeout: 504,
  llm_provider_error: 502,
  llm_invalid_response: 502,
  tool_loop_limit: 502,
};

/**
 * One per user, named by the user id, reached only through the Worker after authentication. It
 * owns the user's profile, companion choice, conversations and tool switches in its own SQLite,
 * every personal text sealed with the user's data key, and the user's live WebSockets.
 */
export class CompanionAgent extends Agent<Env> {
  readonly #vault: UserVault;
  readonly #conversations: ConversationStore;
  readonly #settings: CompanionSettings;
  readonly #tools: ToolSettings;
  /** Turns of one conversation run one after another, so each sees the previous reply. */
  readonly #turnChains = new Map<string, Promise<unknown>>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const sql = ctx.storage.sql;
    migrateObjectSchema(sql);
    this.#vault = new UserVault(sql, ctx.id.name ?? ctx.id.toString(), () => readConfig(env).MASTER_KEY);
    this.#conversations = new ConversationStore(sql, this.#vault);
    this.#settings = new CompanionSettings(sql, this.#vault);
    this.#tools = new ToolSettings(sql);
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
    return this.#conversations.create();
  }

  async listConversations(): Promise<Conversation[]> {
    return this.#conversations.list();
  }

  async listMessages(query: { conversationId: string; before?: string; limit: number }): Promise<Outcome<MessagesPage>> {
    if (!this.#conversations.exists(query.conversationId)) return failWith(notFound('conversation'));
    return succeed(await this.#conversations.page(query.conversationId, query));
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
    if (request.conversationId !== undefined && !this.#conversations.exists(request.conversationId)) {
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

  // --- tools -------------------------------------------------------------------------------------

  async listTools(): Promise<ToolSummary[]> {
    return this.#tools.list().map(({ tool, enabled }) => ({ id: tool.id, name: tool.name, description: tool.description, enabled }));
  }

  async setToolEnabled(toolId: string, enabled: boolean): Promise<Outcome<ToolSummary>> {
    if (!this.#tools.setEnabled(toolId, enabled)) return fail(404, 'unknown_tool', `There is no tool "${toolId}".`);
    const tools = await this.listTools();
    const tool = tools.find((entry) => entry.id === toolId);
    return tool ? succeed(tool) : fail(404, 'unknown_tool', `There is no tool "${toolId}".`);
  }

  // --- the user's data as a whole ----------------------------------------------------------------

  /** Everything this object holds about the user, decrypted, for `GET /me/export`. */
  async exportData(): Promise<UserDataExport> {
    return {
      profile: await this.#settings.profile(),
      companion: await this.#settings.companion(),
      conversations: await this.#conversations.exportAll(),
      tools: await this.listTools(),
    };
  }

  /**
   * Crypto-shredding: the wrapped data key goes with the rest of the storage, so whatever a backup
   * still holds of this user can never be decrypted again.
   */
  async destroyUserData(): Promise<void> {
    for (const connection of this.getConnections()) connection.close(4000, 'account deleted');
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    // Not ctx.abort(): that would fail the caller's RPC too. The account is gone, so nothing can
    // address this object again; until it is evicted it holds empty tables and no key.
    this.#vault.forget();
    migrateObjectSchema(this.ctx.storage.sql);
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
    if (conversationId !== undefined && !this.#conversations.exists(conversationId)) {
      return sendError('not_found', 'No such conversation.');
    }
    // Every device of this user sees the turn: the object only ever holds this user's connections.
    await this.#turn(
      { text, conversationId, channel: 'web' },
      (event) => this.broadcast(JSON.stringify(event)),
      (userMessage) => this.broadcast(JSON.stringify({ type: 'user-message', message: userMessage })),
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
    let conversationId = request.conversationId;
    if (conversationId === undefined) conversationId = await this.#conversations.latestOrCreate();
    else if (!this.#conversations.exists(conversationId)) {
      send({ type: 'error', id: 'not_found', message: 'No such conversation.' });
      return failWith(notFound('conversation'));
    }
    // The person's words are stored before the model is asked, so no failure below can lose them.
    const userMessage = await this.#conversations.append({ conversationId, role: 'user', text: request.text });
    onUserMessage?.(userMessage);

    const failTurn = (id: TurnError['id'], message: string, messageId?: string): Outcome<never> => {
      send({ type: 'error', id, message, ...(messageId ? { messageId } : {}) });
      log.warn('turn failed', { userId: this.name, conversationId, errorId: id, durationMs: Date.now() - startedAt });
      return fail(statusByTurnError[id] ?? 500, id, message);
    };

    let config: ReturnType<typeof readConfig>;
    try {
      config = readConfig(this.env);
    } catch (error) {
      return failTurn('configuration_invalid', error instanceof AppError ? error.message : 'Kindred is misconfigured.');
    }
    const model = createChatModel(
      config.LLM_PROVIDER === 'openai-compatible'
        ? { provider: 'openai-compatible', baseURL: config.LLM_BASE_URL ?? '', apiKey: config.LLM_API_KEY, model: config.LLM_MODEL ?? 'gpt-4o-mini' }
        : config.LLM_PROVIDER === 'workers-ai' && this.env.AI
          ? { provider: 'workers-ai', binding: this.env.AI, model: config.LLM_MODEL }
          : { provider: 'none' },
    );
    if (!model) {
      return failTurn(
        'llm_not_configured',
        'No chat model is configured. Set LLM_PROVIDER=openai-compatible with LLM_BASE_URL (and LLM_MODEL, LLM_API_KEY if your provider needs them), or LLM_PROVIDER=workers-ai when deployed.',
      );
    }

    const assistantMessageId = createId('msg');
    send({ type: 'message-start', messageId: assistantMessageId, conversationId });
    const [profile, companion, recent] = await Promise.all([
      this.#settings.profile(),
      this.#settings.companion(),
      this.#conversations.recent(conversationId, recentMessageCount),
    ]);
    const now = new Date();
    const persona = findPersona(companion.personaId);
    if (!persona) return failTurn('internal_error', 'The chosen persona is no longer in the catalog.', assistantMessageId);
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
      ...recent.filter((message) => message.status === 'complete').map((message): ChatMessage => ({ role: message.role, content: message.text })),
    ];

    try {
      const result = await runAssistantTurn({
        model,
        messages,
        tools: this.#tools.enabledTools(),
        toolContext: { userId: this.name, timezone: profile.timezone, now },
        timeoutMs: config.LLM_TIMEOUT_MS,
        onProgress: (progress) => send({ ...progress, messageId: assistantMessageId }),
      });
      const assistantMessage = await this.#conversations.append({
        id: assistantMessageId,
        conversationId,
        role: 'assistant',
        text: result.text,
        tools: result.tools,
      });
      send({ type: 'message-end', message: assistantMessage });
      log.info('turn completed', { userId: this.name, conversationId, toolCalls: result.tools.length, durationMs: Date.now() - startedAt });
      return succeed({ userMessage, assistantMessage });
    } catch (error) {
      if (error instanceof TurnError) return failTurn(error.id, error.message, assistantMessageId);
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

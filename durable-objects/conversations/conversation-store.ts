import type { Care } from '../../common/care.ts';
import type { Conversation, Message, MessagesPage, OutreachKind, ToolActivity } from '../../common/protocol.ts';

export type { ToolActivity };

import { createId } from '../../server/crypto/encoding.ts';
import { AppError } from '../../server/errors/app-error.ts';
import { log } from '../../server/logging/log.ts';
import type { UserVault } from '../host/user-vault.ts';

type ConversationRow = {
  id: string;
  title_sealed: string | null;
  created_at: number;
  updated_at: number;
};

type MessageRow = {
  sequence: number;
  id: string;
  conversation_id: string;
  role: 'user' | 'assistant';
  text_sealed: string;
  tools_sealed: string | null;
  speaker_sealed: string | null;
  external_id: string | null;
  memory_ids: string;
  status: 'complete' | 'failed';
  error_id: string | null;
  created_at: number;
  proactive: OutreachKind | null;
  /** The kind of a proactive message newer than the `proactive` column's CHECK (see `storedProactive`). */
  proactive_kind?: OutreachKind | null;
  /** Added by the care capability's schema step; absent on rows read before it ran. */
  care_sealed?: string | null;
};

export interface NewMessage {
  /** Set when the id was announced before the text existed (the streamed assistant reply). */
  id?: string;
  conversationId: string;
  role: 'user' | 'assistant';
  text: string;
  tools?: ToolActivity[];
  status?: 'complete' | 'failed';
  errorId?: string | null;
  createdAt?: number;
  /** Who spoke, when it is not simply the user or the companion (imported histories). */
  speaker?: string;
  /** The id the message had where it was imported from. */
  externalId?: string;
  memoryIds?: string[];
  /** Why the companion wrote it unasked, when it did. */
  proactive?: OutreachKind;
  /** The real help a reply to a flagged message carries (sealed: the category says what the person is going through). */
  care?: Care;
}

/** A stored turn as the retrieval index sees it: decrypted text, with the turns around it. */
export interface IndexableTurn {
  message: Message;
  speaker: string | null;
  externalId: string | null;
  previous: Message | undefined;
  next: Message | undefined;
}

/** What recall shows of a past turn. */
export interface TurnText {
  role: Message['role'];
  text: string;
  speaker: string | null;
  createdAt: string;
  externalId: string | null;
}

/**
 * Keeps every turn findable. Given, in one batch, the new turns and the one before them (which has a
 * new neighbour), each with its neighbours, so a turn's writes to the index are one statement each.
 */
export interface TurnIndexer {
  indexTurns(turns: readonly IndexableTurn[]): Promise<void>;
}

/**
 * Kinds the `proactive` column (whose CHECK predates them) stores as a check-in; their own name goes
 * into `proactive_kind` (the conversations capability's step 18), so reading gives the message back as written.
 */
const kindsAfterProactiveCheck: ReadonlySet<OutreachKind> = new Set(['goal-check-in', 'reflection']);

function storedProactive(kind: OutreachKind | undefined): { proactive: OutreachKind | null; proactiveKind: OutreachKind | null } {
  if (!kind) return { proactive: null, proactiveKind: null };
  return kindsAfterProactiveCheck.has(kind) ? { proactive: 'check-in', proactiveKind: kind } : { proactive: kind, proactiveKind: null };
}

const titleLength = 60;
/** Messages kept decrypted per conversation: at least the recent window a turn is prompted with. */
const cachedMessagesPerConversation = 32;
/** Conversations whose recent messages are kept; the least recently used is dropped first. */
const cachedConversations = 8;

/** Rows opened per page when exporting: a page's decrypted texts are the most the export holds at once. */
const exportPageSize = 100;

/** A conversation's rolling summary as exported: its text, and the last message it takes in. */
export interface ConversationSummaryExport {
  text: string;
  throughMessageId: string | null;
  updatedAt: string;
}

/** A message sealed for storage: what `#insertMessage` writes, and the message as it reads back. */
interface SealedMessage {
  stored: Message;
  createdAt: number;
  columns: (string | number | null)[];
}

/** A conversation of an imported export document, with its messages and summary. */
export type ImportedConversation = Conversation & {
  summary: ConversationSummaryExport | null;
  messages: readonly (Message & { speaker: string | null; externalId: string | null })[];
};

/** A message with its position in the object's message sequence, and what indexing needs besides. */
export interface SequencedMessage {
  sequence: number;
  message: Message;
  speaker: string | null;
  externalId: string | null;
}

/** Conversations and their messages in the user's object, every text sealed with the user's key. */
export class ConversationStore {
  constructor(
    private readonly sql: SqlStorage,
    private readonly vault: UserVault,
    private readonly indexer?: TurnIndexer,
  ) {}

  /** A new conversation; with a title, it is kept (sealed) instead of being taken from the first message. */
  async create(now = Date.now(), title?: string): Promise<Conversation> {
    const id = this.#insertConversation(now);
    if (title !== undefined) {
      this.sql.exec('UPDATE conversations SET title_sealed = ? WHERE id = ?', await this.vault.seal(title, `conversation:${id}:title`), id);
    }
    return { id, title: title ?? null, createdAt: new Date(now).toISOString(), updatedAt: new Date(now).toISOString() };
  }

  #insertConversation(now: number): string {
    const id = createId('conv', now);
    this.sql.exec('INSERT INTO conversations (id, title_sealed, created_at, updated_at) VALUES (?, NULL, ?, ?)', id, now, now);
    return id;
  }

  /** Conversations are never deleted one by one, so an id once found is remembered (until the storage is wiped). */
  exists(conversationId: string): boolean {
    if (this.#known.has(conversationId)) return true;
    const found = this.sql.exec('SELECT 1 FROM conversations WHERE id = ?', conversationId).toArray().length > 0;
    if (found) this.#known.add(conversationId);
    return found;
  }

  async list(): Promise<Conversation[]> {
    const rows = this.sql.exec<ConversationRow>('SELECT * FROM conversations ORDER BY updated_at DESC, id DESC').toArray();
    return Promise.all(rows.map((row) => this.#presentConversation(row)));
  }

  /** The newest conversation's id, if there is one. */
  latest(): string | undefined {
    return this.sql.exec<{ id: string }>('SELECT id FROM conversations ORDER BY updated_at DESC, id DESC LIMIT 1').toArray()[0]?.id;
  }

  /**
   * The newest conversation, or a new one: where a message without a conversation id goes.
   * Synchronous, so two turns resolved one after the other can never create two conversations.
   */
  latestOrCreate(now = Date.now()): string {
    return this.latest() ?? this.#insertConversation(now);
  }

  readonly #recentCache = new Map<string, SequencedMessage[]>();
  readonly #known = new Set<string>();
  /** Each conversation's summary, opened, once read; replaced when a new one is saved. */
  readonly #summaries = new Map<string, { text: string; throughSequence: number } | undefined>();

  /** Indexing that has been started, in order: the next batch starts when this settles. */
  #indexing: Promise<void> = Promise.resolve();
  /** Messages stored whose indexing has not been started yet, in the order they were stored. */
  #deferred: SequencedMessage[] = [];

  /**
   * Stores a message. With `deferIndexing` it is indexed only when `startDeferredIndexing` is called: a
   * turn stores the person's message first and indexes it after the reply, so the hashing never
   * competes with the reply's first token. Later turns wait for it (`indexingSettled`) before searching.
   */
  async append(message: NewMessage, options: { deferIndexing?: boolean } = {}): Promise<Message> {
    const sealed = await this.#sealMessage(message);
    const sequence = this.#insertMessage(sealed);
    const { stored, createdAt } = sealed;
    // Into the cache in the same synchronous step as the insert, so concurrent appends keep their order there too.
    const entry: SequencedMessage = { sequence, message: stored, speaker: message.speaker ?? null, externalId: message.externalId ?? null };
    const cached = this.#recentCache.get(message.conversationId);
    if (cached) {
      cached.push(entry);
      if (cached.length > cachedMessagesPerConversation) cached.shift();
    }
    this.#deferred.push(entry);
    await this.#touch(message.conversationId, message, createdAt);
    if (!options.deferIndexing) await this.startDeferredIndexing();
    return stored;
  }

  /** A message sealed and ready to insert: apart from the insert, so an import seals first and writes inside its one transaction. */
  async #sealMessage(message: NewMessage): Promise<SealedMessage> {
    const createdAt = message.createdAt ?? Date.now();
    const id = message.id ?? createId('msg', createdAt);
    const tools = message.tools ?? [];
    const textSealed = await this.vault.seal(message.text, `message:${id}:text`);
    const toolsSealed = tools.length > 0 ? await this.vault.seal(JSON.stringify(tools), `message:${id}:tools`) : null;
    const careSealed = message.care ? await this.vault.seal(JSON.stringify(message.care), `message:${id}:care`) : null;
    const speakerSealed = message.speaker ? await this.vault.seal(message.speaker, `message:${id}:speaker`) : null;
    const status = message.status ?? 'complete';
    const memoryIds = message.memoryIds ?? [];
    const proactive = storedProactive(message.proactive);
    const stored: Message = {
      id,
      conversationId: message.conversationId,
      role: message.role,
      text: message.text,
      status,
      errorId: message.errorId ?? null,
      tools,
      memoryIds,
      createdAt: new Date(createdAt).toISOString(),
      ...(message.proactive ? { proactive: message.proactive } : {}),
      ...(message.care ? { care: message.care } : {}),
    };
    return {
      stored,
      createdAt,
      columns: [
        id,
        message.conversationId,
        message.role,
        textSealed,
        toolsSealed,
        speakerSealed,
        message.externalId ?? null,
        JSON.stringify(memoryIds),
        status,
        message.errorId ?? null,
        createdAt,
        proactive.proactive,
        proactive.proactiveKind,
        careSealed,
      ],
    };
  }

  /** Inserts a sealed message; synchronous. Answers its place in the object's message sequence. */
  #insertMessage(sealed: SealedMessage): number {
    return this.sql
      .exec<{ sequence: number }>(
        `INSERT INTO messages (id, conversation_id, role, text_sealed, tools_sealed, speaker_sealed, external_id, memory_ids, status, error_id, created_at, proactive, proactive_kind, care_sealed)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING sequence`,
        ...sealed.columns,
      )
      .one().sequence;
  }

  /**
   * An imported document's conversations (ids, times, titles, summaries and every message with all its
   * fields kept) sealed here, and the synchronous write that stores them, for the import's one
   * transaction. Indexing is left to `indexStoredAfter`, run in batches once the import has committed.
   * Throws AppError `validation_failed` for an id given twice, which the tables could not hold.
   */
  async prepareImport(conversations: readonly ImportedConversation[]): Promise<() => void> {
    const conversationIds = new Set<string>();
    const messageIds = new Set<string>();
    for (const conversation of conversations) {
      if (conversationIds.has(conversation.id)) throw new AppError('validation_failed', `The conversation ${conversation.id} is in the import twice.`);
      conversationIds.add(conversation.id);
      for (const message of conversation.messages) {
        if (messageIds.has(message.id)) throw new AppError('validation_failed', `The message ${message.id} is in the import twice.`);
        messageIds.add(message.id);
      }
    }
    const prepared: { conversation: ImportedConversation; titleSealed: string | null; summarySealed: string | null; messages: SealedMessage[] }[] = [];
    for (const conversation of conversations) {
      const titleSealed = await this.vault.sealOptional(conversation.title, `conversation:${conversation.id}:title`);
      const summarySealed = conversation.summary ? await this.vault.seal(conversation.summary.text, `conversation:${conversation.id}:summary`) : null;
      const messages: SealedMessage[] = [];
      for (const message of conversation.messages) {
        messages.push(
          await this.#sealMessage({
            id: message.id,
            conversationId: conversation.id,
            role: message.role,
            text: message.text,
            tools: message.tools,
            status: message.status,
            errorId: message.errorId,
            createdAt: Date.parse(message.createdAt),
            speaker: message.speaker ?? undefined,
            externalId: message.externalId ?? undefined,
            memoryIds: message.memoryIds,
            proactive: message.proactive,
            care: message.care,
          }),
        );
      }
      prepared.push({ conversation, titleSealed, summarySealed, messages });
    }
    return () => {
      for (const { conversation, titleSealed, summarySealed, messages } of prepared) {
        this.sql.exec(
          'INSERT INTO conversations (id, title_sealed, created_at, updated_at) VALUES (?, ?, ?, ?)',
          conversation.id,
          titleSealed,
          Date.parse(conversation.createdAt),
          Date.parse(conversation.updatedAt),
        );
        for (const message of messages) this.#insertMessage(message);
        if (conversation.summary && summarySealed) {
          // The summary reaches the message it names, now at its new place in the sequence; without one, it takes in nothing yet.
          this.sql.exec(
            `INSERT INTO conversation_summaries (conversation_id, through_sequence, summary_sealed, updated_at)
             VALUES (?, coalesce((SELECT sequence FROM messages WHERE id = ? AND conversation_id = ?), 0), ?, ?)`,
            conversation.id,
            conversation.summary.throughMessageId,
            conversation.id,
            summarySealed,
            Date.parse(conversation.summary.updatedAt),
          );
        }
      }
    };
  }

  /** Whether any conversation is stored: what an import into this account must not mix with. */
  holdsAny(): boolean {
    return this.sql.exec('SELECT 1 FROM conversations LIMIT 1').toArray().length > 0;
  }

  /** The highest message sequence number stored (0 for none): where indexing the messages written after it starts. */
  newestSequence(conversationId?: string): number {
    const row =
      conversationId === undefined
        ? this.sql.exec<{ newest: number | null }>('SELECT max(sequence) AS newest FROM messages').one()
        : this.sql.exec<{ newest: number | null }>('SELECT max(sequence) AS newest FROM messages WHERE conversation_id = ?', conversationId).one();
    return row.newest ?? 0;
  }

  /**
   * Indexes up to `limit` stored messages after `afterSequence`, of any conversation, through the same
   * batches live turns take (each with its neighbours; the one before a batch is indexed again, as it now
   * has a next neighbour). Answers the last sequence indexed, and whether more may follow.
   */
  async indexStoredAfter(afterSequence: number, limit: number): Promise<{ last: number; more: boolean } | undefined> {
    const rows = this.sql.exec<MessageRow>('SELECT * FROM messages WHERE sequence > ? ORDER BY sequence LIMIT ?', afterSequence, limit).toArray();
    const last = rows.at(-1);
    if (!last) return undefined;
    const entries = await Promise.all(rows.map((row) => this.#presentSequenced(row)));
    const byConversation = new Map<string, SequencedMessage[]>();
    for (const entry of entries) byConversation.set(entry.message.conversationId, [...(byConversation.get(entry.message.conversationId) ?? []), entry]);
    // Behind whatever live indexing was started, as every batch is.
    const run = this.#indexing.then(async () => {
      for (const [conversationId, batch] of byConversation) await this.#indexBatch(conversationId, batch);
    });
    this.#indexing = run.catch(() => undefined);
    await run;
    return { last: last.sequence, more: rows.length === limit };
  }

  /**
   * Replaces the text of a stored assistant reply, sealed as any text: a spoken reply the person cut
   * off keeps only what they heard. The message is indexed again with the next batch, so search finds
   * what was said, not what was never spoken. Answers the message as now stored, or undefined when
   * there is no such reply.
   */
  async replaceAssistantText(messageId: string, text: string): Promise<Message | undefined> {
    const row = this.sql.exec<MessageRow>("SELECT * FROM messages WHERE id = ? AND role = 'assistant'", messageId).toArray()[0];
    if (!row) return undefined;
    const sealed = await this.vault.seal(text, `message:${messageId}:text`);
    this.sql.exec('UPDATE messages SET text_sealed = ? WHERE id = ?', sealed, messageId);
    const message = { ...(await this.#presentMessage(row)), text };
    const entry: SequencedMessage = {
      sequence: row.sequence,
      message,
      speaker: await this.vault.openOptional(row.speaker_sealed, `message:${row.id}:speaker`),
      externalId: row.external_id,
    };
    const cached = this.#recentCache.get(row.conversation_id);
    const position = cached?.findIndex((candidate) => candidate.sequence === row.sequence) ?? -1;
    if (cached && position >= 0) cached[position] = entry;
    const deferredPosition = this.#deferred.findIndex((candidate) => candidate.sequence === row.sequence);
    if (deferredPosition >= 0) this.#deferred[deferredPosition] = entry;
    else this.#deferred.push(entry);
    return message;
  }

  /**
   * Starts indexing every message stored since the last call, in one batch per conversation, and
   * resolves when they are indexed. A failure is logged and rejects this call only; the next batch runs.
   */
  startDeferredIndexing(): Promise<void> {
    const deferred = this.#deferred;
    this.#deferred = [];
    if (deferred.length === 0 || !this.indexer) return this.#indexing;
    const byConversation = new Map<string, SequencedMessage[]>();
    for (const entry of deferred) byConversation.set(entry.message.conversationId, [...(byConversation.get(entry.message.conversationId) ?? []), entry]);
    const run = this.#indexing.then(async () => {
      for (const [conversationId, entries] of byConversation) await this.#indexBatch(conversationId, entries);
    });
    this.#indexing = run.catch((error: unknown) => {
      log.error('turn indexing failed', { cause: error instanceof Error ? error.message : String(error) });
    });
    return run;
  }

  /** Resolves when every started indexing has finished: what a search waits for, so it sees every stored turn. */
  indexingSettled(): Promise<void> {
    return this.#indexing;
  }

  /**
   * Indexes new messages of one conversation with their neighbours as context, and re-indexes the
   * message before them, which now has a next neighbour. The two before come from the recent cache
   * when it holds them (a live turn), else from storage (an import).
   */
  async #indexBatch(conversationId: string, entries: readonly SequencedMessage[]): Promise<void> {
    const first = entries[0];
    if (!first || !this.indexer) return;
    const before = await this.#messagesBefore(conversationId, first.sequence, 2);
    const sequence = [...before, ...entries];
    const turns: IndexableTurn[] = [];
    for (let position = before.length > 0 ? before.length - 1 : 0; position < sequence.length; position++) {
      const entry = sequence[position] as SequencedMessage;
      turns.push({
        message: entry.message,
        speaker: entry.speaker,
        externalId: entry.externalId,
        previous: sequence[position - 1]?.message,
        next: sequence[position + 1]?.message,
      });
    }
    await this.indexer.indexTurns(turns);
  }

  /** Up to `count` messages right before `sequence`, oldest first. */
  async #messagesBefore(conversationId: string, sequence: number, count: number): Promise<SequencedMessage[]> {
    const cached = this.#recentCache.get(conversationId);
    const position = cached?.findIndex((entry) => entry.sequence === sequence) ?? -1;
    if (cached && position >= count) return cached.slice(position - count, position);
    const rows = this.sql
      .exec<MessageRow>('SELECT * FROM messages WHERE conversation_id = ? AND sequence < ? ORDER BY sequence DESC LIMIT ?', conversationId, sequence, count)
      .toArray()
      .reverse();
    return Promise.all(rows.map((row) => this.#presentSequenced(row)));
  }

  /** Messages by id, for showing what a search found. */
  async getMessages(ids: string[]): Promise<Map<string, Message & { externalId: string | null; speaker: string | null }>> {
    const found = new Map<string, Message & { externalId: string | null; speaker: string | null }>();
    for (let start = 0; start < ids.length; start += 90) {
      const batch = ids.slice(start, start + 90);
      const rows = this.sql.exec<MessageRow>(`SELECT * FROM messages WHERE id IN (${batch.map(() => '?').join(', ')})`, ...batch).toArray();
      for (const row of rows) {
        found.set(row.id, {
          ...(await this.#presentMessage(row)),
          externalId: row.external_id,
          speaker: await this.vault.openOptional(row.speaker_sealed, `message:${row.id}:speaker`),
        });
      }
    }
    return found;
  }

  /**
   * Turns by id with only what recall shows (who spoke, what, when), so a prompt decrypts no tool
   * output it does not show.
   */
  async turnTexts(ids: readonly string[]): Promise<Map<string, TurnText>> {
    const found = new Map<string, TurnText>();
    for (let start = 0; start < ids.length; start += 90) {
      const batch = ids.slice(start, start + 90);
      const rows = this.sql
        .exec<Pick<MessageRow, 'id' | 'role' | 'text_sealed' | 'speaker_sealed' | 'external_id' | 'created_at'>>(
          `SELECT id, role, text_sealed, speaker_sealed, external_id, created_at FROM messages WHERE id IN (${batch.map(() => '?').join(', ')})`,
          ...batch,
        )
        .toArray();
      // Opened side by side: this runs before the first token of a reply.
      const opened = await Promise.all(
        rows.map(async (row) => {
          const [text, speaker] = await Promise.all([
            this.vault.open(row.text_sealed, `message:${row.id}:text`),
            this.vault.openOptional(row.speaker_sealed, `message:${row.id}:speaker`),
          ]);
          return { id: row.id, role: row.role, text, speaker, createdAt: new Date(row.created_at).toISOString(), externalId: row.external_id };
        }),
      );
      for (const { id, ...turn } of opened) found.set(id, turn);
    }
    return found;
  }

  /**
   * The ids of a conversation's last `size` messages: the turns its prompt holds verbatim. At least the
   * newest is always in, so a message can never be recalled as context for itself.
   */
  recentIds(conversationId: string, size: number): string[] {
    return this.sql
      .exec<{ id: string }>('SELECT id FROM messages WHERE conversation_id = ? ORDER BY sequence DESC LIMIT ?', conversationId, Math.max(1, Math.floor(size)))
      .toArray()
      .map((row) => row.id);
  }

  /** The summary of a conversation's older part, and up to which message it reaches. */
  async summary(conversationId: string): Promise<{ text: string; throughSequence: number } | undefined> {
    if (this.#summaries.has(conversationId)) return this.#summaries.get(conversationId);
    const summary = await this.#readSummary(conversationId);
    // A summary saved while this one was being opened is newer: keep that one.
    if (!this.#summaries.has(conversationId)) this.#summaries.set(conversationId, summary);
    return this.#summaries.get(conversationId);
  }

  async #readSummary(conversationId: string): Promise<{ text: string; throughSequence: number } | undefined> {
    const row = this.sql
      .exec<{ summary_sealed: string; through_sequence: number }>('SELECT * FROM conversation_summaries WHERE conversation_id = ?', conversationId)
      .toArray()[0];
    if (!row) return undefined;
    return { text: await this.vault.open(row.summary_sealed, `conversation:${conversationId}:summary`), throughSequence: row.through_sequence };
  }

  async saveSummary(conversationId: string, text: string, throughSequence: number): Promise<void> {
    this.sql.exec(
      `INSERT INTO conversation_summaries (conversation_id, through_sequence, summary_sealed, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (conversation_id) DO UPDATE SET through_sequence = excluded.through_sequence, summary_sealed = excluded.summary_sealed, updated_at = excluded.updated_at`,
      conversationId,
      throughSequence,
      await this.vault.seal(text, `conversation:${conversationId}:summary`),
      Date.now(),
    );
    this.#summaries.set(conversationId, { text, throughSequence });
  }

  /** Messages after a sequence number, oldest first: what a background job has not seen yet. */
  async since(conversationId: string, afterSequence: number, limit: number): Promise<{ sequence: number; message: Message }[]> {
    const rows = this.sql
      .exec<MessageRow>('SELECT * FROM messages WHERE conversation_id = ? AND sequence > ? ORDER BY sequence LIMIT ?', conversationId, afterSequence, limit)
      .toArray();
    return Promise.all(rows.map(async (row) => ({ sequence: row.sequence, message: await this.#presentMessage(row) })));
  }

  /**
   * Messages that fell out of the recent window and are not yet in the summary, oldest first, with
   * their sequence numbers: what the next rolling summary must take in.
   */
  async unsummarized(conversationId: string, recentWindow: number, minimum = 1): Promise<{ sequence: number; message: Message }[]> {
    const through =
      this.sql.exec<{ through_sequence: number }>('SELECT through_sequence FROM conversation_summaries WHERE conversation_id = ?', conversationId).toArray()[0]
        ?.through_sequence ?? 0;
    const rows = this.sql
      .exec<MessageRow>(
        `SELECT * FROM messages WHERE conversation_id = ? AND sequence > ? AND sequence NOT IN
           (SELECT sequence FROM messages WHERE conversation_id = ? ORDER BY sequence DESC LIMIT ?)
         ORDER BY sequence`,
        conversationId,
        through,
        conversationId,
        recentWindow,
      )
      .toArray();
    // Counted before anything is opened: a batch too small to summarise costs no decryption.
    if (rows.length < minimum) return [];
    return Promise.all(rows.map(async (row) => ({ sequence: row.sequence, message: await this.#presentMessage(row) })));
  }

  /**
   * The messages of every conversation written from `from` to `to` (epoch ms, `to` exclusive), newest
   * first, at most `limit`: what a look back over a stretch of time (the weekly reflection) reads.
   * Failed replies are left out. Once a week per person, so the scan of `created_at` needs no index.
   */
  async between(from: number, to: number, limit: number): Promise<Message[]> {
    const rows = this.sql
      .exec<MessageRow>(
        "SELECT * FROM messages WHERE created_at >= ? AND created_at < ? AND status = 'complete' ORDER BY created_at DESC, sequence DESC LIMIT ?",
        from,
        to,
        limit,
      )
      .toArray();
    return Promise.all(rows.map((row) => this.#presentMessage(row)));
  }

  /** Newest first, `limit` at a time; `before` is the `nextCursor` of the previous page (a message sequence number). */
  async page(conversationId: string, options: { before?: string; limit: number }): Promise<MessagesPage> {
    const before = options.before === undefined ? Number.MAX_SAFE_INTEGER : Number(options.before);
    const rows = this.sql
      .exec<MessageRow>(
        'SELECT * FROM messages WHERE conversation_id = ? AND sequence < ? ORDER BY sequence DESC LIMIT ?',
        conversationId,
        before,
        options.limit + 1,
      )
      .toArray();
    const hasMore = rows.length > options.limit;
    const pageRows = rows.slice(0, options.limit);
    const last = pageRows.at(-1);
    return {
      messages: await Promise.all(pageRows.map((row) => this.#presentMessage(row))),
      nextCursor: hasMore && last ? String(last.sequence) : null,
    };
  }

  /** The most recent messages in reading order: the short-term memory a turn is prompted with. */
  async recent(conversationId: string, limit: number): Promise<Message[]> {
    return (await this.recentSequenced(conversationId, limit)).map((entry) => entry.message);
  }

  /**
   * The most recent messages in reading order, with their sequence numbers. Read on every turn, so the
   * newest few of the conversations in use are kept decrypted in memory and extended as messages are
   * added: a turn then opens no stored message at all.
   */
  async recentSequenced(conversationId: string, limit: number): Promise<SequencedMessage[]> {
    if (limit > cachedMessagesPerConversation) return this.#readRecent(conversationId, limit);
    let cached = this.#recentCache.get(conversationId);
    if (cached) {
      this.#recentCache.delete(conversationId);
    } else {
      cached = await this.#readRecent(conversationId, cachedMessagesPerConversation);
      // A message appended while these were being opened is not in them: read again next time instead of caching a gap.
      const newest = this.sql
        .exec<{ newest: number | null }>('SELECT max(sequence) AS newest FROM messages WHERE conversation_id = ?', conversationId)
        .one().newest;
      if ((cached.at(-1)?.sequence ?? null) !== newest) return this.#readRecent(conversationId, limit);
      if (this.#recentCache.size >= cachedConversations) this.#recentCache.delete(this.#recentCache.keys().next().value ?? '');
    }
    this.#recentCache.set(conversationId, cached);
    return cached.slice(-limit);
  }

  async #readRecent(conversationId: string, limit: number): Promise<SequencedMessage[]> {
    const rows = this.sql
      .exec<MessageRow>('SELECT * FROM messages WHERE conversation_id = ? ORDER BY sequence DESC LIMIT ?', conversationId, limit)
      .toArray()
      .reverse();
    return Promise.all(rows.map((row) => this.#presentSequenced(row)));
  }

  async #presentSequenced(row: MessageRow): Promise<SequencedMessage> {
    const [message, speaker] = await Promise.all([this.#presentMessage(row), this.vault.openOptional(row.speaker_sealed, `message:${row.id}:speaker`)]);
    return { sequence: row.sequence, message, speaker, externalId: row.external_id };
  }

  /** Drops what is kept in memory, after the storage was wiped. */
  forgetCaches(): void {
    this.#recentCache.clear();
    this.#known.clear();
    this.#summaries.clear();
  }

  /** Every conversation, oldest first, each with its rolling summary, opened one at a time: for the user's data export. */
  async *exportConversations(): AsyncGenerator<Conversation & { summary: ConversationSummaryExport | null }> {
    // The rows are small (a sealed title at most), so all are read at once; only their opening is spread out.
    const rows = this.sql.exec<ConversationRow>('SELECT * FROM conversations ORDER BY created_at, id').toArray();
    for (const row of rows) yield { ...(await this.#presentConversation(row)), summary: await this.#exportSummary(row.id) };
  }

  /** Every message of a conversation in reading order, a page at a time, with who spoke and its id elsewhere. */
  async *exportMessages(conversationId: string): AsyncGenerator<Message & { speaker: string | null; externalId: string | null }> {
    let afterSequence = 0;
    for (;;) {
      const rows = this.sql
        .exec<MessageRow>(
          'SELECT * FROM messages WHERE conversation_id = ? AND sequence > ? ORDER BY sequence LIMIT ?',
          conversationId,
          afterSequence,
          exportPageSize,
        )
        .toArray();
      for (const { message, speaker, externalId } of await Promise.all(rows.map((row) => this.#presentSequenced(row)))) {
        yield { ...message, speaker, externalId };
      }
      const last = rows.at(-1);
      if (!last || rows.length < exportPageSize) return;
      afterSequence = last.sequence;
    }
  }

  async #exportSummary(conversationId: string): Promise<ConversationSummaryExport | null> {
    const row = this.sql
      .exec<{ summary_sealed: string; through_sequence: number; updated_at: number; through_message_id: string | null }>(
        `SELECT summary_sealed, through_sequence, updated_at, (SELECT id FROM messages WHERE sequence = through_sequence) AS through_message_id
         FROM conversation_summaries WHERE conversation_id = ?`,
        conversationId,
      )
      .toArray()[0];
    if (!row) return null;
    return {
      text: await this.vault.open(row.summary_sealed, `conversation:${conversationId}:summary`),
      throughMessageId: row.through_message_id,
      updatedAt: new Date(row.updated_at).toISOString(),
    };
  }

  /** Marks the conversation as just used, in one statement; its first message from the person becomes its title. */
  async #touch(conversationId: string, message: NewMessage, at: number): Promise<void> {
    const row = this.sql
      .exec<{ untitled: number }>('UPDATE conversations SET updated_at = ? WHERE id = ? RETURNING title_sealed IS NULL AS untitled', at, conversationId)
      .toArray()[0];
    if (row?.untitled !== 1 || message.role !== 'user') return;
    const title = message.text.length > titleLength ? `${message.text.slice(0, titleLength - 1).trimEnd()}…` : message.text;
    this.sql.exec(
      'UPDATE conversations SET title_sealed = ? WHERE id = ?',
      await this.vault.seal(title, `conversation:${conversationId}:title`),
      conversationId,
    );
  }

  async #presentConversation(row: ConversationRow): Promise<Conversation> {
    return {
      id: row.id,
      title: await this.vault.openOptional(row.title_sealed, `conversation:${row.id}:title`),
      createdAt: new Date(row.created_at).toISOString(),
      updatedAt: new Date(row.updated_at).toISOString(),
    };
  }

  async #presentMessage(row: MessageRow): Promise<Message> {
    const tools = row.tools_sealed === null ? [] : (JSON.parse(await this.vault.open(row.tools_sealed, `message:${row.id}:tools`)) as ToolActivity[]);
    return {
      id: row.id,
      conversationId: row.conversation_id,
      role: row.role,
      text: await this.vault.open(row.text_sealed, `message:${row.id}:text`),
      status: row.status,
      errorId: row.error_id,
      tools,
      memoryIds: JSON.parse(row.memory_ids) as string[],
      createdAt: new Date(row.created_at).toISOString(),
      ...(row.proactive ? { proactive: row.proactive_kind ?? row.proactive } : {}),
      ...(row.care_sealed ? { care: JSON.parse(await this.vault.open(row.care_sealed, `message:${row.id}:care`)) as Care } : {}),
    };
  }
}

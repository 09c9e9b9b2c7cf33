import type { Conversation, Message, MessagesPage, ToolActivity } from '../../common/protocol.ts';

export type { ToolActivity };

import { createId } from '../../worker/crypto/encoding.ts';
import type { UserVault } from '../storage/user-vault.ts';

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
  status: 'complete' | 'failed';
  error_id: string | null;
  created_at: number;
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
}

const titleLength = 60;

/** Conversations and their messages in the user's object, every text sealed with the user's key. */
export class ConversationStore {
  constructor(
    private readonly sql: SqlStorage,
    private readonly vault: UserVault,
  ) {}

  async create(now = Date.now()): Promise<Conversation> {
    const id = createId('conv', now);
    this.sql.exec('INSERT INTO conversations (id, title_sealed, created_at, updated_at) VALUES (?, NULL, ?, ?)', id, now, now);
    return { id, title: null, createdAt: new Date(now).toISOString(), updatedAt: new Date(now).toISOString() };
  }

  exists(conversationId: string): boolean {
    return this.sql.exec('SELECT 1 FROM conversations WHERE id = ?', conversationId).toArray().length > 0;
  }

  async list(): Promise<Conversation[]> {
    const rows = this.sql.exec<ConversationRow>('SELECT * FROM conversations ORDER BY updated_at DESC, id DESC').toArray();
    return Promise.all(rows.map((row) => this.#presentConversation(row)));
  }

  /** The newest conversation, or a new one: where a message without a conversation id goes. */
  async latestOrCreate(): Promise<string> {
    const row = this.sql.exec<{ id: string }>('SELECT id FROM conversations ORDER BY updated_at DESC, id DESC LIMIT 1').toArray()[0];
    return row?.id ?? (await this.create()).id;
  }

  async append(message: NewMessage): Promise<Message> {
    const createdAt = message.createdAt ?? Date.now();
    const id = message.id ?? createId('msg', createdAt);
    const tools = message.tools ?? [];
    const textSealed = await this.vault.seal(message.text, `message:${id}:text`);
    const toolsSealed = tools.length > 0 ? await this.vault.seal(JSON.stringify(tools), `message:${id}:tools`) : null;
    const status = message.status ?? 'complete';
    this.sql.exec(
      'INSERT INTO messages (id, conversation_id, role, text_sealed, tools_sealed, status, error_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      id,
      message.conversationId,
      message.role,
      textSealed,
      toolsSealed,
      status,
      message.errorId ?? null,
      createdAt,
    );
    await this.#touch(message.conversationId, message, createdAt);
    return {
      id,
      conversationId: message.conversationId,
      role: message.role,
      text: message.text,
      status,
      errorId: message.errorId ?? null,
      tools,
      createdAt: new Date(createdAt).toISOString(),
    };
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
    const rows = this.sql
      .exec<MessageRow>('SELECT * FROM messages WHERE conversation_id = ? ORDER BY sequence DESC LIMIT ?', conversationId, limit)
      .toArray()
      .reverse();
    return Promise.all(rows.map((row) => this.#presentMessage(row)));
  }

  /** Every conversation with all its messages, decrypted: for the user's data export. */
  async exportAll(): Promise<(Conversation & { messages: Message[] })[]> {
    const conversations = await this.list();
    return Promise.all(
      conversations.map(async (conversation) => {
        const rows = this.sql.exec<MessageRow>('SELECT * FROM messages WHERE conversation_id = ? ORDER BY sequence', conversation.id).toArray();
        return { ...conversation, messages: await Promise.all(rows.map((row) => this.#presentMessage(row))) };
      }),
    );
  }

  async #touch(conversationId: string, message: NewMessage, at: number): Promise<void> {
    const row = this.sql.exec<{ title_sealed: string | null }>('SELECT title_sealed FROM conversations WHERE id = ?', conversationId).toArray()[0];
    if (row?.title_sealed === null && message.role === 'user') {
      const title = message.text.length > titleLength ? `${message.text.slice(0, titleLength - 1).trimEnd()}…` : message.text;
      const titleSealed = await this.vault.seal(title, `conversation:${conversationId}:title`);
      this.sql.exec('UPDATE conversations SET title_sealed = ?, updated_at = ? WHERE id = ?', titleSealed, at, conversationId);
      return;
    }
    this.sql.exec('UPDATE conversations SET updated_at = ? WHERE id = ?', at, conversationId);
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
      createdAt: new Date(row.created_at).toISOString(),
    };
  }
}

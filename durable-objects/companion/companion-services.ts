import type { Config } from '../../server/config/config.ts';
import type { Env } from '../../server/env.ts';
import { log } from '../../server/logging/log.ts';
import type { ChatModel } from '../../server/providers/chat/chat-model.ts';
import { createChatModel } from '../../server/providers/chat/create-chat-model.ts';
import { createEmbedder } from '../../server/providers/embeddings/create-embedder.ts';
import { createVectorIndex } from '../../server/providers/vector-index/create-vector-index.ts';
import { ConversationStore, type IndexableTurn } from '../conversations/conversation-store.ts';
import { chunkMarkdown } from '../files/chunk-markdown.ts';
import { type FileChange, FileStore } from '../files/file-store.ts';
import { createPathHasher } from '../files/path-hash.ts';
import { type Memory, MemoryStore } from '../memory/memory-store.ts';
import { createBlindIndex } from '../retrieval/blind-index.ts';
import { RetrievalIndex } from '../retrieval/retrieval-index.ts';
import { Retriever } from '../retrieval/retriever.ts';
import type { UserVault } from '../storage/user-vault.ts';
import { FileChunks } from './file-chunks.ts';

/**
 * The features of one user's object, wired to each other: every store tells the retriever what
 * changed, so retrieval never disagrees with what is stored. Made once per object lifetime; the
 * providers are chosen from the configuration when first needed.
 */
export class CompanionServices {
  readonly conversations: ConversationStore;
  readonly memories: MemoryStore;
  readonly files: FileStore;
  readonly fileChunks: FileChunks;
  readonly index: RetrievalIndex;
  #retriever: Retriever | undefined;
  #chatModel: ChatModel | undefined | null = null;

  constructor(
    private readonly sql: SqlStorage,
    vault: UserVault,
    private readonly env: Env,
    private readonly userId: string,
    private readonly config: () => Config,
  ) {
    const blindIndexKey = async () => (await vault.keys()).blindIndex;
    this.index = new RetrievalIndex(sql, createBlindIndex({ key: blindIndexKey }));
    this.fileChunks = new FileChunks(sql, vault);
    this.conversations = new ConversationStore(sql, vault, { indexTurn: (turn) => this.#indexTurn(turn) });
    this.memories = new MemoryStore(sql, vault, {
      indexMemory: (memory) => this.#indexMemory(memory),
      removeMemory: async (id) => {
        await this.retriever().removeBySource(id);
      },
    });
    this.files = new FileStore({
      bucket: env.FILES,
      userId,
      vault,
      sql,
      hashPath: createPathHasher(blindIndexKey),
      onChange: (change) => this.#indexFile(change),
    });
  }

  /** Lexical always; vectors too when an embeddings provider is configured. */
  retriever(): Retriever {
    if (this.#retriever) return this.#retriever;
    const config = this.config();
    const embedder = createEmbedder(
      config.EMBEDDINGS_PROVIDER === 'openai-compatible'
        ? {
            provider: 'openai-compatible',
            baseURL: config.EMBEDDINGS_BASE_URL ?? '',
            apiKey: config.EMBEDDINGS_API_KEY,
            model: config.EMBEDDINGS_MODEL ?? 'text-embedding-3-small',
          }
        : config.EMBEDDINGS_PROVIDER === 'workers-ai' && this.env.AI
          ? { provider: 'workers-ai', binding: this.env.AI, model: config.EMBEDDINGS_MODEL }
          : { provider: 'none' },
    );
    const vectorIndex = embedder
      ? config.VECTOR_INDEX === 'vectorize' && this.env.VECTORIZE
        ? createVectorIndex({ provider: 'vectorize', binding: this.env.VECTORIZE, namespace: this.userId, dimensions: embedder.dimensions })
        : createVectorIndex({ provider: 'local', sql: this.sql })
      : undefined;
    if (!embedder) log.info('retrieval is lexical only', { userId: this.userId, reason: 'EMBEDDINGS_PROVIDER is none' });
    this.#retriever = new Retriever({ index: this.index, embedder, vectorIndex });
    return this.#retriever;
  }

  /** The chat model the configuration names, or undefined when none is configured. Made once: the configuration does not change. */
  chatModel(): ChatModel | undefined {
    if (this.#chatModel !== null) return this.#chatModel;
    const config = this.config();
    this.#chatModel = createChatModel(
      config.LLM_PROVIDER === 'openai-compatible'
        ? { provider: 'openai-compatible', baseURL: config.LLM_BASE_URL ?? '', apiKey: config.LLM_API_KEY, model: config.LLM_MODEL ?? 'gpt-4o-mini' }
        : config.LLM_PROVIDER === 'workers-ai' && this.env.AI
          ? { provider: 'workers-ai', binding: this.env.AI, model: config.LLM_MODEL }
          : { provider: 'none' },
    );
    return this.#chatModel;
  }

  /** A turn is indexed as "speaker: text", with its neighbours as context, so a question finds the reply that answers it. */
  async #indexTurn(turn: IndexableTurn): Promise<void> {
    const label = turn.speaker ?? (turn.message.role === 'user' ? 'User' : 'Companion');
    const contextText = [turn.previous?.text, turn.next?.text].filter((text): text is string => Boolean(text)).join('\n');
    await this.retriever().index({
      id: turn.message.id,
      kind: 'turn',
      sourceId: turn.message.id,
      text: `${label}: ${turn.message.text}`,
      contextText,
      createdAt: Date.parse(turn.message.createdAt),
    });
  }

  async #indexMemory(memory: Memory): Promise<void> {
    await this.retriever().index({
      id: memory.id,
      kind: 'memory',
      sourceId: memory.id,
      text: memory.eventDate ? `${memory.text} (${memory.eventDate})` : memory.text,
      createdAt: Date.parse(memory.createdAt),
      importance: memory.importance,
      validTo: memory.validTo === null ? null : Date.parse(memory.validTo),
    });
  }

  /** A file's chunks are replaced on every write, keyed by the path's hash so no path is stored in the clear. */
  async #indexFile(change: FileChange): Promise<void> {
    await this.retriever().removeBySource(change.pathHash);
    this.fileChunks.removeFile(change.pathHash);
    if (change.type !== 'written') return;
    const chunks = chunkMarkdown(change.path, change.content);
    const now = Date.now();
    const documents = chunks.map((chunk, position) => ({
      id: `file_${change.pathHash.slice(0, 32)}_${position}`,
      kind: 'file-chunk' as const,
      sourceId: change.pathHash,
      text: `${change.path}: ${chunk.text}`,
      createdAt: now,
    }));
    await this.fileChunks.save(documents.map((document, position) => ({ id: document.id, pathHash: change.pathHash, text: chunks[position]?.text ?? '' })));
    await this.retriever().index(documents);
  }
}

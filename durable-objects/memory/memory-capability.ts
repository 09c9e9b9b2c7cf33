import type { ImportDocument } from '../../common/import.ts';
import type { MemoryView, RecallAnswer, RecallBody } from '../../common/protocol.ts';
import { notFound } from '../../server/errors/app-error.ts';
import { log } from '../../server/logging/log.ts';
import type { CompanionCapability } from '../companion/companion-capability.ts';
import { type ConversationsCapability, recentWindow } from '../conversations/conversations-capability.ts';
import type { FilesCapability } from '../files/files-capability.ts';
import type { Capability, CapabilityHost } from '../host/capability.ts';
import { exportList } from '../host/export-document.ts';
import type { ImportPlan } from '../host/import-document.ts';
import { lazily } from '../host/lazily.ts';
import { SingleFlight } from '../host/single-flight.ts';
import type { RetrievalCapability } from '../retrieval/retrieval-capability.ts';
import { applyExtraction, extractMemories } from './memory-extraction.ts';
import { type Memory, type MemoryKind, MemoryStore } from './memory-store.ts';
import { createMemoryTools } from './memory-tools.ts';
import { answerRecall, type RecallSources } from './recall.ts';

/** The most messages one memory extraction reads; more are left for the next run. */
const extractionBatchSize = 40;
/** Memories an import is indexed by per job run. */
const importIndexBatchSize = 200;

export const presentMemory = (memory: Memory, score?: number): MemoryView => ({
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
 * Long-term memories: extracted by the model from conversations in the background, edited by the
 * person, used by the companion's tools, every change reflected in retrieval at once.
 */
export function createMemoryCapability(
  host: CapabilityHost,
  dependencies: { retrieval: RetrievalCapability; conversations: ConversationsCapability; files: FilesCapability; companion: CompanionCapability },
) {
  const { retrieval } = dependencies;
  const toDocument = (memory: Memory) => ({
    id: memory.id,
    kind: 'memory' as const,
    sourceId: memory.id,
    text: memory.eventDate ? `${memory.text} (${memory.eventDate})` : memory.text,
    createdAt: Date.parse(memory.createdAt),
    importance: memory.importance,
    validTo: memory.validTo === null ? null : Date.parse(memory.validTo),
  });
  const store = new MemoryStore(host.sql, host.vault, {
    indexMemory: async (memory) => {
      await retrieval.retriever().index(toDocument(memory));
    },
    indexMemories: async (memories) => {
      await retrieval.retriever().index(memories.map(toDocument));
    },
    removeMemory: async (id) => {
      await retrieval.retriever().removeBySource(id);
    },
  });
  retrieval.registerReader('memory', async (results) => {
    const memories = new Map((await store.getMany(results.map((result) => result.sourceId))).map((memory) => [memory.id, memory]));
    return new Map(
      results.flatMap((result) => {
        const memory = memories.get(result.sourceId);
        return memory ? [[result.id, { text: memory.text }]] : [];
      }),
    );
  });
  const scheduler = host.scheduler('memory');
  const extractions = new SingleFlight();
  const tools = lazily(() => createMemoryTools({ memories: store, search: retrieval.search }));
  /** What the prompt's recall reads: memories with file excerpts and past turns, each opened by its owner. */
  const recallSources: RecallSources = {
    retriever: retrieval.retriever,
    memories: store,
    fileChunks: dependencies.files.chunks,
    conversations: dependencies.conversations.store,
  };

  /**
   * One pending extraction per conversation: its schedule id is kept, so later turns join it and a
   * burst of turns is read at once, off the reply's path.
   */
  async function scheduleExtraction(conversationId: string): Promise<void> {
    const pending = host.sql
      .exec<{ schedule_id: string | null }>('SELECT schedule_id FROM memory_extraction_cursors WHERE conversation_id = ?', conversationId)
      .toArray()[0];
    if (pending?.schedule_id) return;
    const scheduleId = await scheduler.schedule(host.config().MEMORY_EXTRACTION_DELAY_SECONDS, 'extractPendingMemories', { conversationId });
    host.sql.exec(
      `INSERT INTO memory_extraction_cursors (conversation_id, schedule_id) VALUES (?, ?)
       ON CONFLICT (conversation_id) DO UPDATE SET schedule_id = excluded.schedule_id`,
      conversationId,
      scheduleId,
    );
  }

  /**
   * The model reads the conversation's messages since the last extraction and proposes memories,
   * which are applied. The cursor makes a repeat a no-op; a run never overlaps another of its conversation.
   */
  async function extractPendingMemories(conversationId: string): Promise<void> {
    const conversations = dependencies.conversations.store;
    const cursor = host.sql
      .exec<{ through_sequence: number }>('SELECT through_sequence FROM memory_extraction_cursors WHERE conversation_id = ?', conversationId)
      .toArray()[0];
    host.sql.exec('UPDATE memory_extraction_cursors SET schedule_id = NULL WHERE conversation_id = ?', conversationId);
    const model = host.chatModel();
    if (!model || !conversations.exists(conversationId)) return;
    const batch = await conversations.since(conversationId, cursor?.through_sequence ?? 0, extractionBatchSize);
    const last = batch.at(-1);
    const lastUserMessage = batch.findLast((entry) => entry.message.role === 'user')?.message;
    if (!last) return;
    if (lastUserMessage) {
      const settings = dependencies.companion.settings;
      const [profile, companion] = await Promise.all([settings.profile(), settings.companion()]);
      const userName = profile.displayName ?? 'the user';
      const relevant = await retrieval.retriever().search(lastUserMessage.text, { limit: 20, kinds: ['memory'], now: host.now() });
      const existing = await store.getMany(relevant.map((result) => result.sourceId));
      const lines = batch.map(({ message }) => ({
        id: message.id,
        speaker: message.role === 'user' ? userName : companion.name,
        text: message.text,
        createdAt: new Date(message.createdAt),
      }));
      const result = await extractMemories({ model, lines, existing, userName, timezone: profile.timezone, timeoutMs: host.config().LLM_TIMEOUT_MS });
      if (!result.success) {
        log.warn('memory extraction dropped', { userId: host.userId, conversationId, reason: result.error });
      } else {
        const decisions = await applyExtraction(store, result.candidates, {
          sourceMessageIds: batch.map(({ message }) => message.id),
          // Time words resolve against the latest thing the person said in the batch.
          spokenAt: new Date(lastUserMessage.createdAt),
          timezone: profile.timezone,
        });
        log.info('memories extracted', {
          userId: host.userId,
          candidates: result.candidates.length,
          changed: decisions.filter((decision) => decision.action !== 'ignored').length,
        });
      }
    }
    host.sql.exec(
      `INSERT INTO memory_extraction_cursors (conversation_id, through_sequence) VALUES (?, ?)
       ON CONFLICT (conversation_id) DO UPDATE SET through_sequence = max(through_sequence, excluded.through_sequence)`,
      conversationId,
      last.sequence,
    );
    if (batch.length === extractionBatchSize) await scheduleExtraction(conversationId);
  }

  return {
    name: 'memory',
    store,
    scheduleExtraction,
    recallSources,
    rpc: {
      /** Exactly what a prompt for this message would recall (`POST /recall`, and the LoCoMo evaluation). */
      async recall(body: RecallBody): Promise<RecallAnswer> {
        const { query, conversationId } = body;
        if (conversationId !== undefined && !dependencies.conversations.store.exists(conversationId)) throw notFound('conversation');
        const { timezone } = await dependencies.companion.settings.profile();
        const conversation = conversationId === undefined ? undefined : { id: conversationId, recentMessageCount: recentWindow };
        return answerRecall(recallSources, { query, now: new Date(host.now()), timezone, conversation });
      },
      /** With a query: the best matches, scored. Without: the active memories, newest first. */
      async list(query: { query?: string; limit: number; includeInactive: boolean }): Promise<MemoryView[]> {
        if (!query.query) return (await store.list({ includeInactive: query.includeInactive, limit: query.limit })).map((memory) => presentMemory(memory));
        const results = await retrieval
          .retriever()
          .search(query.query, { limit: query.limit, kinds: ['memory'], now: host.now(), includeExpired: query.includeInactive });
        const memories = new Map((await store.getMany(results.map((result) => result.sourceId))).map((memory) => [memory.id, memory]));
        return results.flatMap((result) => {
          const memory = memories.get(result.sourceId);
          return memory ? [presentMemory(memory, result.score)] : [];
        });
      },
      create: async (input: { text: string; kind: MemoryKind; importance?: number; eventDate?: string | null }): Promise<MemoryView> =>
        presentMemory(await store.add(input)),
      async update(id: string, change: { text?: string; kind?: MemoryKind; importance?: number; eventDate?: string | null }): Promise<MemoryView> {
        const updated = await store.update(id, change);
        if (!updated) throw notFound('memory');
        return presentMemory(updated);
      },
      /** Gone from storage and from retrieval at once. */
      async delete(id: string): Promise<null> {
        if (!(await store.forget(id))) throw notFound('memory');
        return null;
      },
    },
    jobs: {
      /** Indexes stored memories after the one named (an import's), one batch per run, each run scheduling the next. */
      async indexImportedMemories(payload: { afterCreatedAt: number | null; afterId: string | null }): Promise<void> {
        const after = payload.afterCreatedAt === null || payload.afterId === null ? null : { createdAt: payload.afterCreatedAt, id: payload.afterId };
        const next = await store.indexAfter(after, importIndexBatchSize);
        if (next) await scheduler.schedule(0, 'indexImportedMemories', { afterCreatedAt: next.createdAt, afterId: next.id });
      },
      /**
       * The model reads the conversation's messages since the last extraction and proposes memories,
       * which are applied. Runs at least once: the cursor makes a repeat a no-op.
       */
      extractPendingMemories: (payload: { conversationId: string }): Promise<void> =>
        extractions.run(payload.conversationId, () => extractPendingMemories(payload.conversationId)),
    },
    tools,
    holdsData: async () => host.sql.exec('SELECT 1 FROM memories LIMIT 1').toArray().length > 0,
    /**
     * The document's memories, active or not, with their history. The imported conversations' extraction
     * cursors are set past their last message: what the companion learned from them is in `memories`
     * already, and reading them again would learn it twice. Runs after the conversations' write, in the
     * same transaction. Indexed after the import has committed, by `indexImportedMemories`.
     */
    async importData(document: ImportDocument): Promise<ImportPlan> {
      const memories = document.memories ?? [];
      const write = await store.prepareImport(memories);
      const conversationIds = (document.conversations ?? []).map((conversation) => conversation.id);
      return {
        imported: document.memories ? { memories: memories.length } : {},
        write: () => {
          write();
          for (const conversationId of conversationIds) {
            host.sql.exec(
              `INSERT INTO memory_extraction_cursors (conversation_id, through_sequence) VALUES (?, ?)
               ON CONFLICT (conversation_id) DO UPDATE SET through_sequence = excluded.through_sequence`,
              conversationId,
              dependencies.conversations.store.newestSequence(conversationId),
            );
          }
        },
        settle: async () => {
          if (memories.length > 0) await scheduler.schedule(0, 'indexImportedMemories', { afterCreatedAt: null, afterId: null });
        },
      };
    },
    exportData: async () => ({
      memories: exportList(async function* () {
        for await (const memory of store.exportAll()) yield { ...presentMemory(memory), validFrom: memory.validFrom };
      }),
    }),
  } satisfies Capability;
}

export type MemoryCapability = ReturnType<typeof createMemoryCapability>;

import type { ImportDocument } from '../../common/import.ts';
import type { Conversation, CreateConversationBody, ImportConversationBody, MessagesPage } from '../../common/protocol.ts';
import { findPersona } from '../../server/catalog/catalog.ts';
import { notFound } from '../../server/errors/app-error.ts';
import type { CompanionCapability } from '../companion/companion-capability.ts';
import type { Capability, CapabilityHost } from '../host/capability.ts';
import { exportList } from '../host/export-document.ts';
import type { ImportPlan } from '../host/import-document.ts';
import { SingleFlight } from '../host/single-flight.ts';
import type { RetrievalCapability } from '../retrieval/retrieval-capability.ts';
import { ConversationStore, type IndexableTurn } from './conversation-store.ts';
import { summarizeConversation } from './rolling-summary.ts';
import { conversationsSchemaSteps } from './schema.ts';

/** How many recent messages of a conversation the model sees verbatim: the short-term memory. */
export const recentWindow = 24;
/** Older messages are folded into the rolling summary once this many have left the recent window. */
const summaryBatchSize = 12;
/** Messages an imported history is indexed by per job run: a long life's history is indexed over many runs, none of them long. */
const importIndexBatchSize = 200;

/** Conversations and their messages, sealed; every turn indexed for retrieval; long ones folded into a rolling summary. */
export function createConversationsCapability(host: CapabilityHost, dependencies: { retrieval: RetrievalCapability; companion: CompanionCapability }) {
  /** A turn is indexed as "speaker: text", with its neighbours as context, so a question finds the reply that answers it. */
  const toDocument = (turn: IndexableTurn) => ({
    id: turn.message.id,
    kind: 'turn' as const,
    sourceId: turn.message.id,
    text: `${turn.speaker ?? (turn.message.role === 'user' ? 'User' : 'Companion')}: ${turn.message.text}`,
    contextText: [turn.previous?.text, turn.next?.text].filter((text): text is string => Boolean(text)).join('\n'),
    createdAt: Date.parse(turn.message.createdAt),
  });
  const store = new ConversationStore(host.sql, host.vault, {
    indexTurns: async (turns) => {
      await dependencies.retrieval.retriever().index(turns.map(toDocument));
    },
  });
  dependencies.retrieval.registerPendingWrites(() => store.indexingSettled());
  dependencies.retrieval.registerReader('turn', async (results) => {
    const turns = await store.getMessages(results.map((result) => result.sourceId));
    return new Map(
      results.flatMap((result) => {
        const turn = turns.get(result.sourceId);
        if (!turn) return [];
        return [[result.id, { text: turn.speaker ? `${turn.speaker}: ${turn.text}` : turn.text, externalId: turn.externalId ?? undefined }]];
      }),
    );
  });
  const scheduler = host.scheduler('conversations');
  const summaries = new SingleFlight();

  return {
    name: 'conversations',
    schema: conversationsSchemaSteps,
    store,
    /**
     * Once a conversation has outgrown the recent window, its older part is summarised off the reply's
     * path, when the conversation has settled (with memory extraction): a burst of turns is folded at once.
     */
    async afterTurn(conversationId: string, recentCount: number): Promise<void> {
      if (recentCount < recentWindow) return;
      await scheduler.schedule(host.config().MEMORY_EXTRACTION_DELAY_SECONDS, 'updateRollingSummary', { conversationId }, { idempotent: true });
    },
    rpc: {
      /**
       * A new conversation; with `greet`, opened by the persona's greeting, stored and sealed like any
       * reply and spoken by the companion's name. Its indexing waits for the next turn's batch: a
       * greeting is not worth hashing before the person has said anything.
       */
      async create(options: CreateConversationBody = {}): Promise<Conversation> {
        const now = host.now();
        const conversation = await store.create(now);
        if (!options.greet) return conversation;
        const companion = await dependencies.companion.settings.companion();
        const greeting = findPersona(companion.personaId)?.greeting;
        if (greeting === undefined) return conversation;
        await store.append(
          { conversationId: conversation.id, role: 'assistant', text: greeting, speaker: companion.name, createdAt: now },
          { deferIndexing: true },
        );
        return conversation;
      },
      list: (): Promise<Conversation[]> => store.list(),
      /** Without a conversation id, the newest conversation: where a message without one goes, too. */
      async listMessages(query: { conversationId?: string; before?: string; limit: number }): Promise<MessagesPage> {
        const conversationId = query.conversationId ?? store.latest();
        if (conversationId === undefined) return { messages: [], nextCursor: null };
        if (!store.exists(conversationId)) throw notFound('conversation');
        return store.page(conversationId, query);
      },
      /**
       * Brings a history from elsewhere in, message by message through the same path live turns
       * take, so it is indexed and searchable the same way. Times and speakers are kept as given.
       */
      async import(body: ImportConversationBody): Promise<{ conversation: Conversation; messages: { id: string; externalId: string | null }[] }> {
        const first = body.messages[0];
        const conversation = await store.create(first ? Date.parse(first.createdAt) : host.now(), body.title);
        const messages: { id: string; externalId: string | null }[] = [];
        for (const message of body.messages) {
          const stored = await store.append(
            {
              conversationId: conversation.id,
              role: message.role,
              text: message.text,
              speaker: message.speaker,
              externalId: message.externalId,
              createdAt: Date.parse(message.createdAt),
            },
            { deferIndexing: true },
          );
          messages.push({ id: stored.id, externalId: message.externalId ?? null });
        }
        // The whole history is indexed in one batch, as searchable as live turns once this answers.
        await store.startDeferredIndexing();
        const listed = (await store.list()).find((entry) => entry.id === conversation.id);
        return { conversation: listed ?? conversation, messages };
      },
    },
    /** A conversation of the person's own (a new account has none). */
    holdsData: async () => store.holdsAny(),
    /**
     * The document's conversations with their summaries and every message, ids and times kept. The
     * search index is built after the import has committed, by `indexImportedMessages`, in batches.
     */
    async importData(document: ImportDocument): Promise<ImportPlan> {
      const conversations = document.conversations ?? [];
      const write = await store.prepareImport(conversations);
      let afterSequence = 0;
      return {
        imported: document.conversations ? { conversations: conversations.length } : {},
        write: () => {
          afterSequence = store.newestSequence();
          write();
        },
        settle: async () => {
          if (conversations.some((conversation) => conversation.messages.length > 0)) {
            await scheduler.schedule(0, 'indexImportedMessages', { afterSequence });
          }
        },
      };
    },
    jobs: {
      /**
       * Indexes stored messages after `afterSequence` (an import's), one batch per run, each run
       * scheduling the next: as findable as turns written here once the last run is done.
       */
      async indexImportedMessages(payload: { afterSequence: number }): Promise<void> {
        const indexed = await store.indexStoredAfter(payload.afterSequence, importIndexBatchSize);
        if (indexed?.more) await scheduler.schedule(0, 'indexImportedMessages', { afterSequence: indexed.last });
      },
      /** Folds messages that left the recent window into the conversation's rolling summary. */
      updateRollingSummary: (payload: { conversationId: string }): Promise<void> =>
        summaries.run(payload.conversationId, async () => {
          const model = host.chatModel();
          if (!model || !store.exists(payload.conversationId)) return;
          await summarizeConversation({
            model,
            conversations: store,
            conversationId: payload.conversationId,
            recentWindow,
            minimumBatch: summaryBatchSize,
            timeoutMs: host.config().LLM_TIMEOUT_MS,
          });
        }),
    },
    exportData: async () => ({
      conversations: exportList(async function* () {
        for await (const conversation of store.exportConversations()) {
          yield { ...conversation, messages: exportList(() => store.exportMessages(conversation.id)) };
        }
      }),
    }),
    reset: () => store.forgetCaches(),
  } satisfies Capability;
}

export type ConversationsCapability = ReturnType<typeof createConversationsCapability>;

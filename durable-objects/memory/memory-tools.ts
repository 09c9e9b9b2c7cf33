import { z } from 'zod';
import type { JsonValue, SearchResult } from '../../common/protocol.ts';
import type { RetrievalSearchOptions } from '../retrieval/retriever.ts';
import { defineTool, type Tool } from '../tools/tool.ts';
import { type MemoryStore, memoryKinds } from './memory-store.ts';
import { resolveRelativeDate } from './relative-dates.ts';

/** Tools over the user's own memory. They close over this user's store and search only, so no tool can reach another user. */
export function createMemoryTools(services: {
  memories: MemoryStore;
  search: (query: string, options: RetrievalSearchOptions) => Promise<SearchResult[]>;
}): Tool[] {
  return [
    defineTool({
      id: 'memory-search',
      name: 'memory_search',
      title: 'Recall',
      summary: 'Looks back through what it remembers and your past chats before answering.',
      description:
        'Searches what you remember about the user (memories, past conversations, their files). Use it before saying you do not know something about them.',
      inputSchema: z.object({ query: z.string().min(1).max(500), limit: z.number().int().min(1).max(20).optional() }),
      enabledByDefault: true,
      risk: 'read',
      async execute({ query, limit }, context) {
        const results = await services.search(query, { limit: limit ?? 8, now: context.now.getTime() });
        return {
          results: results.map(
            (result): JsonValue =>
              result.kind === 'memory'
                ? { kind: 'memory', memoryId: result.sourceId, text: result.text }
                : { kind: result.kind, text: result.text, at: result.createdAt },
          ),
        };
      },
    }),
    defineTool({
      id: 'memory-save',
      name: 'memory_save',
      title: 'Remember things',
      summary: 'Keeps what matters to you, like people, plans and likes, for later.',
      description: 'Saves something worth remembering about the user for the long term. Put any time words the user said ("next Friday") in `when`.',
      inputSchema: z.object({
        text: z.string().min(1).max(500),
        kind: z.enum(memoryKinds),
        importance: z.number().min(0).max(1).optional(),
        when: z.string().max(120).optional(),
      }),
      enabledByDefault: true,
      risk: 'change',
      async execute({ text, kind, importance, when }, context) {
        const eventDate = when ? (resolveRelativeDate(when, context.now, context.timezone)?.date ?? null) : null;
        const memory = await services.memories.add({ text, kind, importance, eventDate, createdAt: context.now.getTime() });
        return { saved: true, memoryId: memory.id, eventDate };
      },
    }),
    defineTool({
      id: 'memory-forget',
      name: 'memory_forget',
      title: 'Forget when asked',
      summary: 'Lets go of something for good when you ask it to.',
      description: 'Forgets a memory for good, when the user asks you to. Takes the memory id from memory_search.',
      inputSchema: z.object({ memoryId: z.string().min(1).max(64) }),
      enabledByDefault: true,
      risk: 'change',
      async execute({ memoryId }) {
        return { forgotten: await services.memories.forget(memoryId) };
      },
    }),
  ];
}

import { z } from 'zod';
import type { JsonValue } from '../../common/protocol.ts';
import type { CompanionServices } from '../companion/companion-services.ts';
import { memoryKinds } from '../memory/memory-store.ts';
import { resolveRelativeDate } from '../memory/relative-dates.ts';
import { searchUserData } from '../memory/search.ts';
import { defineTool, type Tool } from './tool.ts';

/** Tools over the user's own memory and files. They close over this user's services only, so no tool can reach another user. */
export function createMemoryTools(services: CompanionServices): Tool[] {
  return [
    defineTool({
      id: 'memory-search',
      name: 'memory_search',
      description:
        'Searches what you remember about the user (memories, past conversations, their files). Use it before saying you do not know something about them.',
      inputSchema: z.object({ query: z.string().min(1).max(500), limit: z.number().int().min(1).max(20).optional() }),
      enabledByDefault: true,
      async execute({ query, limit }, context) {
        const results = await searchUserData(services, query, { limit: limit ?? 8, now: context.now.getTime() });
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
      description: 'Saves something worth remembering about the user for the long term. Put any time words the user said ("next Friday") in `when`.',
      inputSchema: z.object({
        text: z.string().min(1).max(500),
        kind: z.enum(memoryKinds),
        importance: z.number().min(0).max(1).optional(),
        when: z.string().max(120).optional(),
      }),
      enabledByDefault: true,
      async execute({ text, kind, importance, when }, context) {
        const eventDate = when ? (resolveRelativeDate(when, context.now, context.timezone)?.date ?? null) : null;
        const memory = await services.memories.add({ text, kind, importance, eventDate, createdAt: context.now.getTime() });
        return { saved: true, memoryId: memory.id, eventDate };
      },
    }),
    defineTool({
      id: 'memory-forget',
      name: 'memory_forget',
      description: 'Forgets a memory for good, when the user asks you to. Takes the memory id from memory_search.',
      inputSchema: z.object({ memoryId: z.string().min(1).max(64) }),
      enabledByDefault: true,
      async execute({ memoryId }) {
        return { forgotten: await services.memories.forget(memoryId) };
      },
    }),
    defineTool({
      id: 'file-list',
      name: 'file_list',
      description: "Lists the user's files (profile.md, notes/…, journal/…), optionally under a folder.",
      inputSchema: z.object({ prefix: z.string().max(200).optional() }),
      enabledByDefault: true,
      async execute({ prefix }) {
        const files = await services.files.list(prefix);
        return { files: files.map((file) => ({ path: file.path, size: file.size, updatedAt: file.updatedAt })) };
      },
    }),
    defineTool({
      id: 'file-read',
      name: 'file_read',
      description: "Reads one of the user's files.",
      inputSchema: z.object({ path: z.string().min(1).max(200) }),
      enabledByDefault: true,
      async execute({ path }): Promise<JsonValue> {
        const file = await services.files.read(path);
        if (!file) return { error: `There is no file ${path}.` };
        return { path: file.path, content: file.content };
      },
    }),
    defineTool({
      id: 'file-write',
      name: 'file_write',
      description: "Writes a Markdown file in the user's files (the previous version is kept). Use it for notes, plans and the journal the user asked for.",
      inputSchema: z.object({ path: z.string().min(1).max(200), content: z.string().max(200_000) }),
      enabledByDefault: true,
      async execute({ path, content }) {
        const file = await services.files.write(path, content, { author: 'companion' });
        return { written: true, path: file.path, versionId: file.versionId };
      },
    }),
    defineTool({
      id: 'file-search',
      name: 'file_search',
      description: "Searches the contents of the user's files.",
      inputSchema: z.object({ query: z.string().min(1).max(500), limit: z.number().int().min(1).max(20).optional() }),
      enabledByDefault: true,
      async execute({ query, limit }, context) {
        const results = await searchUserData(services, query, { limit: limit ?? 5, kinds: ['file-chunk'], now: context.now.getTime() });
        return { results: results.map((result) => ({ text: result.text })) };
      },
    }),
  ];
}

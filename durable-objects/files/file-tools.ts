import { z } from 'zod';
import type { JsonValue, SearchResult } from '../../common/protocol.ts';
import type { RetrievalSearchOptions } from '../retrieval/retriever.ts';
import { defineTool, type Tool } from '../tools/tool.ts';
import type { FileStore } from './file-store.ts';

/** Tools over the user's own files. They close over this user's store and search only, so no tool can reach another user. */
export function createFileTools(services: { files: FileStore; search: (query: string, options: RetrievalSearchOptions) => Promise<SearchResult[]> }): Tool[] {
  return [
    defineTool({
      id: 'file-list',
      name: 'file_list',
      title: 'See your files',
      summary: 'Looks at which notes and documents you keep.',
      description: "Lists the user's files (profile.md, notes/…, journal/…), optionally under a folder.",
      inputSchema: z.object({ prefix: z.string().max(200).optional() }),
      enabledByDefault: true,
      risk: 'read',
      async execute({ prefix }) {
        const files = await services.files.list(prefix);
        return { files: files.map((file) => ({ path: file.path, size: file.size, updatedAt: file.updatedAt })) };
      },
    }),
    defineTool({
      id: 'file-read',
      name: 'file_read',
      title: 'Read your files',
      summary: 'Opens one of your notes to use what is written in it.',
      description: "Reads one of the user's files.",
      inputSchema: z.object({ path: z.string().min(1).max(200) }),
      enabledByDefault: true,
      risk: 'read',
      async execute({ path }): Promise<JsonValue> {
        const file = await services.files.read(path);
        if (!file) return { error: `There is no file ${path}.` };
        return { path: file.path, content: file.content };
      },
    }),
    defineTool({
      id: 'file-write',
      name: 'file_write',
      title: 'Write in your files',
      summary: 'Keeps notes, plans and a journal for you, and every earlier version too.',
      description: "Writes a Markdown file in the user's files (the previous version is kept). Use it for notes, plans and the journal the user asked for.",
      inputSchema: z.object({ path: z.string().min(1).max(200), content: z.string().max(200_000) }),
      enabledByDefault: true,
      risk: 'change',
      async execute({ path, content }) {
        const file = await services.files.write(path, content, { author: 'companion' });
        return { written: true, path: file.path, versionId: file.versionId };
      },
    }),
    defineTool({
      id: 'file-search',
      name: 'file_search',
      title: 'Search your files',
      summary: 'Finds the part of your notes that answers what you asked.',
      description: "Searches the contents of the user's files.",
      inputSchema: z.object({ query: z.string().min(1).max(500), limit: z.number().int().min(1).max(20).optional() }),
      enabledByDefault: true,
      risk: 'read',
      async execute({ query, limit }, context) {
        const results = await services.search(query, { limit: limit ?? 5, kinds: ['file-chunk'], now: context.now.getTime() });
        return { results: results.map((result) => ({ text: result.text })) };
      },
    }),
  ];
}

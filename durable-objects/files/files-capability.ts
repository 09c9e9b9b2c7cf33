import { notFound } from '../../server/errors/app-error.ts';
import type { Capability, CapabilityHost } from '../host/capability.ts';
import { exportList } from '../host/export-document.ts';
import type { RetrievalCapability } from '../retrieval/retrieval-capability.ts';
import { chunkMarkdown } from './chunk-markdown.ts';
import { FileChunks } from './file-chunks.ts';
import { type FileChange, type FileContent, type FileInfo, FileStore, type FileVersionContent, type FileVersionInfo } from './file-store.ts';
import { createFileTools } from './file-tools.ts';
import { filesBucket } from './files-bucket.ts';
import { createPathHasher } from './path-hash.ts';

/** The person's persistent Markdown files in R2: sealed, versioned, chunked into retrieval on every write. */
export function createFilesCapability(host: CapabilityHost, dependencies: { retrieval: RetrievalCapability }) {
  const { retrieval } = dependencies;
  const chunks = new FileChunks(host.sql, host.vault);

  /** A file's chunks are replaced on every write, keyed by the path's hash so no path is stored in the clear. */
  const indexFile = async (change: FileChange): Promise<void> => {
    await retrieval.retriever().removeBySource(change.pathHash);
    chunks.removeFile(change.pathHash);
    if (change.type !== 'written') return;
    const pieces = chunkMarkdown(change.path, change.content);
    const now = host.now();
    const documents = pieces.map((piece, position) => ({
      id: `file_${change.pathHash.slice(0, 32)}_${position}`,
      kind: 'file-chunk' as const,
      sourceId: change.pathHash,
      text: `${change.path}: ${piece.text}`,
      createdAt: now,
    }));
    await chunks.save(documents.map((document, position) => ({ id: document.id, pathHash: change.pathHash, text: pieces[position]?.text ?? '' })));
    await retrieval.retriever().index(documents);
  };

  const store = new FileStore({
    bucket: filesBucket(host.env.FILES),
    userId: host.userId,
    vault: host.vault,
    sql: host.sql,
    hashPath: createPathHasher(retrieval.blindIndexKey),
    onChange: indexFile,
  });
  retrieval.registerReader('file-chunk', async (results) => {
    const texts = await chunks.texts(results.map((result) => result.id));
    return new Map([...texts].map(([id, chunk]) => [id, { text: chunk.text }]));
  });
  const tools = createFileTools({ files: store, search: retrieval.search });

  return {
    name: 'files',
    store,
    chunks: chunks as Pick<FileChunks, 'texts'>,
    rpc: {
      list: (prefix?: string): Promise<FileInfo[]> => store.list(prefix),
      async read(path: string): Promise<FileContent> {
        return (await store.read(path)) ?? Promise.reject(notFound('file'));
      },
      write: (path: string, content: string, expectedVersionId?: string): Promise<FileInfo> =>
        store.write(path, content, { expectedVersionId, author: 'user' }),
      async delete(path: string): Promise<null> {
        await store.delete(path);
        return null;
      },
      async versions(path: string): Promise<FileVersionInfo[]> {
        return (await store.versions(path)) ?? Promise.reject(notFound('file'));
      },
      async readVersion(path: string, versionId: string): Promise<FileVersionContent> {
        return (await store.readVersion(path, versionId)) ?? Promise.reject(notFound('file version'));
      },
    },
    tools: () => tools,
    exportData: async () => ({
      files: exportList(async function* () {
        for (const file of await store.list()) {
          yield {
            path: file.path,
            currentVersionId: file.versionId,
            updatedAt: file.updatedAt,
            versions: exportList(async function* () {
              for await (const { path: _path, ...version } of store.exportVersions(file.path)) yield version;
            }),
          };
        }
      }),
    }),
    destroyExternalData: () => store.deleteAll(),
  } satisfies Capability;
}

export type FilesCapability = ReturnType<typeof createFilesCapability>;

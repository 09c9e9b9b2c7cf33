import type { ImportDocument, ImportNote } from '../../common/import.ts';
import { notFound } from '../../server/errors/app-error.ts';
import type { Capability, CapabilityHost } from '../host/capability.ts';
import { exportList } from '../host/export-document.ts';
import type { ImportPlan } from '../host/import-document.ts';
import { lazily } from '../host/lazily.ts';
import type { RetrievalCapability } from '../retrieval/retrieval-capability.ts';
import { chunkMarkdown } from './chunk-markdown.ts';
import { defaultFiles } from './default-files.ts';
import { FileChunks } from './file-chunks.ts';
import {
  defaultFileStoreLimits,
  type FileChange,
  type FileContent,
  type FileInfo,
  FileStore,
  type FileVersionContent,
  type FileVersionInfo,
} from './file-store.ts';
import { createFileTools } from './file-tools.ts';
import { filesBucket } from './files-bucket.ts';
import { createPathHasher } from './path-hash.ts';

/** Files an import is indexed by per job run: each is read from R2, chunked and embedded. */
const importIndexBatchSize = 20;

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

  const hashPath = createPathHasher(retrieval.blindIndexKey);
  const store = new FileStore({
    bucket: filesBucket(host.env.FILES),
    userId: host.userId,
    vault: host.vault,
    sql: host.sql,
    hashPath,
    onChange: indexFile,
  });
  retrieval.registerReader('file-chunk', async (results) => {
    const texts = await chunks.texts(results.map((result) => result.id));
    return new Map([...texts].map(([id, chunk]) => [id, { text: chunk.text }]));
  });
  const tools = lazily(() => createFileTools({ files: store, search: retrieval.search }));
  const scheduler = host.scheduler('files');

  /**
   * Whether a file is one a new account starts with, untouched: its one version written by the
   * companion, holding the default content (for whatever name and time zone it was made with).
   */
  async function untouchedDefault(file: FileInfo): Promise<boolean> {
    if (file.versionCount !== 1 || !defaultFiles({ displayName: null, timezone: 'UTC' }).some((entry) => entry.path === file.path)) return false;
    const [version] = (await store.versions(file.path)) ?? [];
    if (version?.author !== 'companion') return false;
    const content = (await store.read(file.path))?.content ?? '';
    const profile = { displayName: /^- Name: (.*)$/m.exec(content)?.[1] ?? null, timezone: /^- Time zone: (.*)$/m.exec(content)?.[1] ?? '' };
    return defaultFiles(profile).some((entry) => entry.path === file.path && entry.content === content);
  }

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
    tools,
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
    /** A file of the person's own: the default `profile.md` a new account may start with does not count. */
    async holdsData(): Promise<boolean> {
      for (const file of await store.list()) if (!(await untouchedDefault(file))) return true;
      return false;
    },
    /**
     * The document's files with every version, put in R2 now (removed again by `abandon`). Files the
     * account started with are replaced when the document has files. Indexed after the import has
     * committed, by `indexImportedFiles`.
     */
    async importData(document: ImportDocument): Promise<ImportPlan> {
      const files = document.files ?? [];
      if (files.length === 0) return { imported: document.files ? { files: 0 } : {}, write: () => {} };
      const defaults: FileInfo[] = [];
      for (const file of await store.list()) if (await untouchedDefault(file)) defaults.push(file);
      const prepared = await store.prepareImport(files, { replacing: defaults.map((file) => file.path) });
      const notImported: ImportNote[] =
        prepared.versionsLeftOut > 0
          ? [
              {
                section: 'files',
                count: prepared.versionsLeftOut,
                reason: `Kindred keeps the newest ${defaultFileStoreLimits.maxVersionsPerFile} versions of a file; older versions were left out.`,
              },
            ]
          : [];
      return {
        imported: { files: files.length },
        notImported,
        write: prepared.write,
        settle: async () => {
          // The index first: removing the replaced files' objects may fail (they are then orphans that
          // `deleteAll` still finds), and must not keep the imported files from being found.
          await scheduler.schedule(0, 'indexImportedFiles', { afterPathHash: null });
          // What the replaced files had in the index goes; a replacement at the same path is indexed anew by the job.
          for (const file of defaults) {
            const pathHash = await hashPath(file.path);
            if (!prepared.pathHashes.includes(pathHash)) await indexFile({ type: 'deleted', path: file.path, pathHash });
          }
          await prepared.settle();
        },
        abandon: prepared.abandon,
      };
    },
    jobs: {
      /** Indexes the files (an import's) after the one named, a few per run, each run scheduling the next. */
      async indexImportedFiles(payload: { afterPathHash: string | null }): Promise<void> {
        const changes = await store.currentAfter(payload.afterPathHash, importIndexBatchSize);
        for (const change of changes) await indexFile(change);
        const last = changes.at(-1);
        if (last && changes.length === importIndexBatchSize) await scheduler.schedule(0, 'indexImportedFiles', { afterPathHash: last.pathHash });
      },
    },
    destroyExternalData: () => store.deleteAll(),
  } satisfies Capability;
}

export type FilesCapability = ReturnType<typeof createFilesCapability>;

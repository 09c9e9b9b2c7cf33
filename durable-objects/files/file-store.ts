import { createId } from '../../server/crypto/encoding.ts';
import { AppError, notFound } from '../../server/errors/app-error.ts';
import { log } from '../../server/logging/log.ts';
import { fileTooLarge, tooManyFiles, versionConflict } from './file-errors.ts';
import { requireFilePath } from './file-path.ts';
import type { PathHasher } from './path-hash.ts';

/** The part of `UserVault` the store needs: AES-256-GCM under the user's key, bound to a context string. */
export interface FileVault {
  seal(plaintext: string, context: string): Promise<string>;
  open(sealed: string, context: string): Promise<string>;
}

/** Who wrote a version: shown in the version history. */
export type FileAuthor = 'user' | 'companion';

/**
 * Told after each change is stored, so that chunks and search entries can follow the file. Index
 * them under `pathHash` (say, as the retrieval source id), never under the path, which would put
 * the user's words in the clear; `pathForHash` turns a hit back into a path.
 */
export type FileChange =
  | { type: 'written'; path: string; pathHash: string; content: string; versionId: string }
  | { type: 'deleted'; path: string; pathHash: string };

export interface FileStoreLimits {
  /** UTF-8 bytes of text in one file. */
  maxFileBytes: number;
  /** Files per user, counting paths, not versions. */
  maxFiles: number;
  /** Versions kept per file, the current one included; older ones are pruned on write. */
  maxVersionsPerFile: number;
}

export const defaultFileStoreLimits: FileStoreLimits = {
  maxFileBytes: 256 * 1024,
  maxFiles: 1000,
  maxVersionsPerFile: 50,
};

export interface FileStoreOptions {
  bucket: R2Bucket;
  /** The object's own user; every R2 key starts with `users/<userId>/files/`. */
  userId: string;
  vault: FileVault;
  sql: SqlStorage;
  /** The keyed hash that names a path in R2 and in the catalogue (`createPathHasher`). */
  hashPath: PathHasher;
  /** Awaited after the change is durable; a failure is logged and does not undo or fail the change. */
  onChange?: (change: FileChange) => Promise<void>;
  limits?: Partial<FileStoreLimits>;
}

/** A file as listed: `versionId` is what a later write passes as `expectedVersionId`. */
export interface FileInfo {
  path: string;
  versionId: string;
  size: number;
  updatedAt: string;
  versionCount: number;
}

export interface FileContent {
  path: string;
  content: string;
  versionId: string;
  size: number;
  updatedAt: string;
}

export interface FileVersionInfo {
  versionId: string;
  size: number;
  author: FileAuthor;
  createdAt: string;
  current: boolean;
}

export interface FileVersionContent {
  path: string;
  versionId: string;
  content: string;
  size: number;
  author: FileAuthor;
  createdAt: string;
}

export interface WriteOptions {
  /** The version the writer last saw; `null` means "only if the file does not exist yet". Omitted: last write wins. */
  expectedVersionId?: string | null;
  author?: FileAuthor;
}

type FileRow = {
  path_hash: string;
  path_sealed: string;
  current_version: string;
  size: number;
  created_at: number;
  updated_at: number;
};

type VersionRow = {
  sequence: number;
  path_hash: string;
  version_id: string;
  size: number;
  author: FileAuthor;
  created_at: number;
};

/** R2 accepts at most this many keys in one delete call, and lists at most this many per page. */
const r2BatchSize = 1000;
const safeUserId = /^[A-Za-z0-9_-]+$/;
const safePathHash = /^[A-Za-z0-9_-]{16,}$/;
/** An imported version id is kept when it can be part of an R2 key as it is (ours are `ver_…`; format 1's `imported-1`). */
const safeVersionId = /^[A-Za-z0-9_-]{1,100}$/;
/** Objects an import puts side by side. */
const importPutsAtOnce = 8;

/** One version of an imported file, as the export lists it, oldest first. */
export interface ImportedFileVersion {
  versionId: string;
  content: string;
  author: FileAuthor;
  createdAt: string;
  current: boolean;
}

/** A file of an imported export document. */
export interface ImportedFile {
  path: string;
  currentVersionId: string;
  updatedAt?: string;
  versions: readonly ImportedFileVersion[];
}

/** An import's files with their objects put in R2, and what finishes or undoes it (see `FileStore.prepareImport`). */
export interface PreparedFileImport {
  /** The imported files' path hashes, to index them. */
  readonly pathHashes: readonly string[];
  /** Paths of files with a version whose id could not be kept. */
  readonly renamedVersions: readonly string[];
  /** Versions beyond the per-file limit, not brought in. */
  readonly versionsLeftOut: number;
  write(): void;
  settle(): Promise<void>;
  abandon(): Promise<void>;
}

/**
 * The user's persistent text files (`profile.md`, `notes/…`, `journal/…`), kept in R2 and
 * catalogued in the user's object.
 *
 * Every version is its own immutable R2 object, `users/<userId>/files/<pathHash>/<versionId>`,
 * whose body is the content sealed with the user's key and bound to `file:<path>:<versionId>`.
 * Which version is current is a row in SQLite, so a write is one upload followed by one synchronous
 * catalogue update: nothing is copied or moved, a failed upload changes nothing, and the previous
 * version stays where it was. Keys are built only from the store's own user id, a path that passed
 * `parseFilePath`, its keyed hash and a generated version id, so no input can reach another user's
 * objects, and R2 never sees a path or a word of content in the clear.
 *
 * Lookups (`read`, `readVersion`, `versions`) answer `null` for a missing file; changes to a missing
 * file throw AppError `not_found`. Invalid paths throw `invalid_path`.
 */
export class FileStore {
  readonly #bucket: R2Bucket;
  readonly #userId: string;
  readonly #vault: FileVault;
  readonly #sql: SqlStorage;
  readonly #hashPath: PathHasher;
  readonly #onChange: ((change: FileChange) => Promise<void>) | undefined;
  readonly #limits: FileStoreLimits;
  /*
   * R2 calls are not storage operations, so the object's input gate lets other requests in while
   * one is awaited. Operations on one path therefore queue here (keyed by the path, in memory only),
   * so that a delete cannot remove the object a concurrent write is about to point the catalogue at.
   */
  readonly #pathQueues = new Map<string, Promise<unknown>>();

  constructor(options: FileStoreOptions) {
    if (!safeUserId.test(options.userId)) throw new Error('FileStore needs a user id made of letters, digits, "-" and "_".');
    this.#bucket = options.bucket;
    this.#userId = options.userId;
    this.#vault = options.vault;
    this.#sql = options.sql;
    this.#hashPath = options.hashPath;
    this.#onChange = options.onChange;
    this.#limits = { ...defaultFileStoreLimits, ...options.limits };
  }

  /** The user's files whose path starts with `prefix` (a plain string prefix, e.g. `notes/`), sorted by path. */
  async list(prefix = ''): Promise<FileInfo[]> {
    const rows = this.#sql
      .exec<FileRow & { version_count: number }>(
        'SELECT files.*, (SELECT COUNT(*) FROM file_versions WHERE file_versions.path_hash = files.path_hash) AS version_count FROM files',
      )
      .toArray();
    // Paths are sealed, so the prefix can only be matched after opening them; a user has at most
    // `maxFiles` of them, which keeps this cheap.
    const files = await Promise.all(
      rows.map(async (row) => ({
        path: await this.#openPath(row),
        versionId: row.current_version,
        size: row.size,
        updatedAt: new Date(row.updated_at).toISOString(),
        versionCount: row.version_count,
      })),
    );
    return files.filter((file) => file.path.startsWith(prefix)).sort((left, right) => (left.path < right.path ? -1 : left.path > right.path ? 1 : 0));
  }

  /** The current version of a file, or `null` when there is no such file. */
  async read(rawPath: string): Promise<FileContent | null> {
    const path = requireFilePath(rawPath);
    return this.#exclusive(path, async (pathHash) => {
      const row = this.#fileRow(pathHash);
      if (!row) return null;
      return {
        path,
        content: await this.#readObject(path, pathHash, row.current_version),
        versionId: row.current_version,
        size: row.size,
        updatedAt: new Date(row.updated_at).toISOString(),
      };
    });
  }

  /**
   * Stores `content` as the new current version; the previous one is kept. Throws `file_too_large`
   * over the size limit, `version_conflict` when `expectedVersionId` is given and is not the current
   * version, and `too_many_files` when a new file would exceed the file limit.
   */
  async write(rawPath: string, content: string, options: WriteOptions = {}): Promise<FileInfo> {
    const path = requireFilePath(rawPath);
    const size = new TextEncoder().encode(content).byteLength;
    if (size > this.#limits.maxFileBytes) throw fileTooLarge(size, this.#limits.maxFileBytes);

    const { pathHash, ...written } = await this.#exclusive(path, async (pathHash) => {
      const existing = this.#fileRow(pathHash);
      this.#checkExpectedVersion(existing, options.expectedVersionId);
      // A soft limit: creations of two different paths may interleave and both pass.
      if (!existing && this.#fileCount() >= this.#limits.maxFiles) throw tooManyFiles(this.#limits.maxFiles);

      const now = Date.now();
      const versionId = createId('ver', now);
      const sealedContent = await this.#vault.seal(content, contentContext(path, versionId));
      const sealedPath = existing ? existing.path_sealed : await this.#vault.seal(path, pathContext(pathHash));
      await this.#bucket.put(this.#versionKey(pathHash, versionId), sealedContent, { httpMetadata: { contentType: 'application/octet-stream' } });

      // Nothing is awaited from here until the pruned objects are deleted, so the object commits
      // these statements together: the current pointer and the version rows always agree.
      if (existing) {
        this.#sql.exec('UPDATE files SET current_version = ?, size = ?, updated_at = ? WHERE path_hash = ?', versionId, size, now, pathHash);
      } else {
        this.#sql.exec(
          'INSERT INTO files (path_hash, path_sealed, current_version, size, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
          pathHash,
          sealedPath,
          versionId,
          size,
          now,
          now,
        );
      }
      this.#sql.exec(
        'INSERT INTO file_versions (path_hash, version_id, size, author, created_at) VALUES (?, ?, ?, ?, ?)',
        pathHash,
        versionId,
        size,
        options.author ?? 'user',
        now,
      );
      const pruned = this.#pruneVersionRows(pathHash);

      await this.#deleteObjects(pruned.map((prunedVersionId) => this.#versionKey(pathHash, prunedVersionId))).catch((error: unknown) => {
        // The rows are gone, so these are unreachable orphans under the file's prefix; `delete` and
        // `deleteAll` list that prefix and remove them later.
        log.warn('file_version_prune_failed', { count: pruned.length, error: errorName(error) });
      });
      return { pathHash, path, versionId, size, updatedAt: new Date(now).toISOString(), versionCount: this.#versionCount(pathHash) };
    });

    await this.#notify({ type: 'written', path, pathHash, content, versionId: written.versionId });
    return written;
  }

  /** Removes the file and every version of it. Throws `not_found` when there is no such file. */
  async delete(rawPath: string): Promise<void> {
    const path = requireFilePath(rawPath);
    const pathHash = await this.#exclusive(path, async (pathHash) => {
      if (!this.#fileRow(pathHash)) throw notFound('file');
      // Objects first: if R2 fails, the file is still listed and deleting it again finishes the
      // job, rather than leaving ciphertext that nothing points at.
      await this.#deleteObjects(await this.#listKeys(this.#filePrefix(pathHash)));
      this.#sql.exec('DELETE FROM file_versions WHERE path_hash = ?', pathHash);
      this.#sql.exec('DELETE FROM files WHERE path_hash = ?', pathHash);
      return pathHash;
    });
    await this.#notify({ type: 'deleted', path, pathHash });
  }

  /** The path of the file stored under `pathHash` (as given in `FileChange`), or `null` when there is none. */
  async pathForHash(pathHash: string): Promise<string | null> {
    const row = this.#fileRow(String(pathHash));
    return row ? this.#openPath(row) : null;
  }

  /** The file's versions, newest first, or `null` when there is no such file. */
  async versions(rawPath: string): Promise<FileVersionInfo[] | null> {
    const path = requireFilePath(rawPath);
    const pathHash = await this.#pathHashOf(path);
    const file = this.#fileRow(pathHash);
    if (!file) return null;
    return this.#sql
      .exec<VersionRow>('SELECT * FROM file_versions WHERE path_hash = ? ORDER BY sequence DESC', pathHash)
      .toArray()
      .map((row) => ({
        versionId: row.version_id,
        size: row.size,
        author: row.author,
        createdAt: new Date(row.created_at).toISOString(),
        current: row.version_id === file.current_version,
      }));
  }

  /** One version of the file, current or earlier, or `null` when the file or that version does not exist. */
  async readVersion(rawPath: string, versionId: string): Promise<FileVersionContent | null> {
    const path = requireFilePath(rawPath);
    return this.#exclusive(path, async (pathHash) => {
      // The version id only reaches an R2 key after it was found in this file's catalogue.
      const row = this.#sql.exec<VersionRow>('SELECT * FROM file_versions WHERE path_hash = ? AND version_id = ?', pathHash, String(versionId)).toArray()[0];
      if (!row) return null;
      return {
        path,
        versionId: row.version_id,
        content: await this.#readObject(path, pathHash, row.version_id),
        size: row.size,
        author: row.author,
        createdAt: new Date(row.created_at).toISOString(),
      };
    });
  }

  /**
   * Makes an earlier version current again by writing its content as a new version, so history
   * only ever grows and the version being replaced stays available. Throws `not_found` for an
   * unknown file or version, and whatever `write` throws.
   */
  async restore(rawPath: string, versionId: string, options: WriteOptions = {}): Promise<FileInfo> {
    const earlier = await this.readVersion(rawPath, versionId);
    if (!earlier) throw notFound('file version');
    return this.write(earlier.path, earlier.content, options);
  }

  /**
   * Every kept version of a file with its content, oldest first, read one at a time: for the user's
   * data export. A version pruned by a write meanwhile is left out rather than failing the export.
   */
  async *exportVersions(rawPath: string): AsyncGenerator<FileVersionContent & { current: boolean }> {
    const path = requireFilePath(rawPath);
    for (const version of [...((await this.versions(path)) ?? [])].reverse()) {
      const content = await this.readVersion(path, version.versionId);
      if (content) yield { ...content, current: version.current };
    }
  }

  /**
   * An imported document's files, every version kept with its author and time, brought in as `write`
   * stores them: each version sealed to its own R2 object under the user's prefix, keyed by the path's
   * hash and the version id. The objects are put here; the answer's `write` updates the catalogue
   * synchronously (for the import's one transaction), `settle` removes what the import replaced
   * (`replacing`: files a new account starts with), `abandon` removes every object put here. A version
   * id that cannot name an R2 key is given a new one (listed in `renamedVersions`); beyond the version
   * limit the oldest versions are left out (`versionsLeftOut`). Throws AppError (invalid_path,
   * file_too_large, too_many_files, validation_failed) before anything is put.
   */
  async prepareImport(files: readonly ImportedFile[], options: { replacing?: readonly string[] } = {}): Promise<PreparedFileImport> {
    if (files.length > this.#limits.maxFiles) throw tooManyFiles(this.#limits.maxFiles);
    const planned: {
      pathHash: string;
      sealedPath: string;
      currentVersionId: string;
      updatedAt: number | undefined;
      versions: (ImportedFileVersion & { key: string; size: number })[];
    }[] = [];
    const hashes = new Set<string>();
    const renamedVersions: string[] = [];
    let versionsLeftOut = 0;
    for (const file of files) {
      const path = requireFilePath(file.path);
      const pathHash = await this.#pathHashOf(path);
      if (hashes.has(pathHash)) throw new AppError('validation_failed', `The file ${path} is in the import twice.`);
      hashes.add(pathHash);
      if (file.versions.length === 0) throw new AppError('validation_failed', `The file ${path} has no version in the import.`);
      // The newest versions are kept, as a write prunes the oldest.
      const kept = file.versions.slice(-this.#limits.maxVersionsPerFile);
      versionsLeftOut += file.versions.length - kept.length;
      const seen = new Set<string>();
      const versions = [];
      let currentVersionId: string | undefined;
      for (const version of kept) {
        const size = new TextEncoder().encode(version.content).byteLength;
        if (size > this.#limits.maxFileBytes) throw fileTooLarge(size, this.#limits.maxFileBytes);
        const keyable = safeVersionId.test(version.versionId) && !seen.has(version.versionId);
        const versionId = keyable ? version.versionId : createId('ver', Date.parse(version.createdAt));
        if (!keyable) renamedVersions.push(path);
        seen.add(versionId);
        if (version.current || version.versionId === file.currentVersionId) currentVersionId = versionId;
        versions.push({ ...version, versionId, size, key: this.#versionKey(pathHash, versionId) });
      }
      planned.push({
        pathHash,
        sealedPath: await this.#vault.seal(path, pathContext(pathHash)),
        updatedAt: file.updatedAt === undefined ? undefined : Date.parse(file.updatedAt),
        // A document naming no current version (or one left out) has its newest one current, as after a write.
        currentVersionId: currentVersionId ?? (versions.at(-1) as { versionId: string }).versionId,
        versions: await Promise.all(
          versions.map(async (version) => ({ ...version, content: await this.#vault.seal(version.content, contentContext(path, version.versionId)) })),
        ),
      });
    }
    const put: string[] = [];
    const removePut = () => this.#deleteObjects(put);
    try {
      const all = planned.flatMap((file) => file.versions);
      for (let start = 0; start < all.length; start += importPutsAtOnce) {
        // Settled, not raced: a failure must wait for the puts beside it, or one landing after the cleanup would be left behind.
        const outcomes = await Promise.allSettled(
          all.slice(start, start + importPutsAtOnce).map(async (version) => {
            await this.#bucket.put(version.key, version.content, { httpMetadata: { contentType: 'application/octet-stream' } });
            put.push(version.key);
          }),
        );
        const failed = outcomes.find((outcome) => outcome.status === 'rejected');
        if (failed) throw failed.reason;
      }
    } catch (error) {
      await removePut().catch(() => undefined);
      throw error;
    }
    const replacing = await Promise.all((options.replacing ?? []).map(async (path) => this.#pathHashOf(requireFilePath(path))));
    const ours = new Set(put);
    return {
      pathHashes: planned.map((file) => file.pathHash),
      renamedVersions,
      versionsLeftOut,
      write: () => {
        for (const pathHash of replacing) {
          this.#sql.exec('DELETE FROM file_versions WHERE path_hash = ?', pathHash);
          this.#sql.exec('DELETE FROM files WHERE path_hash = ?', pathHash);
        }
        for (const file of planned) {
          const current = file.versions.find((version) => version.versionId === file.currentVersionId) as (typeof file.versions)[number];
          const createdAt = Math.min(...file.versions.map((version) => Date.parse(version.createdAt)));
          const updatedAt = file.updatedAt ?? Date.parse(current.createdAt);
          this.#sql.exec(
            'INSERT INTO files (path_hash, path_sealed, current_version, size, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
            file.pathHash,
            file.sealedPath,
            file.currentVersionId,
            current.size,
            createdAt,
            updatedAt,
          );
          for (const version of file.versions) {
            this.#sql.exec(
              'INSERT INTO file_versions (path_hash, version_id, size, author, created_at) VALUES (?, ?, ?, ?, ?)',
              file.pathHash,
              version.versionId,
              version.size,
              version.author,
              Date.parse(version.createdAt),
            );
          }
        }
      },
      settle: async () => {
        // The replaced files' objects, now that nothing points at them (an imported version of the same path keeps its own).
        for (const pathHash of replacing) {
          const stale = (await this.#listKeys(this.#filePrefix(pathHash))).filter((key) => !ours.has(key));
          await this.#deleteObjects(stale);
        }
      },
      abandon: removePut,
    };
  }

  /**
   * The current content of up to `limit` files after `afterPathHash` in path-hash order, for indexing
   * what an import brought: each as a `written` change, as if it had just been written.
   */
  async currentAfter(afterPathHash: string | null, limit: number): Promise<Extract<FileChange, { type: 'written' }>[]> {
    const rows = this.#sql.exec<FileRow>('SELECT * FROM files WHERE path_hash > ? ORDER BY path_hash LIMIT ?', afterPathHash ?? '', limit).toArray();
    return Promise.all(
      rows.map(async (row) => {
        const path = await this.#openPath(row);
        const content = await this.#readObject(path, row.path_hash, row.current_version);
        return { type: 'written' as const, path, pathHash: row.path_hash, content, versionId: row.current_version };
      }),
    );
  }

  /**
   * Removes every object under the user's file prefix, orphans included, and empties the catalogue:
   * for account deletion, before the object's storage and key are destroyed. Does not call
   * `onChange`, since whatever it maintains is being destroyed too.
   */
  async deleteAll(): Promise<void> {
    await this.#deleteObjects(await this.#listKeys(this.#userPrefix()));
    this.#sql.exec('DELETE FROM file_versions');
    this.#sql.exec('DELETE FROM files');
  }

  #checkExpectedVersion(existing: FileRow | undefined, expectedVersionId: string | null | undefined): void {
    if (expectedVersionId === undefined) return;
    const currentVersionId = existing?.current_version ?? null;
    if (currentVersionId !== expectedVersionId) throw versionConflict(expectedVersionId, currentVersionId);
  }

  /** Drops the catalogue rows beyond the version limit and answers their ids; the current version is always the newest. */
  #pruneVersionRows(pathHash: string): string[] {
    const stale = this.#sql
      .exec<{ version_id: string }>(
        'SELECT version_id FROM file_versions WHERE path_hash = ? ORDER BY sequence DESC LIMIT -1 OFFSET ?',
        pathHash,
        this.#limits.maxVersionsPerFile,
      )
      .toArray()
      .map((row) => row.version_id);
    for (const versionId of stale) this.#sql.exec('DELETE FROM file_versions WHERE path_hash = ? AND version_id = ?', pathHash, versionId);
    return stale;
  }

  async #readObject(path: string, pathHash: string, versionId: string): Promise<string> {
    const object = await this.#bucket.get(this.#versionKey(pathHash, versionId));
    if (!object) throw new Error('A catalogued file version has no object in R2.');
    return this.#vault.open(await object.text(), contentContext(path, versionId));
  }

  async #openPath(row: FileRow): Promise<string> {
    return this.#vault.open(row.path_sealed, pathContext(row.path_hash));
  }

  async #pathHashOf(path: string): Promise<string> {
    const pathHash = await this.#hashPath(path);
    // The hash becomes part of an R2 key, so a hasher that returned `..` or `/` must not get that far.
    if (!safePathHash.test(pathHash)) throw new Error('The path hasher returned something that is not a base64url hash.');
    return pathHash;
  }

  #fileRow(pathHash: string): FileRow | undefined {
    return this.#sql.exec<FileRow>('SELECT * FROM files WHERE path_hash = ?', pathHash).toArray()[0];
  }

  #fileCount(): number {
    return this.#sql.exec<{ count: number }>('SELECT COUNT(*) AS count FROM files').one().count;
  }

  #versionCount(pathHash: string): number {
    return this.#sql.exec<{ count: number }>('SELECT COUNT(*) AS count FROM file_versions WHERE path_hash = ?', pathHash).one().count;
  }

  #userPrefix(): string {
    return `users/${this.#userId}/files/`;
  }

  #filePrefix(pathHash: string): string {
    return `${this.#userPrefix()}${pathHash}/`;
  }

  #versionKey(pathHash: string, versionId: string): string {
    return `${this.#filePrefix(pathHash)}${versionId}`;
  }

  async #listKeys(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.#bucket.list({ prefix, limit: r2BatchSize, ...(cursor ? { cursor } : {}) });
      keys.push(...page.objects.map((object) => object.key));
      cursor = page.truncated ? page.cursor : undefined;
    } while (cursor);
    return keys;
  }

  async #deleteObjects(keys: string[]): Promise<void> {
    for (let start = 0; start < keys.length; start += r2BatchSize) await this.#bucket.delete(keys.slice(start, start + r2BatchSize));
  }

  async #notify(change: FileChange): Promise<void> {
    if (!this.#onChange) return;
    try {
      await this.#onChange(change);
    } catch (error) {
      // The change is already stored; what onChange maintains (chunks, search entries) can be
      // rebuilt from the files, so a failure there must not turn a saved edit into an error.
      log.error('file_change_handler_failed', { change: change.type, error: errorName(error) });
    }
  }

  /** Runs `action` after every earlier change to `path` has settled, so changes to one path apply in the order they were asked for. */
  #exclusive<Value>(path: string, action: (pathHash: string) => Promise<Value>): Promise<Value> {
    const previous = this.#pathQueues.get(path) ?? Promise.resolve();
    const result = previous.then(async () => action(await this.#pathHashOf(path)));
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    this.#pathQueues.set(path, settled);
    void settled.then(() => {
      if (this.#pathQueues.get(path) === settled) this.#pathQueues.delete(path);
    });
    return result;
  }
}

function contentContext(path: string, versionId: string): string {
  return `file:${path}:${versionId}`;
}

function pathContext(pathHash: string): string {
  return `file-path:${pathHash}`;
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

import { bytesToHex, randomBytes } from '../../server/crypto/encoding.ts';

/**
 * Where a person's backups live in the BACKUPS bucket: `users/<userId>/backups/<id>`, where the id is
 * the creation time (UTC, compact ISO, so names sort by time) and 8 random bytes. Nothing personal is
 * in a key or in the metadata: the user id is opaque, and the digest is keyed by the user's own key.
 */

/** One stored backup, as listed: no content. */
export interface StoredBackup {
  id: string;
  createdAt: Date;
  size: number;
  /** The keyed digest of its plaintext (see `UserVault.keyedDigest`), to skip storing equal content twice. */
  digest: string | undefined;
}

/** A backup's id: `20261201T004128123Z-0123456789abcdef`. Anything else names no backup. */
const backupIdPattern = /^(\d{8}T\d{9}Z)-[0-9a-f]{16}$/;

/**
 * R2 multipart parts must be at least 5 MiB (all but the last) and of one size; a backup smaller
 * than one part is written with a single `put` instead (one operation rather than three).
 */
export const defaultPartBytes = 5 * 1024 * 1024;

export function isBackupId(id: string): boolean {
  return backupIdPattern.test(id);
}

/** A new id for a backup made at `now`. */
export function newBackupId(now: number): string {
  const time = new Date(now).toISOString().replace(/[-:.]/g, '');
  return `${time}-${bytesToHex(randomBytes(8))}`;
}

function createdAtOf(id: string): Date {
  const time = backupIdPattern.exec(id)?.[1] ?? '';
  const iso = `${time.slice(0, 4)}-${time.slice(4, 6)}-${time.slice(6, 8)}T${time.slice(9, 11)}:${time.slice(11, 13)}:${time.slice(13, 15)}.${time.slice(15, 18)}Z`;
  return new Date(iso);
}

/** One user's backups in the bucket. Every method stays inside the user's prefix. */
export class BackupStore {
  constructor(
    private readonly bucket: R2Bucket,
    private readonly userId: string,
    private readonly partBytes = defaultPartBytes,
  ) {}

  #prefix(): string {
    return `users/${this.userId}/backups/`;
  }

  #key(id: string): string {
    return `${this.#prefix()}${id}`;
  }

  /** Every backup, oldest first (ids sort by time). */
  async list(): Promise<StoredBackup[]> {
    const backups: StoredBackup[] = [];
    let cursor: string | undefined;
    do {
      const listing = await this.bucket.list({ prefix: this.#prefix(), cursor, limit: 1000, include: ['customMetadata'] });
      for (const object of listing.objects) {
        const id = object.key.slice(this.#prefix().length);
        if (!isBackupId(id)) continue;
        backups.push({ id, createdAt: createdAtOf(id), size: object.size, digest: object.customMetadata?.digest });
      }
      cursor = listing.truncated ? listing.cursor : undefined;
    } while (cursor);
    return backups.sort((left, right) => (left.id < right.id ? -1 : left.id > right.id ? 1 : 0));
  }

  /** The sealed bytes of one backup, or null when this user has no backup of that id. */
  async read(id: string): Promise<ReadableStream<Uint8Array> | null> {
    if (!isBackupId(id)) return null;
    const object = await this.bucket.get(this.#key(id));
    return object ? object.body : null;
  }

  /**
   * Stores the sealed stream under `id`, with the digest in its custom metadata, and answers its size.
   * R2 needs a stream's length up front, which a stream being sealed as it is read does not know: a
   * backup up to one part is buffered and put whole; a larger one goes up as a multipart upload of
   * equal parts, so memory holds at most one part. A failure aborts the upload: nothing is left.
   */
  async write(id: string, sealed: ReadableStream<Uint8Array>, digest: string): Promise<number> {
    const key = this.#key(id);
    const options = { customMetadata: { digest, format: '1' }, httpMetadata: { contentType: 'application/octet-stream' } };
    const reader = sealed.getReader();
    let part = new Uint8Array(this.partBytes);
    let filled = 0;
    let size = 0;
    let upload: R2MultipartUpload | undefined;
    const parts: R2UploadedPart[] = [];
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        let offset = 0;
        while (offset < value.byteLength) {
          const taken = Math.min(this.partBytes - filled, value.byteLength - offset);
          part.set(value.subarray(offset, offset + taken), filled);
          filled += taken;
          offset += taken;
          if (filled === this.partBytes) {
            upload ??= await this.bucket.createMultipartUpload(key, options);
            parts.push(await upload.uploadPart(parts.length + 1, part));
            part = new Uint8Array(this.partBytes);
            filled = 0;
          }
        }
      }
      if (!upload) {
        await this.bucket.put(key, part.subarray(0, filled), options);
        return size;
      }
      if (filled > 0) parts.push(await upload.uploadPart(parts.length + 1, part.subarray(0, filled)));
      await upload.complete(parts);
      return size;
    } catch (error) {
      await reader.cancel().catch(() => undefined);
      await upload?.abort().catch(() => undefined);
      throw error;
    }
  }

  /** Deletes the named backups (ids from `list`). */
  async delete(ids: readonly string[]): Promise<void> {
    for (let start = 0; start < ids.length; start += 1000) {
      await this.bucket.delete(ids.slice(start, start + 1000).map((id) => this.#key(id)));
    }
  }

  /** Every backup of this user: account deletion. */
  async deleteAll(): Promise<void> {
    await this.delete((await this.list()).map((backup) => backup.id));
  }
}

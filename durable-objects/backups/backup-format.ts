/**
 * The framed format of an encrypted backup (docs/backups.md, "Format"). The export document's JSON is
 * cut into chunks of `chunkBytes` as it streams, and each chunk is sealed on its own with the user's
 * data key (AES-256-GCM through the vault), so a large account is never whole in memory:
 *
 *     version byte (1)
 *     then per chunk: flag byte (0 = more follow, 1 = final) · sealed length (4 bytes, big-endian) · sealed chunk
 *
 * Each chunk's associated data is `backup/v1:<backup id>:<chunk index>:<flag>`, so a chunk moved to
 * another position, into another backup, or relabelled as the last one fails to open; a stream that
 * ends before a final chunk (truncated) or goes on after it is refused. The sealed chunk is the
 * vault's `sealBytes` output: a 12-byte IV, then ciphertext and tag.
 */

/** The one format version written so far; a reader refuses any other. */
export const backupFormatVersion = 1;

/** Plaintext bytes per sealed chunk: large enough that the framing costs nothing, small enough to keep memory flat. */
export const chunkBytes = 64 * 1024;

/** IV and GCM tag around each chunk's ciphertext. */
const sealOverhead = 12 + 16;
const frameHeaderBytes = 5;
const finalFlag = 1;
const moreFlag = 0;

/** Seals and opens one chunk under its context: the vault's `sealBytes` / `openBytes`. */
export interface ChunkCipher {
  seal(plaintext: Uint8Array<ArrayBuffer>, context: string): Promise<Uint8Array<ArrayBuffer>>;
  open(sealed: Uint8Array<ArrayBuffer>, context: string): Promise<Uint8Array<ArrayBuffer>>;
}

/** Thrown for a backup whose bytes are not a whole, untouched backup of this user under this id. */
export class DamagedBackupError extends Error {
  override readonly name = 'DamagedBackupError';
}

const chunkContext = (backupId: string, index: number, flag: number) => `backup/v1:${backupId}:${index}:${flag}`;

/** The plaintext cut into chunks of exactly `size` bytes, the last one shorter; at least one chunk, even for nothing. */
async function* fixedChunks(source: ReadableStream<Uint8Array>, size: number): AsyncGenerator<Uint8Array<ArrayBuffer>> {
  let pending = new Uint8Array(size);
  let filled = 0;
  let yielded = false;
  const reader = source.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    let offset = 0;
    while (offset < value.byteLength) {
      const taken = Math.min(size - filled, value.byteLength - offset);
      pending.set(value.subarray(offset, offset + taken), filled);
      filled += taken;
      offset += taken;
      if (filled === size) {
        yield pending;
        yielded = true;
        pending = new Uint8Array(size);
        filled = 0;
      }
    }
  }
  if (filled > 0 || !yielded) yield pending.slice(0, filled);
}

/**
 * The sealed backup of `plaintext`, as a stream of frames (the version byte first). Each chunk is held
 * back until the next is read, so the last one is known and flagged final.
 */
export function sealBackup(plaintext: ReadableStream<Uint8Array>, backupId: string, cipher: ChunkCipher): ReadableStream<Uint8Array> {
  const chunks = fixedChunks(plaintext, chunkBytes);
  let index = 0;
  let held: Uint8Array<ArrayBuffer> | undefined;
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(Uint8Array.of(backupFormatVersion));
        const first = await chunks.next();
        held = first.done ? new Uint8Array(0) : first.value;
        return;
      }
      if (held === undefined) return controller.close();
      const following = await chunks.next();
      const flag = following.done ? finalFlag : moreFlag;
      const sealed = await cipher.seal(held, chunkContext(backupId, index, flag));
      const frame = new Uint8Array(frameHeaderBytes + sealed.byteLength);
      frame[0] = flag;
      new DataView(frame.buffer).setUint32(1, sealed.byteLength);
      frame.set(sealed, frameHeaderBytes);
      controller.enqueue(frame);
      index += 1;
      held = following.done ? undefined : following.value;
    },
    async cancel(reason) {
      await chunks.return(undefined);
      await plaintext.cancel(reason).catch(() => undefined);
    },
  });
}

/**
 * The plaintext of a sealed backup, as a stream. It errors with `DamagedBackupError` at the first
 * byte out of place: an unknown version, a chunk that fails to open under its position, a stream
 * ending before the final chunk, or bytes after it. A reader must consume it to the end before
 * trusting any of it, since a damaged tail is only found there.
 */
export function openBackup(sealed: ReadableStream<Uint8Array>, backupId: string, cipher: ChunkCipher): ReadableStream<Uint8Array> {
  const reader = sealed.getReader();
  let buffer = new Uint8Array(0);
  let sourceDone = false;
  let versionRead = false;
  let finalSeen = false;
  let index = 0;

  /** Reads until `bytes` are buffered; false when the stream ended first. */
  async function fill(bytes: number): Promise<boolean> {
    while (buffer.byteLength < bytes && !sourceDone) {
      const { done, value } = await reader.read();
      if (done) {
        sourceDone = true;
        break;
      }
      const joined = new Uint8Array(buffer.byteLength + value.byteLength);
      joined.set(buffer);
      joined.set(value, buffer.byteLength);
      buffer = joined;
    }
    return buffer.byteLength >= bytes;
  }

  function take(bytes: number): Uint8Array<ArrayBuffer> {
    const taken = buffer.slice(0, bytes);
    buffer = buffer.slice(bytes);
    return taken;
  }

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        // A chunk may open to nothing (an empty document's only one): go on until something is enqueued or the end is reached.
        for (;;) {
          if (!versionRead) {
            if (!(await fill(1))) throw new DamagedBackupError('The backup is empty.');
            const [version] = take(1);
            if (version !== backupFormatVersion) throw new DamagedBackupError(`The backup has format version ${version}, which this version cannot read.`);
            versionRead = true;
          }
          if (finalSeen) {
            if (await fill(1)) throw new DamagedBackupError('The backup goes on after its final chunk.');
            return controller.close();
          }
          if (!(await fill(frameHeaderBytes))) throw new DamagedBackupError('The backup ends before its final chunk: it was cut short.');
          const header = take(frameHeaderBytes);
          const flag = header[0] ?? -1;
          const length = new DataView(header.buffer).getUint32(1);
          if ((flag !== finalFlag && flag !== moreFlag) || length < sealOverhead || length > chunkBytes + sealOverhead) {
            throw new DamagedBackupError('The backup holds a chunk that is not one this format writes.');
          }
          if (!(await fill(length))) throw new DamagedBackupError('The backup ends inside a chunk: it was cut short.');
          let plaintext: Uint8Array<ArrayBuffer>;
          try {
            plaintext = await cipher.open(take(length), chunkContext(backupId, index, flag));
          } catch {
            throw new DamagedBackupError(`Chunk ${index} of the backup does not open: it was changed, moved, or belongs elsewhere.`);
          }
          index += 1;
          finalSeen = flag === finalFlag;
          if (plaintext.byteLength > 0) return controller.enqueue(plaintext);
        }
      } catch (error) {
        await reader.cancel().catch(() => undefined);
        throw error;
      }
    },
    async cancel(reason) {
      await reader.cancel(reason).catch(() => undefined);
    },
  });
}

import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { BackupStore, defaultPartBytes, newBackupId } from './backup-store.ts';

const bucket = (env as unknown as { BACKUPS: R2Bucket }).BACKUPS;

/** `total` pseudo-random bytes in pieces of odd sizes, as sealed frames arrive; `failAfter` errors the stream there. */
function bytesStream(total: number, options: { failAfter?: number } = {}): { stream: ReadableStream<Uint8Array>; bytes: Uint8Array } {
  const bytes = new Uint8Array(total);
  for (let offset = 0; offset < total; offset += 65_536) crypto.getRandomValues(bytes.subarray(offset, Math.min(total, offset + 65_536)));
  let offset = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (options.failAfter !== undefined && offset >= options.failAfter) return controller.error(new Error('sealing failed'));
      if (offset >= total) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + 70_001));
      offset += 70_001;
    },
  });
  return { stream, bytes };
}

async function sha256(bytes: Uint8Array): Promise<string> {
  return [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>))]
    .map((byte) => byte.toString(16).padStart(2, '0'))
    .join('');
}

describe('the backup store', () => {
  it('writes a backup larger than one part as a multipart upload of equal parts, and reads back the same bytes with its digest', async () => {
    const userId = `user_${crypto.randomUUID()}`;
    const store = new BackupStore(bucket, userId);
    const id = newBackupId(Date.now());
    const { stream, bytes } = bytesStream(2 * defaultPartBytes + 12_345);
    expect(await store.write(id, stream, 'a'.repeat(64))).toBe(bytes.byteLength);
    const [listed] = await store.list();
    expect(listed).toMatchObject({ id, size: bytes.byteLength, digest: 'a'.repeat(64) });
    const read = new Uint8Array(await new Response(await store.read(id)).arrayBuffer());
    expect(read.byteLength).toBe(bytes.byteLength);
    // Compared by digest: a failing comparison of 10 MB element by element would print all of them.
    expect(await sha256(read)).toBe(await sha256(bytes));
  });

  it('leaves nothing behind when the stream fails part-way, small or multipart', async () => {
    const userId = `user_${crypto.randomUUID()}`;
    const store = new BackupStore(bucket, userId);
    for (const [total, failAfter] of [
      [100_000, 50_000],
      [defaultPartBytes + 500_000, defaultPartBytes + 100_000],
    ] as const) {
      const id = newBackupId(Date.now());
      await expect(store.write(id, bytesStream(total, { failAfter }).stream, 'b'.repeat(64))).rejects.toThrow('sealing failed');
      expect(await store.read(id)).toBeNull();
    }
    expect(await store.list()).toEqual([]);
  });

  it("reads nothing for an id that is not a backup id, so no key outside the user's backups is reached", async () => {
    const store = new BackupStore(bucket, `user_${crypto.randomUUID()}`);
    for (const id of ['', '../files/x', '20261201T004128123Z-0123456789abcdef/../x', 'x']) expect(await store.read(id)).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { decryptBytes, encryptBytes } from '../../server/crypto/content-cipher.ts';
import { type ChunkCipher, chunkBytes, DamagedBackupError, openBackup, sealBackup } from './backup-format.ts';

async function testCipher(): Promise<ChunkCipher> {
  const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  return { seal: (plaintext, context) => encryptBytes(key, plaintext, context), open: (sealed, context) => decryptBytes(key, sealed, context) };
}

/** A stream of `text`, in pieces of odd sizes, as the export document arrives. */
function streamOf(text: string, pieceBytes = 7_777): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.byteLength) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + pieceBytes));
      offset += pieceBytes;
    },
  });
}

async function bytesOf(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

const streamOfBytes = (bytes: Uint8Array) => new Response(bytes as Uint8Array<ArrayBuffer>).body as ReadableStream<Uint8Array>;

/** The frames of a sealed backup: its version byte, then each frame's bytes (header included). */
function framesOf(sealed: Uint8Array): { version: Uint8Array; frames: Uint8Array[] } {
  const frames: Uint8Array[] = [];
  let offset = 1;
  while (offset < sealed.byteLength) {
    const length = new DataView(sealed.buffer, sealed.byteOffset + offset + 1, 4).getUint32(0);
    frames.push(sealed.slice(offset, offset + 5 + length));
    offset += 5 + length;
  }
  return { version: sealed.slice(0, 1), frames };
}

const join = (...parts: Uint8Array[]) => {
  const joined = new Uint8Array(parts.reduce((total, part) => total + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.byteLength;
  }
  return joined;
};

/** Three full chunks and a part of a fourth, with a word that must never be seen in the sealed bytes. */
const document = JSON.stringify({ words: Array.from({ length: 3.5 * (chunkBytes / 32) }, (_, index) => `Zanzibar diary ${index}`.padEnd(30)) });

async function openedText(sealed: Uint8Array, backupId: string, cipher: ChunkCipher): Promise<string> {
  return new Response(openBackup(streamOfBytes(sealed), backupId, cipher)).text();
}

describe('the backup format', () => {
  it('seals a document in chunks, one frame each, the last marked final, and opens it to the same text', async () => {
    const cipher = await testCipher();
    const sealed = await bytesOf(sealBackup(streamOf(document), 'backup-1', cipher));
    const { version, frames } = framesOf(sealed);
    expect([...version]).toEqual([1]);
    expect(frames).toHaveLength(Math.ceil(new TextEncoder().encode(document).byteLength / chunkBytes));
    expect(frames.map((frame) => frame[0])).toEqual([...frames.slice(1).map(() => 0), 1]);
    expect(new TextDecoder('latin1').decode(sealed)).not.toContain('Zanzibar');
    expect(await openedText(sealed, 'backup-1', cipher)).toBe(document);
  });

  it('seals an empty document as one empty final chunk, and opens it to nothing', async () => {
    const cipher = await testCipher();
    const sealed = await bytesOf(sealBackup(streamOf(''), 'backup-empty', cipher));
    expect(framesOf(sealed).frames).toHaveLength(1);
    expect(await openedText(sealed, 'backup-empty', cipher)).toBe('');
  });

  describe('refuses a backup that is not whole and untouched', () => {
    const refusals: [string, (sealed: Uint8Array) => Uint8Array, RegExp][] = [
      [
        'a changed byte',
        (sealed) => {
          const changed = sealed.slice();
          changed[Math.floor(changed.byteLength / 2)] = (changed[Math.floor(changed.byteLength / 2)] ?? 0) ^ 1;
          return changed;
        },
        /does not open|not one this format writes/,
      ],
      [
        'two chunks swapped',
        (sealed) => {
          const { version, frames } = framesOf(sealed);
          const [first, second, ...rest] = frames;
          return join(version, second as Uint8Array, first as Uint8Array, ...rest);
        },
        /Chunk 0 .* does not open/,
      ],
      [
        'a chunk dropped',
        (sealed) => {
          const { version, frames } = framesOf(sealed);
          return join(version, ...frames.filter((_, index) => index !== 1));
        },
        /Chunk 1 .* does not open/,
      ],
      [
        'its last chunk cut off',
        (sealed) => {
          const { version, frames } = framesOf(sealed);
          return join(version, ...frames.slice(0, -1));
        },
        /ends before its final chunk/,
      ],
      ['cut inside a chunk', (sealed) => sealed.slice(0, sealed.byteLength - 10), /ends inside a chunk/],
      [
        'a chunk relabelled as the final one',
        (sealed) => {
          const { version, frames } = framesOf(sealed);
          const relabelled = (frames[0] as Uint8Array).slice();
          relabelled[0] = 1;
          return join(version, relabelled);
        },
        /Chunk 0 .* does not open/,
      ],
      ['bytes after the final chunk', (sealed) => join(sealed, Uint8Array.of(0)), /goes on after its final chunk/],
      ['another format version', (sealed) => join(Uint8Array.of(2), sealed.slice(1)), /format version 2/],
      ['nothing at all', () => new Uint8Array(0), /empty/],
    ];
    for (const [what, damage, message] of refusals) {
      it(what, async () => {
        const cipher = await testCipher();
        const sealed = await bytesOf(sealBackup(streamOf(document), 'backup-2', cipher));
        const reading = openedText(damage(sealed), 'backup-2', cipher);
        await expect(reading).rejects.toBeInstanceOf(DamagedBackupError);
        await expect(openedText(damage(sealed), 'backup-2', cipher)).rejects.toThrow(message);
      });
    }

    it('a whole backup under another id (copied in place of another)', async () => {
      const cipher = await testCipher();
      const sealed = await bytesOf(sealBackup(streamOf(document), 'backup-3', cipher));
      await expect(openedText(sealed, 'backup-4', cipher)).rejects.toThrow(/Chunk 0 .* does not open/);
    });

    it('a backup sealed with another key (another person)', async () => {
      const sealed = await bytesOf(sealBackup(streamOf(document), 'backup-5', await testCipher()));
      await expect(openedText(sealed, 'backup-5', await testCipher())).rejects.toThrow(/Chunk 0 .* does not open/);
    });
  });
});

import {
  type AnyImportDocument,
  currentImportDocumentSchema,
  type ImportDocument,
  type ImportNote,
  maxImportBytes,
  versionOneDocumentSchema,
} from '../../common/import.ts';
import { exportFormatVersion } from '../../common/protocol.ts';
import { AppError } from '../../server/errors/app-error.ts';

/**
 * What one capability brings over from an imported document. `importData` prepares it — checks,
 * seals, stores what lives outside the object — and the host then runs every capability's `write`
 * inside one storage transaction, so an import lands whole or not at all.
 */
export interface ImportPlan {
  /** How many items of each of its sections it brings over, for the report. */
  readonly imported: Readonly<Record<string, number>>;
  /** What it leaves out of its sections, and why (secrets that are never exported, links to make again). */
  readonly notImported?: readonly ImportNote[];
  /** Writes the prepared rows. Runs inside the import's one transaction: it must not await. */
  write(): void;
  /** After the transaction committed: what cannot be part of it (jobs on the scheduler, the search index). */
  settle?(): Promise<void>;
  /** The import failed: remove whatever `importData` stored outside the object (R2 objects). */
  abandon?(): Promise<void>;
}

/**
 * The import's JSON, read from the request's stream up to `maxImportBytes`, parsed and checked.
 * Throws AppError (payload_too_large, invalid_json, validation_failed) for a document it cannot take.
 */
export async function readImportDocument(source: ReadableStream<Uint8Array>): Promise<AnyImportDocument> {
  const reader = source.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxImportBytes) {
      await reader.cancel();
      throw new AppError('payload_too_large', `An import takes at most ${maxImportBytes / 1024 / 1024} MiB of JSON.`);
    }
    text += decoder.decode(value, { stream: true });
  }
  text += decoder.decode();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AppError('invalid_json', 'The import is not valid JSON. Send the document `GET /me/export` gave, unchanged.');
  }
  // Checked against the version the document names: a version-1 schema would take any later document
  // too, silently dropping its `formatVersion` and whatever version 1 did not have.
  const versionOne = typeof json === 'object' && json !== null && !Array.isArray(json) && !('formatVersion' in json);
  const parsed = versionOne ? versionOneDocumentSchema.safeParse(json) : currentImportDocumentSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || 'document'}: ${issue.message}`)
    .join('; ');
  throw new AppError('validation_failed', `The import is not an export Kindred can read: ${details}.`);
}

/** The document in the current format, and the version it was written in (1 for a document without `formatVersion`). */
export function upgradeImportDocument(document: AnyImportDocument): { document: ImportDocument; fromVersion: number } {
  if (document.formatVersion === exportFormatVersion) return { document, fromVersion: exportFormatVersion };
  // Version 1 (docs/export-format.md): no speaker or external id on messages, no summaries, no
  // `validFrom` on memories (a memory held from when it was made), files with their current content
  // only — which becomes the file's one version, written by the person.
  const { formatVersion: _version, ...rest } = document;
  return {
    fromVersion: 1,
    document: {
      ...rest,
      formatVersion: exportFormatVersion,
      conversations: document.conversations?.map((conversation) => ({
        ...conversation,
        summary: null,
        messages: conversation.messages.map((message) => ({ ...message, speaker: null, externalId: null })),
      })),
      memories: document.memories?.map((memory) => ({ ...memory, validFrom: memory.createdAt })),
      files: document.files?.map((file) => ({
        path: file.path,
        currentVersionId: 'imported-1',
        updatedAt: file.updatedAt,
        versions: [
          {
            versionId: 'imported-1',
            content: file.content,
            size: new TextEncoder().encode(file.content).byteLength,
            author: 'user' as const,
            createdAt: file.updatedAt,
            current: true,
          },
        ],
      })),
    },
  };
}

/** The sections of the document with something in them, to tell what no capability brought over. */
export function sectionsPresent(document: ImportDocument): string[] {
  const head = new Set(['formatVersion', 'exportedAt', 'user']);
  return Object.entries(document)
    .filter(([section, value]) => !head.has(section) && value !== undefined)
    .map(([section]) => section);
}

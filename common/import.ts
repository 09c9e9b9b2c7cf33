import { z } from 'zod';
import {
  companionSchema,
  conversationSchema,
  exportDocumentSchema,
  exportFormatVersion,
  isoDateTime,
  memorySchema,
  messageSchema,
  timezoneSchema,
  toolSummarySchema,
} from './protocol.ts';

/**
 * The wire shapes of `POST /me/import`: the document `GET /me/export` produces, of the current format
 * version or an older one, brought into an empty account (docs/export-format.md says what each
 * version holds, docs/backups.md what an import restores).
 */

/** An import takes at most this much JSON. The object parses it whole, within its 128 MB. */
export const maxImportBytes = 32 * 1024 * 1024;

/**
 * The account part of an imported document. The account it goes into keeps its own id, email and
 * creation time; the profile (display name, time zone) comes from the document.
 */
const importedUserSchema = z.object({
  id: z.string().optional(),
  email: z.string().optional(),
  displayName: z.string().trim().max(80).nullable(),
  timezone: timezoneSchema,
  createdAt: isoDateTime.optional(),
});

const { formatVersion: _version, exportedAt: _exportedAt, user: _user, ...currentSections } = exportDocumentSchema.shape;

/**
 * A document of the current version. Every section is optional: a section is added to the export
 * without a new format version (docs/export-format.md), so an export written before a section existed
 * simply lacks it, and there is nothing of that kind to import.
 */
export const currentImportDocumentSchema = z.object({
  formatVersion: z.literal(exportFormatVersion),
  exportedAt: isoDateTime.optional(),
  user: importedUserSchema,
  ...z.object(currentSections).partial().shape,
});
export type ImportDocument = z.infer<typeof currentImportDocumentSchema>;

/** Version 1: no `formatVersion`; messages without speaker, memories without `validFrom`, files with their current content only. */
export const versionOneDocumentSchema = z.object({
  exportedAt: isoDateTime.optional(),
  user: importedUserSchema,
  companion: companionSchema.optional(),
  conversations: z.array(conversationSchema.extend({ messages: z.array(messageSchema) })).optional(),
  memories: z.array(memorySchema.omit({ score: true })).optional(),
  files: z.array(z.object({ path: z.string(), content: z.string(), updatedAt: isoDateTime, versions: z.number().int() })).optional(),
  tools: z.array(toolSummarySchema).optional(),
});
export type VersionOneDocument = z.infer<typeof versionOneDocumentSchema>;

/**
 * Any document an import accepts: one without `formatVersion` is of version 1. `readImportDocument`
 * (durable-objects/host/import-document.ts) checks it with the schema of the version it names, and
 * `upgradeImportDocument` brings it to the current one.
 */
export const importDocumentSchema = z.union([currentImportDocumentSchema, versionOneDocumentSchema]);
export type AnyImportDocument = ImportDocument | (VersionOneDocument & { formatVersion?: undefined });

/** What an import could not bring over, and why: secrets that are never exported, links that must be made again. */
export const importNoteSchema = z.object({ section: z.string(), count: z.number().int(), reason: z.string() });
export type ImportNote = z.infer<typeof importNoteSchema>;

/** `POST /me/import`'s answer. */
export const importReportSchema = z.object({
  /** The format version of the document that was read (1 for a document without `formatVersion`). */
  formatVersion: z.number().int(),
  /** How many items of each section were imported. */
  imported: z.record(z.string(), z.number().int()),
  /** What was left out, with the reason and what the person can do. */
  notImported: z.array(importNoteSchema),
});
export type ImportReport = z.infer<typeof importReportSchema>;

import { z } from 'zod';
import { importReportSchema } from './import.ts';
import { isoDateTime } from './protocol.ts';

/**
 * The wire shapes of `/me/backups`: the person's encrypted snapshots (docs/backups.md). Only what a
 * snapshot is — when, how large — is ever shown; its content is read only to restore it.
 */

/** One snapshot. `id` names it in `POST /me/backups/{id}/restore`. */
export const backupSchema = z.object({
  id: z.string(),
  createdAt: isoDateTime,
  /** Stored bytes, encrypted. */
  size: z.number().int(),
});
export type Backup = z.infer<typeof backupSchema>;

/** `GET /me/backups`: newest first. */
export const backupsAnswerSchema = z.object({ backups: z.array(backupSchema) });
export type BackupsAnswer = z.infer<typeof backupsAnswerSchema>;

/**
 * `POST /me/backups`: the snapshot holding the account as it is now. When nothing changed since the
 * newest one, that one is answered and nothing new is stored (`stored: false`).
 */
export const takenBackupSchema = backupSchema.extend({ stored: z.boolean() });
export type TakenBackup = z.infer<typeof takenBackupSchema>;

/**
 * `POST /me/backups/{id}/restore`: what the snapshot brought back, and `undoBackupId`, the snapshot of
 * the account as it was just before, to restore if this was a mistake.
 */
export const restoreAnswerSchema = z.object({ report: importReportSchema, undoBackupId: z.string() });
export type RestoreAnswer = z.infer<typeof restoreAnswerSchema>;

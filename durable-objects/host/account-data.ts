import type { ImportDocument, ImportReport } from '../../common/import.ts';

/** The head of a document written for the object's own use (a backup): no email and no export time, which the object does not know or would make equal content differ. */
export interface InternalDocumentHead {
  formatVersion: number;
  user: { id: string; displayName: string | null; timezone: string };
}

/**
 * What the host does with the person's data as a whole, for the backups capability: it spans every
 * capability, so only the host can. Given to `buildCapabilities` and called only after it returns.
 */
export interface AccountData {
  /** The export document of everything the object holds, streamed as it is read (see `CompanionAgent.exportDocument`). */
  document(head: InternalDocumentHead): Promise<ReadableStream<Uint8Array>>;
  /** Runs `work` as this account's one import or restore: `import_in_progress` while another runs. */
  exclusively<Result>(work: () => Promise<Result>): Promise<Result>;
  /**
   * Replaces the person's data with the document: every capability's data, in the object and outside
   * it, is cleared (their backups and data key stay), then the document is imported. Call inside
   * `exclusively`. When the import fails, the account is left cleared: the caller restores what it had.
   */
  replaceWith(document: ImportDocument, fromVersion: number): Promise<ImportReport>;
}

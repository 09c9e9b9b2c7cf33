import type { ImportDocument, ImportReport } from '../../common/import.ts';
import type { ExportHead } from '../../common/protocol.ts';
import { AppError } from '../../server/errors/app-error.ts';
import { log } from '../../server/logging/log.ts';
import type { Capability } from './capability.ts';
import { streamJsonDocument } from './export-document.ts';
import { type ImportPlan, readImportDocument, sectionsPresent, upgradeImportDocument } from './import-document.ts';

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

/** Tables the restore keeps: the data key, the schema version. The SDK's (`cf_…`) and SQLite's own are never the person's data. */
const hostTablesKeptOnRestore = ['user_keys', 'kindred_schema'];

/**
 * The person's data as a whole, across every capability: the export document, the import (one
 * transaction for every capability's rows) and the restore's clearing. It lives beside the object
 * rather than in it, so the object stays a host that dispatches; the backups capability sees it as
 * `AccountData`, the object calls `importFrom` for `POST /me/import`.
 */
export class AccountDataHost implements AccountData {
  readonly #userId: string;
  readonly #storage: DurableObjectStorage;
  readonly #capabilities: () => readonly Capability[];
  /** Set while an import or restore runs: a second one would find the account as empty as the first did. */
  #importing = false;

  constructor(options: { userId: string; storage: DurableObjectStorage; capabilities: () => readonly Capability[] }) {
    this.#userId = options.userId;
    this.#storage = options.storage;
    this.#capabilities = options.capabilities;
  }

  /** The export document: `head` first, then each capability's part, written as it is read (see `streamJsonDocument`). */
  async document(head: ExportHead | InternalDocumentHead): Promise<ReadableStream<Uint8Array>> {
    const document: Record<string, unknown> = { ...head };
    for (const capability of this.#capabilities()) {
      for (const [section, value] of Object.entries((await capability.exportData?.()) ?? {})) {
        // Two capabilities naming the same section would silently overwrite one another's data.
        if (Object.hasOwn(document, section)) throw new Error(`Two parts of the export are both named "${section}".`);
        document[section] = value;
      }
    }
    return streamJsonDocument(document, { userId: this.#userId });
  }

  /**
   * `POST /me/import`: the export document in `source` (JSON, any format version) brought into this
   * account, which must hold nothing of the person's yet. Every capability prepares its sections, then
   * all of them are written in one storage transaction, so the import lands whole or not at all; only
   * then are jobs scheduled and the search index built. One import at a time.
   */
  importFrom(source: ReadableStream<Uint8Array>): Promise<ImportReport> {
    return this.exclusively(async () => {
      const { document, fromVersion } = upgradeImportDocument(await readImportDocument(source));
      return this.#importInto(document, fromVersion);
    });
  }

  /** One import or restore at a time: a second one would find the account as empty as the first did. */
  async exclusively<Result>(work: () => Promise<Result>): Promise<Result> {
    if (this.#importing) throw new AppError('import_in_progress', 'An import or a restore is already running in this account.');
    this.#importing = true;
    try {
      return await work();
    } finally {
      this.#importing = false;
    }
  }

  async replaceWith(document: ImportDocument, fromVersion: number): Promise<ImportReport> {
    await this.#clearForRestore();
    return this.#importInto(document, fromVersion);
  }

  /**
   * Restoring a backup: the person's data goes — what lives outside the object, every row of every
   * capability's table — and the account stays: the data key (`user_keys`, so the backups stay
   * readable), the schema version, the tables capabilities keep (`keptOnRestore`: sessions, devices),
   * and the Agents SDK's own tables with the scheduled jobs. Not `deleteAll`, which would take those
   * too. Jobs are kept because every job already does nothing when what it was for is gone or changed
   * (a reminder's job checks its id and due time), and the import arms, idempotently, those of what it
   * brings back; recurring ones (the backups' own) go on. Rows go in one transaction.
   */
  async #clearForRestore(): Promise<void> {
    const capabilities = this.#capabilities();
    for (const capability of capabilities) await capability.destroyExternalData?.('restore');
    const sql = this.#storage.sql;
    const kept = new Set([...hostTablesKeptOnRestore, ...capabilities.flatMap((capability) => capability.keptOnRestore ?? [])]);
    const tables = personTables(sql.exec<{ name: string; sql: string | null }>("SELECT name, sql FROM sqlite_master WHERE type = 'table'").toArray(), kept);
    this.#storage.transactionSync(() => {
      for (const table of tables) sql.exec(`DELETE FROM "${table}"`);
    });
    for (const capability of capabilities) capability.reset?.();
  }

  async #importInto(document: ImportDocument, fromVersion: number): Promise<ImportReport> {
    const capabilities = this.#capabilities();
    for (const capability of capabilities) {
      if (await capability.holdsData?.()) {
        throw new AppError('account_not_empty', 'This account already holds data of its own. An export can only be brought into an empty account.');
      }
    }
    const plans: ImportPlan[] = [];
    try {
      for (const capability of capabilities) if (capability.importData) plans.push(await capability.importData(document));
      this.#storage.transactionSync(() => {
        for (const plan of plans) plan.write();
      });
    } catch (failure) {
      // A document that passed its schema can still name one item twice; that is the document's fault, not ours.
      const error =
        failure instanceof Error && /constraint failed/i.test(failure.message)
          ? new AppError('validation_failed', 'The import names the same item twice (two with one id). Send the document `GET /me/export` gave, unchanged.')
          : failure;
      log.error('import_failed', { userId: this.#userId, error: error instanceof Error ? error.name : typeof error });
      for (const plan of plans) await plan.abandon?.().catch(() => undefined);
      // The transaction rolled back; what the capabilities cached while writing must go with it.
      for (const capability of capabilities) capability.reset?.();
      throw error;
    }
    for (const plan of plans) {
      await plan.settle?.().catch((error: unknown) => {
        log.error('import_settle_failed', { userId: this.#userId, error: error instanceof Error ? error.name : typeof error });
      });
    }
    const imported = Object.assign({}, ...plans.map((plan) => plan.imported)) as Record<string, number>;
    const notImported = plans.flatMap((plan) => plan.notImported ?? []);
    const named = new Set([...Object.keys(imported), ...notImported.map((note) => note.section)]);
    for (const section of sectionsPresent(document)) {
      if (!named.has(section)) notImported.push({ section, count: 0, reason: 'This version of Kindred does not bring this part of an export back.' });
    }
    log.info('import_done', { userId: this.#userId, fromVersion });
    return { formatVersion: fromVersion, imported, notImported };
  }
}

/**
 * The tables that hold the person's data, from `sqlite_master`: every capability's, less those kept.
 * Full-text tables are cleared through themselves, never through their shadow tables, and `fts5vocab`
 * views over them hold nothing of their own (and refuse a DELETE).
 */
function personTables(tables: readonly { name: string; sql: string | null }[], kept: ReadonlySet<string>): string[] {
  const virtual = tables.filter((table) => /^CREATE VIRTUAL TABLE/i.test(table.sql ?? ''));
  const fullText = virtual.filter((table) => /USING\s+fts5\s*\(/i.test(table.sql ?? '')).map((table) => table.name);
  const views = new Set(virtual.filter((table) => /USING\s+fts5vocab/i.test(table.sql ?? '')).map((table) => table.name));
  return tables
    .map((table) => table.name)
    .filter(
      (name) =>
        !kept.has(name) &&
        !name.startsWith('cf_') &&
        !name.startsWith('_cf_') &&
        !name.startsWith('sqlite_') &&
        !views.has(name) &&
        !fullText.some((owner) => name.startsWith(`${owner}_`)),
    );
}

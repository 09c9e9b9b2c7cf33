import type { Backup, RestoreAnswer, TakenBackup } from '../../common/backups.ts';
import { exportFormatVersion } from '../../common/protocol.ts';
import { AppError } from '../../server/errors/app-error.ts';
import { log } from '../../server/logging/log.ts';
import type { CompanionCapability } from '../companion/companion-capability.ts';
import type { AccountData } from '../host/account-data.ts';
import type { Capability, CapabilityHost } from '../host/capability.ts';
import { readImportDocument, upgradeImportDocument } from '../host/import-document.ts';
import { offsetWithin } from '../host/spread.ts';
import { type ChunkCipher, DamagedBackupError, openBackup, sealBackup } from './backup-format.ts';
import { BackupStore, newBackupId, type StoredBackup } from './backup-store.ts';

/** The label of a backup's keyed digest, so it is never equal to any other use of the same key. */
const digestLabel = 'kindred/backup-digest/v1';

/** The job's payload: which interval slot it runs for (see `slotTime`), and the interval it was armed with. */
type BackupJobPayload = { slot: number; everyHours: number };

/**
 * Encrypted snapshots of the person's data (docs/backups.md): the export document, sealed with their
 * data key in chunks as it streams, stored in the BACKUPS bucket on a schedule, the newest
 * `BACKUP_KEEP` kept. A snapshot equal to the newest is not stored again. Restoring one replaces the
 * person's data with it, after a snapshot of how things were, so a restore can be undone.
 */
export function createBackupsCapability(host: CapabilityHost, dependencies: { companion: CompanionCapability; accountData: AccountData }) {
  const scheduler = host.scheduler('backups');
  const cipher: ChunkCipher = {
    seal: (plaintext, context) => host.vault.sealBytes(plaintext, context),
    open: (sealed, context) => host.vault.openBytes(sealed, context),
  };

  function store(): BackupStore {
    const bucket = host.env.BACKUPS;
    if (!bucket) throw new AppError('feature_not_configured', 'Backups are not set up on this server (the BACKUPS bucket is not bound).');
    return new BackupStore(bucket, host.userId);
  }

  /** The person's data as the export document, without email or export time: equal data gives equal bytes. */
  async function document(): Promise<ReadableStream<Uint8Array>> {
    const profile = await dependencies.companion.settings.profile();
    return dependencies.accountData.document({
      formatVersion: exportFormatVersion,
      user: { id: host.userId, displayName: profile.displayName, timezone: profile.timezone },
    });
  }

  /**
   * A keyed digest of the document as it is now: SHA-256 as it streams, then an HMAC of that with the
   * user's own key, so the digest in R2's metadata tells nothing of the content to anyone else.
   */
  async function currentDigest(): Promise<string> {
    // workerd's streaming digest, on `crypto` (the DOM's Crypto type, which this project's types also see, lacks it).
    const digesting = new (crypto as unknown as { DigestStream: typeof DigestStream }).DigestStream('SHA-256');
    await (await document()).pipeTo(digesting);
    return host.vault.keyedDigest(digestLabel, new Uint8Array(await digesting.digest));
  }

  const present = (backup: Pick<StoredBackup, 'id' | 'createdAt' | 'size'>): Backup => ({
    id: backup.id,
    createdAt: backup.createdAt.toISOString(),
    size: backup.size,
  });

  /**
   * A snapshot of the account as it is now, unless the newest one already holds exactly that. The
   * document is read twice when something changed — once for its digest, once to seal it — so that the
   * digest can be written with the object (R2 metadata cannot be changed afterwards) and nothing is
   * stored when nothing changed, which is the common case.
   */
  async function take(): Promise<TakenBackup> {
    const backups = store();
    const digest = await currentDigest();
    const existing = await backups.list();
    const newest = existing.at(-1);
    if (newest && newest.digest === digest) return { ...present(newest), stored: false };
    const now = host.now();
    const id = newBackupId(now);
    const size = await backups.write(id, sealBackup(await document(), id, cipher), digest);
    const created: StoredBackup = { id, createdAt: new Date(now), size, digest };
    const keep = host.config().BACKUP_KEEP;
    const all = [...existing, created];
    if (all.length > keep) await backups.delete(all.slice(0, all.length - keep).map((backup) => backup.id));
    log.info('backup_stored', { userId: host.userId, size });
    return { ...present(created), stored: true };
  }

  /** The backup's document, opened, parsed and checked whole before anything is changed. */
  async function readBackup(backups: BackupStore, id: string) {
    const sealed = await backups.read(id);
    if (!sealed) throw new AppError('backup_not_found', 'There is no backup with that id.');
    try {
      return upgradeImportDocument(await readImportDocument(openBackup(sealed, id, cipher)));
    } catch (error) {
      if (error instanceof DamagedBackupError) throw new AppError('backup_unreadable', `${error.message} Nothing was changed.`);
      if (error instanceof AppError)
        throw new AppError('backup_unreadable', `The backup does not hold a document Kindred can read (${error.message}). Nothing was changed.`);
      throw error;
    }
  }

  /**
   * Replaces the person's data with the backup's. The backup is read whole first (a damaged or unknown
   * one changes nothing); then a snapshot of the account as it is (`undoBackupId`); then the account
   * is cleared and the backup imported. If the import fails, the snapshot just taken is brought back
   * the same way and the error answered.
   */
  function restore(id: string): Promise<RestoreAnswer> {
    return dependencies.accountData.exclusively(async () => {
      const backups = store();
      const { document: restored, fromVersion } = await readBackup(backups, id);
      const undo = await take();
      try {
        const report = await dependencies.accountData.replaceWith(restored, fromVersion);
        log.info('backup_restored', { userId: host.userId });
        return { report, undoBackupId: undo.id };
      } catch (error) {
        log.error('backup_restore_failed', { userId: host.userId, error: error instanceof Error ? error.name : typeof error });
        const before = await readBackup(backups, undo.id);
        await dependencies.accountData.replaceWith(before.document, before.fromVersion);
        throw error;
      }
    });
  }

  function intervalMs(): number {
    return host.config().BACKUP_INTERVAL_HOURS * 3600_000;
  }

  /** The start of interval `slot` for this user. */
  function slotTime(slot: number, interval: number): number {
    return slot * interval + offsetWithin(host.userId, interval);
  }

  /** The first slot that starts after `now`. */
  function nextSlot(now: number, interval: number): number {
    return Math.floor((now - offsetWithin(host.userId, interval)) / interval) + 1;
  }

  /**
   * Arms the backup of `slot`. Idempotent on the payload, so the object arming it on every start keeps
   * one job; the job arms the next slot itself, a payload of its own, never merged into the running one.
   */
  async function arm(slot: number): Promise<void> {
    const interval = intervalMs();
    const payload: BackupJobPayload = { slot, everyHours: interval / 3600_000 };
    await scheduler.schedule(new Date(slotTime(slot, interval)), 'takeBackup', payload, { idempotent: true });
  }

  return {
    name: 'backups',
    rpc: {
      /** The person's backups, newest first. */
      async list(): Promise<Backup[]> {
        return (await store().list()).reverse().map(present);
      },
      /**
       * `POST /me/backups`: a snapshot now (or the newest, when nothing changed). Never while an import
       * or a restore runs (`import_in_progress`): it would catch the account half cleared or half written.
       */
      take: (): Promise<TakenBackup> => dependencies.accountData.exclusively(take),
      restore: (id: string): Promise<RestoreAnswer> => restore(id),
    },
    jobs: {
      /** The scheduled snapshot, never during an import or restore; a failure is logged and the next slot armed all the same. */
      takeBackup: async (payload: BackupJobPayload) => {
        try {
          await dependencies.accountData.exclusively(take);
        } catch (error) {
          log.error('backup_failed', { userId: host.userId, error: error instanceof Error ? error.name : typeof error });
        } finally {
          // Never catch up slot by slot after a long sleep: the next one after now.
          await arm(Math.max(payload.slot + 1, nextSlot(host.now(), intervalMs())));
        }
      },
    },
    /** Every object arms its own backups when it starts, if the server has the bucket. */
    async onStart() {
      if (!host.env.BACKUPS) return;
      await arm(nextSlot(host.now(), intervalMs()));
    },
    /** Account deletion removes the backups; a restore keeps them (it is made from one, and makes one to undo it). */
    async destroyExternalData(reason) {
      if (reason === 'restore' || !host.env.BACKUPS) return;
      await store().deleteAll();
    },
  } satisfies Capability;
}

export type BackupsCapability = ReturnType<typeof createBackupsCapability>;

// The person's encrypted snapshots: when each was taken, one now, and bringing one back. Restoring
// replaces everything with the snapshot, so it asks first, and says how to undo it afterwards.
import { useCallback, useEffect, useState } from 'react';
import type { Backup } from '../../../common/backups.ts';
import { api } from '../api.ts';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { ErrorAlert } from '../components/error-alert.tsx';

const takenAt = (backup: Backup) => new Date(backup.createdAt).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function BackupSettings() {
  const [backups, setBackups] = useState<Backup[]>();
  const [error, setError] = useState<unknown>();
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const [restoring, setRestoring] = useState<Backup>();

  const load = useCallback(async () => {
    try {
      setBackups(await api.backups());
    } catch (caught) {
      setError(caught);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const backUpNow = async () => {
    setError(undefined);
    setBusy(true);
    try {
      const taken = await api.takeBackup();
      setStatus(taken.stored ? 'Backed up.' : 'Nothing changed since the last backup: it already holds everything.');
      await load();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const restore = async (backup: Backup) => {
    setRestoring(undefined);
    setError(undefined);
    setBusy(true);
    try {
      await api.restoreBackup(backup.id);
      setStatus(`Restored the backup of ${takenAt(backup)}. How things were just before is the newest backup: restore it to undo this.`);
      await load();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="settings-block">
      <h3>Backups</h3>
      <p className="settings-muted">Kindred keeps encrypted copies of everything, locked with your own key, and only the newest few.</p>
      {backups && backups.length === 0 && <p className="settings-muted">No backups yet.</p>}
      {backups && backups.length > 0 && (
        <ul className="backup-list">
          {backups.map((backup) => (
            <li key={backup.id} className="backup-item">
              <span>{takenAt(backup)}</span>{' '}
              <button type="button" className="button secondary" disabled={busy} onClick={() => setRestoring(backup)}>
                Restore
              </button>
            </li>
          ))}
        </ul>
      )}
      <ErrorAlert error={error} />
      <div className="actions">
        <button type="button" className="button secondary" disabled={busy} onClick={() => void backUpNow()}>
          Back up now
        </button>
        <span role="status" className="settings-status">
          {status}
        </span>
      </div>
      <ConfirmDialog
        open={restoring !== undefined}
        title="Restore this backup?"
        confirmLabel="Restore"
        destructive
        onConfirm={() => restoring && void restore(restoring)}
        onCancel={() => setRestoring(undefined)}
      >
        Everything goes back to how it was on {restoring ? takenAt(restoring) : ''}. What you have now is backed up first, so you can undo this.
      </ConfirmDialog>
    </div>
  );
}

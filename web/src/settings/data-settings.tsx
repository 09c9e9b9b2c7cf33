// Everything Kindred holds about the person: take a copy, bring a copy back into a new account, or
// delete the account for good. Deleting asks for the word "delete" first; once it is typed, the
// instruction turns into a confirmation.
import { type ChangeEvent, type FormEvent, useRef, useState } from 'react';
import type { ImportReport } from '../../../common/import.ts';
import { api } from '../api.ts';
import { ErrorAlert } from '../components/error-alert.tsx';
import { useSession } from '../session.tsx';
import { BackupSettings } from './backup-settings.tsx';
import { SessionSettings } from './session-settings.tsx';

export function DataSettings() {
  const session = useSession();
  const [confirmText, setConfirmText] = useState('');
  const [attempted, setAttempted] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [error, setError] = useState<unknown>();
  const [status, setStatus] = useState('');
  const confirmInput = useRef<HTMLInputElement>(null);
  const confirmed = confirmText.trim().toLowerCase() === 'delete';

  const exportData = async () => {
    setError(undefined);
    try {
      const data = await api.exportData();
      const link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
      link.download = `kindred-export-${new Date().toISOString().slice(0, 10)}.json`;
      link.click();
      URL.revokeObjectURL(link.href);
      setStatus('Your data was downloaded.');
    } catch (caught) {
      setError(caught);
    }
  };

  const [importing, setImporting] = useState(false);
  const [importError, setImportError] = useState<unknown>();
  const [report, setReport] = useState<ImportReport>();

  const importFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    setImportError(undefined);
    setReport(undefined);
    setImporting(true);
    try {
      setReport(await api.importData(await file.text()));
    } catch (caught) {
      setImportError(caught);
    } finally {
      setImporting(false);
    }
  };

  const deleteAccount = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    if (!confirmed) {
      setAttempted(true);
      confirmInput.current?.focus();
      return;
    }
    setDeleting(true);
    try {
      await api.deleteAccount();
      await session.signOut();
    } catch (caught) {
      setError(caught);
      setDeleting(false);
    }
  };

  return (
    <>
      <div className="settings-block">
        <h3>Take a copy</h3>
        <p className="settings-muted">Everything Kindred keeps about you (conversations, memories, files and settings) as one file.</p>
        <div className="actions">
          <button type="button" className="button secondary" onClick={() => void exportData()}>
            Export my data
          </button>
          <span role="status" className="settings-status">
            {status}
          </span>
        </div>
      </div>

      <div className="settings-block">
        <h3>Bring back a copy</h3>
        <p className="settings-muted" id="import-note">
          Moving from another Kindred account? Choose the file you exported. It goes into a new account that has nothing in it yet, all of it or none.
        </p>
        <div className="field">
          <label htmlFor="data-import">{importing ? 'Bringing it in…' : 'Choose an export file'}</label>
          <input
            id="data-import"
            type="file"
            accept="application/json,.json"
            disabled={importing}
            aria-describedby="import-note"
            onChange={(event) => void importFile(event)}
          />
        </div>
        <ErrorAlert error={importError} />
        {report && <ImportSummary report={report} />}
      </div>

      <BackupSettings />

      <SessionSettings />

      <form onSubmit={deleteAccount} className="settings-block settings-danger" noValidate>
        <h3>Delete account</h3>
        <p className="settings-muted">This erases your account, conversations, memories and files for good. It cannot be undone.</p>
        <div className="field">
          <label htmlFor="delete-confirm">Type “delete” to confirm</label>
          <input
            id="delete-confirm"
            ref={confirmInput}
            value={confirmText}
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            aria-describedby="delete-confirm-note"
            aria-invalid={attempted && !confirmed ? true : undefined}
            onChange={(event) => setConfirmText(event.target.value)}
          />
          <p id="delete-confirm-note" aria-live="polite" className={confirmed ? 'settings-confirmed' : attempted ? 'settings-warning' : 'settings-muted'}>
            {confirmed ? '✓ Confirmed. The button below deletes your account now.' : 'Type the word delete to confirm.'}
          </p>
        </div>
        <ErrorAlert error={error} />
        <button type="submit" className="button danger" disabled={deleting}>
          {deleting ? 'Deleting…' : 'Delete my account'}
        </button>
      </form>
    </>
  );
}

/** What came back, and what the person still has to do for what an export never holds. */
function ImportSummary({ report }: { report: ImportReport }) {
  const total = Object.values(report.imported).reduce((sum, count) => sum + count, 0);
  return (
    <div role="status" className="settings-status import-summary">
      <p>Your copy is back: {total} items.</p>
      {report.notImported.length > 0 && (
        <>
          <p>Still to do:</p>
          <ul>
            {report.notImported.map((note) => (
              <li key={note.section}>{note.reason}</li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

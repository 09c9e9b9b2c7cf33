// The person's files (notes they and the companion keep together): browse, read Markdown formatted,
// edit, look at or restore earlier versions, and delete with a question first and Undo after.
// Saving passes the version it started from, so a change made elsewhere meanwhile is never silently
// overwritten. On a phone the list and the open file take turns on the screen.
import { type FormEvent, type MouseEvent, useCallback, useEffect, useRef, useState } from 'react';
import { type FileContent, type FileEntry, type FileVersion, type FileVersionContent, KindredApiError } from '../../../common/client.ts';
import { api } from '../api.ts';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { ErrorAlert } from '../components/error-alert.tsx';
import { ScreenHeading } from '../components/screen-heading.tsx';
import { UndoToast } from '../components/undo-toast.tsx';
import { useDeferredDeletion } from '../deferred-deletion.ts';
import { MarkdownView } from '../files/markdown-view.tsx';
import { useSession } from '../session.tsx';
import '../components/controls.css';
import './files-screen.css';

function formatSize(bytes: number): string {
  return bytes < 1024 ? `${bytes} bytes` : `${(bytes / 1024).toFixed(1)} KB`;
}

function formatWhen(iso: string): string {
  const date = new Date(iso);
  const sameDay = date.toDateString() === new Date().toDateString();
  return sameDay ? date.toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' }) : date.toLocaleDateString();
}

const isMarkdown = (path: string) => /\.(md|markdown)$/i.test(path);

type Mode = 'read' | 'edit';

export function FilesScreen() {
  const { companion } = useSession();
  const [files, setFiles] = useState<FileEntry[]>();
  const [open, setOpen] = useState<FileContent>();
  const [content, setContent] = useState('');
  const [mode, setMode] = useState<Mode>('edit');
  const [versions, setVersions] = useState<FileVersion[]>([]);
  const [shownVersion, setShownVersion] = useState<FileVersionContent>();
  const [creating, setCreating] = useState(false);
  const [newPath, setNewPath] = useState('');
  const [confirmingDelete, setConfirmingDelete] = useState<{ path: string; fromKeyboard: boolean }>();
  const [error, setError] = useState<unknown>();
  const [status, setStatus] = useState('');
  const newPathInput = useRef<HTMLInputElement>(null);

  const refresh = useCallback(async () => {
    try {
      setFiles(await api.files());
    } catch (caught) {
      setError(caught);
    }
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh]);

  const deletion = useDeferredDeletion({
    onCommitted: ({ key }) => setFiles((previous) => previous?.filter((file) => file.path !== key)),
    onFailed: (failed, caught) => {
      setError(caught);
      setStatus(`${failed.key} could not be deleted, so it is still here.`);
    },
  });
  const visibleFiles = files?.filter((file) => !deletion.hiddenKeys.has(file.path));

  useEffect(() => {
    if (creating) newPathInput.current?.focus();
  }, [creating]);

  const openFile = async (path: string, options: { mode?: Mode } = {}) => {
    setError(undefined);
    setShownVersion(undefined);
    try {
      const [file, fileVersions] = await Promise.all([api.readFile(path), api.fileVersions(path)]);
      setOpen(file);
      setContent(file.content);
      setVersions(fileVersions);
      // Markdown opens formatted, for reading; anything else (or an empty file) opens for writing.
      setMode(options.mode ?? (isMarkdown(path) && file.content.trim() !== '' ? 'read' : 'edit'));
      setStatus('');
    } catch (caught) {
      setError(caught);
    }
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (!open) return;
    setError(undefined);
    try {
      await api.writeFile(open.path, content, open.versionId || undefined);
      await openFile(open.path, { mode: 'edit' });
      await refresh();
      setStatus(`Saved ${open.path}.`);
    } catch (caught) {
      setError(caught);
    }
  };

  const create = (event: FormEvent) => {
    event.preventDefault();
    const path = newPath.trim().replace(/^\/+/, '');
    if (path === '' || path.endsWith('/')) return setError('Give the file a name, such as notes/ideas.md.');
    setError(undefined);
    setOpen({ path, content: '', size: 0, updatedAt: new Date().toISOString(), versionId: '' });
    setContent('');
    setMode('edit');
    setVersions([]);
    setShownVersion(undefined);
    setNewPath('');
    setCreating(false);
    setStatus(`New file ${path}: write something and save it.`);
  };

  const startCreating = () => {
    setCreating(true);
    setNewPath((current) => current || 'notes/');
  };

  const deleteConfirmed = () => {
    if (!confirmingDelete) return;
    const { path, fromKeyboard } = confirmingDelete;
    setConfirmingDelete(undefined);
    setOpen(undefined);
    setStatus('');
    deletion.schedule({
      key: path,
      message: `Deleted ${path}`,
      focusUndo: fromKeyboard,
      commit: async ({ keepalive }) => {
        try {
          await api.deleteFile(path, { keepalive });
        } catch (caught) {
          // Deleted elsewhere meanwhile: it is gone, as asked.
          if (!(caught instanceof KindredApiError && caught.id === 'not_found')) throw caught;
        }
      },
    });
  };

  const showVersion = async (versionId: string) => {
    if (!open) return;
    try {
      setShownVersion(await api.readFileVersion(open.path, versionId));
    } catch (caught) {
      setError(caught);
    }
  };

  const empty = visibleFiles !== undefined && visibleFiles.length === 0;

  return (
    <main id="main" className="page files-page" data-showing={open ? 'file' : 'list'}>
      <ScreenHeading>Files</ScreenHeading>
      <p className="lead">Notes and documents you and {companion.name} keep together. Every save keeps the earlier version.</p>
      <ErrorAlert error={error} />
      <p role="status" className="files-status">
        {status}
      </p>
      <div className="files-columns">
        <section aria-labelledby="files-list-heading" className="files-list-panel">
          <div className="files-list-header">
            <h2 id="files-list-heading">Your files</h2>
            {!empty && !creating && (
              <button type="button" className="button secondary small" onClick={startCreating}>
                New file
              </button>
            )}
          </div>
          {creating && (
            <form className="files-new" onSubmit={create}>
              <label htmlFor="new-file">New file name</label>
              <input
                id="new-file"
                ref={newPathInput}
                value={newPath}
                placeholder="notes/ideas.md"
                autoComplete="off"
                autoCapitalize="none"
                spellCheck={false}
                aria-describedby="new-file-hint"
                onChange={(event) => setNewPath(event.target.value)}
              />
              <p id="new-file-hint" className="files-hint">
                End it with .md to write in Markdown.
              </p>
              <div className="actions">
                <button type="submit" className="button primary small">
                  Create
                </button>
                <button type="button" className="button secondary small" onClick={() => setCreating(false)}>
                  Cancel
                </button>
              </div>
            </form>
          )}
          {empty && !creating && (
            <div className="files-empty" data-testid="files-empty">
              <p className="files-empty-title">A place for your notes</p>
              <p>
                Plans, lists, a journal: things you want to keep. Ask {companion.name} to start one (“make me a packing list”), or write one yourself. Every
                change keeps the version before it.
              </p>
              <button type="button" className="button primary" onClick={startCreating}>
                Write your first note
              </button>
            </div>
          )}
          <ul className="files-list">
            {visibleFiles?.map((file) => (
              <li key={file.path}>
                <button
                  type="button"
                  className="file-row"
                  aria-current={open?.path === file.path ? 'true' : undefined}
                  onClick={() => void openFile(file.path)}
                >
                  <span className="file-row-name">{file.path}</span>
                  <span className="file-row-meta">
                    {formatSize(file.size)} · {file.versionCount} {file.versionCount === 1 ? 'version' : 'versions'} · {formatWhen(file.updatedAt)}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </section>

        {open && (
          <section aria-labelledby="file-heading" className="file-panel">
            <button type="button" className="quiet-button files-back" onClick={() => setOpen(undefined)}>
              ‹ All files
            </button>
            <div className="file-panel-header">
              <h2 id="file-heading">{open.path}</h2>
              {isMarkdown(open.path) && (
                <fieldset className="segmented">
                  <legend className="visually-hidden">Show the file</legend>
                  {(['read', 'edit'] as const).map((choice) => (
                    <label key={choice} className="segmented-option">
                      <input type="radio" name="file-mode" value={choice} checked={mode === choice} onChange={() => setMode(choice)} />
                      <span>{choice === 'read' ? 'Read' : 'Edit'}</span>
                    </label>
                  ))}
                </fieldset>
              )}
            </div>

            {mode === 'read' ? (
              <MarkdownView source={content} label={`${open.path}, formatted`} />
            ) : (
              <form onSubmit={save}>
                <div className="field">
                  <label htmlFor="file-content" className="visually-hidden">
                    Content
                  </label>
                  <textarea
                    id="file-content"
                    className="file-editor"
                    rows={16}
                    value={content}
                    onChange={(event) => setContent(event.target.value)}
                    spellCheck
                  />
                </div>
                <div className="actions">
                  <button type="submit" className="button primary">
                    Save
                  </button>
                </div>
              </form>
            )}

            {versions.length > 0 && (
              <details className="file-versions">
                <summary>Version history ({versions.length})</summary>
                <ul className="file-versions-list">
                  {versions.map((version) => (
                    <li key={version.versionId}>
                      <button type="button" className="file-version-button" onClick={() => void showVersion(version.versionId)}>
                        {new Date(version.createdAt).toLocaleString()}
                      </button>
                      <span className="files-hint">
                        by {version.author === 'companion' ? companion.name : 'you'} · {formatSize(version.size)}
                        {version.current ? ' · current' : ''}
                      </span>
                    </li>
                  ))}
                </ul>
              </details>
            )}
            {shownVersion && (
              <section aria-labelledby="version-heading" className="file-version">
                <h3 id="version-heading">Version of {new Date(shownVersion.createdAt).toLocaleString()}</h3>
                <pre className="version-content">{shownVersion.content}</pre>
                <button
                  type="button"
                  className="button secondary small"
                  onClick={() => {
                    setContent(shownVersion.content);
                    setMode('edit');
                    setStatus('That version is in the editor: save to restore it.');
                  }}
                >
                  Put this version in the editor
                </button>
              </section>
            )}

            {open.versionId && (
              <div className="file-danger">
                <button
                  type="button"
                  className="quiet-button destructive"
                  onClick={(event: MouseEvent) => setConfirmingDelete({ path: open.path, fromKeyboard: event.detail === 0 })}
                >
                  Delete file
                </button>
              </div>
            )}
          </section>
        )}
      </div>

      <ConfirmDialog
        open={confirmingDelete !== undefined}
        title={`Delete ${confirmingDelete?.path ?? 'this file'}?`}
        confirmLabel="Delete"
        destructive
        onConfirm={deleteConfirmed}
        onCancel={() => setConfirmingDelete(undefined)}
      >
        <p>The file and all its earlier versions will be deleted. You can undo this for a few seconds.</p>
      </ConfirmDialog>
      <UndoToast deletion={deletion} onUndo={(path) => setStatus(`${path} is back.`)} />
    </main>
  );
}

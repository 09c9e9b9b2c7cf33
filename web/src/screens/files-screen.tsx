// The user's files (notes the companion and the user keep together): browse, edit, and look at
// or restore earlier versions. Saving passes the version it started from, so a change made
// elsewhere meanwhile is never silently overwritten.
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import type { FileContent, FileEntry, FileVersion, FileVersionContent } from '../../../common/client.ts';
import { api } from '../api.ts';
import { ErrorAlert } from '../components/error-alert.tsx';
import { ScreenHeading } from '../components/screen-heading.tsx';

function formatSize(bytes: number): string {
  return bytes < 1024 ? `${bytes} bytes` : `${(bytes / 1024).toFixed(1)} KB`;
}

export function FilesScreen() {
  const [files, setFiles] = useState<FileEntry[]>();
  const [open, setOpen] = useState<FileContent>();
  const [content, setContent] = useState('');
  const [versions, setVersions] = useState<FileVersion[]>([]);
  const [shownVersion, setShownVersion] = useState<FileVersionContent>();
  const [newPath, setNewPath] = useState('');
  const [error, setError] = useState<unknown>();
  const [status, setStatus] = useState('');

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

  const openFile = async (path: string) => {
    setError(undefined);
    setShownVersion(undefined);
    try {
      const [file, fileVersions] = await Promise.all([api.readFile(path), api.fileVersions(path)]);
      setOpen(file);
      setContent(file.content);
      setVersions(fileVersions);
      setStatus(`Opened ${path}.`);
    } catch (caught) {
      setError(caught);
    }
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (!open) return;
    try {
      await api.writeFile(open.path, content, open.versionId || undefined);
      await openFile(open.path);
      await refresh();
      setStatus(`Saved ${open.path}.`);
    } catch (caught) {
      setError(caught);
    }
  };

  const create = (event: FormEvent) => {
    event.preventDefault();
    const path = newPath.trim().replace(/^\/+/, '');
    if (path === '') return;
    setOpen({ path, content: '', size: 0, updatedAt: new Date().toISOString(), versionId: '' });
    setContent('');
    setVersions([]);
    setShownVersion(undefined);
    setNewPath('');
    setStatus(`New file ${path}: write something and save it.`);
  };

  const remove = async () => {
    if (!open) return;
    try {
      await api.deleteFile(open.path);
      setStatus(`Deleted ${open.path}.`);
      setOpen(undefined);
      await refresh();
    } catch (caught) {
      setError(caught);
    }
  };

  const showVersion = async (versionId: string) => {
    if (!open) return;
    try {
      setShownVersion(await api.readFileVersion(open.path, versionId));
    } catch (caught) {
      setError(caught);
    }
  };

  return (
    <main id="main" className="page files-layout">
      <ScreenHeading>Files</ScreenHeading>
      <p className="lead">Notes and documents you and your companion keep. Every save keeps the earlier version.</p>
      <ErrorAlert error={error} />
      <p role="status" className="hint">
        {status}
      </p>
      <div className="files-columns">
        <section aria-labelledby="files-list-heading" className="files-list">
          <h2 id="files-list-heading">Your files</h2>
          <form className="inline-form" onSubmit={create}>
            <label htmlFor="new-file">New file name</label>
            <input id="new-file" value={newPath} placeholder="notes/ideas.md" onChange={(event) => setNewPath(event.target.value)} />
            <button type="submit" className="button secondary">
              Create
            </button>
          </form>
          {files?.length === 0 && <p className="empty">No files yet.</p>}
          <ul className="plain-list">
            {files?.map((file) => (
              <li key={file.path}>
                <button
                  type="button"
                  className="link-button"
                  aria-current={open?.path === file.path ? 'true' : undefined}
                  onClick={() => void openFile(file.path)}
                >
                  {file.path}
                </button>
                <span className="hint">
                  {' '}
                  {formatSize(file.size)} · {file.versionCount} {file.versionCount === 1 ? 'version' : 'versions'}
                </span>
              </li>
            ))}
          </ul>
        </section>

        {open && (
          <section aria-labelledby="file-editor-heading" className="file-editor">
            <h2 id="file-editor-heading">{open.path}</h2>
            <form onSubmit={save}>
              <div className="field">
                <label htmlFor="file-content">Content</label>
                <textarea id="file-content" rows={14} value={content} onChange={(event) => setContent(event.target.value)} spellCheck />
              </div>
              <div className="actions">
                <button type="submit" className="button primary">
                  Save
                </button>
                {open.versionId && (
                  <button type="button" className="button danger" onClick={() => void remove()}>
                    Delete file
                  </button>
                )}
              </div>
            </form>
            {versions.length > 0 && (
              <>
                <h3>Earlier versions</h3>
                <ul className="plain-list">
                  {versions.map((version) => (
                    <li key={version.versionId}>
                      <button type="button" className="link-button" onClick={() => void showVersion(version.versionId)}>
                        {new Date(version.createdAt).toLocaleString()}
                      </button>
                      <span className="hint">
                        {' '}
                        by {version.author === 'companion' ? 'your companion' : 'you'} · {formatSize(version.size)}
                        {version.current ? ' · current' : ''}
                      </span>
                    </li>
                  ))}
                </ul>
              </>
            )}
            {shownVersion && (
              <section aria-labelledby="version-heading" className="card">
                <h3 id="version-heading">Version of {new Date(shownVersion.createdAt).toLocaleString()}</h3>
                <pre className="version-content">{shownVersion.content}</pre>
                <button
                  type="button"
                  className="button secondary small"
                  onClick={() => {
                    setContent(shownVersion.content);
                    setStatus('That version is in the editor: save to restore it.');
                  }}
                >
                  Put this version in the editor
                </button>
              </section>
            )}
          </section>
        )}
      </div>
    </main>
  );
}

import type { UserVault } from '../host/user-vault.ts';

/**
 * The text of each indexed file chunk, sealed, so a retrieved excerpt can go into a prompt without
 * fetching and re-chunking the whole file from R2 on every turn.
 */
export class FileChunks {
  constructor(
    private readonly sql: SqlStorage,
    private readonly vault: UserVault,
  ) {}

  async save(chunks: { id: string; pathHash: string; text: string }[]): Promise<void> {
    for (const chunk of chunks) {
      this.sql.exec(
        'INSERT INTO file_chunks (id, path_hash, text_sealed) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET path_hash = excluded.path_hash, text_sealed = excluded.text_sealed',
        chunk.id,
        chunk.pathHash,
        await this.vault.seal(chunk.text, `file-chunk:${chunk.id}`),
      );
    }
  }

  removeFile(pathHash: string): void {
    this.sql.exec('DELETE FROM file_chunks WHERE path_hash = ?', pathHash);
  }

  async texts(ids: string[]): Promise<Map<string, { pathHash: string; text: string }>> {
    const found = new Map<string, { pathHash: string; text: string }>();
    for (const id of ids) {
      const row = this.sql.exec<{ path_hash: string; text_sealed: string }>('SELECT path_hash, text_sealed FROM file_chunks WHERE id = ?', id).toArray()[0];
      if (row) found.set(id, { pathHash: row.path_hash, text: await this.vault.open(row.text_sealed, `file-chunk:${id}`) });
    }
    return found;
  }
}

import type { McpServerState } from '../../common/tools.ts';
import { createId } from '../../server/crypto/encoding.ts';
import type { UserVault } from '../host/user-vault.ts';

export type McpTransportKind = 'streamable-http' | 'sse';
export type McpAuthKind = 'none' | 'headers' | 'oauth';

/** A tool as the server last described it: what Kindred offers while the server is away. */
export interface KnownMcpTool {
  name: string;
  title?: string;
  description?: string;
  inputSchema: Record<string, unknown>;
  annotations?: { title?: string; readOnlyHint?: boolean; destructiveHint?: boolean; idempotentHint?: boolean; openWorldHint?: boolean };
}

/** A server with everything sealed opened, for use inside the object only. */
export interface McpServerRecord {
  id: string;
  name: string;
  url: string;
  headers: Record<string, string>;
  transport: McpTransportKind | null;
  auth: McpAuthKind;
  state: McpServerState;
  reason: string | null;
  authorizationUrl: string | null;
  tools: KnownMcpTool[];
  redirectUrl: string | null;
  createdAt: number;
  lastConnectedAt: number | null;
  lastAttemptAt: number | null;
  retryAttempts: number;
}

type Row = {
  id: string;
  name_sealed: string;
  url_sealed: string;
  headers_sealed: string | null;
  transport: McpTransportKind | null;
  auth: McpAuthKind;
  state: McpServerState;
  reason: string | null;
  authorization_url_sealed: string | null;
  tools_sealed: string | null;
  redirect_url: string | null;
  created_at: number;
  last_connected_at: number | null;
  last_attempt_at: number | null;
  retry_attempts: number;
};

/** The OAuth secrets of a server, each its own sealed column. */
export type OAuthSecret = 'client' | 'tokens' | 'verifier' | 'nonce';
const secretColumns: Record<OAuthSecret, string> = {
  client: 'oauth_client_sealed',
  tokens: 'oauth_tokens_sealed',
  verifier: 'oauth_verifier_sealed',
  nonce: 'oauth_nonce_sealed',
};

/**
 * The MCP servers in the user's object. Everything the person gave or the server said (name, URL,
 * header values, tool list, authorization URL) and every OAuth secret is sealed, each bound to its
 * row and column; the connection state, its reason (Kindred's own words) and times stay plain.
 */
export class McpServerStore {
  constructor(
    private readonly sql: SqlStorage,
    private readonly vault: UserVault,
  ) {}

  async insert(server: { name: string; url: string; headers: Record<string, string>; redirectUrl: string; now: number }): Promise<string> {
    const id = createId('mcp', server.now);
    (await this.prepareInsert({ ...server, id, transport: null, createdAt: server.now }))();
    return id;
  }

  /**
   * Seals a new server and answers the write that stores it, `connecting`: apart, so that an import
   * seals first and writes inside its one transaction. Without a redirect URL the server cannot start
   * an OAuth sign-in.
   */
  async prepareInsert(server: {
    id: string;
    name: string;
    url: string;
    headers: Record<string, string>;
    transport: McpTransportKind | null;
    redirectUrl: string | null;
    createdAt: number;
  }): Promise<() => void> {
    const hasHeaders = Object.keys(server.headers).length > 0;
    const [nameSealed, urlSealed, headersSealed] = await Promise.all([
      this.vault.seal(server.name, this.#context(server.id, 'name')),
      this.vault.seal(server.url, this.#context(server.id, 'url')),
      hasHeaders ? this.vault.seal(JSON.stringify(server.headers), this.#context(server.id, 'headers')) : null,
    ]);
    return () => {
      this.sql.exec(
        `INSERT INTO mcp_servers (id, name_sealed, url_sealed, headers_sealed, transport, auth, state, redirect_url, created_at)
         VALUES (?, ?, ?, ?, ?, ?, 'connecting', ?, ?)`,
        server.id,
        nameSealed,
        urlSealed,
        headersSealed,
        server.transport,
        hasHeaders ? 'headers' : 'none',
        server.redirectUrl,
        server.createdAt,
      );
    };
  }

  ids(): string[] {
    return this.sql
      .exec<{ id: string }>('SELECT id FROM mcp_servers ORDER BY created_at, id')
      .toArray()
      .map((row) => row.id);
  }

  async get(id: string): Promise<McpServerRecord | undefined> {
    const row = this.sql.exec<Row>('SELECT * FROM mcp_servers WHERE id = ?', id).toArray()[0];
    return row ? this.#open(row) : undefined;
  }

  async list(): Promise<McpServerRecord[]> {
    const rows = this.sql.exec<Row>('SELECT * FROM mcp_servers ORDER BY created_at, id').toArray();
    return Promise.all(rows.map((row) => this.#open(row)));
  }

  /** Records how a connection attempt ended. The tool list is only replaced when one was read. */
  async setState(
    id: string,
    change: {
      state: McpServerState;
      reason: string | null;
      authorizationUrl?: string | null;
      tools?: KnownMcpTool[];
      transport?: McpTransportKind;
      now: number;
    },
  ): Promise<void> {
    const toolsSealed = change.tools ? await this.vault.seal(JSON.stringify(change.tools), this.#context(id, 'tools')) : undefined;
    const authorizationUrlSealed = change.authorizationUrl ? await this.vault.seal(change.authorizationUrl, this.#context(id, 'authorization_url')) : null;
    const ready = change.state === 'ready';
    this.sql.exec(
      `UPDATE mcp_servers SET state = ?, reason = ?, authorization_url_sealed = ?,
         tools_sealed = COALESCE(?, tools_sealed), transport = COALESCE(?, transport),
         last_attempt_at = ?, last_connected_at = CASE WHEN ? THEN ? ELSE last_connected_at END,
         retry_attempts = CASE WHEN ? THEN 0 ELSE retry_attempts END
       WHERE id = ?`,
      change.state,
      change.reason,
      authorizationUrlSealed,
      toolsSealed ?? null,
      change.transport ?? null,
      change.now,
      ready ? 1 : 0,
      change.now,
      ready ? 1 : 0,
      id,
    );
  }

  /** Counts one more failed reconnection; answers the new count, for the backoff. */
  countRetry(id: string): number {
    return (
      this.sql
        .exec<{ retry_attempts: number }>('UPDATE mcp_servers SET retry_attempts = retry_attempts + 1 WHERE id = ? RETURNING retry_attempts', id)
        .toArray()[0]?.retry_attempts ?? 0
    );
  }

  setAuth(id: string, auth: McpAuthKind): void {
    this.sql.exec('UPDATE mcp_servers SET auth = ? WHERE id = ?', auth, id);
  }

  delete(id: string): boolean {
    return this.sql.exec('DELETE FROM mcp_servers WHERE id = ?', id).rowsWritten > 0;
  }

  async readSecret(id: string, secret: OAuthSecret): Promise<string | null> {
    const column = secretColumns[secret];
    const row = this.sql.exec<Record<string, string | null>>(`SELECT ${column} AS value FROM mcp_servers WHERE id = ?`, id).toArray()[0];
    return this.vault.openOptional(row?.value ?? null, this.#context(id, column));
  }

  async writeSecret(id: string, secret: OAuthSecret, value: string | null): Promise<void> {
    const column = secretColumns[secret];
    const sealed = await this.vault.sealOptional(value, this.#context(id, column));
    this.sql.exec(`UPDATE mcp_servers SET ${column} = ? WHERE id = ?`, sealed, id);
  }

  async #open(row: Row): Promise<McpServerRecord> {
    const [name, url, headers, authorizationUrl, tools] = await Promise.all([
      this.vault.open(row.name_sealed, this.#context(row.id, 'name')),
      this.vault.open(row.url_sealed, this.#context(row.id, 'url')),
      this.vault.openOptional(row.headers_sealed, this.#context(row.id, 'headers')),
      this.vault.openOptional(row.authorization_url_sealed, this.#context(row.id, 'authorization_url')),
      this.vault.openOptional(row.tools_sealed, this.#context(row.id, 'tools')),
    ]);
    return {
      id: row.id,
      name,
      url,
      headers: headers ? (JSON.parse(headers) as Record<string, string>) : {},
      transport: row.transport,
      auth: row.auth,
      state: row.state,
      reason: row.reason,
      authorizationUrl,
      tools: tools ? (JSON.parse(tools) as KnownMcpTool[]) : [],
      redirectUrl: row.redirect_url,
      createdAt: row.created_at,
      lastConnectedAt: row.last_connected_at,
      lastAttemptAt: row.last_attempt_at,
      retryAttempts: row.retry_attempts,
    };
  }

  #context(id: string, column: string): string {
    return `mcp_server:${id}:${column}`;
  }
}

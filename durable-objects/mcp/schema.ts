import type { SchemaStep } from '../host/schema/schema-step.ts';

/**
 * The MCP capability's schema steps. Never edit a landed step; add one.
 *
 * Numbered 14 on this branch because the migrator refuses gaps; it becomes 15 at merge.
 */
export const mcpSchemaSteps: readonly SchemaStep[] = [
  {
    version: 15,
    description:
      'mcp: the MCP servers a person added; name, URL, headers, last known tools and every OAuth secret (client, tokens, PKCE verifier, pending state) sealed; connection state and retry plain',
    statements: [
      `CREATE TABLE IF NOT EXISTS mcp_servers (
        id TEXT PRIMARY KEY,
        name_sealed TEXT NOT NULL,
        url_sealed TEXT NOT NULL,
        headers_sealed TEXT,
        transport TEXT CHECK (transport IN ('streamable-http', 'sse')),
        auth TEXT NOT NULL CHECK (auth IN ('none', 'headers', 'oauth')),
        state TEXT NOT NULL CHECK (state IN ('connecting', 'ready', 'needs-sign-in', 'failed', 'unavailable')),
        reason TEXT,
        authorization_url_sealed TEXT,
        tools_sealed TEXT,
        oauth_client_sealed TEXT,
        oauth_tokens_sealed TEXT,
        oauth_verifier_sealed TEXT,
        oauth_nonce_sealed TEXT,
        redirect_url TEXT,
        created_at INTEGER NOT NULL,
        last_connected_at INTEGER,
        last_attempt_at INTEGER,
        retry_attempts INTEGER NOT NULL DEFAULT 0
      )`,
    ],
  },
];

/**
 * Drives the test MCP servers (`mcp-servers.ts`) from tests: fetch only, so it runs inside workerd
 * as well as in Node, without importing the servers themselves.
 */
import type { McpTestServerName, RecordedMcpCall } from './mcp-servers.ts';

type OAuthCounts = { registrations: number; codeExchanges: number; refreshes: number; revocations: number };

export const mcpControl = {
  async down(baseUrl: string, server: McpTestServerName): Promise<void> {
    await controlPost(baseUrl, '/down', { server });
  },
  async up(baseUrl: string, server: McpTestServerName): Promise<void> {
    await controlPost(baseUrl, '/up', { server });
  },
  async release(baseUrl: string): Promise<number> {
    return ((await controlPost(baseUrl, '/release', {})) as { released: number }).released;
  },
  async expireTokens(baseUrl: string): Promise<void> {
    await controlPost(baseUrl, '/expire-tokens', {});
  },
  async revokeTokens(baseUrl: string): Promise<void> {
    await controlPost(baseUrl, '/revoke-tokens', {});
  },
  /** Gives every live `/changing/mcp` session a tool named `name`; answers how many sessions got it. */
  async addTool(baseUrl: string, name: string): Promise<number> {
    return ((await controlPost(baseUrl, '/add-tool', { name })) as { sessions: number }).sessions;
  },
  async calls(baseUrl: string): Promise<RecordedMcpCall[]> {
    return ((await (await fetch(`${baseUrl}/__control/calls`)).json()) as { calls: RecordedMcpCall[] }).calls;
  },
  /** What the OAuth server has done; `revocations` counts live tokens revoked (RFC 7009). */
  async oauthCounts(baseUrl: string): Promise<OAuthCounts> {
    return (await (await fetch(`${baseUrl}/__control/oauth`)).json()) as OAuthCounts;
  },
};

async function controlPost(baseUrl: string, path: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${baseUrl}/__control${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`MCP test servers ${path} failed: HTTP ${response.status}`);
  return response.json();
}

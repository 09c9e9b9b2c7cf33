import {
  discoverOAuthServerInfo,
  type FetchLike,
  type StoredOAuthClientInformation,
  type StoredOAuthTokens,
  selectClientAuthMethod,
} from '@modelcontextprotocol/client';

/** RFC 6749 §2.3.1: the client id and secret are form-encoded before they are joined and base64-encoded. */
const formEncoded = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);

/** What became of a revocation: each token the server was asked to forget, or why it was not asked. */
export type RevocationOutcome = { revoked: ('refresh_token' | 'access_token')[] } | { skipped: 'no_revocation_endpoint' | 'no_client' } | { failed: string };

/**
 * Asks a server's authorization server to forget the tokens it gave Kindred for it (RFC 7009), once
 * the person has removed the server: tokens kept by nobody should not stay valid for their lifetime.
 * The refresh token goes first, as revoking it ends the grant (and, at most servers, its access
 * tokens); the access token follows for the servers that revoke only what they are handed.
 *
 * Hand-written: the MCP SDK discovers the endpoint and picks the client authentication, but has no
 * revocation call; this is one form POST per token over them.
 */
export async function revokeMcpTokens(
  serverUrl: string,
  client: StoredOAuthClientInformation | undefined,
  tokens: StoredOAuthTokens,
  fetchFn: FetchLike,
): Promise<RevocationOutcome> {
  if (!client) return { skipped: 'no_client' };
  try {
    const { authorizationServerMetadata: metadata } = await discoverOAuthServerInfo(serverUrl, { fetchFn });
    // RFC 8414 names both fields; OpenID discovery documents may carry them too, untyped.
    const revocation = metadata as { revocation_endpoint?: string; revocation_endpoint_auth_methods_supported?: string[] } | undefined;
    const endpoint = revocation?.revocation_endpoint;
    if (!endpoint) return { skipped: 'no_revocation_endpoint' };
    const method = selectClientAuthMethod(
      client,
      revocation?.revocation_endpoint_auth_methods_supported ?? metadata?.token_endpoint_auth_methods_supported ?? [],
    );
    const revoked: ('refresh_token' | 'access_token')[] = [];
    const toRevoke = [...(tokens.refresh_token ? [['refresh_token', tokens.refresh_token] as const] : []), ['access_token', tokens.access_token] as const];
    for (const [hint, token] of toRevoke) {
      const body = new URLSearchParams({ token, token_type_hint: hint });
      const headers = new Headers({ 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' });
      if (method === 'client_secret_basic' && client.client_secret) {
        headers.set('authorization', `Basic ${btoa(`${formEncoded(client.client_id)}:${formEncoded(client.client_secret)}`)}`);
      } else {
        body.set('client_id', client.client_id);
        if (method === 'client_secret_post' && client.client_secret) body.set('client_secret', client.client_secret);
      }
      const response = await fetchFn(endpoint, { method: 'POST', headers, body });
      await response.body?.cancel();
      // RFC 7009 §2.2: 200 whether or not the token was still valid; anything else is the server's failure.
      if (!response.ok) return { failed: `The revocation endpoint answered ${response.status}.` };
      revoked.push(hint);
    }
    return { revoked };
  } catch (error) {
    return { failed: error instanceof Error ? error.name : 'unknown' };
  }
}

import { describe, expect, it } from 'vitest';
import { revokeMcpTokens } from './mcp-oauth-revocation.ts';

const serverUrl = 'https://tools.example/mcp';
const tokens = { access_token: 'access-1', token_type: 'Bearer', refresh_token: 'refresh-1' };

/**
 * An authorization server as RFC 8414 and RFC 7009 describe it, answering from memory: no protected
 * resource metadata (so the MCP SDK falls back to the server's origin), its own metadata, and a
 * revocation endpoint that records what it was sent.
 */
function authorizationServer(metadata: Record<string, unknown>, revocationStatus = 200) {
  const revocations: { headers: Headers; form: URLSearchParams }[] = [];
  const fetchFn = async (input: string | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(input);
    if (url.pathname === '/.well-known/oauth-authorization-server') {
      return Response.json({
        issuer: 'https://tools.example',
        authorization_endpoint: 'https://tools.example/authorize',
        token_endpoint: 'https://tools.example/token',
        response_types_supported: ['code'],
        ...metadata,
      });
    }
    if (url.pathname === '/revoke' && init?.method === 'POST') {
      revocations.push({ headers: new Headers(init.headers), form: new URLSearchParams(String(init.body)) });
      return new Response(null, { status: revocationStatus });
    }
    return new Response('not found', { status: 404 });
  };
  return { fetchFn, revocations };
}

describe('revoking an MCP server’s OAuth tokens (RFC 7009)', () => {
  it('sends the refresh token, then the access token, each with its hint, as a public client', async () => {
    const server = authorizationServer({ revocation_endpoint: 'https://tools.example/revoke' });
    const outcome = await revokeMcpTokens(serverUrl, { client_id: 'kindred-1' }, tokens, server.fetchFn);
    expect(outcome).toEqual({ revoked: ['refresh_token', 'access_token'] });
    expect(server.revocations.map(({ form }) => Object.fromEntries(form))).toEqual([
      { token: 'refresh-1', token_type_hint: 'refresh_token', client_id: 'kindred-1' },
      { token: 'access-1', token_type_hint: 'access_token', client_id: 'kindred-1' },
    ]);
    expect(server.revocations[0]?.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
  });

  it('authenticates a confidential client as the server asks: Basic with form-encoded credentials, or in the body', async () => {
    const client = { client_id: 'kindred 1', client_secret: 's3cret+/=' };
    const basic = authorizationServer({
      revocation_endpoint: 'https://tools.example/revoke',
      revocation_endpoint_auth_methods_supported: ['client_secret_basic'],
    });
    await revokeMcpTokens(serverUrl, client, { access_token: 'access-1', token_type: 'Bearer' }, basic.fetchFn);
    expect(basic.revocations).toHaveLength(1);
    expect(basic.revocations[0]?.headers.get('authorization')).toBe(`Basic ${btoa('kindred+1:s3cret%2B%2F%3D')}`);
    expect(basic.revocations[0]?.form.has('client_secret')).toBe(false);

    const post = authorizationServer({
      revocation_endpoint: 'https://tools.example/revoke',
      revocation_endpoint_auth_methods_supported: ['client_secret_post'],
    });
    await revokeMcpTokens(serverUrl, client, { access_token: 'access-1', token_type: 'Bearer' }, post.fetchFn);
    expect(post.revocations[0]?.headers.has('authorization')).toBe(false);
    expect(Object.fromEntries(post.revocations[0]?.form ?? [])).toMatchObject({ client_id: 'kindred 1', client_secret: 's3cret+/=' });
  });

  it('says why nothing was revoked: no endpoint, no client, or the server refused', async () => {
    const none = authorizationServer({});
    expect(await revokeMcpTokens(serverUrl, { client_id: 'kindred-1' }, tokens, none.fetchFn)).toEqual({ skipped: 'no_revocation_endpoint' });
    expect(none.revocations).toEqual([]);
    expect(await revokeMcpTokens(serverUrl, undefined, tokens, none.fetchFn)).toEqual({ skipped: 'no_client' });
    const refusing = authorizationServer({ revocation_endpoint: 'https://tools.example/revoke' }, 503);
    expect(await revokeMcpTokens(serverUrl, { client_id: 'kindred-1' }, tokens, refusing.fetchFn)).toEqual({ failed: 'The revocation endpoint answered 503.' });
    const unreachable = async (): Promise<Response> => {
      throw new TypeError('fetch failed');
    };
    expect(await revokeMcpTokens(serverUrl, { client_id: 'kindred-1' }, tokens, unreachable)).toEqual({ failed: 'TypeError' });
  });
});

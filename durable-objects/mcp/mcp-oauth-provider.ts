import type { OAuthClientMetadata, OAuthClientProvider, StoredOAuthClientInformation, StoredOAuthTokens } from '@modelcontextprotocol/client';
import { bytesToBase64Url, randomBytes } from '../../server/crypto/encoding.ts';
import { mcpOAuthStateLifetimeMs, sealMcpOAuthState } from './mcp-oauth-state.ts';
import type { McpServerStore } from './mcp-server-store.ts';

/**
 * The MCP client's OAuth side for one server, over the sealed store: the SDK does discovery, dynamic
 * client registration, PKCE and refresh; this keeps what it hands over (client information, tokens,
 * code verifier) sealed in the server's row, and remembers where the person must go to sign in.
 */
export class SealedOAuthProvider implements OAuthClientProvider {
  /** Set when the SDK wants the person sent to sign in: the connection then ends as `needs-sign-in`. */
  authorizationUrl: URL | undefined;

  constructor(
    private readonly store: McpServerStore,
    private readonly server: { id: string; redirectUrl: string },
    private readonly stateOptions: { userId: string; masterKey: () => string; now: () => number },
  ) {}

  get redirectUrl(): string {
    return this.server.redirectUrl;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'Kindred',
      redirect_uris: [this.server.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }

  /** A state the callback can trace to this person and server, accepted once (its nonce is kept sealed). */
  async state(): Promise<string> {
    const nonce = bytesToBase64Url(randomBytes(16));
    await this.store.writeSecret(this.server.id, 'nonce', nonce);
    return sealMcpOAuthState(this.stateOptions.masterKey(), {
      userId: this.stateOptions.userId,
      serverId: this.server.id,
      nonce,
      expiresAt: this.stateOptions.now() + mcpOAuthStateLifetimeMs,
    });
  }

  async clientInformation(): Promise<StoredOAuthClientInformation | undefined> {
    const sealed = await this.store.readSecret(this.server.id, 'client');
    return sealed ? (JSON.parse(sealed) as StoredOAuthClientInformation) : undefined;
  }

  async saveClientInformation(information: StoredOAuthClientInformation): Promise<void> {
    this.store.setAuth(this.server.id, 'oauth');
    await this.store.writeSecret(this.server.id, 'client', JSON.stringify(information));
  }

  async tokens(): Promise<StoredOAuthTokens | undefined> {
    const sealed = await this.store.readSecret(this.server.id, 'tokens');
    return sealed ? (JSON.parse(sealed) as StoredOAuthTokens) : undefined;
  }

  async saveTokens(tokens: StoredOAuthTokens): Promise<void> {
    this.store.setAuth(this.server.id, 'oauth');
    await this.store.writeSecret(this.server.id, 'tokens', JSON.stringify(tokens));
  }

  redirectToAuthorization(authorizationUrl: URL): void {
    this.store.setAuth(this.server.id, 'oauth');
    this.authorizationUrl = authorizationUrl;
  }

  async saveCodeVerifier(codeVerifier: string): Promise<void> {
    await this.store.writeSecret(this.server.id, 'verifier', codeVerifier);
  }

  async codeVerifier(): Promise<string> {
    const verifier = await this.store.readSecret(this.server.id, 'verifier');
    if (!verifier) throw new Error('No sign-in was started for this server.');
    return verifier;
  }

  async invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): Promise<void> {
    if (scope === 'all' || scope === 'client') await this.store.writeSecret(this.server.id, 'client', null);
    if (scope === 'all' || scope === 'tokens') await this.store.writeSecret(this.server.id, 'tokens', null);
    if (scope === 'all' || scope === 'verifier') await this.store.writeSecret(this.server.id, 'verifier', null);
  }
}

import { base64ToBytes, bytesToBase64Url } from '../../server/crypto/encoding.ts';

/** How long a person has to finish signing in to an MCP server before the state stops being accepted. */
export const mcpOAuthStateLifetimeMs = 30 * 60 * 1000;

const stateKeyLabel = new TextEncoder().encode('kindred/mcp-oauth-state/v1');

/** What the OAuth `state` carries back to the unauthenticated callback: whose object, which server, which attempt. */
export interface McpOAuthState {
  userId: string;
  serverId: string;
  /** Also kept (sealed) by the server's row: a state is accepted once, and only for the latest attempt. */
  nonce: string;
  expiresAt: number;
}

/**
 * The AES-GCM key states are sealed with, derived from the master key (HKDF) so no other secret needs
 * configuring. Sealed rather than signed: the user id travels through the MCP server's authorization
 * server and the browser, and nobody on the way should learn it.
 */
async function stateKey(masterKeyBase64: string): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey('raw', base64ToBytes(masterKeyBase64), 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(32), info: stateKeyLabel },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

export async function sealMcpOAuthState(masterKeyBase64: string, state: McpOAuthState): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const plaintext = new TextEncoder().encode(JSON.stringify([state.userId, state.serverId, state.nonce, state.expiresAt]));
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, await stateKey(masterKeyBase64), plaintext));
  const joined = new Uint8Array(iv.length + sealed.length);
  joined.set(iv);
  joined.set(sealed, iv.length);
  return bytesToBase64Url(joined);
}

/** Opens a state that came back; undefined when it was not made here, was altered, or expired. */
export async function openMcpOAuthState(masterKeyBase64: string, state: string, now: number): Promise<McpOAuthState | undefined> {
  if (!/^[A-Za-z0-9_-]{40,1000}$/.test(state)) return undefined;
  try {
    const bytes = base64ToBytes(
      state
        .replaceAll('-', '+')
        .replaceAll('_', '/')
        .padEnd(Math.ceil(state.length / 4) * 4, '='),
    );
    const plaintext = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: bytes.slice(0, 12) }, await stateKey(masterKeyBase64), bytes.slice(12));
    const [userId, serverId, nonce, expiresAt] = JSON.parse(new TextDecoder().decode(plaintext)) as [string, string, string, number];
    if (typeof expiresAt !== 'number' || expiresAt < now) return undefined;
    return { userId, serverId, nonce, expiresAt };
  } catch {
    return undefined;
  }
}

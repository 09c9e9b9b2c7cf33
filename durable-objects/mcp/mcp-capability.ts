import {
  Client,
  ProtocolError,
  SdkError,
  SdkErrorCode,
  SdkHttpError,
  SSEClientTransport,
  type StoredOAuthClientInformation,
  type StoredOAuthTokens,
  StreamableHTTPClientTransport,
  UnauthorizedError,
} from '@modelcontextprotocol/client';
import type { ImportDocument, ImportNote } from '../../common/import.ts';
import type { JsonValue } from '../../common/protocol.ts';
import type { AddMcpServerBody, McpServer, McpServerState, ToolView } from '../../common/tools.ts';
import { AppError } from '../../server/errors/app-error.ts';
import { log } from '../../server/logging/log.ts';
import { checkOutboundUrl, outboundPolicyFromConfig } from '../../server/net/outbound-fetch.ts';
import type { Capability, CapabilityHost } from '../host/capability.ts';
import type { ImportPlan } from '../host/import-document.ts';
import { SingleFlight } from '../host/single-flight.ts';
import { defaultToolView, type Tool, type ToolContext, type ToolProvider } from '../tools/tool.ts';
import { SealedOAuthProvider } from './mcp-oauth-provider.ts';
import { type RevocationOutcome, revokeMcpTokens } from './mcp-oauth-revocation.ts';
import { type KnownMcpTool, type McpServerRecord, McpServerStore, type McpTransportKind } from './mcp-server-store.ts';
import { type McpCallResult, outputOfMcpResult, slugOf, toKindredTool } from './mcp-tools.ts';
import { mcpSchemaSteps } from './schema.ts';

/** How long connecting (and reading the tool list) may take: a dead server must never hold up a turn for long. */
export const mcpConnectTimeoutMs = 8_000;
/** How long one tool call may take before the model is told it did not answer. */
export const mcpCallTimeoutMs = 120_000;
/** A server that is down is retried lazily (on a listing or a turn) at most this often, besides its scheduled retries. */
const lazyRetryIntervalMs = 60_000;
/** Scheduled reconnection: 30 s, doubling, at most an hour apart. */
const retryDelaySeconds = (attempt: number) => Math.min(30 * 2 ** Math.max(0, attempt - 1), 3600);

type Connection = { client: Client; transport: StreamableHTTPClientTransport | SSEClientTransport; oauth: SealedOAuthProvider | undefined };

/** How an attempt ended: the server as it is now, and whether trying again later could help (not after refused credentials). */
type Attempt = { server: McpServerRecord | undefined; retryable: boolean };

const notFound = () => new AppError('mcp_server_not_found', 'There is no such MCP server.');

/** A server's URL as it is shown and exported: a query may hold a key (some servers take one there), so it is left out. */
function shownUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}${parsed.search ? '?…' : ''}`;
}

/** An HTTP status an SDK error carries, when it came from one. */
function statusOf(error: unknown): number | undefined {
  if (error instanceof SdkHttpError) return error.status;
  const status = (error as { status?: unknown; code?: unknown } | undefined)?.status ?? (error as { code?: unknown } | undefined)?.code;
  return typeof status === 'number' && status >= 100 && status < 600 ? status : undefined;
}

class ConnectTimeout extends Error {}

/** Why a connection attempt failed, in words for a person; never the server's own text, which may hold anything. */
function reasonOf(error: unknown): string {
  if (error instanceof ConnectTimeout) return `The server did not answer within ${mcpConnectTimeoutMs / 1000} seconds.`;
  const status = statusOf(error);
  if (status === 401 || status === 403) return `The server refused the credentials (HTTP ${status}).`;
  if (status !== undefined) return `The server answered HTTP ${status}.`;
  if (error instanceof UnauthorizedError) return 'The server wants you to sign in again.';
  if (error instanceof TypeError) return 'The server could not be reached.';
  if (error instanceof SdkError && error.code === SdkErrorCode.ConnectionClosed) return 'The server closed the connection.';
  return 'The server could not be reached, or does not speak MCP.';
}

async function withTimeout<Result>(work: Promise<Result>, timeoutMs: number, onTimeout: () => void): Promise<Result> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new ConnectTimeout());
    }, timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The remote MCP servers a person adds. Each is reached with the official MCP client (Streamable
 * HTTP, or the older HTTP+SSE transport where that is all a server speaks), authenticated by headers
 * the person gave or by OAuth (the SDK's, over `SealedOAuthProvider`). One client per server is kept
 * in memory and made again when needed after a restart. Its tools are offered through `ToolProvider`;
 * a server that goes away becomes `unavailable`, its calls answer an error the model reads, and it is
 * reconnected by a scheduled job with backoff and lazily when tools are listed.
 */
export function createMcpCapability(
  host: CapabilityHost,
  dependencies: {
    /** What the transports fetch with: the outbound URL guard plugs in here. */
    fetch?: typeof fetch;
    /** The tools capability's views (with the person's switches), read when a server is shown. */
    describeTools?: () => Promise<readonly ToolView[]>;
  } = {},
) {
  const store = new McpServerStore(host.sql, host.vault);
  const scheduler = host.scheduler('mcp');
  const outboundFetch: typeof fetch = dependencies.fetch ?? ((input, init) => fetch(input, init));
  const connections = new Map<string, Connection>();
  const attempts = new SingleFlight();

  function transportFor(server: McpServerRecord, kind: McpTransportKind, provider: SealedOAuthProvider | undefined) {
    const options = {
      fetch: outboundFetch,
      ...(provider ? { authProvider: provider } : {}),
      ...(Object.keys(server.headers).length > 0 ? { requestInit: { headers: server.headers } } : {}),
    };
    return kind === 'sse' ? new SSEClientTransport(new URL(server.url), options) : new StreamableHTTPClientTransport(new URL(server.url), options);
  }

  function oauthProviderFor(server: McpServerRecord): SealedOAuthProvider | undefined {
    // A server given headers authenticates with them; any other may ask for OAuth when first reached.
    if (server.auth === 'headers' || !server.redirectUrl) return undefined;
    return new SealedOAuthProvider(
      store,
      { id: server.id, redirectUrl: server.redirectUrl },
      { userId: host.userId, masterKey: () => host.config().MASTER_KEY, now: () => host.now() },
    );
  }

  async function readTools(client: Client): Promise<KnownMcpTool[]> {
    const tools: KnownMcpTool[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor ? { cursor } : undefined);
      for (const tool of page.tools) {
        tools.push({
          name: tool.name,
          title: tool.title,
          description: tool.description,
          inputSchema: tool.inputSchema as Record<string, unknown>,
          annotations: tool.annotations,
        });
      }
      cursor = page.nextCursor;
    } while (cursor && tools.length < 500);
    return tools;
  }

  async function revokeAfterDelete(serverUrl: string, client: StoredOAuthClientInformation | undefined, tokens: StoredOAuthTokens): Promise<void> {
    const outcome = await withTimeout(revokeMcpTokens(serverUrl, client, tokens, outboundFetch), mcpConnectTimeoutMs, () => undefined).catch(
      (): RevocationOutcome => ({ failed: 'timeout' }),
    );
    if ('revoked' in outcome) return;
    // The host is not logged: it is the person's choice of server, and could say what they use.
    log.warn('mcp tokens not revoked', { userId: host.userId, ...('failed' in outcome ? { cause: outcome.failed } : { skipped: outcome.skipped }) });
  }

  async function closeConnection(serverId: string): Promise<void> {
    const connection = connections.get(serverId);
    connections.delete(serverId);
    await connection?.client.close().catch(() => undefined);
  }

  /**
   * Connects to a server (again), reads its tools, and records how it went. Never throws for the
   * server's own failures: they become the state and its reason. Overlapping attempts share one.
   */
  function connect(serverId: string): Promise<Attempt> {
    return attempts.run(serverId, async (): Promise<Attempt> => {
      const server = await store.get(serverId);
      if (!server) return { server: undefined, retryable: false };
      await closeConnection(serverId);
      const provider = oauthProviderFor(server);
      const kinds: McpTransportKind[] = server.transport
        ? [server.transport, ...(['streamable-http', 'sse'] as const).filter((kind) => kind !== server.transport)]
        : ['streamable-http', 'sse'];
      let firstError: unknown;
      for (const kind of kinds) {
        const transport = transportFor(server, kind, provider);
        // A server that adds or drops tools while connected says so (`notifications/tools/list_changed`,
        // only if it declared `tools.listChanged`): the SDK debounces the notices, and the list is read
        // again here, paged and capped like the first, rather than by the SDK's own single-page refresh.
        const client = new Client(
          { name: 'Kindred', version: '1.0.0' },
          { listChanged: { tools: { autoRefresh: false, onChanged: () => host.waitUntil(toolsChanged(serverId, client, kind)) } } },
        );
        try {
          const tools = await withTimeout(
            client.connect(transport).then(() => readTools(client)),
            mcpConnectTimeoutMs,
            () => void transport.close().catch(() => undefined),
          );
          connections.set(serverId, { client, transport, oauth: provider });
          transport.onclose = () => {
            if (connections.get(serverId)?.transport === transport) connections.delete(serverId);
          };
          await store.setState(serverId, { state: 'ready', reason: null, authorizationUrl: null, tools, transport: kind, now: host.now() });
          return { server: await store.get(serverId), retryable: false };
        } catch (error) {
          await client.close().catch(() => undefined);
          if (provider?.authorizationUrl) {
            await store.setState(serverId, {
              state: 'needs-sign-in',
              reason: 'The server wants you to sign in.',
              authorizationUrl: provider.authorizationUrl.href,
              transport: kind,
              now: host.now(),
            });
            return { server: await store.get(serverId), retryable: false };
          }
          firstError ??= error;
          // Only a server that answered "no such endpoint" over Streamable HTTP may be an old HTTP+SSE one.
          const status = statusOf(error);
          const worthAnotherTransport = status !== undefined && status >= 400 && status < 500 && status !== 401 && status !== 403;
          if (!worthAnotherTransport) break;
        }
      }
      // A server that worked before has gone away; one that never worked, or now refuses the credentials, has failed.
      const refused = statusOf(firstError) === 401 || statusOf(firstError) === 403 || firstError instanceof UnauthorizedError;
      const state: McpServerState = server.lastConnectedAt !== null && !refused ? 'unavailable' : 'failed';
      await store.setState(serverId, { state, reason: reasonOf(firstError), authorizationUrl: null, now: host.now() });
      log.info('mcp server not connected', { userId: host.userId, serverId, state, error: firstError instanceof Error ? firstError.name : 'unknown' });
      return { server: await store.get(serverId), retryable: !refused };
    });
  }

  /**
   * The server's tools changed while it was connected: they are read again and stored, so the next
   * turn and the Tools screen see them (new ones with the default switch, like any first listing).
   * Ignored once this client is no longer the server's connection; a list that cannot be read keeps
   * the old one, and the next connection reads it afresh anyway.
   */
  async function toolsChanged(serverId: string, client: Client, kind: McpTransportKind): Promise<void> {
    if (connections.get(serverId)?.client !== client) return;
    try {
      const tools = await withTimeout(readTools(client), mcpConnectTimeoutMs, () => undefined);
      if (connections.get(serverId)?.client !== client) return;
      await store.setState(serverId, { state: 'ready', reason: null, authorizationUrl: null, tools, transport: kind, now: host.now() });
    } catch (error) {
      log.info('mcp tools not read again', { userId: host.userId, serverId, error: error instanceof Error ? error.name : 'unknown' });
    }
  }

  /** Connects, and arms the scheduled retry when the server is down (not when it waits for the person or refused the credentials). */
  async function connectOrRetryLater(serverId: string): Promise<McpServerRecord | undefined> {
    const { server, retryable } = await connect(serverId);
    if (server && retryable) await scheduleRetry(serverId);
    return server;
  }

  async function scheduleRetry(serverId: string): Promise<void> {
    const attempt = store.countRetry(serverId);
    // The attempt is in the payload: the job now running (same server) must not be taken for this one.
    await scheduler.schedule(retryDelaySeconds(attempt), 'reconnect', { serverId, attempt }, { idempotent: true });
  }

  /** The server went away during a call: it is `unavailable` until a reconnection brings it back. */
  async function wentAway(serverId: string, error: unknown): Promise<void> {
    await closeConnection(serverId);
    await store.setState(serverId, { state: 'unavailable', reason: reasonOf(error), authorizationUrl: null, now: host.now() });
    await scheduleRetry(serverId);
  }

  async function callTool(serverId: string, toolName: string, input: Record<string, unknown>, context: ToolContext): Promise<JsonValue> {
    let connection = connections.get(serverId);
    if (!connection) {
      // First call since the object started (or since the server came back): connect now, briefly.
      const server = await connectOrRetryLater(serverId);
      connection = connections.get(serverId);
      if (!server || !connection) return { error: `The MCP server is not reachable now: ${server?.reason ?? 'it was removed'}` };
    }
    try {
      const result = await connection.client.callTool(
        { name: toolName, arguments: input },
        { timeout: mcpCallTimeoutMs, ...(context.signal ? { signal: context.signal } : {}) },
      );
      return outputOfMcpResult(result as McpCallResult);
    } catch (error) {
      // The server answered, with a JSON-RPC error (unknown tool, bad arguments): it is still there.
      if (error instanceof ProtocolError) return { error: `The tool refused the call: ${error.message.slice(0, 500)}` };
      if (error instanceof SdkError && error.code === SdkErrorCode.RequestTimeout)
        return { error: `The tool did not answer within ${mcpCallTimeoutMs / 1000} seconds.` };
      if (context.signal?.aborted) return { error: 'The call was stopped.' };
      if (connection.oauth?.authorizationUrl) {
        // The tokens stopped working and could not be refreshed: the person must sign in again.
        await closeConnection(serverId);
        await store.setState(serverId, {
          state: 'needs-sign-in',
          reason: 'The server wants you to sign in again.',
          authorizationUrl: connection.oauth.authorizationUrl.href,
          now: host.now(),
        });
        return { error: "The tool's server wants the person to sign in again (on the Tools screen) before it can be used." };
      }
      await wentAway(serverId, error);
      log.warn('mcp server went away during a call', { userId: host.userId, serverId, error: error instanceof Error ? error.name : 'unknown' });
      return {
        error: "The tool's server went away during the call; it is marked unavailable and will be reconnected. Tell the person it could not be reached.",
      };
    }
  }

  /** Model-name prefixes, unique among the person's servers: a second server of the same name gets part of its id. */
  function slugsOf(servers: readonly McpServerRecord[]): Map<string, string> {
    const taken = new Set<string>();
    const slugs = new Map<string, string>();
    for (const server of servers) {
      let slug = slugOf(server.name);
      if (taken.has(slug))
        slug = `${slug.slice(0, 15)}-${server.id
          .slice(-4)
          .toLowerCase()
          .replace(/[^a-z0-9]/g, 'x')}`;
      taken.add(slug);
      slugs.set(server.id, slug);
    }
    return slugs;
  }

  function toolsOf(server: McpServerRecord, slug: string): Tool[] {
    return server.tools.map((tool) =>
      toKindredTool({ id: server.id, name: server.name, slug }, tool, (input, context) => callTool(server.id, tool.name, input, context)),
    );
  }

  /** A server down for a while is tried again in the background when tools are listed; the listing never waits for it. */
  function retryLazily(servers: readonly McpServerRecord[]): void {
    const now = host.now();
    for (const server of servers) {
      const down = server.state === 'unavailable' || server.state === 'failed' || server.state === 'connecting';
      if (down && (server.lastAttemptAt === null || now - server.lastAttemptAt > lazyRetryIntervalMs))
        host.waitUntil(connect(server.id).catch(() => undefined));
    }
  }

  const provider: ToolProvider = {
    async listTools() {
      try {
        const servers = await store.list();
        retryLazily(servers);
        const slugs = slugsOf(servers);
        return servers.flatMap((server) => toolsOf(server, slugs.get(server.id) ?? 'mcp').map((tool) => ({ tool, available: server.state === 'ready' })));
      } catch (error) {
        log.error('mcp tools not listed', { userId: host.userId, error: error instanceof Error ? error.name : 'unknown' });
        return [];
      }
    },
  };

  /** The tools capability's views of every tool (with the person's switches), read once per answer. */
  const describe = async (): Promise<readonly ToolView[] | undefined> => (dependencies.describeTools ? dependencies.describeTools() : undefined);

  /** A server as the API shows it: header names, never values; no OAuth secret at all. */
  async function view(server: McpServerRecord, described: readonly ToolView[] | undefined): Promise<McpServer> {
    const tools: ToolView[] = described
      ? described.filter((tool) => tool.source.kind === 'mcp' && tool.source.serverId === server.id)
      : toolsOf(server, slugOf(server.name)).map((tool) => defaultToolView(tool, server.state === 'ready'));
    return {
      id: server.id,
      name: server.name,
      url: shownUrl(server.url),
      transport: server.transport,
      auth: server.auth,
      headerNames: Object.keys(server.headers),
      state: server.state,
      reason: server.reason,
      authorizationUrl: server.state === 'needs-sign-in' ? server.authorizationUrl : null,
      tools,
      createdAt: new Date(server.createdAt).toISOString(),
      lastConnectedAt: server.lastConnectedAt === null ? null : new Date(server.lastConnectedAt).toISOString(),
    };
  }

  async function viewOf(serverId: string): Promise<McpServer> {
    const server = await store.get(serverId);
    if (!server) throw notFound();
    return view(server, await describe());
  }

  /**
   * The servers that need nothing secret come back whole (id, name, address, transport, when added)
   * and are connected again once the import has landed, which reads their tools afresh. A server
   * reached with headers or OAuth is left out: the export holds neither header values nor tokens, and
   * a server cannot be given them after it was added. So is one whose address had a query, which the
   * export shortens (`?…`) since a key may sit there.
   */
  async function importServers(document: ImportDocument): Promise<ImportPlan> {
    const servers = document.mcpServers;
    if (!servers) return { imported: {}, write: () => {} };
    const policy = outboundPolicyFromConfig(host.config());
    const leftOut = { secrets: 0, shortened: 0, refused: 0 };
    const writes: (() => void)[] = [];
    const ids: string[] = [];
    for (const [index, server] of servers.entries()) {
      if (server.auth !== 'none' || server.headerNames.length > 0) {
        leftOut.secrets++;
        continue;
      }
      if (server.url.endsWith('?…')) {
        leftOut.shortened++;
        continue;
      }
      const url = URL.canParse(server.url) ? new URL(server.url) : undefined;
      if (!url) throw new AppError('validation_failed', `The import's mcpServers[${index}].url is not an address.`);
      const createdAt = Date.parse(server.createdAt);
      if (Number.isNaN(createdAt)) throw new AppError('validation_failed', `The import's mcpServers[${index}].createdAt is not a time.`);
      // Refused at once, as adding it would be: the guard would stop every request to it.
      if (!checkOutboundUrl(url, policy).allowed) {
        leftOut.refused++;
        continue;
      }
      writes.push(
        await store.prepareInsert({ id: server.id, name: server.name, url: url.href, headers: {}, transport: server.transport, redirectUrl: null, createdAt }),
      );
      ids.push(server.id);
    }
    const notImported: ImportNote[] = [];
    if (leftOut.secrets > 0)
      notImported.push({
        section: 'mcpServers',
        count: leftOut.secrets,
        reason: 'Header values and sign-ins are never exported: add these MCP servers again in Settings → Tools, with their headers or signing in.',
      });
    if (leftOut.shortened > 0)
      notImported.push({
        section: 'mcpServers',
        count: leftOut.shortened,
        reason: 'The export shortens an address with a query (it may hold a key): add these MCP servers again with their full address.',
      });
    if (leftOut.refused > 0)
      notImported.push({ section: 'mcpServers', count: leftOut.refused, reason: 'This Kindred does not allow connecting to these addresses.' });
    return {
      imported: { mcpServers: ids.length },
      notImported,
      write: () => {
        for (const write of writes) write();
      },
      // Each connects on its own; one that is down is retried later like any other.
      settle: async () => {
        await Promise.all(ids.map((id) => connectOrRetryLater(id)));
      },
    };
  }

  return {
    name: 'mcp',
    schema: mcpSchemaSteps,
    /** Given to the tools capability as one of its `providers`. */
    provider,
    listTools: provider.listTools,
    rpc: {
      /**
       * `POST /tools/mcp-servers`: kept whatever happens, then connected at once; an unreachable server
       * is kept as `failed` with the reason, and retried later. `redirectUrl` is where OAuth sends the
       * person back (the Worker's callback).
       */
      async add(body: AddMcpServerBody, redirectUrl: string): Promise<McpServer> {
        const url = new URL(body.url);
        if (url.username || url.password) throw new AppError('validation_failed', 'Give credentials as headers, not in the URL.');
        // Refused at once rather than kept as a server that can never connect: the guard would stop every request to it.
        const check = checkOutboundUrl(url, outboundPolicyFromConfig(host.config()));
        if (!check.allowed) throw new AppError('url_not_allowed', check.message);
        const id = await store.insert({ name: body.name, url: url.href, headers: body.headers ?? {}, redirectUrl, now: host.now() });
        await connectOrRetryLater(id);
        return viewOf(id);
      },
      async list(): Promise<McpServer[]> {
        const described = await describe();
        return Promise.all((await store.list()).map((server) => view(server, described)));
      },
      get: (serverId: string): Promise<McpServer> => viewOf(serverId),
      /**
       * Forgets the server, its secrets and its tools; its pending retry finds nothing and stops. OAuth
       * tokens it held are then revoked at its authorization server, in the background and best effort:
       * the server is gone from Kindred whatever that server answers.
       */
      async delete(serverId: string): Promise<null> {
        const server = await store.get(serverId);
        if (!server) throw notFound();
        const provider = oauthProviderFor(server);
        const [tokens, client] = provider ? await Promise.all([provider.tokens(), provider.clientInformation()]) : [undefined, undefined];
        await closeConnection(serverId);
        if (!store.delete(serverId)) throw notFound();
        if (tokens) host.waitUntil(revokeAfterDelete(server.url, client, tokens));
        return null;
      },
      /** `POST /tools/mcp-servers/{id}/reconnect`: tries now, whatever the state. */
      async reconnect(serverId: string): Promise<McpServer> {
        if (!(await store.get(serverId))) throw notFound();
        await connectOrRetryLater(serverId);
        return viewOf(serverId);
      },
      /**
       * The OAuth callback, once the Worker has opened the state: the nonce must be the one this server's
       * latest sign-in was given (so each state works once), then the SDK trades the code (with the PKCE
       * verifier) for tokens, and the server is connected.
       */
      async completeSignIn(serverId: string, nonce: string, callbackParams: Record<string, string>): Promise<McpServer> {
        const server = await store.get(serverId);
        if (!server) throw notFound();
        const expected = await store.readSecret(serverId, 'nonce');
        if (!expected || expected !== nonce)
          throw new AppError('invalid_oauth_state', 'This sign-in was not started here, was already used, or was replaced by a newer one: start again.');
        await store.writeSecret(serverId, 'nonce', null);
        const oauth = oauthProviderFor(server);
        if (!oauth) throw new AppError('invalid_oauth_state', 'This server does not sign in with OAuth.');
        const transport = transportFor(server, server.transport ?? 'streamable-http', oauth);
        try {
          await transport.finishAuth(new URLSearchParams(callbackParams));
        } catch (error) {
          await store.setState(serverId, {
            state: 'failed',
            reason: 'Signing in did not work: the server refused the code.',
            authorizationUrl: null,
            now: host.now(),
          });
          log.warn('mcp sign-in not finished', { userId: host.userId, serverId, error: error instanceof Error ? error.name : 'unknown' });
          return viewOf(serverId);
        } finally {
          await transport.close().catch(() => undefined);
        }
        await store.writeSecret(serverId, 'verifier', null);
        await connectOrRetryLater(serverId);
        return viewOf(serverId);
      },
    },
    jobs: {
      /** Scheduled reconnection, with backoff until the server answers or is removed. */
      async reconnect(payload: { serverId: string; attempt?: number }): Promise<void> {
        const server = await store.get(payload.serverId);
        if (!server || server.state === 'ready' || server.state === 'needs-sign-in') return;
        await connectOrRetryLater(payload.serverId);
      },
    },
    /** The servers, without header values, OAuth client information or tokens (they never leave the object). */
    async exportData(): Promise<{ mcpServers: McpServer[] }> {
      const described = await describe();
      return { mcpServers: await Promise.all((await store.list()).map((server) => view(server, described))) };
    },
    holdsData: async (): Promise<boolean> => store.ids().length > 0,
    importData: importServers,
    reset(): void {
      for (const serverId of [...connections.keys()]) void closeConnection(serverId);
    },
  } satisfies Capability;
}

export type McpCapability = ReturnType<typeof createMcpCapability>;

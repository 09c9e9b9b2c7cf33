import { getAgentByName } from 'agents';
import type { ImportReport } from '../common/import.ts';
import type { ExportHead } from '../common/protocol.ts';
import type { CompanionAgent, CompanionRpc } from '../durable-objects/companion-agent.ts';
import type { Env } from '../server/env.ts';
import { type Outcome, unwrapOutcome } from '../server/errors/outcome.ts';

/** A capability's RPC methods as the Worker calls them: every one answers a promise of its value. */
type Remote<Rpc> = {
  readonly [Method in keyof Rpc]: Rpc[Method] extends (...args: infer Args) => infer Result ? (...args: Args) => Promise<Awaited<Result>> : never;
};

/**
 * The user's companion object as the Worker sees it: `companion.memory.list(query)` and so on for
 * every capability, typed from the capabilities themselves, so a new capability needs no change here.
 * Expected failures arrive as the AppError the capability threw.
 */
export type CompanionClient = { readonly [Name in keyof CompanionRpc]: Remote<CompanionRpc[Name]> } & {
  /** The export document as JSON text, streamed: see `CompanionAgent.exportDocument`. */
  exportDocument(head: ExportHead): Promise<ReadableStream<Uint8Array>>;
  destroyUserData(): Promise<void>;
  /** `POST /me/import`: see `CompanionAgent.importDocument`. */
  importDocument(source: ReadableStream<Uint8Array>): Promise<ImportReport>;
  /** Master key rotation: see `CompanionAgent.rewrapDataKey`. */
  rewrapDataKey(): Promise<'rewrapped' | 'current' | 'none'>;
  endSession(session: string): Promise<void>;
  fetch(request: Request): Promise<Response>;
};

/**
 * The stub's own mapped RPC types recurse without end over JSON values (tool inputs and outputs), so
 * calls go through the object's one `invoke` entry, whose types come from `CompanionRpc`.
 */
interface CompanionStub {
  invoke(capability: string, method: string, args: unknown[]): Promise<Outcome<unknown>>;
  exportDocument(head: ExportHead): Promise<ReadableStream<Uint8Array>>;
  importDocument(source: ReadableStream<Uint8Array>): Promise<Outcome<ImportReport>>;
  destroyUserData(): Promise<void>;
  rewrapDataKey(): Promise<'rewrapped' | 'current' | 'none'>;
  endSession(session: string): Promise<void>;
  fetch(request: Request): Promise<Response>;
}

/** The user's own companion object. Only ever called with an id the Worker authenticated. */
export async function companionOf(env: Env, userId: string): Promise<CompanionClient> {
  const namespace = env.COMPANION as unknown as DurableObjectNamespace<CompanionAgent>;
  const stub = (await getAgentByName<Env, CompanionAgent>(namespace, userId)) as unknown as CompanionStub;
  const capabilities = new Map<string, object>();
  const capability = (name: string): object => {
    let remote = capabilities.get(name);
    if (!remote) {
      remote = new Proxy(
        {},
        {
          get: (_target, method) =>
            typeof method === 'string' ? async (...args: unknown[]) => unwrapOutcome(await stub.invoke(name, method, args)) : undefined,
        },
      );
      capabilities.set(name, remote);
    }
    return remote;
  };
  const client = {
    exportDocument: (head: ExportHead) => stub.exportDocument(head),
    importDocument: async (source: ReadableStream<Uint8Array>) => unwrapOutcome(await stub.importDocument(source)),
    destroyUserData: () => stub.destroyUserData(),
    rewrapDataKey: () => stub.rewrapDataKey(),
    endSession: (session: string) => stub.endSession(session),
    fetch: (request: Request) => stub.fetch(request),
  };
  // `then` must stay undefined: this object is the value of a promise, and a `then` would make it look like one.
  return new Proxy(client, {
    get: (target, name) => (typeof name !== 'string' || name === 'then' || Object.hasOwn(target, name) ? Reflect.get(target, name) : capability(name)),
  }) as unknown as CompanionClient;
}

/**
 * The user's sessions capability alone, for the session check every authenticated request makes
 * (`worker/auth/user-sessions.ts`). It takes the plain stub, without the agents SDK's set-up call that
 * `companionOf` makes first (`__unsafe_ensureInitialized`, one more round trip to the object): the
 * check reads one table and needs nothing of the object's start-up, and the object's name comes from
 * its id. The route the request goes on to reaches the object through `companionOf`, which starts it.
 */
export function sessionsOf(env: Env, userId: string): CompanionClient['sessions'] {
  const namespace = env.COMPANION as unknown as DurableObjectNamespace<CompanionAgent>;
  const stub = namespace.get(namespace.idFromName(userId)) as unknown as CompanionStub;
  return new Proxy({} as CompanionClient['sessions'], {
    get: (_target, method) =>
      typeof method === 'string' && method !== 'then' ? async (...args: unknown[]) => unwrapOutcome(await stub.invoke('sessions', method, args)) : undefined,
  });
}

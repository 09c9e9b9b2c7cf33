import { Agent, type Connection, type ConnectionContext, type WSMessage } from 'agents';
import type { ImportReport } from '../common/import.ts';
import { type ExportHead, pingFrame, pongFrame } from '../common/protocol.ts';
import { readConfig } from '../server/config/config.ts';
import type { Env } from '../server/env.ts';
import { type Outcome, outcomeOf } from '../server/errors/outcome.ts';
import { log } from '../server/logging/log.ts';
import type { ChatModel } from '../server/providers/chat/chat-model.ts';
import { chatModelFromConfig } from '../server/providers/from-config.ts';
import { buildCapabilities, type Capabilities } from './capabilities.ts';
import { AccountDataHost } from './host/account-data.ts';
import type { Capability, CapabilityHost, ClientConnection, JobPayload, LiveConnections } from './host/capability.ts';
import {
  type ConnectionState,
  channelHeader,
  connectionStateFrom,
  frameError,
  OpenConnections,
  readClientFrame,
  sessionEndedCloseCode,
  sessionExpiresHeader,
  sessionHeader,
  sessionLive,
  toClientConnection,
  userIdHeader,
} from './host/connections.ts';
import type { Written } from './host/export-document.ts';
import { hostSchemaSteps, migrateObjectSchema, orderSchemaSteps, type SchemaStep } from './host/schema/migrate.ts';
import { configuredMasterKeys, UserVault } from './host/user-vault.ts';

export { channelHeader, sessionExpiresHeader, sessionHeader, userIdHeader };

/** A job as the SDK's scheduler stores it: which capability's job, and its payload. */
interface ScheduledJob {
  capability: string;
  job: string;
  payload: JobPayload;
}

/**
 * One per user, named by the user id, reached only through the Worker after authentication. A small
 * host: it builds the capabilities (`capabilities.ts`), migrates their schema, and dispatches RPC
 * calls, realtime frames and scheduled jobs to them. What the companion can do lives in the
 * capability folders, each of which sees the object only through `CapabilityHost`.
 */
export class CompanionAgent extends Agent<Env> {
  readonly #vault: UserVault;
  readonly #capabilities: Capabilities;
  /** The same capabilities as one list, in build order, for what the host asks of every one. */
  readonly #all: readonly Capability[];
  readonly #byName: ReadonlyMap<string, Capability>;
  readonly #runningJobs = new Set<Promise<void>>();
  /** What spans every capability's data: the export document, import, and the restore's clearing. */
  readonly #accountData: AccountDataHost;
  readonly #frameHandlers = new Map<string, NonNullable<Capability['frames']>[keyof NonNullable<Capability['frames']>]>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const userId = ctx.id.name ?? ctx.id.toString();
    this.#vault = new UserVault(ctx.storage.sql, userId, configuredMasterKeys(env));
    // The capabilities are read when an export, import or restore runs, after they are all built.
    this.#accountData = new AccountDataHost({ userId, storage: ctx.storage, capabilities: () => this.#all });
    this.#capabilities = buildCapabilities(this.#host(userId), this.#accountData);
    this.#all = Object.values(this.#capabilities);
    this.#byName = new Map(this.#all.map((capability) => [capability.name, capability]));
    for (const capability of this.#all) {
      for (const [type, handler] of Object.entries(capability.frames ?? {})) this.#frameHandlers.set(type, handler);
    }
    migrateObjectSchema(ctx.storage.sql, this.schemaSteps());
    // The apps ping every 20 s to keep their socket open. The runtime answers that exact frame itself,
    // so a ping never wakes a hibernating object: with the object answering, each ping rebuilt it
    // (capabilities, schema check), which at 2,000 open sockets was most of the CPU.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(pingFrame, pongFrame));
  }

  /**
   * Every step of the object's schema, by version: the frozen early ones and those each capability
   * owns. Throws on a gap or a repeated number, as the migrator would.
   */
  schemaSteps(): SchemaStep[] {
    return orderSchemaSteps([...hostSchemaSteps, ...this.#all.flatMap((capability) => capability.schema ?? [])]);
  }

  /**
   * The one RPC entry the Worker calls (see `worker/companion-stub.ts`): a capability's method by
   * name. Expected failures come back as values, because RPC keeps only an error's message.
   */
  async invoke(capabilityName: string, method: string, args: unknown[]): Promise<Outcome<unknown>> {
    const rpc = this.#byName.get(capabilityName)?.rpc as Record<string, unknown> | undefined;
    const handler = rpc && Object.hasOwn(rpc, method) ? rpc[method] : undefined;
    if (typeof handler !== 'function') throw new Error(`The companion has no RPC method ${capabilityName}.${method}.`);
    return outcomeOf(async () => handler(...args));
  }

  /**
   * Everything this object holds about the user, decrypted: the export document, `head` (what the
   * Worker knows) first, then each capability's part. It is written as it is read, so a user with
   * years of messages and file versions never has them all in memory at once.
   */
  async exportDocument(head: ExportHead): Promise<ReadableStream<Uint8Array>> {
    return this.#accountData.document(head);
  }

  /** `POST /me/import`: see `AccountDataHost.importFrom`. Expected failures come back as values, as from `invoke`. */
  async importDocument(source: ReadableStream<Uint8Array>): Promise<Outcome<ImportReport>> {
    return outcomeOf(() => this.#accountData.importFrom(source));
  }

  /**
   * Master key rotation: wraps this user's data key by the current master key if a previous one
   * wrapped it. Only the key is touched, never content; safe to call any number of times.
   */
  async rewrapDataKey(): Promise<'rewrapped' | 'current' | 'none'> {
    return this.#vault.rewrap();
  }

  /**
   * Crypto-shredding: the wrapped data key goes with the rest of the storage, so whatever a backup
   * still holds of this user can never be decrypted again. Data outside the object goes first.
   */
  async destroyUserData(): Promise<void> {
    for (const connection of this.getConnections()) connection.close(4000, 'account deleted');
    for (const capability of this.#all) await capability.destroyExternalData?.();
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    // Not ctx.abort(): that would fail the caller's RPC too. The account is gone, so nothing can
    // address this object again; until it is evicted it holds empty tables and no key.
    this.#vault.forget();
    for (const capability of this.#all) capability.reset?.();
    migrateObjectSchema(this.ctx.storage.sql, this.schemaSteps());
  }

  /** Where every scheduled or queued job comes back: the SDK calls methods of the object by name, and this is the one name. */
  async runJob(scheduled: ScheduledJob): Promise<void> {
    const job = this.#byName.get(scheduled.capability)?.jobs?.[scheduled.job];
    if (!job) {
      log.warn('unknown job dropped', { userId: this.name, capability: scheduled.capability, job: scheduled.job });
      return;
    }
    const running = job(scheduled.payload);
    this.#runningJobs.add(running);
    try {
      await running;
    } finally {
      this.#runningJobs.delete(running);
    }
  }

  /**
   * Resolves once no job is running. The SDK's alarm may return while a long job goes on, so tests that
   * fire the alarm wait here for the work to be done rather than for time to pass.
   */
  async jobsSettled(): Promise<void> {
    while (this.#runningJobs.size > 0) await Promise.allSettled([...this.#runningJobs]);
  }

  // --- realtime ----------------------------------------------------------------------------------

  /**
   * The SDK calls this once per start of the object (first request, alarm or socket after a restart,
   * an eviction or a deploy): each capability recovers what a restart cut off. A capability that
   * fails to is logged and does not stop the others, nor the object.
   */
  override async onStart(): Promise<void> {
    for (const capability of this.#all) {
      await capability.onStart?.().catch((error: unknown) => {
        log.error('capability start failed', { capability: capability.name, cause: error instanceof Error ? error.message : 'unknown' });
      });
    }
  }

  override shouldSendProtocolMessages(): boolean {
    return false;
  }

  override onConnect(connection: Connection, context: ConnectionContext): void {
    if (context.request.headers.get(userIdHeader) !== this.name) {
      connection.close(1008, 'not authenticated for this companion');
      return;
    }
    const state = connectionStateFrom(context.request.headers);
    if (!sessionLive(state, Date.now())) {
      connection.close(sessionEndedCloseCode, 'session ended');
      return;
    }
    connection.setState(state);
    const client = toClientConnection(connection);
    for (const capability of this.#all) {
      if (!capability.onConnect) continue;
      const hello = capability.onConnect(client).catch((error: unknown) => {
        log.warn('connect hook failed', { userId: this.name, capability: capability.name, error: error instanceof Error ? error.name : 'unknown' });
      });
      this.ctx.waitUntil(hello);
    }
  }

  /** A socket closed: each capability forgets what it kept for that connection. */
  override onClose(connection: Connection): void {
    for (const capability of this.#all) capability.onDisconnect?.(connection.id);
  }

  /** Sign-out: every socket the session opened closes, on every device, so none goes on acting as the user. */
  async endSession(session: string): Promise<void> {
    for (const connection of this.getConnections<ConnectionState>()) {
      if (connection.state?.session === session) connection.close(sessionEndedCloseCode, 'signed out');
    }
  }

  override async onMessage(connection: Connection, message: WSMessage): Promise<void> {
    const client = toClientConnection(connection);
    if (!sessionLive(connection.state, Date.now())) {
      client.send(frameError('session_ended', 'Your session has ended. Sign in again.'));
      connection.close(sessionEndedCloseCode, 'session ended');
      return;
    }
    const read = readClientFrame(message);
    if ('error' in read) return client.send(read.error);
    const frame = read.frame;
    // A ping spelled otherwise than `pingFrame` (spaces, key order) still gets its answer here.
    if (frame.type === 'ping') return client.send(pongFrame);
    const handler = this.#frameHandlers.get(frame.type) as ((frame: unknown, connection: ClientConnection) => Promise<void>) | undefined;
    if (!handler) return client.send(frameError('invalid_frame', `Frames of type ${frame.type} are not handled.`));
    await handler(frame, client);
  }

  // --- the host slice the capabilities see --------------------------------------------------------

  #host(userId: string): CapabilityHost {
    let chatModel: { model: ChatModel | undefined } | undefined;
    const open = new OpenConnections(
      () => this.ctx.getWebSockets(),
      () => this.getConnections(),
    );
    const connections: LiveConnections = {
      // A socket whose session has expired hears nothing more; its next frame closes it.
      list: () => open.list(Date.now()),
      closeAll: (code, reason) => {
        for (const connection of this.getConnections()) connection.close(code, reason);
      },
    };
    return {
      userId,
      sql: this.ctx.storage.sql,
      vault: this.#vault,
      env: this.env,
      config: () => readConfig(this.env),
      now: () => Date.now(),
      chatModel: () => {
        chatModel ??= { model: chatModelFromConfig(readConfig(this.env), this.env) };
        return chatModel.model;
      },
      connections,
      waitUntil: (promise) => this.ctx.waitUntil(promise),
      scheduler: (capability) => ({
        schedule: async (when, job, payload, options) =>
          (await this.schedule(when, 'runJob', { capability, job, payload } satisfies ScheduledJob, { idempotent: options?.idempotent ?? false })).id,
        cancel: async (scheduleId) => {
          await this.cancelSchedule(scheduleId);
        },
      }),
    };
  }
}

type UnionToIntersection<Union> = (Union extends unknown ? (part: Union) => void : never) extends (part: infer Intersection) => void ? Intersection : never;

/** What the object writes into `GET /me/export`: every capability's part, merged, its lists written out. */
export type UserDataExport = Written<
  UnionToIntersection<{ [Name in keyof Capabilities]: Capabilities[Name] extends { exportData(): Promise<infer Part> } ? Part : never }[keyof Capabilities]>
>;

/** The RPC surface of every capability, by capability name: what `worker/companion-stub.ts` turns into typed calls. */
export type CompanionRpc = {
  [Name in keyof Capabilities as Capabilities[Name] extends { rpc: object } ? Name : never]: Capabilities[Name] extends { rpc: infer Rpc } ? Rpc : never;
};

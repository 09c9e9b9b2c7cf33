import { Agent, type Connection, type ConnectionContext, type WSMessage } from 'agents';
import type { ImportDocument, ImportReport } from '../common/import.ts';
import { clientFrameSchema, type ExportHead, pingFrame, pongFrame } from '../common/protocol.ts';
import { readConfig } from '../server/config/config.ts';
import type { Env } from '../server/env.ts';
import { AppError } from '../server/errors/app-error.ts';
import { failWith, type Outcome, succeed } from '../server/errors/outcome.ts';
import { log } from '../server/logging/log.ts';
import type { ChatModel } from '../server/providers/chat/chat-model.ts';
import { chatModelFromConfig } from '../server/providers/from-config.ts';
import { buildCapabilities, type Capabilities } from './capabilities.ts';
import type { AccountData, InternalDocumentHead } from './host/account-data.ts';
import type { Capability, CapabilityHost, ClientConnection, JobPayload, LiveConnections } from './host/capability.ts';
import {
  type ConnectionState,
  channelHeader,
  connectionStateFrom,
  frameError,
  sessionEndedCloseCode,
  sessionExpiresHeader,
  sessionHeader,
  sessionLive,
  toClientConnection,
  userIdHeader,
} from './host/connections.ts';
import { streamJsonDocument, type Written } from './host/export-document.ts';
import { type ImportPlan, readImportDocument, sectionsPresent, upgradeImportDocument } from './host/import-document.ts';
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
  /** Set while an import runs: a second one would find the account as empty as the first did. */
  #importing = false;
  readonly #frameHandlers = new Map<string, NonNullable<Capability['frames']>[keyof NonNullable<Capability['frames']>]>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const userId = ctx.id.name ?? ctx.id.toString();
    this.#vault = new UserVault(ctx.storage.sql, userId, configuredMasterKeys(env));
    this.#capabilities = buildCapabilities(this.#host(userId), this.#accountData());
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
    try {
      return succeed(await handler(...args));
    } catch (error) {
      if (error instanceof AppError) return failWith(error);
      throw error;
    }
  }

  /**
   * Everything this object holds about the user, decrypted: the export document, `head` (what the
   * Worker knows) first, then each capability's part. It is written as it is read, so a user with
   * years of messages and file versions never has them all in memory at once.
   */
  async exportDocument(head: ExportHead): Promise<ReadableStream<Uint8Array>> {
    return this.#documentOf(head);
  }

  async #documentOf(head: ExportHead | InternalDocumentHead): Promise<ReadableStream<Uint8Array>> {
    const document: Record<string, unknown> = { ...head };
    for (const capability of this.#all) {
      for (const [section, value] of Object.entries((await capability.exportData?.()) ?? {})) {
        // Two capabilities naming the same section would silently overwrite one another's data.
        if (Object.hasOwn(document, section)) throw new Error(`Two parts of the export are both named "${section}".`);
        document[section] = value;
      }
    }
    return streamJsonDocument(document, { userId: this.name });
  }

  /**
   * `POST /me/import`: the export document in `source` (JSON, any format version) brought into this
   * account, which must hold nothing of the person's yet. Every capability prepares its sections, then
   * all of them are written in one storage transaction, so the import lands whole or not at all; only
   * then are jobs scheduled and the search index built. One import at a time.
   */
  async importDocument(source: ReadableStream<Uint8Array>): Promise<Outcome<ImportReport>> {
    try {
      return succeed(
        await this.#exclusively(async () => {
          const { document, fromVersion } = upgradeImportDocument(await readImportDocument(source));
          return this.#importInto(document, fromVersion);
        }),
      );
    } catch (error) {
      if (error instanceof AppError) return failWith(error);
      throw error;
    }
  }

  /** One import or restore at a time: a second one would find the account as empty as the first did. */
  async #exclusively<Result>(work: () => Promise<Result>): Promise<Result> {
    if (this.#importing) throw new AppError('import_in_progress', 'An import or a restore is already running in this account.');
    this.#importing = true;
    try {
      return await work();
    } finally {
      this.#importing = false;
    }
  }

  /** The host's part the backups capability uses: see `AccountData`. Its methods are called only after construction. */
  #accountData(): AccountData {
    return {
      document: (head) => this.#documentOf(head),
      exclusively: (work) => this.#exclusively(work),
      replaceWith: async (document, fromVersion) => {
        await this.#clearForRestore();
        return this.#importInto(document, fromVersion);
      },
    };
  }

  /**
   * Restoring a backup: the person's data goes — what lives outside the object, every row of every
   * capability's table — and the account stays: the data key (`user_keys`, so the backups stay
   * readable), the schema version, and the Agents SDK's own tables with the scheduled jobs. Not
   * `deleteAll`, which would take those too. Jobs are kept because every job already does nothing when
   * what it was for is gone or changed (a reminder's job checks its id and due time), and the import
   * arms, idempotently, those of what it brings back; recurring ones (the backups' own) go on. Rows go
   * in one transaction.
   */
  async #clearForRestore(): Promise<void> {
    for (const capability of this.#all) await capability.destroyExternalData?.('restore');
    const sql = this.ctx.storage.sql;
    const kept = new Set([...keptOnRestore, ...this.#all.flatMap((capability) => capability.keptOnRestore ?? [])]);
    const tables = personTables(sql.exec<{ name: string; sql: string | null }>("SELECT name, sql FROM sqlite_master WHERE type = 'table'").toArray(), kept);
    this.ctx.storage.transactionSync(() => {
      for (const table of tables) sql.exec(`DELETE FROM "${table}"`);
    });
    for (const capability of this.#all) capability.reset?.();
  }

  async #importInto(document: ImportDocument, fromVersion: number): Promise<ImportReport> {
    for (const capability of this.#all) {
      if (await capability.holdsData?.()) {
        throw new AppError('account_not_empty', 'This account already holds data of its own. An export can only be brought into an empty account.');
      }
    }
    const plans: ImportPlan[] = [];
    try {
      for (const capability of this.#all) if (capability.importData) plans.push(await capability.importData(document));
      this.ctx.storage.transactionSync(() => {
        for (const plan of plans) plan.write();
      });
    } catch (failure) {
      // A document that passed its schema can still name one item twice; that is the document's fault, not ours.
      const error =
        failure instanceof Error && /constraint failed/i.test(failure.message)
          ? new AppError('validation_failed', 'The import names the same item twice (two with one id). Send the document `GET /me/export` gave, unchanged.')
          : failure;
      log.error('import_failed', { userId: this.name, error: error instanceof Error ? error.name : typeof error });
      for (const plan of plans) await plan.abandon?.().catch(() => undefined);
      // The transaction rolled back; what the capabilities cached while writing must go with it.
      for (const capability of this.#all) capability.reset?.();
      throw error;
    }
    for (const plan of plans) {
      await plan.settle?.().catch((error: unknown) => {
        log.error('import_settle_failed', { userId: this.name, error: error instanceof Error ? error.name : typeof error });
      });
    }
    const imported = Object.assign({}, ...plans.map((plan) => plan.imported)) as Record<string, number>;
    const notImported = plans.flatMap((plan) => plan.notImported ?? []);
    const named = new Set([...Object.keys(imported), ...notImported.map((note) => note.section)]);
    for (const section of sectionsPresent(document)) {
      if (!named.has(section)) notImported.push({ section, count: 0, reason: 'This version of Kindred does not bring this part of an export back.' });
    }
    log.info('import_done', { userId: this.name, fromVersion });
    return { formatVersion: fromVersion, imported, notImported };
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
    if (typeof message !== 'string') return client.send(frameError('invalid_frame', 'Frames must be JSON text.'));
    let frame: unknown;
    try {
      frame = JSON.parse(message);
    } catch {
      return client.send(frameError('invalid_frame', 'The frame is not valid JSON.'));
    }
    const parsed = clientFrameSchema.safeParse(frame);
    if (!parsed.success) {
      const tooLong = parsed.error.issues.some((issue) => issue.code === 'too_big' && issue.path.join('.') === 'text');
      const details = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'frame'}: ${issue.message}`).join('; ');
      return client.send(frameError(tooLong ? 'message_too_long' : 'validation_failed', `The frame is not valid: ${details}.`));
    }
    // A ping spelled otherwise than `pingFrame` (spaces, key order) still gets its answer here.
    if (parsed.data.type === 'ping') return client.send(pongFrame);
    const handler = this.#frameHandlers.get(parsed.data.type) as ((frame: unknown, connection: ClientConnection) => Promise<void>) | undefined;
    if (!handler) return client.send(frameError('invalid_frame', `Frames of type ${parsed.data.type} are not handled.`));
    await handler(parsed.data, client);
  }

  // --- the host slice the capabilities see --------------------------------------------------------

  #host(userId: string): CapabilityHost {
    let chatModel: { model: ChatModel | undefined } | undefined;
    const connections: LiveConnections = {
      // A socket whose session has expired hears nothing more; its next frame closes it.
      list: () =>
        Array.from(this.getConnections())
          .filter((connection) => sessionLive(connection.state, Date.now()))
          .map(toClientConnection),
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

/** Tables the restore keeps: the data key, the schema version. The SDK's (`cf_…`) and SQLite's own are never the person's data. */
const keptOnRestore = new Set(['user_keys', 'kindred_schema']);

/**
 * The tables that hold the person's data, from `sqlite_master`: every capability's, less those kept.
 * Full-text tables are cleared through themselves, never through their shadow tables, and `fts5vocab`
 * views over them hold nothing of their own (and refuse a DELETE).
 */
function personTables(tables: readonly { name: string; sql: string | null }[], kept: ReadonlySet<string>): string[] {
  const virtual = tables.filter((table) => /^CREATE VIRTUAL TABLE/i.test(table.sql ?? ''));
  const fullText = virtual.filter((table) => /USING\s+fts5\s*\(/i.test(table.sql ?? '')).map((table) => table.name);
  const views = new Set(virtual.filter((table) => /USING\s+fts5vocab/i.test(table.sql ?? '')).map((table) => table.name));
  return tables
    .map((table) => table.name)
    .filter(
      (name) =>
        !kept.has(name) &&
        !name.startsWith('cf_') &&
        !name.startsWith('_cf_') &&
        !name.startsWith('sqlite_') &&
        !views.has(name) &&
        !fullText.some((owner) => name.startsWith(`${owner}_`)),
    );
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

import type { ImportDocument } from '../../common/import.ts';
import type { ClientFrame } from '../../common/protocol.ts';
import type { Config } from '../../server/config/config.ts';
import type { Env } from '../../server/env.ts';
import type { ChatModel } from '../../server/providers/chat/chat-model.ts';
import type { Tool } from '../tools/tool.ts';
import type { ImportPlan } from './import-document.ts';
import type { SchemaStep } from './schema/schema-step.ts';
import type { UserVault } from './user-vault.ts';

/** Work a capability runs later, from the object's own durable schedule: it survives restarts and runs at least once. */
export interface JobScheduler {
  /**
   * Runs this capability's `job` after `when` seconds (or at the date); returns the schedule id, to
   * cancel it. With `idempotent`, a job of the same name and payload already waiting is kept instead.
   */
  schedule(when: number | Date, job: string, payload: JobPayload, options?: { idempotent?: boolean }): Promise<string>;
  cancel(scheduleId: string): Promise<void>;
}

/** Payloads are stored with the schedule, so they are plain JSON with ids in them, never personal text. */
export type JobPayload = Record<string, string | number | boolean | null>;

/** How a live client of this user is reached. */
export interface ClientConnection {
  readonly id: string;
  /** Where the client runs: the turn tells the model, and later outreach picks a channel by it. */
  readonly channel: 'web' | 'mobile';
  /** A JSON text frame, or a binary one (`common/binary-frame.ts`). */
  send(frame: string | Uint8Array<ArrayBuffer>): void;
}

/** The user's open clients. The object only ever holds this one user's connections. */
export interface LiveConnections {
  /** Every open client, listed once: callers sending many frames keep the list rather than asking per frame. */
  list(): ClientConnection[];
  closeAll(code: number, reason: string): void;
}

/**
 * What a capability may use of the object. Capabilities never see the object itself, nor each
 * other's tables: whatever one needs of another comes through that one's interface, given to it
 * where the capabilities are built (`capabilities.ts`).
 */
export interface CapabilityHost {
  /** The user this object belongs to: its name, set by the Worker after authentication. */
  readonly userId: string;
  readonly sql: SqlStorage;
  readonly vault: UserVault;
  /** Bindings (R2, Workers AI, Vectorize); settings come from `config`. */
  readonly env: Env;
  /** The validated configuration. Throws an AppError naming the variable when a value is wrong. */
  config(): Config;
  now(): number;
  /** The chat model the configuration names, made once; undefined when none is configured. */
  chatModel(): ChatModel | undefined;
  /** A scheduler whose jobs come back to the named capability. */
  scheduler(capability: string): JobScheduler;
  readonly connections: LiveConnections;
  /** Keeps the object alive until the promise settles, for work that outlives the call. */
  waitUntil(promise: Promise<unknown>): void;
}

/** A handler for one type of frame a client sends over the realtime socket. */
export type FrameHandler<Frame extends ClientFrame = ClientFrame> = (frame: Frame, connection: ClientConnection) => Promise<void>;

/**
 * One feature of the companion object: its tables (as numbered schema steps), its RPC surface for the
 * Worker, its scheduled jobs, the frames it handles, the tools it gives the model, its part of the
 * export and of account deletion. Building one must not touch SQL: the schema is migrated after every
 * capability has been built, because the steps come from them.
 */
export interface Capability<Rpc extends object = object, Export extends object = object> {
  readonly name: string;
  readonly schema?: readonly SchemaStep[];
  /** Methods the Worker calls. They throw AppError for expected failures; the host turns it into a value that survives RPC. */
  readonly rpc?: Rpc;
  /**
   * Tables of the account rather than of the person's life (who is signed in where): restoring a
   * backup clears every other table, and leaves these, so a restore signs nobody out.
   */
  readonly keptOnRestore?: readonly string[];
  // biome-ignore lint/suspicious/noExplicitAny: each job validates its own payload; the map is keyed by name only.
  readonly jobs?: Readonly<Record<string, (payload: any) => Promise<void>>>;
  readonly frames?: { readonly [Type in ClientFrame['type']]?: FrameHandler<Extract<ClientFrame, { type: Type }>> };
  /** The tools this capability gives the model. */
  tools?(): readonly Tool[];
  /** The object has just started (after a restart, an eviction or a deploy): recover what was cut off. */
  onStart?(): Promise<void>;
  /** A client has just connected over the realtime socket (authenticated): what it should hear at once. */
  onConnect?(connection: ClientConnection): Promise<void>;
  /** A client's realtime socket closed (or failed): whatever the capability keeps per connection ends here. */
  onDisconnect?(connectionId: string): void;
  /**
   * Its part of `GET /me/export`, decrypted: one member of the document per section it names. The
   * host merges every capability's part, so a new capability is exported by implementing this alone
   * (and declaring its sections in `exportDocumentSchema`). A long list is an `ExportList`, read while
   * the document is written; plain values are read here, at once.
   */
  exportData?(): Promise<Export>;
  /**
   * `POST /me/import` and restoring a backup: whether the person already has anything of this
   * capability's own. An import goes only into an account where every capability answers false, so two
   * lives are never mixed (what a new account starts with, like the default profile file, is not theirs yet).
   */
  holdsData?(): Promise<boolean>;
  /**
   * Its sections of an imported document (already checked, in the current format; a section may be
   * absent): prepared here — sealed, stored outside the object — and written by the plan's `write`,
   * which the host runs in one transaction with every other capability's. Ids in the document are
   * kept, so what one section names in another (a memory's source messages) still holds.
   */
  importData?(document: ImportDocument): Promise<ImportPlan>;
  /**
   * Remove what lives outside the object (R2, Vectorize) before its storage is wiped: for `account-deleted`
   * (the default), or for `restore`, when a backup replaces the person's data (docs/backups.md) and what
   * keeps the account restorable — its backups — stays.
   */
  destroyExternalData?(reason?: 'account-deleted' | 'restore'): Promise<void>;
  /** After the storage was wiped: forget whatever is kept in memory. */
  reset?(): void;
  /** Besides these, a capability exposes whatever interface the capabilities built after it use. */
  readonly [interfaceMember: string]: unknown;
}

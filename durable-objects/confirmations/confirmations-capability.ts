import type { ImportDocument } from '../../common/import.ts';
import type { Confirmation, ConfirmationAnswered, ConfirmationStatus, ConfirmationSummary, JsonValue, Message, ServerFrame } from '../../common/protocol.ts';
import { createId } from '../../server/crypto/encoding.ts';
import { AppError } from '../../server/errors/app-error.ts';
import { log } from '../../server/logging/log.ts';
import type { CompanionCapability } from '../companion/companion-capability.ts';
import type { ConversationsCapability } from '../conversations/conversations-capability.ts';
import { broadcastFrame } from '../host/broadcast.ts';
import type { Capability, CapabilityHost, ClientConnection } from '../host/capability.ts';
import { exportList } from '../host/export-document.ts';
import type { ImportPlan } from '../host/import-document.ts';
import { ConfirmationStore } from './confirmation-store.ts';
import { confirmationsSchemaSteps } from './schema.ts';

/** How long a request to confirm waits for an answer: a day, so "yes" the next morning still works, and no older plan runs by surprise. */
export const confirmationLifetimeMs = 24 * 3600_000;

/**
 * What a capability that asks for confirmations does once the person answers. It is registered at
 * build time for the action names it asks about, so the action can run long after the turn that proposed it.
 */
export interface ConfirmationHandler {
  /**
   * Does the action, exactly once, from the payload given to `request`; answers the sentence the
   * companion records in the conversation ("Moved “Dentist” to …"). Throwing marks the confirmation
   * `failed` and records the error's message instead: the world may have changed since it was asked.
   */
  accept(payload: JsonValue): Promise<string>;
  /** The short note recorded when the person declines. */
  declined(payload: JsonValue, summary: ConfirmationSummary): string;
}

/** What a capability asks the person to confirm. */
export interface ConfirmationRequest {
  /** A registered action name, `<capability>.<action>`. */
  action: string;
  /** What the handler needs to do the action later: sealed, never shown. */
  payload: JsonValue;
  /** What the card shows: sealed. */
  summary: ConfirmationSummary;
  conversationId: string;
  /** The assistant message whose tool call asked, when it came from a turn. */
  messageId?: string;
}

/** The interface other capabilities use: register handlers while being built, ask during a turn. */
export interface Confirmations {
  register(actions: Readonly<Record<string, ConfirmationHandler>>): void;
  /** Stores the request, announces it to every open client, and sets its expiry. Nothing runs until the person accepts. */
  request(request: ConfirmationRequest): Promise<Confirmation>;
}

const notFound = () =>
  new AppError('confirmation_not_found', 'There is no confirmation waiting with this id: it was answered already, has expired, or never existed.');

/**
 * Confirmations: actions the companion proposes but must not take on its own (moving or cancelling an
 * event; later, tools that ask first). Each waits, sealed, until the person accepts or declines it in
 * the chat (a realtime frame or `POST /confirmations/:id`); one check-and-set lets exactly one answer
 * through, the action runs once, and the outcome is recorded as the companion's message.
 */
export function createConfirmationsCapability(host: CapabilityHost, dependencies: { conversations: ConversationsCapability; companion: CompanionCapability }) {
  const store = new ConfirmationStore(host.sql, host.vault);
  const scheduler = host.scheduler('confirmations');
  const handlers = new Map<string, ConfirmationHandler>();

  const broadcast = (frame: ServerFrame) => broadcastFrame(host, frame);

  const confirmations: Confirmations = {
    register(actions) {
      for (const [action, handler] of Object.entries(actions)) {
        if (handlers.has(action)) throw new Error(`Two capabilities handle the confirmation action ${action}.`);
        handlers.set(action, handler);
      }
    },
    async request(request) {
      if (!handlers.has(request.action)) throw new Error(`No capability handles the confirmation action ${request.action}.`);
      const now = host.now();
      const confirmation = await store.insert({
        action: request.action,
        payload: request.payload,
        summary: request.summary,
        conversationId: request.conversationId,
        messageId: request.messageId ?? null,
        createdAt: now,
        expiresAt: now + confirmationLifetimeMs,
      });
      const scheduleId = await scheduler.schedule(
        new Date(now + confirmationLifetimeMs),
        'expireConfirmation',
        { confirmationId: confirmation.id },
        { idempotent: true },
      );
      store.setScheduleId(confirmation.id, scheduleId);
      broadcast({ type: 'confirmation-request', confirmation });
      return confirmation;
    },
  };

  async function record(conversationId: string, text: string): Promise<Message | null> {
    const conversations = dependencies.conversations.store;
    if (!conversations.exists(conversationId)) return null;
    const companion = await dependencies.companion.settings.companion();
    return conversations.append(
      { id: createId('msg', host.now()), conversationId, role: 'assistant', text, speaker: companion.name, createdAt: host.now() },
      // Indexed with the next turn's batch: the answer stays quick and calls out to nothing.
      { deferIndexing: true },
    );
  }

  async function answer(id: string, accept: boolean): Promise<ConfirmationAnswered> {
    if (!store.claim(id, accept ? 'accepted' : 'declined', host.now())) throw notFound();
    const claimed = (await store.get(id)) as Confirmation;
    const payload = await store.payloadOf(id);
    const handler = handlers.get(claimed.action);
    let text: string;
    if (!accept) {
      text = handler?.declined(payload, claimed.summary) ?? 'Understood: I left it as it is.';
    } else {
      try {
        if (!handler) throw new Error('Kindred can no longer do this.');
        text = await handler.accept(payload);
      } catch (error) {
        store.markFailed(id);
        // The action's own error is written for the person ("It is no longer on your calendar."); anything else is not shown.
        const reason = error instanceof AppError ? error.message : 'Something went wrong on our side.';
        if (!(error instanceof AppError))
          log.error('confirmed action failed', { userId: host.userId, action: claimed.action, cause: error instanceof Error ? error.message : 'unknown' });
        text = `I couldn't do that after all. ${reason}`;
      }
    }
    const message = await record(claimed.conversationId, text);
    const confirmation = (await store.get(id)) as Confirmation;
    broadcast({ type: 'confirmation-resolved', confirmation, message });
    return { confirmation, message };
  }

  async function answerFromSocket(frame: { confirmationId: string; accept: boolean }, connection: ClientConnection): Promise<void> {
    try {
      await answer(frame.confirmationId, frame.accept);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      connection.send(JSON.stringify({ type: 'error', id: error.id, message: error.message, confirmationId: frame.confirmationId } satisfies ServerFrame));
    }
  }

  async function expire(confirmationId: string): Promise<void> {
    if (!store.expire(confirmationId)) return;
    const confirmation = await store.get(confirmationId);
    if (confirmation) broadcast({ type: 'confirmation-resolved', confirmation, message: null });
  }

  /**
   * An export's confirmations, as history. The action's payload is never exported, so none can be
   * carried out here: one still pending comes in expired (it cannot be answered into an action on
   * this account, which never asked it), and the rest keep their answer.
   */
  async function importConfirmations(imported: readonly Confirmation[] | undefined): Promise<ImportPlan> {
    if (!imported) return { imported: {}, write: () => undefined };
    const writes = await Promise.all(
      imported.map(async (confirmation) => {
        const { write } = await store.prepare(
          confirmation.id,
          {
            action: confirmation.action,
            payload: null,
            summary: confirmation.summary,
            conversationId: confirmation.conversationId,
            messageId: confirmation.messageId,
            createdAt: Date.parse(confirmation.createdAt),
            expiresAt: Date.parse(confirmation.expiresAt),
          },
          {
            status: confirmation.status === 'pending' ? 'expired' : confirmation.status,
            answeredAt: confirmation.answeredAt === null ? null : Date.parse(confirmation.answeredAt),
          },
        );
        return write;
      }),
    );
    return {
      imported: { confirmations: imported.length },
      write: () => {
        for (const write of writes) write();
      },
    };
  }

  return {
    name: 'confirmations',
    schema: confirmationsSchemaSteps,
    confirmations,
    rpc: {
      /** Newest first; a client that reconnects asks for the pending ones and shows their cards again. */
      list: (query: { status?: ConfirmationStatus }): Promise<Confirmation[]> => store.list({ status: query.status, now: host.now() }),
      async get(id: string): Promise<Confirmation> {
        return (await store.get(id)) ?? Promise.reject(notFound());
      },
      answer,
    },
    frames: { 'confirmation-answer': answerFromSocket },
    jobs: { expireConfirmation: (payload: { confirmationId: string }) => expire(payload.confirmationId) },
    holdsData: async () => store.hasAny(),
    importData: (document: ImportDocument): Promise<ImportPlan> => importConfirmations(document.confirmations),
    exportData: async () => ({
      confirmations: exportList(() => store.all()),
    }),
  } satisfies Capability;
}

export type ConfirmationsCapability = ReturnType<typeof createConfirmationsCapability>;

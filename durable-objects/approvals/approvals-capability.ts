import { type ApprovalWord, approvalAnswerOf, approvalWordOf } from '../../common/approval-words.ts';
import type { ImportDocument } from '../../common/import.ts';
import type { JsonValue, ServerFrame, StreamEvent } from '../../common/protocol.ts';
import { maxApprovalInputLength, type ToolApproval, type ToolApprovalStatus, type ToolRisk } from '../../common/tools.ts';
import type { Channel } from '../../server/catalog/system-prompt.ts';
import { AppError } from '../../server/errors/app-error.ts';
import { log } from '../../server/logging/log.ts';
import { broadcastFrame } from '../host/broadcast.ts';
import type { Capability, CapabilityHost, ClientConnection } from '../host/capability.ts';
import { exportList } from '../host/export-document.ts';
import type { ImportPlan } from '../host/import-document.ts';
import type { Tool } from '../tools/tool.ts';
import type { ToolsCapability } from '../tools/tools-capability.ts';
import { ApprovalStore } from './approval-store.ts';
import { approvalsSchemaSteps } from './schema.ts';

/** What became of a request once it is no longer pending. */
export type ApprovalOutcome = Exclude<ToolApprovalStatus, 'pending'>;

/** One tool call that waits for the person. */
export interface ApprovalCall {
  tool: Tool;
  /** The risk in force (the person's level, or else the tool's). */
  risk: Exclude<ToolRisk, 'read'>;
  input: JsonValue;
  /** Where the turn runs: a WhatsApp turn asks by WhatsApp text too, and is answered by a word. */
  channel: Channel;
  conversationId: string;
  messageId: string;
}

/** The interface the turn uses to ask before a tool call. */
export interface Approvals {
  /**
   * Stores the request (sealed), announces it to every open client (and by WhatsApp text for a
   * WhatsApp turn), sets its expiry, calls `onAsked` with it, and settles with the request as it was
   * answered: approved, denied or expired.
   */
  request(call: ApprovalCall, onAsked?: (approval: ToolApproval) => void): Promise<ToolApproval>;
}

/**
 * Events of a turn the approvals capability already sends to every open socket: a caller that streams
 * the turn to the sockets skips them, so no device shows a card twice.
 */
export const sentToEverySocketByApprovals = (event: StreamEvent): boolean => event.type === 'tool-approval-request' || event.type === 'tool-approval-resolved';

const notFound = () =>
  new AppError('approval_not_found', 'There is no request to approve waiting with this id: it was answered already, has expired, or never existed.');

/** Why a call waits, in words for a person. */
function reasonFor(tool: Tool, risk: Exclude<ToolRisk, 'read'>): string {
  return `${tool.summary} ${risk === 'act' ? 'This acts in the world on your behalf.' : 'This changes your data.'}`;
}

/** The input as the request keeps and shows it: beyond `maxApprovalInputLength` characters of JSON, its beginning as text. */
function shownInput(input: JsonValue): JsonValue {
  const json = JSON.stringify(input);
  return json.length > maxApprovalInputLength ? `${json.slice(0, maxApprovalInputLength)}…` : input;
}

/** The longest input a WhatsApp question quotes: the app shows all of it. */
const whatsAppInputLength = 600;

function whatsAppQuestion(approval: ToolApproval): string {
  const input = JSON.stringify(approval.input, null, 1);
  const shown = input.length > whatsAppInputLength ? `${input.slice(0, whatsAppInputLength)}…` : input;
  return `May I use ${approval.toolTitle}? ${approval.reason}\n${shown}\nReply YES to allow, NO to decline, ALWAYS to always allow.`;
}

/**
 * Asking before acting: a tool call that changes the person's data or acts in the world waits,
 * sealed, until the person answers in any client (a `tool-approval` frame or `POST /approvals/:id`),
 * by a word on WhatsApp, or it expires. One check-and-set lets exactly one answer through; the turn
 * that asked waits on the promise `request` gave it.
 */
export function createApprovalsCapability(
  host: CapabilityHost,
  dependencies: {
    tools: ToolsCapability;
    /** Sends a WhatsApp text under our own id (idempotent on it); absent when WhatsApp is not part of the object. */
    sendWhatsApp?: (messageId: string, text: string) => Promise<unknown>;
  },
) {
  const store = new ApprovalStore(host.sql, host.vault);
  const scheduler = host.scheduler('approvals');
  /**
   * The turns waiting, by approval id. Kept in memory, as the turn itself is: an object restarted
   * mid-wait has lost the turn (it is stored as interrupted), and `closeOrphaned` closes its request.
   */
  const waiting = new Map<string, (approval: ToolApproval) => void>();
  const broadcast = (frame: ServerFrame) => broadcastFrame(host, frame);

  const approvals: Approvals = {
    async request(call, onAsked) {
      const now = host.now();
      const lifetimeMs = host.config().TOOL_APPROVAL_TIMEOUT_SECONDS * 1000;
      const approval = await store.insert({
        toolId: call.tool.id,
        toolName: call.tool.name,
        toolTitle: call.tool.title,
        risk: call.risk,
        input: shownInput(call.input),
        reason: reasonFor(call.tool, call.risk),
        channel: call.channel,
        conversationId: call.conversationId,
        messageId: call.messageId,
        createdAt: now,
        expiresAt: now + lifetimeMs,
      });
      const answered = new Promise<ToolApproval>((resolve) => waiting.set(approval.id, resolve));
      const scheduleId = await scheduler.schedule(new Date(now + lifetimeMs), 'expireApproval', { approvalId: approval.id }, { idempotent: true });
      store.setScheduleId(approval.id, scheduleId);
      broadcast({
        type: 'tool-approval-request',
        approvalId: approval.id,
        toolName: approval.toolName,
        input: approval.input,
        reason: approval.reason,
        messageId: approval.messageId,
        approval,
      });
      onAsked?.(approval);
      if (call.channel === 'whatsapp' && dependencies.sendWhatsApp) {
        // The person is on WhatsApp: the question goes there too; a failure leaves the app's card and the expiry.
        await dependencies.sendWhatsApp(`ask_${approval.id}`, whatsAppQuestion(approval)).catch((error: unknown) => {
          log.warn('approval question not sent on whatsapp', { userId: host.userId, cause: error instanceof Error ? error.name : 'unknown' });
        });
      }
      return answered;
    },
  };

  /**
   * An export's tool approvals, as history. No turn of this account waits on them, so one still
   * pending comes in expired, answered at the import, as its expiry would have ended it: it cannot be
   * answered into a tool call here. Which channel asked is not exported; it only matters while pending.
   */
  async function importApprovals(imported: readonly ToolApproval[] | undefined): Promise<ImportPlan> {
    if (!imported) return { imported: {}, write: () => undefined };
    const now = host.now();
    const writes: (() => void)[] = [];
    for (const approval of imported) {
      if (approval.risk === 'read')
        throw new AppError('validation_failed', `The import is not an export Kindred can read: tool approval ${approval.id} is for a tool that only reads.`);
      const pending = approval.status === 'pending';
      const { write } = await store.prepare(
        approval.id,
        {
          toolId: approval.toolId,
          toolName: approval.toolName,
          toolTitle: approval.toolTitle,
          risk: approval.risk,
          input: approval.input,
          reason: approval.reason,
          channel: 'import',
          conversationId: approval.conversationId,
          messageId: approval.messageId,
          createdAt: Date.parse(approval.createdAt),
          expiresAt: Date.parse(approval.expiresAt),
        },
        { status: pending ? 'expired' : approval.status, answeredAt: pending ? now : approval.answeredAt === null ? null : Date.parse(approval.answeredAt) },
      );
      writes.push(write);
    }
    return {
      imported: { toolApprovals: imported.length },
      write: () => {
        for (const write of writes) write();
      },
    };
  }

  /** The request is no longer pending: tell every client, and the turn waiting on it. */
  async function settle(id: string): Promise<ToolApproval> {
    const approval = (await store.get(id)) as ToolApproval;
    broadcast({ type: 'tool-approval-resolved', approval });
    waiting.get(id)?.(approval);
    waiting.delete(id);
    return approval;
  }

  async function answer(id: string, body: { approved: boolean; always?: boolean }): Promise<ToolApproval> {
    if (!store.claim(id, body.approved ? 'approved' : 'denied', host.now())) throw notFound();
    const scheduleId = store.scheduleIdOf(id);
    if (scheduleId) await scheduler.cancel(scheduleId);
    if (body.approved && body.always) {
      const claimed = (await store.get(id)) as ToolApproval;
      await dependencies.tools.allowAlways(claimed.toolId);
    }
    return settle(id);
  }

  async function answerFromSocket(frame: { approvalId: string; approved: boolean; always?: boolean }, connection: ClientConnection): Promise<void> {
    try {
      await answer(frame.approvalId, frame);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      connection.send(JSON.stringify({ type: 'error', id: error.id, message: error.message, approvalId: frame.approvalId } satisfies ServerFrame));
    }
  }

  async function expire(approvalId: string): Promise<void> {
    if (!store.expire(approvalId, host.now())) return;
    await settle(approvalId);
  }

  /**
   * At the object's start, every request still pending belongs to a turn the restart cut off (turns
   * wait in memory): it is closed as expired, its expiry job cancelled, and every client told, so a
   * "yes" given later is refused clearly instead of approving a call that no turn will make.
   */
  async function closeOrphaned(): Promise<void> {
    for (const id of store.pendingIds()) {
      const scheduleId = store.scheduleIdOf(id);
      if (!store.expire(id, host.now())) continue;
      if (scheduleId) await scheduler.cancel(scheduleId);
      await settle(id);
      log.warn('tool approval closed: its turn was cut off by a restart', { userId: host.userId, approvalId: id });
    }
  }

  /**
   * Answers a waiting request with a word the person said or wrote instead of tapping: the approval as
   * answered, or null when it no longer waits (answered on a device or expired a moment before).
   */
  async function answerWithWord(approvalId: string, word: ApprovalWord): Promise<ToolApproval | null> {
    try {
      return await answer(approvalId, approvalAnswerOf(word));
    } catch (error) {
      if (error instanceof AppError && error.id === 'approval_not_found') return null;
      throw error;
    }
  }

  /**
   * A WhatsApp message that is only YES, NO or ALWAYS (in the languages the personas speak) while a
   * WhatsApp turn waits answers that request instead of starting a turn; the text is what Kindred
   * says back. Null for anything else: the message is a turn as usual.
   */
  async function answerFromWhatsApp(text: string): Promise<string | null> {
    const word = approvalWordOf(text);
    if (!word) return null;
    const id = store.oldestPendingOn('whatsapp', host.now());
    if (!id) return null;
    const approval = await answerWithWord(id, word);
    // Answered in the app a moment before: the word starts a turn as usual.
    if (!approval) return null;
    if (approval.status === 'denied') return `Understood: I won't use ${approval.toolTitle}.`;
    return word === 'always' ? `Thanks. I'll use ${approval.toolTitle} without asking from now on.` : `Thanks, going ahead with ${approval.toolTitle}.`;
  }

  return {
    name: 'approvals',
    schema: approvalsSchemaSteps,
    onStart: closeOrphaned,
    approvals,
    answerFromWhatsApp,
    answerWithWord,
    rpc: {
      /** Newest first; a client that reconnects asks for the pending ones and shows their cards again. */
      list: (query: { status?: ToolApprovalStatus }): Promise<ToolApproval[]> => store.list({ status: query.status, now: host.now() }),
      answer,
    },
    frames: { 'tool-approval': answerFromSocket },
    jobs: { expireApproval: (payload: { approvalId: string }) => expire(payload.approvalId) },
    holdsData: async () => store.hasAny(),
    importData: (document: ImportDocument): Promise<ImportPlan> => importApprovals(document.toolApprovals),
    exportData: async () => ({ toolApprovals: exportList(() => store.all()) }),
  } satisfies Capability;
}

export type ApprovalsCapability = ReturnType<typeof createApprovalsCapability>;

import type { ErrorId } from '../../common/error-ids.ts';
import type { JsonValue, Message, StreamEvent } from '../../common/protocol.ts';
import { findPersona } from '../../server/catalog/catalog.ts';
import type { Channel } from '../../server/catalog/system-prompt.ts';
import { createId } from '../../server/crypto/encoding.ts';
import { AppError, notFound } from '../../server/errors/app-error.ts';
import { log } from '../../server/logging/log.ts';
import { metricsOf } from '../../server/observability/metrics.ts';
import { type Approvals, sentToEverySocketByApprovals } from '../approvals/approvals-capability.ts';
import type { CareVerdict } from '../care/care-capability.ts';
import type { CompanionCapability } from '../companion/companion-capability.ts';
import { type ConversationsCapability, recentWindow } from '../conversations/conversations-capability.ts';
import type { FilesCapability } from '../files/files-capability.ts';
import type { Capability, CapabilityHost, ClientConnection } from '../host/capability.ts';
import { letRequestsLeave } from '../host/requests-leave.ts';
import type { MemoryCapability } from '../memory/memory-capability.ts';
import { recall } from '../memory/recall.ts';
import type { RetrievalCapability } from '../retrieval/retrieval-capability.ts';
import type { ApprovalAnswer, Tool } from '../tools/tool.ts';
import type { ToolsCapability } from '../tools/tools-capability.ts';
import { createDeltaCoalescer } from './delta-coalescer.ts';
import { buildPrompt } from './prompt.ts';
import { turnSchemaSteps } from './schema.ts';
import { runAssistantTurn, TurnError } from './tool-loop.ts';
import { TurnQueue } from './turn-queue.ts';

export interface TurnRequest {
  text: string;
  conversationId?: string;
  channel: Channel;
}

export interface TurnAnswer {
  userMessage: Message;
  assistantMessage: Message;
  /** The caller's signal stopped the reply: the stored message holds what streamed before. */
  interrupted?: boolean;
  /** The person's message was flagged: the reply carries these resources (also on `assistantMessage.care`), in the person's language. */
  care?: { verdict: CareVerdict };
}

/** The safety net, as the turn sees it: it screens without the model, so nothing in the prompt can turn it off. */
export interface TurnCare {
  screen(text: string): Promise<CareVerdict | null>;
  /** The optional model classifier's verdict on a message the screen let through: never rejects, null for no flag. */
  modelCheck?(text: string, signal?: AbortSignal): Promise<CareVerdict | null>;
  flagged(verdict: CareVerdict, where: { conversationId: string; channel: Channel }): Promise<void>;
}

/** How a caller follows a turn: a typed message's socket or stream, an RPC caller, or the voice session (which may stop it). */
export interface TurnObserver {
  /** Every event of the turn, as a typed message's clients get them (text deltas coalesced). */
  send: (event: StreamEvent) => void;
  onUserMessage?: (message: Message) => void;
  /** Stops the model at once; what streamed so far is stored as the reply and the turn answers `interrupted`. */
  signal?: AbortSignal;
  /**
   * The model has finished the reply (every delta sent), before it is stored: a speaker says its last
   * sentence now. The turn awaits what it returns before the write, so a request it starts can leave
   * before the write would hold it (see `letRequestsLeave`).
   */
  onReplyComplete?: () => void | Promise<void>;
  /**
   * Each piece of the reply's text as the model streams it, before `send` gets the deltas joined into
   * frames at the end of the event loop's run: a speaker finds sentences in it without waiting for that
   * run to end (with many sessions in one object's isolate, a turn of the loop can take milliseconds).
   */
  onText?: (text: string) => void;
}

const notConfiguredMessage =
  'No chat model is configured. Set LLM_PROVIDER=openai-compatible with LLM_BASE_URL (and LLM_MODEL, LLM_API_KEY if your provider needs them), or LLM_PROVIDER=workers-ai when deployed.';

/**
 * One reply of the companion: the person's message stored first, then recall, the prompt and the
 * tool loop, streamed to whoever asked (server-sent events, or every open client of the user), and the
 * reply stored, even when it failed half-way. Turns of one conversation run one after another.
 */
export function createTurnCapability(
  host: CapabilityHost,
  dependencies: {
    companion: CompanionCapability;
    conversations: ConversationsCapability;
    memory: MemoryCapability;
    files: FilesCapability;
    retrieval: RetrievalCapability;
    tools: ToolsCapability;
    /**
     * Answers a message without the model when it is a command to Kindred itself ("stop" pauses
     * outreach); null lets the turn run as usual. It works whatever the model does.
     */
    replyWithoutModel?: (text: string) => Promise<string | null>;
    /** Asking before acting; without it every tool call runs as the model makes it. */
    approvals?: Approvals;
    /** The safety net: screens each message before the model is asked, and answers a flagged one even without the model. */
    care?: TurnCare;
  },
) {
  const conversations = dependencies.conversations.store;
  const queue = new TurnQueue();
  const metrics = metricsOf(host.env);

  /**
   * Resolves the conversation first (synchronously: a turn without an id and one naming the newest
   * conversation must queue behind each other), then runs the turn in that conversation's queue.
   */
  function turn(request: TurnRequest, observer: TurnObserver): Promise<TurnAnswer> {
    const conversationId = request.conversationId ?? conversations.latestOrCreate(host.now());
    return queue.run(conversationId, async () => {
      try {
        return await runTurn(request, conversationId, observer);
      } finally {
        // The turn's messages become searchable after the reply, never on its way.
        host.waitUntil(conversations.startDeferredIndexing());
      }
    });
  }

  async function runTurn(request: TurnRequest, conversationId: string, observer: TurnObserver): Promise<TurnAnswer> {
    const { send, onUserMessage } = observer;
    const startedAt = Date.now();
    if (!conversations.exists(conversationId)) {
      send({ type: 'error', id: 'not_found', message: 'No such conversation.' });
      throw notFound('conversation');
    }
    const settings = dependencies.companion.settings;
    const [profile, companion] = await Promise.all([settings.profile(), settings.companion()]);
    const directReply = await dependencies.replyWithoutModel?.(request.text);
    if (directReply)
      return replyDirectly(request, conversationId, directReply, send, onUserMessage, { speaker: profile.displayName, companionName: companion.name });
    // The record (for the follow-up) must never cost the person their answer.
    const recordFlag = (flagged: CareVerdict) =>
      dependencies.care?.flagged(flagged, { conversationId, channel: request.channel }).catch((error: unknown) => {
        log.error('care flag not recorded', { userId: host.userId, conversationId, cause: error instanceof Error ? error.name : 'unknown' });
      });
    let verdict = (await dependencies.care?.screen(request.text)) ?? null;
    if (verdict) await recordFlag(verdict);
    // A configured classifier reads a message the screen let through beside the reply, never before
    // it: its verdict is awaited when the reply ends (or fails), and adds the resources then.
    const modelVerdict = verdict ? undefined : dependencies.care?.modelCheck?.(request.text, observer.signal);
    const settleVerdict = async (): Promise<void> => {
      if (verdict || !modelVerdict) return;
      verdict = await modelVerdict;
      if (verdict) await recordFlag(verdict);
    };
    // Turn latency and time to first token, for operations (no words, no user id).
    let firstTextAt: number | undefined;
    const recordTurn = (outcome: 'complete' | 'failed' | 'cared', toolCalls = 0) =>
      metrics.record({
        name: 'turn',
        channel: request.channel,
        outcome,
        durationMs: Date.now() - startedAt,
        firstTokenMs: firstTextAt === undefined ? null : firstTextAt - startedAt,
        toolCalls,
      });
    // A flagged message is answered with care and its resources whatever the model does.
    const careFallback = (partialText = '') => {
      if (!verdict) return undefined;
      recordTurn('cared');
      return replyDirectly(
        request,
        conversationId,
        partialText ? `${partialText}\n\n${verdict.fallbackText}` : verdict.fallbackText,
        send,
        onUserMessage,
        { speaker: profile.displayName, companionName: companion.name },
        { care: verdict, userMessage, assistantMessageId: startedReplyId },
      );
    };
    // Until the model has been asked, the turn only reads: the object holds an outgoing request until
    // the writes before it are committed, so the person's message is stored right after the request
    // has left (or, when the model cannot be asked, before failing). No failure can lose it.
    const askedAt = host.now();
    // Set once the reply has an id; a care fallback after the model started goes on in the same message.
    let startedReplyId: string | undefined;
    const userMessageDraft = { id: createId('msg', askedAt), conversationId, role: 'user' as const, text: request.text, createdAt: askedAt };
    let userMessage: Message | undefined;
    const storeUserMessage = async (): Promise<Message> => {
      userMessage ??= await conversations.append({ ...userMessageDraft, speaker: profile.displayName ?? undefined }, { deferIndexing: true });
      onUserMessage?.(userMessage);
      return userMessage;
    };

    const fail = async (id: ErrorId, message: string, details: { messageId?: string; cause?: unknown } = {}): Promise<AppError> => {
      recordTurn('failed');
      if (!userMessage) await storeUserMessage();
      send({ type: 'error', id, message, ...(details.messageId ? { messageId: details.messageId } : {}) });
      // The cause is the provider's own error (status, kind), never the person's words.
      const cause = details.cause instanceof Error ? `${details.cause.name}: ${details.cause.message}` : undefined;
      log.warn('turn failed', { userId: host.userId, conversationId, errorId: id, cause, durationMs: Date.now() - startedAt });
      return new AppError(id, message);
    };

    let model: ReturnType<CapabilityHost['chatModel']>;
    let timeoutMs: number;
    try {
      model = host.chatModel();
      timeoutMs = host.config().LLM_TIMEOUT_MS;
    } catch (error) {
      await settleVerdict();
      const cared = careFallback();
      if (cared) return cared;
      throw await fail('configuration_invalid', error instanceof AppError ? error.message : 'Kindred is misconfigured.');
    }
    if (!model) {
      await settleVerdict();
      const cared = careFallback();
      if (cared) return cared;
      throw await fail('llm_not_configured', notConfiguredMessage);
    }
    const persona = findPersona(companion.personaId);
    if (!persona) throw await fail('internal_error', 'The chosen persona is no longer in the catalog.');

    const now = new Date(askedAt);
    const [recent, summary, recalled] = await Promise.all([
      conversations.recent(conversationId, recentWindow - 1),
      conversations.summary(conversationId),
      recall(dependencies.memory.recallSources, {
        query: request.text,
        now,
        timezone: profile.timezone,
        conversation: { id: conversationId, recentMessageCount: recentWindow },
      }).catch((error: unknown): { block: null; memoryIds: string[] } => {
        // Recall is a help, not a precondition: a reply without it beats no reply.
        log.error('memory retrieval failed', { userId: host.userId, cause: error instanceof Error ? error.message : String(error) });
        return { block: null, memoryIds: [] };
      }),
    ]);
    const messages = buildPrompt({
      persona,
      companionName: companion.name,
      userDisplayName: profile.displayName,
      timezone: profile.timezone,
      now,
      channel: request.channel,
      recall: recalled.block,
      summary: summary?.text ?? null,
      recent: [...recent, { ...userMessageDraft, status: 'complete' }],
    });
    // Last, after every piece of data the prompt holds, so no memory or file comes after it.
    if (verdict) messages.push({ role: 'system', content: verdict.steering });

    const assistantMessageId = createId('msg');
    const assistantMessage = { id: assistantMessageId, conversationId, role: 'assistant' as const, speaker: companion.name, memoryIds: recalled.memoryIds };
    const deltas = createDeltaCoalescer((text) => send({ type: 'text-delta', messageId: assistantMessageId, text }));
    // The gate: a call that changes the person's data or acts in the world waits for their answer,
    // read at each call so an "always allow" given earlier in this turn counts. The request and its
    // answer go on this turn's own stream too, with the message they belong to.
    const approvals = dependencies.approvals;
    const approve =
      approvals &&
      (async (tool: Tool, toolInput: JsonValue): Promise<ApprovalAnswer> => {
        const setting = await dependencies.tools.settingOf(tool.id);
        const risk = setting?.risk ?? tool.risk;
        if (risk === 'read' || tool.confirmsItself || setting?.approval === 'always') return 'approved';
        deltas.flush();
        const answered = await approvals.request(
          { tool, risk, input: toolInput, channel: request.channel, conversationId, messageId: assistantMessageId },
          (approval) =>
            send({
              type: 'tool-approval-request',
              approvalId: approval.id,
              toolName: approval.toolName,
              input: approval.input,
              reason: approval.reason,
              messageId: assistantMessageId,
              approval,
            }),
        );
        send({ type: 'tool-approval-resolved', approval: answered });
        return answered.status === 'pending' ? 'expired' : answered.status;
      });
    const onModelAsked = async () => {
      await letRequestsLeave();
      await storeUserMessage();
      startedReplyId = assistantMessageId;
      // Until the reply is stored: a restart now leaves this row, and the next start stores the reply as failed.
      host.sql.exec(
        'INSERT OR IGNORE INTO turns_in_flight (assistant_message_id, conversation_id, channel, started_at) VALUES (?, ?, ?, ?)',
        assistantMessageId,
        conversationId,
        request.channel,
        host.now(),
      );
      send({ type: 'message-start', messageId: assistantMessageId, conversationId });
      dependencies.memory.store.markUsed(recalled.memoryIds, askedAt);
    };
    try {
      try {
        const result = await runAssistantTurn({
          model,
          messages,
          tools: await dependencies.tools.enabledTools(),
          toolContext: { userId: host.userId, timezone: profile.timezone, now, conversationId, messageId: assistantMessageId },
          timeoutMs,
          onModelAsked,
          signal: observer.signal,
          approve,
          onProgress: (progress) => {
            if (progress.type === 'text-delta') {
              firstTextAt ??= Date.now();
              observer.onText?.(progress.text);
              return deltas.push(progress.text);
            }
            deltas.flush();
            send({ ...progress, messageId: assistantMessageId });
          },
        });
        deltas.flush();
        if (!result.interrupted) await observer.onReplyComplete?.();
        await settleVerdict();
        const stored = await conversations.append(
          { ...assistantMessage, text: result.text, tools: result.tools, ...(verdict ? { care: verdict.care } : {}) },
          { deferIndexing: true },
        );
        send({ type: 'message-end', message: stored });
        log.info('turn completed', { userId: host.userId, conversationId, toolCalls: result.tools.length, durationMs: Date.now() - startedAt });
        recordTurn('complete', result.tools.length);
        // Off the reply's path: extraction and summaries run later from the object's own scheduling.
        await dependencies.memory.scheduleExtraction(conversationId);
        await dependencies.conversations.afterTurn(conversationId, recent.length + 1);
        return {
          userMessage: userMessage ?? (await storeUserMessage()),
          assistantMessage: stored,
          ...(result.interrupted ? { interrupted: true } : {}),
          ...(verdict ? { care: { verdict } } : {}),
        };
      } catch (error) {
        deltas.flush();
        const failure =
          error instanceof TurnError ? error : new TurnError('internal_error', 'Something went wrong on our side. Please try again.', { cause: error });
        if (!(error instanceof TurnError)) {
          log.error('turn crashed', { userId: host.userId, conversationId, cause: error instanceof Error ? error.message : String(error) });
        }
        await settleVerdict();
        if (verdict) {
          log.warn('turn failed, answered with care', { userId: host.userId, conversationId, errorId: failure.id, durationMs: Date.now() - startedAt });
          return (await careFallback(failure.partial.text)) as TurnAnswer;
        }
        // What streamed before the failure stays in history, marked failed, so the person sees what happened.
        if (!userMessage) await storeUserMessage();
        await conversations.append(
          { ...assistantMessage, text: failure.partial.text, tools: failure.partial.tools, status: 'failed', errorId: failure.id },
          { deferIndexing: true },
        );
        throw await fail(failure.id, failure.message, { messageId: assistantMessageId, cause: failure.cause });
      }
    } finally {
      // The reply is stored, complete, failed or answered with care: no longer in flight.
      host.sql.exec('DELETE FROM turns_in_flight WHERE assistant_message_id = ?', assistantMessageId);
    }
  }

  /** A turn as server-sent events; the turn finishes and is stored even if the reader goes away. */
  function streamTurn(request: TurnRequest): ReadableStream<Uint8Array> {
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const writer = writable.getWriter();
    const encoder = new TextEncoder();
    let readerGone = false;
    const send = (event: StreamEvent) => {
      if (readerGone) return;
      writer.write(encoder.encode(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`)).catch(() => {
        readerGone = true;
      });
    };
    const finished = turn(request, { send })
      .catch(() => {
        // Already sent as an `error` event.
      })
      .finally(() => writer.close().catch(() => {}));
    host.waitUntil(finished);
    return readable;
  }

  /** A turn asked for over the realtime socket: every device of this user sees it. */
  async function turnFromSocket(frame: { text: string; conversationId?: string }, connection: ClientConnection): Promise<void> {
    if (frame.conversationId !== undefined && !conversations.exists(frame.conversationId)) {
      connection.send(JSON.stringify({ type: 'error', id: 'not_found', message: 'No such conversation.' }));
      return;
    }
    // Listed once per turn, not per text delta: listing them is the costly part of a send.
    const devices = host.connections.list();
    const sendToDevices = (frameText: string) => {
      for (const device of devices) {
        try {
          device.send(frameText);
        } catch {
          // A device that went away misses the rest of this turn; it catches up from history.
        }
      }
    };
    await turn(
      { text: frame.text, conversationId: frame.conversationId, channel: connection.channel },
      {
        // Requests to approve reach every socket from the approvals capability already: not twice.
        send: (event) => {
          if (!sentToEverySocketByApprovals(event)) sendToDevices(JSON.stringify(event));
        },
        onUserMessage: (userMessage) => sendToDevices(JSON.stringify({ type: 'user-message', message: userMessage })),
      },
    ).catch(() => {
      // Already sent to the devices as an `error` frame.
    });
  }

  /** A reply Kindred gives itself: stored and streamed like a model's, so every client shows it the same way. */
  async function replyDirectly(
    request: TurnRequest,
    conversationId: string,
    text: string,
    send: (event: StreamEvent) => void,
    onUserMessage: ((message: Message) => void) | undefined,
    names: { speaker: string | null; companionName: string },
    cared: { care?: CareVerdict; userMessage?: Message; assistantMessageId?: string } = {},
  ): Promise<TurnAnswer> {
    const now = host.now();
    let userMessage = cared.userMessage;
    if (!userMessage) {
      userMessage = await conversations.append(
        { id: createId('msg', now), conversationId, role: 'user', text: request.text, createdAt: now, speaker: names.speaker ?? undefined },
        { deferIndexing: true },
      );
      onUserMessage?.(userMessage);
    }
    // A reply the model had started keeps its id: its deltas are already on the person's screen.
    const assistantMessageId = cared.assistantMessageId ?? createId('msg');
    if (!cared.assistantMessageId) send({ type: 'message-start', messageId: assistantMessageId, conversationId });
    send({ type: 'text-delta', messageId: assistantMessageId, text: cared.assistantMessageId ? text.slice(text.lastIndexOf('\n\n') + 2) : text });
    const assistantMessage = await conversations.append(
      { id: assistantMessageId, conversationId, role: 'assistant', text, speaker: names.companionName, ...(cared.care ? { care: cared.care.care } : {}) },
      { deferIndexing: true },
    );
    send({ type: 'message-end', message: assistantMessage });
    return { userMessage, assistantMessage, ...(cared.care ? { care: { verdict: cared.care } } : {}) };
  }

  /**
   * Replies a restart cut off (the object was evicted, crashed or redeployed mid-turn): each is stored
   * as a failed reply, so the person sees that it stopped and can send again, rather than a question
   * with nothing under it. WhatsApp's are only cleared: a reply in the app's history would not reach them there.
   */
  async function storeInterruptedReplies(): Promise<void> {
    const interrupted = host.sql
      .exec<{ assistant_message_id: string; conversation_id: string; channel: string }>(
        'SELECT assistant_message_id, conversation_id, channel FROM turns_in_flight ORDER BY started_at',
      )
      .toArray();
    for (const turn of interrupted) {
      const exists = (await conversations.getMessages([turn.assistant_message_id])).has(turn.assistant_message_id);
      if (!exists && turn.channel !== 'whatsapp' && conversations.exists(turn.conversation_id)) {
        const companion = await dependencies.companion.settings.companion();
        await conversations.append(
          {
            id: turn.assistant_message_id,
            conversationId: turn.conversation_id,
            role: 'assistant',
            text: '',
            speaker: companion.name,
            status: 'failed',
            errorId: 'turn_interrupted',
          },
          { deferIndexing: true },
        );
      }
      host.sql.exec('DELETE FROM turns_in_flight WHERE assistant_message_id = ?', turn.assistant_message_id);
      log.warn('turn interrupted by a restart', { userId: host.userId, conversationId: turn.conversation_id, channel: turn.channel });
    }
  }

  return {
    name: 'turn',
    schema: turnSchemaSteps,
    onStart: storeInterruptedReplies,
    /**
     * A turn run exactly as a typed message's, for a caller that follows its events itself and may
     * stop it: the voice session speaks the deltas as they stream and stops the model on barge-in.
     */
    run: turn,
    rpc: {
      /** A whole turn, answered when the reply is complete. */
      async send(request: TurnRequest): Promise<TurnAnswer> {
        // The verdict is for the channels inside the object; the Worker's answer has care on the message.
        const { care: _verdict, ...answer } = await turn(request, { send: () => {} });
        return answer;
      },
      /** An unknown conversation fails before the stream starts; once it has started, failures arrive as an `error` event. */
      async stream(request: TurnRequest): Promise<ReadableStream<Uint8Array>> {
        if (request.conversationId !== undefined && !conversations.exists(request.conversationId)) throw notFound('conversation');
        return streamTurn(request);
      },
    },
    frames: { 'message-send': turnFromSocket },
  } satisfies Capability;
}
export type TurnCapability = ReturnType<typeof createTurnCapability>;

// The conversation: streamed replies over the realtime WebSocket, the avatar beside them, older
// history loaded as you scroll up, several conversations (a sidebar on wide screens, a drawer on
// phones), failed replies that say why and can be retried, and reconnection that loses nothing
// (unsent messages wait in a queue; after a reconnection the latest history is read again).
import { type FormEvent, type KeyboardEvent, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { Confirmation, Conversation, Emotion, Message, PendingMessage, RealtimeStatus, ServerFrame } from '../../../common/client.ts';
import { api } from '../api.ts';
import { LivingAvatar } from '../avatar/living-avatar.tsx';
import { careAnnouncement } from '../care/care-resources.ts';
import '../chat/chat.css';
import { ConfirmationCardFor, type ConfirmationCards } from '../chat/confirmation-card.tsx';
import { ConversationDrawer } from '../chat/conversation-drawer.tsx';
import { ConversationList } from '../chat/conversation-list.tsx';
import { CompanionAvatar, MessageItem, type ShownMessage } from '../chat/message-item.tsx';
import { ToolApprovalCardList } from '../chat/tool-approval-card.tsx';
import { approvalsFor } from '../chat/tool-approvals.ts';
import { useToolTitles } from '../chat/tool-titles.ts';
import { useToolApprovals } from '../chat/use-tool-approvals.ts';
import { ErrorAlert } from '../components/error-alert.tsx';
import { Icon } from '../components/icons.tsx';
import { ScreenHeading } from '../components/screen-heading.tsx';
import { sentenceForErrorId } from '../error-messages.ts';
import { useRealtime, useRealtimeFrames } from '../realtime/realtime-context.tsx';
import { navigate } from '../router.tsx';
import { useSession } from '../session.tsx';
import { VoiceMode } from '../voice/voice-mode.tsx';

const pageSize = 30;

interface Draft {
  messageId: string;
  text: string;
  toolNames: string[];
}

declare global {
  interface Window {
    /** A hook for the end-to-end tests to cut the live connection as a network drop would. */
    kindredDebug?: { dropRealtime(): void };
  }
}

export function ChatScreen({ conversationId }: { conversationId: string | undefined }) {
  const { companion, catalog } = useSession();
  const toolTitles = useToolTitles();
  const avatar = catalog.avatars.find((candidate) => candidate.id === companion.avatarId);
  const persona = catalog.personas.find((candidate) => candidate.id === companion.personaId);
  const voice = catalog.voices.find((candidate) => candidate.id === companion.voiceId);
  const [voiceOpen, setVoiceOpen] = useState(false);
  /** The emotion of the latest spoken reply, shown on the small avatar in the header. */
  const [emotion, setEmotion] = useState<Emotion>('neutral');
  const [conversations, setConversations] = useState<Conversation[]>([]);
  const [activeId, setActiveId] = useState<string | undefined>(conversationId);
  const [messages, setMessages] = useState<ShownMessage[]>([]);
  const [historyLoaded, setHistoryLoaded] = useState(false);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [draft, setDraft] = useState<Draft>();
  const [awaitingReply, setAwaitingReply] = useState(false);
  const [status, setStatus] = useState<RealtimeStatus>('connecting');
  const [error, setError] = useState<unknown>();
  const [announcement, setAnnouncement] = useState('');
  const [text, setText] = useState('');
  const [drawerOpen, setDrawerOpen] = useState(false);
  /** Every confirmation this screen knows of: loaded on (re)connection, then kept current by frames. */
  const [confirmations, setConfirmations] = useState<ReadonlyMap<string, Confirmation>>(new Map());
  const [answering, setAnswering] = useState<ReadonlySet<string>>(new Set());
  const [confirmationErrors, setConfirmationErrors] = useState<Readonly<Record<string, string>>>({});
  const realtime = useRealtime();
  /** Tool calls that asked the person first: their cards go under the reply that made them. */
  const toolApprovals = useToolApprovals(setAnnouncement);
  const reloadApprovals = toolApprovals.reload;
  const activeIdRef = useRef(activeId);
  const draftRef = useRef(draft);
  /** Whether this screen sent a message and waits for its reply: an error then belongs to that turn. */
  const awaitingReplyRef = useRef(awaitingReply);
  /** The words of the last message sent, for retrying a turn whose message is not on screen. */
  const lastSent = useRef<string | undefined>(undefined);
  const logElement = useRef<HTMLElement>(null);
  const keepScrollFrom = useRef<number | undefined>(undefined);
  const stickToBottom = useRef(true);
  const localCounter = useRef(0);
  /** The conversation whose messages are on screen, so adopting a new one mid-reply does not reload it. */
  const shownConversation = useRef<string | undefined>(undefined);
  activeIdRef.current = activeId;
  draftRef.current = draft;
  awaitingReplyRef.current = awaitingReply;

  const refreshConversations = useCallback(async () => {
    try {
      setConversations(await api.conversations());
    } catch (caught) {
      setError(caught);
    }
  }, []);

  const rememberConfirmations = useCallback((list: readonly Confirmation[]) => {
    setConfirmations((previous) => {
      const next = new Map(previous);
      for (const confirmation of list) next.set(confirmation.id, confirmation);
      return next;
    });
  }, []);

  const loadConfirmations = useCallback(async () => {
    try {
      rememberConfirmations(await api.confirmations());
    } catch {
      // The cards of earlier requests wait for the next connection; new ones still arrive as frames.
    }
  }, [rememberConfirmations]);

  const stopAnswering = useCallback((id: string) => {
    setAnswering((previous) => {
      const next = new Set(previous);
      next.delete(id);
      return next;
    });
  }, []);

  /** A message the server pushed outside a turn (what became of a confirmation), shown if it belongs here. */
  const addMessage = useCallback((message: Message) => {
    if (activeIdRef.current !== message.conversationId) return;
    stickToBottom.current = true;
    setMessages((previous) => (previous.some((shown) => shown.id === message.id) ? previous : [...previous, message]));
  }, []);

  const loadLatest = useCallback(async (id: string) => {
    const page = await api.messages({ conversationId: id, limit: pageSize });
    if (activeIdRef.current !== id) return page;
    stickToBottom.current = true;
    setMessages((previous) => {
      const newestStored = page.messages[0]?.createdAt ?? '';
      // Keep what arrived while the page was on its way: unconfirmed messages and newer frames.
      const arrivedSince = previous.filter(
        (message) =>
          !page.messages.some((stored) => stored.id === message.id || (message.local && stored.role === 'user' && stored.text === message.text)) &&
          (message.local || message.createdAt > newestStored),
      );
      return [...page.messages.slice().reverse(), ...arrivedSince];
    });
    setNextCursor(page.nextCursor);
    setHistoryLoaded(true);
    return page;
  }, []);

  // Which conversation: the one in the address, else the newest, else none until the first message.
  useEffect(() => {
    let cancelled = false;
    if (conversationId !== undefined && conversationId === shownConversation.current) return;
    const show = (chosen: string | undefined) => {
      setActiveId(chosen);
      activeIdRef.current = chosen;
      shownConversation.current = chosen;
      // The person's own unconfirmed words stay when they went to this conversation, or to no
      // conversation in particular (which the server puts in the newest, the one chosen here).
      setMessages((previous) => previous.filter((message) => message.local && (message.conversationId === '' || message.conversationId === chosen)));
      setHistoryLoaded(chosen === undefined);
      setNextCursor(null);
      setDraft(undefined);
    };
    // A conversation named in the address is shown at once, so what is sent before the list arrives goes there.
    if (conversationId !== undefined) show(conversationId);
    (async () => {
      const list = await api.conversations();
      if (cancelled) return;
      setConversations(list);
      const chosen = conversationId ?? list[0]?.id;
      if (conversationId === undefined) show(chosen);
      if (chosen !== undefined) await loadLatest(chosen);
    })().catch((caught: unknown) => {
      if (!cancelled) setError(caught);
    });
    return () => {
      cancelled = true;
    };
  }, [conversationId, loadLatest]);

  const handleFrame = useCallback(
    (frame: ServerFrame) => {
      const inActive = (id: string) => activeIdRef.current === undefined || activeIdRef.current === id;
      switch (frame.type) {
        case 'user-message': {
          if (!inActive(frame.message.conversationId)) return void refreshConversations();
          setMessages((previous) => {
            if (previous.some((message) => message.id === frame.message.id)) return previous;
            const localIndex = previous.findIndex((message) => message.local && message.text.trim() === frame.message.text.trim());
            if (localIndex < 0) return [...previous, frame.message];
            const next = previous.slice();
            next[localIndex] = frame.message;
            return next;
          });
          return;
        }
        case 'message-start': {
          if (activeIdRef.current === undefined) {
            activeIdRef.current = frame.conversationId;
            shownConversation.current = frame.conversationId;
            setActiveId(frame.conversationId);
            navigate(`/chat/${frame.conversationId}`, { replace: true });
            void refreshConversations();
          }
          if (!inActive(frame.conversationId)) return;
          setAwaitingReply(true);
          setDraft({ messageId: frame.messageId, text: '', toolNames: [] });
          return;
        }
        case 'text-delta':
          setDraft((previous) => (previous && previous.messageId === frame.messageId ? { ...previous, text: previous.text + frame.text } : previous));
          return;
        case 'tool-call':
          setDraft((previous) =>
            previous && previous.messageId === frame.messageId ? { ...previous, toolNames: [...previous.toolNames, frame.toolName] } : previous,
          );
          return;
        case 'message-end': {
          setDraft((previous) => (previous?.messageId === frame.message.id ? undefined : previous));
          setAwaitingReply(false);
          if (!inActive(frame.message.conversationId)) return;
          setMessages((previous) => (previous.some((message) => message.id === frame.message.id) ? previous : [...previous, frame.message]));
          setAnnouncement(
            (frame.message.status === 'failed'
              ? `${companion.name} couldn't reply. ${sentenceForErrorId(frame.message.errorId ?? 'internal_error')}`
              : `${companion.name} replied: ${frame.message.text}`) +
              // Said too, so someone who hears replies rather than reads them knows the help is there to reach.
              (frame.message.care && frame.message.care.resources.length > 0 ? ` ${careAnnouncement}` : ''),
          );
          void refreshConversations();
          return;
        }
        case 'confirmation-request':
          rememberConfirmations([frame.confirmation]);
          setAnnouncement(`${companion.name} asks you to confirm: ${frame.confirmation.summary.headline}`);
          return;
        case 'confirmation-resolved':
          rememberConfirmations([frame.confirmation]);
          stopAnswering(frame.confirmation.id);
          if (frame.message) {
            addMessage(frame.message);
            setAnnouncement(`${companion.name}: ${frame.message.text}`);
          }
          return;
        case 'error': {
          // A failed answer to a tool's request is said on its card (useToolApprovals), not as a failed turn.
          if (frame.approvalId !== undefined) return;
          if (frame.confirmationId !== undefined) {
            // The answer to a card failed (already answered elsewhere, or expired): say so on the card and show what it is now.
            const confirmationId = frame.confirmationId;
            stopAnswering(confirmationId);
            setConfirmationErrors((previous) => ({ ...previous, [confirmationId]: sentenceForErrorId(frame.id) }));
            void loadConfirmations();
            return;
          }
          const interrupted = draftRef.current;
          const ours = interrupted !== undefined ? interrupted.messageId === frame.messageId : awaitingReplyRef.current;
          setDraft(undefined);
          setAwaitingReply(false);
          const sentence = sentenceForErrorId(frame.id);
          // A failed turn of the conversation on screen is shown where its reply would have been, as
          // the server stored it (with whatever streamed before the failure), so it can be retried there.
          if (ours && activeIdRef.current !== undefined) {
            localCounter.current += 1;
            const failed: ShownMessage = {
              id: frame.messageId ?? `failed-${localCounter.current}`,
              conversationId: activeIdRef.current,
              role: 'assistant',
              text: interrupted?.text ?? '',
              status: 'failed',
              errorId: frame.id,
              tools: [],
              memoryIds: [],
              createdAt: new Date().toISOString(),
            };
            setMessages((previous) => (previous.some((message) => message.id === failed.id) ? previous : [...previous, failed]));
            setAnnouncement(`${companion.name} couldn't reply. ${sentence}`);
            // The person's message was stored all the same, and may have just named the conversation.
            void refreshConversations();
            // The stored failed reply can carry what the error frame does not: the help for a worrying
            // message, which must show even when the model failed. Read back, it replaces the local copy.
            if (frame.messageId !== undefined) {
              const messageId = frame.messageId;
              const conversationId = activeIdRef.current;
              api.messages({ conversationId, limit: 2 }).then(
                (page) => {
                  const stored = page.messages.find((message) => message.id === messageId);
                  if (stored?.care === undefined) return;
                  setMessages((previous) => previous.map((message) => (message.id === messageId ? stored : message)));
                  setAnnouncement(`${companion.name} couldn't reply. ${sentence} ${careAnnouncement}`);
                },
                // The local copy already says the reply failed; without the stored one nothing more can be shown.
                () => {},
              );
            }
          } else if (ours) {
            setError(sentence);
          }
          return;
        }
        case 'reminder-due':
        case 'notification': {
          // What the companion said unasked joins the conversation on screen; elsewhere the list learns of it.
          const spoken = frame.message;
          if (spoken === undefined) return;
          if (!inActive(spoken.conversationId) || activeIdRef.current === undefined) return void refreshConversations();
          setMessages((previous) => (previous.some((message) => message.id === spoken.id) ? previous : [...previous, spoken]));
          void refreshConversations();
          return;
        }
        case 'voice-segment':
          setEmotion(frame.emotion);
          return;
        case 'voice-state':
          if (frame.emotion) setEmotion(frame.emotion);
          return;
        default:
          return;
      }
    },
    [companion.name, refreshConversations, rememberConfirmations, stopAnswering, addMessage, loadConfirmations],
  );
  useRealtimeFrames(handleFrame);

  useEffect(() => {
    const reconcile = async (unacknowledged: PendingMessage[]) => {
      // Requests made or answered while the socket was down are read again, so their cards show as they are.
      void loadConfirmations();
      void reloadApprovals();
      const id = activeIdRef.current;
      // A reply cut off by the drop is either stored (and comes back with the history) or lost.
      setDraft(undefined);
      setAwaitingReply(false);
      if (id === undefined) return unacknowledged;
      const page = await loadLatest(id);
      // A message the server stored before the drop is in the history now; only the rest goes again.
      return unacknowledged.filter((pending) => !page.messages.some((stored) => stored.role === 'user' && stored.text.trim() === pending.text.trim()));
    };
    realtime.setReconnectHandler(reconcile);
    setStatus(realtime.status);
    const stopWatching = realtime.watchStatus(setStatus);
    window.kindredDebug = { dropRealtime: () => realtime.simulateDrop() };
    void loadConfirmations();
    return () => {
      realtime.setReconnectHandler(undefined);
      stopWatching();
      delete window.kindredDebug;
    };
  }, [realtime, loadLatest, loadConfirmations, reloadApprovals]);

  const answerConfirmation = useCallback(
    (confirmation: Confirmation, accept: boolean) => {
      const id = confirmation.id;
      setAnswering((previous) => new Set(previous).add(id));
      setConfirmationErrors(({ [id]: _cleared, ...others }) => others);
      // The socket when it is open (the `confirmation-resolved` frame then updates every device), HTTP otherwise.
      if (realtime.answerConfirmation(id, accept)) return;
      api
        .answerConfirmation(id, accept)
        .then((answered) => {
          rememberConfirmations([answered.confirmation]);
          if (answered.message) addMessage(answered.message);
        })
        .catch((caught: unknown) => {
          const errorId = typeof caught === 'object' && caught !== null && 'id' in caught ? String(caught.id) : 'internal_error';
          setConfirmationErrors((previous) => ({ ...previous, [id]: sentenceForErrorId(errorId) }));
          void loadConfirmations();
        })
        .finally(() => stopAnswering(id));
    },
    [realtime, rememberConfirmations, addMessage, loadConfirmations, stopAnswering],
  );
  const confirmationCards: ConfirmationCards = { byId: confirmations, answering, errors: confirmationErrors, onAnswer: answerConfirmation };
  const shownMessageIds = new Set(messages.map((message) => message.id));
  const approvalCards = toolApprovals.cards;
  const approvalsWaitingElsewhere = approvalsFor(toolApprovals.approvals, {
    elsewhereThan: new Set([...shownMessageIds, ...(draft ? [draft.messageId] : [])]),
    seenWaiting: toolApprovals.seenWaiting,
  });
  // Requests still waiting whose message is not on screen (still streaming, older, or in another conversation) show at the end.
  const waitingElsewhere = [...confirmations.values()]
    .filter((confirmation) => confirmation.status === 'pending' && !(confirmation.messageId !== null && shownMessageIds.has(confirmation.messageId)))
    .sort((left, right) => left.createdAt.localeCompare(right.createdAt));

  const loadOlder = useCallback(async () => {
    const id = activeIdRef.current;
    if (id === undefined || nextCursor === null || loadingOlder) return;
    setLoadingOlder(true);
    try {
      const page = await api.messages({ conversationId: id, before: nextCursor, limit: pageSize });
      keepScrollFrom.current = logElement.current ? logElement.current.scrollHeight - logElement.current.scrollTop : undefined;
      stickToBottom.current = false;
      setMessages((previous) => [...page.messages.slice().reverse(), ...previous]);
      setNextCursor(page.nextCursor);
    } catch (caught) {
      setError(caught);
    } finally {
      setLoadingOlder(false);
    }
  }, [nextCursor, loadingOlder]);

  // Older messages go above without moving what the reader is looking at; new ones follow the bottom.
  useLayoutEffect(() => {
    const log = logElement.current;
    if (!log) return;
    if (keepScrollFrom.current !== undefined) {
      log.scrollTop = log.scrollHeight - keepScrollFrom.current;
      keepScrollFrom.current = undefined;
    } else if (stickToBottom.current) {
      log.scrollTop = log.scrollHeight;
    }
  });

  const onScroll = () => {
    const log = logElement.current;
    if (!log) return;
    stickToBottom.current = log.scrollHeight - log.scrollTop - log.clientHeight < 80;
    if (log.scrollTop < 120) void loadOlder();
  };

  /** Shows the person's words at once, then sends them; the server's echo replaces the local copy. */
  const sendText = (words: string) => {
    setError(undefined);
    localCounter.current += 1;
    stickToBottom.current = true;
    setMessages((previous) => [
      ...previous,
      {
        id: `local-${localCounter.current}`,
        conversationId: activeIdRef.current ?? '',
        role: 'user',
        text: words,
        status: 'complete',
        errorId: null,
        tools: [],
        memoryIds: [],
        createdAt: new Date().toISOString(),
        local: true,
      },
    ]);
    setAwaitingReply(true);
    awaitingReplyRef.current = true;
    lastSent.current = words;
    realtime.sendMessage({ text: words, ...(activeIdRef.current ? { conversationId: activeIdRef.current } : {}) });
  };

  const send = (event?: FormEvent) => {
    event?.preventDefault();
    const trimmed = text.trim();
    if (trimmed === '' || awaitingReply) return;
    sendText(trimmed);
    setText('');
  };

  /** Trying again sends the words the failed reply answered once more, as a new turn. */
  const retry = (failedIndex: number) => {
    const asked = messages
      .slice(0, failedIndex)
      .reverse()
      .find((message) => message.role === 'user');
    const words = asked?.text ?? lastSent.current;
    if (words === undefined || awaitingReply) return;
    sendText(words);
  };

  const onComposerKey = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) send(event);
  };

  const closeDrawer = useCallback(() => setDrawerOpen(false), []);

  const startConversation = async () => {
    try {
      const conversation = await api.createConversation();
      await refreshConversations();
      setDrawerOpen(false);
      navigate(`/chat/${conversation.id}`);
    } catch (caught) {
      setError(caught);
    }
  };

  const list = (onChoose?: () => void) => (
    <ConversationList conversations={conversations} activeId={activeId} onStartConversation={() => void startConversation()} onChoose={onChoose} />
  );
  const lastMessage = messages.at(-1);

  return (
    <main id="main" className="chat-layout">
      <nav className="conversation-sidebar" aria-label="Conversations">
        {list()}
      </nav>
      <ConversationDrawer open={drawerOpen} onClose={closeDrawer}>
        {list(closeDrawer)}
      </ConversationDrawer>

      <section className="chat-panel" aria-labelledby="chat-heading">
        <header className="chat-header">
          <button
            type="button"
            className="icon-button drawer-button"
            aria-label="Conversations"
            aria-haspopup="dialog"
            aria-expanded={drawerOpen}
            onClick={() => setDrawerOpen(true)}
          >
            <Icon name="menu" />
          </button>
          {avatar && <LivingAvatar avatarId={avatar.id} emotion={emotion} size={40} className="chat-header-avatar" />}
          <div className="chat-title" id="chat-heading">
            <ScreenHeading className="visually-hidden">{`Chat with ${companion.name}`}</ScreenHeading>
            <p className="chat-name" aria-hidden="true">
              {companion.name}
            </p>
            <p className="chat-subtitle">{status === 'reconnecting' ? 'Reconnecting…' : draft ? 'Replying…' : (persona?.name ?? '')}</p>
          </div>
        </header>

        {status === 'reconnecting' && (
          <p className="banner" role="status">
            Connection lost. Reconnecting… Messages you send now will be delivered when it is back.
          </p>
        )}

        {/* biome-ignore lint/a11y/noNoninteractiveTabindex: the message list scrolls, and a scrollable region must be reachable by keyboard. */}
        <section className="message-log" ref={logElement} onScroll={onScroll} tabIndex={0} aria-label="Messages">
          {nextCursor !== null && (
            <button type="button" className="button secondary small load-older" onClick={() => void loadOlder()} disabled={loadingOlder}>
              {loadingOlder ? 'Loading…' : 'Load earlier messages'}
            </button>
          )}
          <ol className="messages">
            {historyLoaded && messages.length === 0 && draft === undefined && persona && (
              <li className="message assistant greeting">
                <CompanionAvatar avatar={avatar} />
                <div className="bubble">
                  <span className="visually-hidden">{companion.name} says: </span>
                  {persona.greeting}
                </div>
              </li>
            )}
            {messages.map((message, index) => (
              <MessageItem
                key={message.id}
                message={message}
                companionName={companion.name}
                avatar={avatar}
                onRetry={message === lastMessage && message.status === 'failed' && !awaitingReply ? () => retry(index) : undefined}
                confirmationCards={confirmationCards}
                toolApprovals={{ approvals: approvalsFor(toolApprovals.approvals, { messageId: message.id }), cards: approvalCards }}
              />
            ))}
            {draft && (
              <li className="message assistant streaming" data-testid="message-streaming" aria-busy="true">
                <CompanionAvatar avatar={avatar} />
                <div className="bubble">
                  <span className="visually-hidden">{companion.name} is replying: </span>
                  {draft.text ? (
                    <span className="bubble-text">{draft.text}</span>
                  ) : (
                    <span className="typing">
                      <span className="visually-hidden">{companion.name} is typing…</span>
                      <span className="typing-dot" />
                      <span className="typing-dot" />
                      <span className="typing-dot" />
                    </span>
                  )}
                  {draft.toolNames.length > 0 && <p className="tool-note">Using {toolTitles(draft.toolNames)}…</p>}
                  <ToolApprovalCardList approvals={approvalsFor(toolApprovals.approvals, { messageId: draft.messageId })} cards={approvalCards} />
                </div>
              </li>
            )}
            {approvalsWaitingElsewhere.map((approval) => (
              <li key={approval.id} className="message assistant" data-testid="tool-approval-waiting">
                <CompanionAvatar avatar={avatar} />
                <div className="bubble">
                  <span className="visually-hidden">{companion.name} asks: </span>
                  <ToolApprovalCardList approvals={[approval]} cards={approvalCards} />
                </div>
              </li>
            ))}
            {waitingElsewhere.map((confirmation) => (
              <li key={confirmation.id} className="message assistant" data-testid="confirmation-waiting">
                <CompanionAvatar avatar={avatar} />
                <div className="bubble">
                  <span className="visually-hidden">{companion.name} asks: </span>
                  <ConfirmationCardFor id={confirmation.id} cards={confirmationCards} />
                </div>
              </li>
            ))}
          </ol>
        </section>

        <p className="visually-hidden" aria-live="polite">
          {announcement}
        </p>
        <ErrorAlert error={error} />

        <form className="composer" onSubmit={send}>
          <label htmlFor="composer-input" className="visually-hidden">
            Message {companion.name}
          </label>
          <textarea
            id="composer-input"
            rows={1}
            value={text}
            placeholder={`Message ${companion.name}…`}
            maxLength={16_000}
            enterKeyHint="send"
            onChange={(event) => setText(event.target.value)}
            onKeyDown={onComposerKey}
            aria-describedby="composer-hint"
          />
          <button type="button" className="voice-button" aria-label={`Talk with ${companion.name} by voice`} onClick={() => setVoiceOpen(true)}>
            <Icon name="microphone" />
          </button>
          <button type="submit" className="send-button" disabled={awaitingReply || text.trim() === ''} aria-label="Send">
            <Icon name="send" />
          </button>
          <p id="composer-hint" className="visually-hidden">
            Enter sends; Shift and Enter starts a new line.
          </p>
        </form>
      </section>
      {voiceOpen && (
        <VoiceMode
          companionName={companion.name}
          avatarId={avatar?.id}
          voice={voice}
          conversationId={activeId}
          serverSpeech={catalog.speech}
          onEmotion={setEmotion}
          onClose={() => setVoiceOpen(false)}
        />
      )}
    </main>
  );
}

// The conversation: streamed replies over the realtime WebSocket, the avatar beside them, older
// history loaded as you scroll up, several conversations, and reconnection that loses nothing
// (unsent messages wait in a queue; after a reconnection the latest history is read again).
import { type FormEvent, type KeyboardEvent, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { Conversation, Message, PendingMessage, RealtimeConnection, RealtimeStatus, ServerFrame } from '../../../common/client.ts';
import { api } from '../api.ts';
import { ErrorAlert } from '../components/error-alert.tsx';
import { ScreenHeading } from '../components/screen-heading.tsx';
import { sentenceForErrorId } from '../error-messages.ts';
import { Link, navigate } from '../router.tsx';
import { useSession } from '../session.tsx';

const pageSize = 30;

/** A message as shown: stored ones, plus the user's own while they wait for the server's echo. */
type ShownMessage = Message & { local?: boolean };

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

function formatTime(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

function conversationLabel(conversation: Conversation): string {
  return conversation.title ?? `Conversation of ${new Date(conversation.createdAt).toLocaleDateString([], { day: 'numeric', month: 'short' })}`;
}

export function ChatScreen({ conversationId }: { conversationId: string | undefined }) {
  const { companion, catalog } = useSession();
  const avatar = catalog.avatars.find((candidate) => candidate.id === companion.avatarId);
  const persona = catalog.personas.find((candidate) => candidate.id === companion.personaId);
  const [conversations, setConversations] = useState<Conversation[]>([]);
  const [activeId, setActiveId] = useState<string | undefined>(conversationId);
  const [messages, setMessages] = useState<ShownMessage[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [draft, setDraft] = useState<Draft>();
  const [awaitingReply, setAwaitingReply] = useState(false);
  const [status, setStatus] = useState<RealtimeStatus>('connecting');
  const [error, setError] = useState<unknown>();
  const [announcement, setAnnouncement] = useState('');
  const [text, setText] = useState('');
  const connection = useRef<RealtimeConnection>(undefined);
  const activeIdRef = useRef(activeId);
  const logElement = useRef<HTMLElement>(null);
  const keepScrollFrom = useRef<number | undefined>(undefined);
  const stickToBottom = useRef(true);
  const localCounter = useRef(0);
  /** The conversation whose messages are on screen, so adopting a new one mid-reply does not reload it. */
  const shownConversation = useRef<string | undefined>(undefined);
  activeIdRef.current = activeId;

  const refreshConversations = useCallback(async () => {
    try {
      setConversations(await api.conversations());
    } catch (caught) {
      setError(caught);
    }
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
    return page;
  }, []);

  // Which conversation: the one in the address, else the newest, else none until the first message.
  useEffect(() => {
    let cancelled = false;
    if (conversationId !== undefined && conversationId === shownConversation.current) return;
    (async () => {
      const list = await api.conversations();
      if (cancelled) return;
      setConversations(list);
      const chosen = conversationId ?? list[0]?.id;
      setActiveId(chosen);
      activeIdRef.current = chosen;
      shownConversation.current = chosen;
      setMessages([]);
      setNextCursor(null);
      setDraft(undefined);
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
            frame.message.status === 'failed'
              ? sentenceForErrorId(frame.message.errorId ?? 'internal_error')
              : `${companion.name} replied: ${frame.message.text}`,
          );
          void refreshConversations();
          return;
        }
        case 'error':
          setDraft(undefined);
          setAwaitingReply(false);
          setError(sentenceForErrorId(frame.id));
          return;
        default:
          return;
      }
    },
    [companion.name, refreshConversations],
  );
  const frameHandler = useRef(handleFrame);
  frameHandler.current = handleFrame;

  useEffect(() => {
    const reconcile = async (unacknowledged: PendingMessage[]) => {
      const id = activeIdRef.current;
      // A reply cut off by the drop is either stored (and comes back with the history) or lost.
      setDraft(undefined);
      setAwaitingReply(false);
      if (id === undefined) return unacknowledged;
      const page = await loadLatest(id);
      // A message the server stored before the drop is in the history now; only the rest goes again.
      return unacknowledged.filter((pending) => !page.messages.some((stored) => stored.role === 'user' && stored.text.trim() === pending.text.trim()));
    };
    const opened = api.realtime({
      origin: window.location.origin,
      onFrame: (frame) => frameHandler.current(frame),
      onStatus: setStatus,
      onReconnect: reconcile,
    });
    connection.current = opened;
    window.kindredDebug = { dropRealtime: () => opened.simulateDrop() };
    return () => {
      opened.close();
      delete window.kindredDebug;
    };
  }, [loadLatest]);

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

  const send = (event?: FormEvent) => {
    event?.preventDefault();
    const trimmed = text.trim();
    if (trimmed === '' || awaitingReply) return;
    setError(undefined);
    localCounter.current += 1;
    const now = new Date().toISOString();
    stickToBottom.current = true;
    setMessages((previous) => [
      ...previous,
      {
        id: `local-${localCounter.current}`,
        conversationId: activeIdRef.current ?? '',
        role: 'user',
        text: trimmed,
        status: 'complete',
        errorId: null,
        tools: [],
        memoryIds: [],
        createdAt: now,
        local: true,
      },
    ]);
    setAwaitingReply(true);
    connection.current?.sendMessage({ text: trimmed, ...(activeIdRef.current ? { conversationId: activeIdRef.current } : {}) });
    setText('');
  };

  const onComposerKey = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) send(event);
  };

  const startConversation = async () => {
    try {
      const conversation = await api.createConversation();
      await refreshConversations();
      navigate(`/chat/${conversation.id}`);
    } catch (caught) {
      setError(caught);
    }
  };

  const companionAvatar = avatar ? <img className="message-avatar" src={avatar.imageUrl} alt="" width={40} height={40} /> : null;

  return (
    <main id="main" className="chat-layout">
      <nav className="conversation-list" aria-label="Conversations">
        <button type="button" className="button primary wide" onClick={() => void startConversation()}>
          + New conversation
        </button>
        <ul>
          {conversations.map((conversation) => (
            <li key={conversation.id}>
              <Link href={`/chat/${conversation.id}`} aria-current={conversation.id === activeId ? 'page' : undefined}>
                {conversationLabel(conversation)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>

      <section className="chat-panel" aria-labelledby="chat-heading">
        <header className="chat-header">
          {avatar && <img src={avatar.imageUrl} alt={avatar.alt} width={48} height={48} className="chat-header-avatar" />}
          <div className="chat-title">
            <ScreenHeading>{`Chat with ${companion.name}`}</ScreenHeading>
            <p className="hint" id="chat-heading">
              {persona?.name ?? ''}
            </p>
          </div>
          <div className="conversation-picker">
            <label htmlFor="conversation-select" className="visually-hidden">
              Conversation
            </label>
            <select id="conversation-select" value={activeId ?? ''} onChange={(event) => navigate(`/chat/${event.target.value}`)}>
              {activeId === undefined && <option value="">New conversation</option>}
              {conversations.map((conversation) => (
                <option key={conversation.id} value={conversation.id}>
                  {conversationLabel(conversation)}
                </option>
              ))}
            </select>
            <button type="button" className="button secondary small" onClick={() => void startConversation()} aria-label="New conversation">
              +
            </button>
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
            {messages.length === 0 && draft === undefined && persona && (
              <li className="message assistant greeting">
                {companionAvatar}
                <div className="bubble">
                  <span className="visually-hidden">{companion.name} says: </span>
                  {persona.greeting}
                </div>
              </li>
            )}
            {messages.map((message) => (
              <li key={message.id} className={`message ${message.role}${message.status === 'failed' ? ' failed' : ''}`} data-testid={`message-${message.role}`}>
                {message.role === 'assistant' && companionAvatar}
                <div className="bubble">
                  <span className="visually-hidden">{message.role === 'assistant' ? `${companion.name} said: ` : 'You said: '}</span>
                  {message.text}
                  {message.tools.length > 0 && <p className="tool-note">Used {message.tools.map((tool) => tool.toolName).join(', ')}</p>}
                  {message.status === 'failed' && <p className="tool-note">{sentenceForErrorId(message.errorId ?? 'internal_error')}</p>}
                  <span className="time">{message.local ? 'Sending…' : formatTime(message.createdAt)}</span>
                </div>
              </li>
            ))}
            {draft && (
              <li className="message assistant streaming" data-testid="message-streaming" aria-busy="true">
                {companionAvatar}
                <div className="bubble">
                  <span className="visually-hidden">{companion.name} is replying: </span>
                  {draft.text || <span className="typing">{companion.name} is typing…</span>}
                  {draft.toolNames.length > 0 && <p className="tool-note">Using {draft.toolNames.join(', ')}…</p>}
                </div>
              </li>
            )}
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
            rows={2}
            value={text}
            placeholder={`Message ${companion.name}…`}
            maxLength={16_000}
            onChange={(event) => setText(event.target.value)}
            onKeyDown={onComposerKey}
            aria-describedby="composer-hint"
          />
          <button type="submit" className="button primary" disabled={awaitingReply || text.trim() === ''}>
            Send
          </button>
          <p id="composer-hint" className="visually-hidden">
            Enter sends; Shift and Enter starts a new line.
          </p>
        </form>
      </section>
    </main>
  );
}

// The person's conversations, newest first, with a button to start another. Shown beside the chat
// on wide screens and inside the conversations drawer on phones.
import type { Conversation } from '../../../common/client.ts';
import { Icon } from '../components/icons.tsx';
import { Link } from '../router.tsx';

/** A conversation is named by its first words; one that has none yet is simply new. */
export function conversationLabel(conversation: Conversation): string {
  return conversation.title ?? 'New conversation';
}

/** Today's conversations by time, this year's by day and month, older ones with the year too. */
function conversationWhen(conversation: Conversation, now = new Date()): string {
  const at = new Date(conversation.updatedAt);
  if (at.toDateString() === now.toDateString()) return at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const sameYear = at.getFullYear() === now.getFullYear();
  return at.toLocaleDateString([], sameYear ? { day: 'numeric', month: 'short' } : { day: 'numeric', month: 'short', year: 'numeric' });
}

interface ConversationListProps {
  conversations: Conversation[];
  activeId: string | undefined;
  onStartConversation(): void;
  /** Called when a conversation is chosen, after the link has navigated: the drawer closes itself here. */
  onChoose?(): void;
}

export function ConversationList({ conversations, activeId, onStartConversation, onChoose }: ConversationListProps) {
  return (
    <div className="conversation-list">
      <button type="button" className="button primary wide" onClick={onStartConversation}>
        <Icon name="new-conversation" />
        New conversation
      </button>
      {conversations.length === 0 ? (
        <p className="hint conversation-list-empty">Your conversations will be listed here.</p>
      ) : (
        <ul>
          {conversations.map((conversation) => (
            <li key={conversation.id}>
              <Link href={`/chat/${conversation.id}`} aria-current={conversation.id === activeId ? 'page' : undefined} onClick={() => onChoose?.()}>
                <span className="conversation-title">{conversationLabel(conversation)}</span>
                <span className="conversation-when">{conversationWhen(conversation)}</span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

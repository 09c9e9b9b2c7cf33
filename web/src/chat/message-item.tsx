// One message of the conversation. A reply that failed says what went wrong in words, and the
// newest failed one offers to try again.
import type { Avatar, Message, ToolApproval } from '../../../common/client.ts';
import { CareCard } from '../care/care-card.tsx';
import { Icon } from '../components/icons.tsx';
import { sentenceForErrorId } from '../error-messages.ts';
import { outreachKindLabels } from '../today/today-format.ts';
import { ConfirmationCardFor, type ConfirmationCards } from './confirmation-card.tsx';
import { ToolApprovalCardList, type ToolApprovalCards } from './tool-approval-card.tsx';
import { confirmationIdOf, useToolTitles } from './tool-titles.ts';

/** A message as shown: stored ones, plus the user's own while they wait for the server's echo. */
export type ShownMessage = Message & { local?: boolean };

function formatTime(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

export function CompanionAvatar({ avatar }: { avatar: Avatar | undefined }) {
  return avatar ? <img className="message-avatar" src={avatar.imageUrl} alt="" width={36} height={36} /> : <span className="message-avatar" />;
}

interface MessageItemProps {
  message: ShownMessage;
  companionName: string;
  avatar: Avatar | undefined;
  /** Present only where trying again makes sense: on the newest message, when it is a failed reply. */
  onRetry?: () => void;
  /** The confirmations the screen knows, for the cards of tools that asked the person first. */
  confirmationCards?: ConfirmationCards;
  /** The tool calls of this message that asked the person first, and how to answer them. */
  toolApprovals?: { approvals: readonly ToolApproval[]; cards: ToolApprovalCards };
}

export function MessageItem({ message, companionName, avatar, onRetry, confirmationCards, toolApprovals }: MessageItemProps) {
  const failed = message.status === 'failed';
  const isAssistant = message.role === 'assistant';
  const toolTitles = useToolTitles();
  return (
    <li className={`message ${message.role}${failed ? ' failed' : ''}`} data-testid={`message-${message.role}`}>
      {isAssistant && <CompanionAvatar avatar={avatar} />}
      <div className="bubble">
        <span className="visually-hidden">{isAssistant ? `${companionName} said: ` : 'You said: '}</span>
        {/* Why the companion spoke first, so a message nobody asked for does not come out of nowhere. */}
        {isAssistant && message.proactive && (
          <span className="proactive-label" data-testid="proactive-label">
            {outreachKindLabels[message.proactive]}
            <span className="visually-hidden">, unasked: </span>
          </span>
        )}
        {message.text && <span className="bubble-text">{message.text}</span>}
        {/* Right under the reply, and there even when the reply failed: the help never depends on the model. */}
        {isAssistant && message.care && <CareCard care={message.care} />}
        {message.tools.length > 0 && <p className="tool-note">Used {toolTitles(message.tools.map((tool) => tool.toolName))}</p>}
        {confirmationCards &&
          message.tools.map((tool) => {
            const confirmationId = confirmationIdOf(tool.output);
            return confirmationId && <ConfirmationCardFor key={confirmationId} id={confirmationId} cards={confirmationCards} />;
          })}
        {toolApprovals && toolApprovals.approvals.length > 0 && <ToolApprovalCardList approvals={toolApprovals.approvals} cards={toolApprovals.cards} />}
        {failed && (
          <div className="failure">
            <p>
              <strong>{message.text ? `${companionName} was cut off.` : `${companionName} couldn't reply.`}</strong>{' '}
              {sentenceForErrorId(message.errorId ?? 'internal_error')}
            </p>
            {onRetry && (
              <button type="button" className="button secondary small retry-button" onClick={onRetry}>
                <Icon name="retry" />
                Retry
              </button>
            )}
          </div>
        )}
        <span className="time">{message.local ? 'Sending…' : formatTime(message.createdAt)}</span>
      </div>
    </li>
  );
}

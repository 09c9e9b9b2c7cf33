// A tool call that waits for the person: which tool, why it asks, what it would be given (field by
// field, in words), and Allow / Deny / Always allow as real buttons; once answered (here, on another
// device, or by running out of time), what became of it.
import { useEffect, useId, useRef, useState } from 'react';
import type { AnswerToolApprovalBody, ToolApproval } from '../../../common/client.ts';
import { approvalOutcomeWords, describeInput, riskWords } from '../tools/tool-words.ts';

interface ToolApprovalCardProps {
  approval: ToolApproval;
  /** Sends the answer; the card shows it as answered once the server says so. */
  onAnswer: (approval: ToolApproval, answer: AnswerToolApprovalBody) => void;
  /** Set while this device's answer is on its way. */
  answering: boolean;
  /** Why the last answer from this device failed, in words. */
  error?: string;
}

export function ToolApprovalCard({ approval, onAnswer, answering, error }: ToolApprovalCardProps) {
  const headingId = useId();
  const outcome = useRef<HTMLParagraphElement>(null);
  const [answeredHere, setAnsweredHere] = useState(false);
  const pending = approval.status === 'pending';
  const lines = describeInput(approval.input);

  // The buttons go once the answer is in: focus moves to the outcome, so a keyboard user is not left nowhere.
  useEffect(() => {
    if (!pending && answeredHere) outcome.current?.focus();
  }, [pending, answeredHere]);

  const answer = (body: AnswerToolApprovalBody) => {
    setAnsweredHere(true);
    onAnswer(approval, body);
  };

  return (
    <section
      className={`confirmation-card tool-approval-card ${approval.status}`}
      aria-labelledby={headingId}
      aria-busy={answering}
      data-testid="tool-approval-card"
      data-status={approval.status}
    >
      <p id={headingId} className="confirmation-headline">
        {pending ? `Allow “${approval.toolTitle}”?` : `“${approval.toolTitle}”`}
      </p>
      <p className="tool-approval-reason">{approval.reason}</p>
      <p className="tool-approval-risk">{riskWords[approval.risk].label}</p>
      {lines.length > 0 && (
        <dl className="confirmation-details tool-approval-input" aria-label="What it would be given">
          {lines.map((line) => (
            <div key={line.label}>
              <dt>{line.label}</dt>
              <dd>{line.value}</dd>
            </div>
          ))}
        </dl>
      )}
      {approval.status === 'pending' ? (
        <div className="confirmation-actions">
          <button type="button" className="button primary small" disabled={answering} onClick={() => answer({ approved: true })}>
            Allow
          </button>
          <button type="button" className="button secondary small" disabled={answering} onClick={() => answer({ approved: false })}>
            Deny
          </button>
          <button
            type="button"
            className="button secondary small"
            disabled={answering}
            aria-describedby={`${headingId}-always`}
            onClick={() => answer({ approved: true, always: true })}
          >
            Always allow
          </button>
          <span id={`${headingId}-always`} className="visually-hidden">
            {`Allows this and every later use of ${approval.toolTitle} without asking; you can change it in Settings, Tools.`}
          </span>
        </div>
      ) : (
        <p className="confirmation-outcome" ref={outcome} tabIndex={-1} role="status">
          {approvalOutcomeWords[approval.status]}
        </p>
      )}
      {error && (
        <p className="confirmation-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

/** The screen's approvals, as the cards of its messages need them. */
export interface ToolApprovalCards {
  answering: ReadonlySet<string>;
  errors: Readonly<Record<string, string>>;
  onAnswer: (approval: ToolApproval, answer: AnswerToolApprovalBody) => void;
}

/** The cards of a list of approvals. */
export function ToolApprovalCardList({ approvals, cards }: { approvals: readonly ToolApproval[]; cards: ToolApprovalCards }) {
  return approvals.map((approval) => (
    <ToolApprovalCard
      key={approval.id}
      approval={approval}
      onAnswer={cards.onAnswer}
      answering={cards.answering.has(approval.id)}
      error={cards.errors[approval.id]}
    />
  ));
}

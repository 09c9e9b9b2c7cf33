// A tool call that waits for the person: which tool, why it asks, what it would be given (field by
// field, in words), and Allow / Deny / Always allow as real buttons; once answered (here, on another
// device, or by running out of time), what became of it.
import type { AnswerToolApprovalBody, ToolApproval } from '../../../common/client.ts';
import { approvalOutcomeWords, describeInput, riskWords } from '../tools/tool-words.ts';
import { AnswerCard } from './answer-card.tsx';

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
  const lines = describeInput(approval.input);
  const pending = approval.status === 'pending';
  return (
    <AnswerCard
      kind="tool-approval-card"
      status={approval.status}
      testId="tool-approval-card"
      headline={pending ? `Allow “${approval.toolTitle}”?` : `“${approval.toolTitle}”`}
      outcome={approval.status === 'pending' ? undefined : approvalOutcomeWords[approval.status]}
      choices={[
        { label: 'Allow', answer: () => onAnswer(approval, { approved: true }) },
        { label: 'Deny', answer: () => onAnswer(approval, { approved: false }) },
        {
          label: 'Always allow',
          answer: () => onAnswer(approval, { approved: true, always: true }),
          description: `Allows this and every later use of ${approval.toolTitle} without asking; you can change it in Settings, Tools.`,
        },
      ]}
      answering={answering}
      error={error}
    >
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
    </AnswerCard>
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

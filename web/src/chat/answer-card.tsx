// The frame of a card in the chat that waits for the person's answer (a confirmation, a tool
// approval): a headline, what the card is about, the answers as real buttons while it waits, and once
// answered (here, on another device, or by running out of time) a line saying what became of it.
import { type ReactNode, useEffect, useId, useRef, useState } from 'react';

/** One answer the card offers, as a button; the first is the primary one. */
export interface AnswerChoice {
  label: string;
  answer(): void;
  /** Said to screen readers along with the button, when its label alone does not say enough. */
  description?: string;
}

interface AnswerCardProps {
  /** A class of this kind of card, next to `confirmation-card` and the status. */
  kind?: string;
  status: string;
  testId: string;
  headline: ReactNode;
  /** What became of it in words, once it no longer waits; undefined while it does. */
  outcome: string | undefined;
  choices: readonly AnswerChoice[];
  /** Set while this device's answer is on its way. */
  answering: boolean;
  /** Why the last answer from this device failed, in words. */
  error?: string | undefined;
  /** What the card is about, between the headline and the answers. */
  children: ReactNode;
}

export function AnswerCard({ kind, status, testId, headline, outcome, choices, answering, error, children }: AnswerCardProps) {
  const headingId = useId();
  const outcomeLine = useRef<HTMLParagraphElement>(null);
  const [answeredHere, setAnsweredHere] = useState(false);
  const pending = outcome === undefined;

  // The buttons go once the answer is in: focus moves to the outcome, so a keyboard user is not left nowhere.
  useEffect(() => {
    if (!pending && answeredHere) outcomeLine.current?.focus();
  }, [pending, answeredHere]);

  const descriptionId = (index: number) => `${headingId}-answer-${index}`;
  return (
    <section
      className={kind ? `confirmation-card ${kind} ${status}` : `confirmation-card ${status}`}
      aria-labelledby={headingId}
      aria-busy={answering}
      data-testid={testId}
      data-status={status}
    >
      <p id={headingId} className="confirmation-headline">
        {headline}
      </p>
      {children}
      {pending ? (
        <div className="confirmation-actions">
          {choices.map((choice, index) => (
            <button
              key={choice.label}
              type="button"
              className={index === 0 ? 'button primary small' : 'button secondary small'}
              disabled={answering}
              aria-describedby={choice.description ? descriptionId(index) : undefined}
              onClick={() => {
                setAnsweredHere(true);
                choice.answer();
              }}
            >
              {choice.label}
            </button>
          ))}
          {choices.map(
            (choice, index) =>
              choice.description && (
                <span key={choice.label} id={descriptionId(index)} className="visually-hidden">
                  {choice.description}
                </span>
              ),
          )}
        </div>
      ) : (
        <p className="confirmation-outcome" ref={outcomeLine} tabIndex={-1} role="status">
          {outcome}
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

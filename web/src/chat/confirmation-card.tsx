// A request from the companion to do something only the person may approve (moving or cancelling an
// event): what would change, shown before and after, with real buttons to confirm or keep it as it
// is, and, once answered, what became of it.
import type { Confirmation } from '../../../common/client.ts';
import { AnswerCard } from './answer-card.tsx';

function formatWhen(start: string, end: string, timezone: string, allDay: boolean): string {
  const day = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long', timeZone: timezone });
  if (allDay) {
    // The end of an all-day event is the midnight after its last day.
    const last = new Date(Math.max(Date.parse(end) - 12 * 3600_000, Date.parse(start)));
    const first = day.format(new Date(start));
    return first === day.format(last) ? `${first}, all day` : `${first} to ${day.format(last)}, all day`;
  }
  const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', timeZone: timezone });
  const startDay = day.format(new Date(start));
  const endDay = day.format(new Date(end));
  return startDay === endDay
    ? `${startDay}, ${time.format(new Date(start))}–${time.format(new Date(end))}`
    : `${startDay}, ${time.format(new Date(start))} to ${endDay}, ${time.format(new Date(end))}`;
}

const outcomes: Record<Exclude<Confirmation['status'], 'pending'>, string> = {
  accepted: 'Confirmed: done.',
  declined: 'Kept as it is.',
  expired: 'Not answered in time: nothing was changed.',
  failed: 'Confirmed, but it could not be done.',
};

interface ConfirmationCardProps {
  confirmation: Confirmation;
  /** Sends the answer; the card shows it as answered once the server says so. */
  onAnswer: (confirmation: Confirmation, accept: boolean) => void;
  /** Set while this device's answer is on its way. */
  answering: boolean;
  /** Why the last answer from this device failed, in words. */
  error?: string;
}

export function ConfirmationCard({ confirmation, onAnswer, answering, error }: ConfirmationCardProps) {
  const { summary } = confirmation;
  const event = summary.event;
  return (
    <AnswerCard
      status={confirmation.status}
      testId="confirmation-card"
      headline={summary.headline}
      outcome={confirmation.status === 'pending' ? undefined : outcomes[confirmation.status]}
      choices={[
        { label: summary.acceptLabel, answer: () => onAnswer(confirmation, true) },
        { label: summary.declineLabel, answer: () => onAnswer(confirmation, false) },
      ]}
      answering={answering}
      error={error}
    >
      {event && (
        <dl className="confirmation-details">
          <dt>Event</dt>
          <dd>{event.title || 'Untitled'}</dd>
          <dt>{summary.after ? 'Now' : 'When'}</dt>
          <dd>{formatWhen(event.start, event.end, event.timezone, event.allDay)}</dd>
          {summary.after && (
            <>
              <dt>Moves to</dt>
              <dd>{formatWhen(summary.after.start, summary.after.end, event.timezone, event.allDay)}</dd>
            </>
          )}
          {event.location && (
            <>
              <dt>Where</dt>
              <dd>{event.location}</dd>
            </>
          )}
          <dt>Time zone</dt>
          <dd>{event.timezone}</dd>
          {summary.scope && (
            <>
              <dt>Applies to</dt>
              <dd>{summary.scope === 'series' ? 'Every time it repeats' : 'This time only'}</dd>
            </>
          )}
        </dl>
      )}
      {summary.details && summary.details.length > 0 && (
        <dl className="confirmation-details">
          {summary.details.map((detail) => (
            <div key={detail.label}>
              <dt>{detail.label}</dt>
              <dd>{detail.value}</dd>
            </div>
          ))}
        </dl>
      )}
    </AnswerCard>
  );
}

/** The screen's confirmations, as the cards of its messages need them. */
export interface ConfirmationCards {
  byId: ReadonlyMap<string, Confirmation>;
  answering: ReadonlySet<string>;
  errors: Readonly<Record<string, string>>;
  onAnswer: (confirmation: Confirmation, accept: boolean) => void;
}

/** The card of one confirmation, once it is known to the screen. */
export function ConfirmationCardFor({ id, cards }: { id: string; cards: ConfirmationCards }) {
  const confirmation = cards.byId.get(id);
  if (!confirmation) return null;
  return <ConfirmationCard confirmation={confirmation} onAnswer={cards.onAnswer} answering={cards.answering.has(id)} error={cards.errors[id]} />;
}

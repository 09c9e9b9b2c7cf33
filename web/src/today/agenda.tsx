// Today's and tomorrow's events, by day in the person's time zone.
import type { EventOccurrenceView } from '../../../common/client.ts';
import { ErrorAlert } from '../components/error-alert.tsx';
import { describeEventTime, groupAgenda } from './today-format.ts';

interface AgendaProps {
  events: EventOccurrenceView[] | undefined;
  error: unknown;
  timeZone: string;
}

export function Agenda({ events, error, timeZone }: AgendaProps) {
  const days = events === undefined ? [] : groupAgenda(events, new Date(), timeZone);
  return (
    <section className="card today-section" aria-labelledby="today-agenda-heading">
      <h2 id="today-agenda-heading">Agenda</h2>
      <ErrorAlert error={error} />
      {events === undefined && error === undefined && <p className="empty">Loading…</p>}
      {days.map((day, index) => (
        <div key={day.day} className={index === 0 ? 'today-day' : 'today-day later'}>
          <h3>{day.title}</h3>
          {day.events.length === 0 ? (
            <p className="empty">{index === 0 ? 'Nothing in your calendar today.' : 'Nothing yet.'}</p>
          ) : (
            <ul className="plain-list today-events">
              {day.events.map((event) => (
                <li key={`${event.occurrenceId}-${day.day}`} className="today-event">
                  <span className="today-event-time">{describeEventTime(event, timeZone)}</span>
                  <span className="today-event-title">
                    {event.title}
                    {event.location && <span className="today-event-location"> · {event.location}</span>}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </div>
      ))}
    </section>
  );
}

// Today: the day's agenda (and tomorrow's, briefly), the person's reminders, what the companion
// plans to bring up by itself, and where the calendar comes from. One tap from the chat.
import { useCallback, useEffect, useState } from 'react';
import type { EventOccurrenceView, OutreachAnswer } from '../../../common/client.ts';
import { api } from '../api.ts';
import { ScreenHeading } from '../components/screen-heading.tsx';
import { useRealtimeFrames } from '../realtime/realtime-context.tsx';
import { useSession } from '../session.tsx';
import { Agenda } from '../today/agenda.tsx';
import { CalendarConnections } from '../today/calendar-connections.tsx';
import { PlannedOutreach } from '../today/planned-outreach.tsx';
import { ReminderList } from '../today/reminder-list.tsx';
import { agendaRange } from '../today/today-format.ts';
import '../today/today.css';

export function TodayScreen() {
  const { user, companion } = useSession();
  const [events, setEvents] = useState<EventOccurrenceView[]>();
  const [eventsError, setEventsError] = useState<unknown>();
  const [outreach, setOutreach] = useState<OutreachAnswer>();
  const [outreachError, setOutreachError] = useState<unknown>();

  const loadEvents = useCallback(async () => {
    try {
      setEvents(await api.events(agendaRange(new Date())));
      setEventsError(undefined);
    } catch (caught) {
      setEventsError(caught);
    }
  }, []);
  const loadOutreach = useCallback(async () => {
    try {
      setOutreach(await api.outreach());
      setOutreachError(undefined);
    } catch (caught) {
      setOutreachError(caught);
    }
  }, []);
  useEffect(() => {
    void loadEvents();
    void loadOutreach();
  }, [loadEvents, loadOutreach]);

  // Once the companion has said something, its plans have moved on.
  useRealtimeFrames((frame) => {
    if (frame.type === 'notification' || frame.type === 'reminder-due') void loadOutreach();
  });

  const refreshAfterCalendarChange = useCallback(() => {
    void loadEvents();
    void loadOutreach();
  }, [loadEvents, loadOutreach]);

  return (
    <main id="main" className="page today-page">
      <ScreenHeading>Today</ScreenHeading>
      <div className="today-grid">
        <div className="today-column">
          <Agenda events={events} error={eventsError} timeZone={user.timezone} />
          <PlannedOutreach outreach={outreach} error={outreachError} timeZone={user.timezone} companionName={companion.name} />
        </div>
        <div className="today-column">
          <ReminderList />
          <CalendarConnections onEventsChanged={refreshAfterCalendarChange} />
        </div>
      </div>
    </main>
  );
}

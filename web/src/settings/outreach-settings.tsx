// Reaching out: when and how the companion may speak first (check-ins, reminders before events,
// follow-ups), the hours it keeps quiet, the daily limit, which channel it tries first, the pause
// that "stop" sets, and the log of everything it sent unasked and what became of it.
import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import type { OutreachLogEntry, OutreachSettings as Settings } from '../../../common/client.ts';
import { api } from '../api.ts';
import { ErrorAlert } from '../components/error-alert.tsx';
import { SwitchRow } from '../components/switch-row.tsx';
import { useSession } from '../session.tsx';
import { moveChannel, outreachKindLabels } from '../today/today-format.ts';
import { NumberField } from './number-field.tsx';
import { cadenceNames, channelNames, type DeliveryChannelName, describeAttempt, describeEntryStatus, describeMoment } from './outreach-words.ts';
import { TimeField } from './time-field.tsx';

export const pausedSentence = 'Paused by “stop”. Turn this off, or send “start” in any chat, to hear from your companion again.';

function ChannelOrder({ order, onChange }: { order: DeliveryChannelName[]; onChange(order: DeliveryChannelName[], moved: string): void }) {
  const buttons = useRef(new Map<string, HTMLButtonElement>());
  const [focusNext, setFocusNext] = useState<string>();
  // A moved row is re-placed in the page, which drops focus: it goes back to the button pressed, or
  // to its partner once the row reached the end.
  useEffect(() => {
    if (focusNext === undefined) return;
    const [channel, direction] = focusNext.split(':');
    const pressed = buttons.current.get(focusNext);
    const partner = buttons.current.get(`${channel}:${direction === 'up' ? 'down' : 'up'}`);
    (pressed && !pressed.disabled ? pressed : partner)?.focus();
    setFocusNext(undefined);
  }, [focusNext]);

  const move = (index: number, direction: -1 | 1) => {
    const channel = order[index] as DeliveryChannelName;
    const next = moveChannel(order, index, direction);
    onChange(next, `${channelNames[channel]} is now ${ordinal(next.indexOf(channel))}.`);
    setFocusNext(`${channel}:${direction === -1 ? 'up' : 'down'}`);
  };

  return (
    <ol className="outreach-channels" aria-describedby="outreach-channels-hint">
      {order.map((channel, index) => (
        <li key={channel} className="outreach-channel">
          <span className="outreach-channel-name">{channelNames[channel]}</span>
          <button
            type="button"
            className="quiet-button"
            ref={(element) => void (element ? buttons.current.set(`${channel}:up`, element) : buttons.current.delete(`${channel}:up`))}
            aria-label={`Move ${channelNames[channel]} up`}
            disabled={index === 0}
            onClick={() => move(index, -1)}
          >
            <span aria-hidden="true">↑</span> Up
          </button>
          <button
            type="button"
            className="quiet-button"
            ref={(element) => void (element ? buttons.current.set(`${channel}:down`, element) : buttons.current.delete(`${channel}:down`))}
            aria-label={`Move ${channelNames[channel]} down`}
            disabled={index === order.length - 1}
            onClick={() => move(index, 1)}
          >
            <span aria-hidden="true">↓</span> Down
          </button>
        </li>
      ))}
    </ol>
  );
}

const ordinals = ['first', 'second', 'third'];
const ordinal = (index: number) => ordinals[index] ?? `number ${index + 1}`;

function OutreachLog() {
  const { user } = useSession();
  const [entries, setEntries] = useState<OutreachLogEntry[]>();
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>();

  const load = useCallback(async (cursor?: string) => {
    setLoading(true);
    setError(undefined);
    try {
      const page = await api.outreachLog(cursor);
      setEntries((previous) => (cursor === undefined ? page.entries : [...(previous ?? []), ...page.entries]));
      setNextCursor(page.nextCursor);
    } catch (caught) {
      setError(caught);
    } finally {
      setLoading(false);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const now = new Date();
  return (
    <section className="settings-block outreach-log-section" aria-labelledby="outreach-log-heading">
      <h3 id="outreach-log-heading">What was sent</h3>
      <ErrorAlert error={error} />
      {entries === undefined && error === undefined && <p className="settings-muted">Loading…</p>}
      {entries?.length === 0 && <p className="settings-muted">Nothing has been sent unasked yet.</p>}
      {entries !== undefined && entries.length > 0 && (
        <ul className="plain-list outreach-log">
          {entries.map((entry) => (
            <li key={entry.id} className="outreach-log-entry" data-testid="outreach-log-entry">
              <p className="outreach-log-heading">
                <span className="tag">{outreachKindLabels[entry.kind]}</span>
                <span>{describeMoment(entry.createdAt, now, user.timezone)}</span>
              </p>
              {entry.text && <p className="outreach-log-text">“{entry.text}”</p>}
              <p className="settings-muted">Why: {entry.reason}</p>
              <p className="outreach-log-status">{describeEntryStatus(entry)}</p>
              {entry.attempts.length > 0 && (
                <ul className="outreach-log-attempts" aria-label="Delivery attempts">
                  {entry.attempts.map((attempt) => (
                    <li key={`${attempt.channel}-${attempt.at}`}>{describeAttempt(attempt, user.timezone)}</li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ul>
      )}
      {nextCursor !== null && (
        <button type="button" className="button secondary" disabled={loading} onClick={() => void load(nextCursor)}>
          {loading ? 'Loading…' : 'Load more'}
        </button>
      )}
    </section>
  );
}

export function OutreachSettings() {
  const { companion } = useSession();
  const [saved, setSaved] = useState<Settings>();
  const [draft, setDraft] = useState<Settings>();
  const [loadError, setLoadError] = useState<unknown>();
  const [error, setError] = useState<unknown>();
  const [status, setStatus] = useState('');
  const [announcement, setAnnouncement] = useState('');

  useEffect(() => {
    api.outreach().then(({ settings }) => {
      setSaved(settings);
      setDraft(settings);
    }, setLoadError);
  }, []);

  if (draft === undefined || saved === undefined) {
    return loadError ? <ErrorAlert error={loadError} /> : <p className="settings-muted">Loading…</p>;
  }

  const change = (patch: Partial<Settings>) => {
    setStatus('');
    setDraft({ ...draft, ...patch });
  };

  const togglePaused = async () => {
    setError(undefined);
    const paused = !saved.paused;
    // The switch moves at once, and back if the server says no.
    setSaved({ ...saved, paused });
    setDraft({ ...draft, paused });
    try {
      const answer = (await api.updateOutreach({ paused })).settings;
      setSaved(answer);
      setDraft((current) => (current ? { ...current, paused: answer.paused } : answer));
    } catch (caught) {
      setSaved(saved);
      setDraft((current) => (current ? { ...current, paused: saved.paused } : current));
      setError(caught);
    }
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setStatus('');
    const { paused: _paused, ...rest } = draft;
    try {
      const answer = (await api.updateOutreach(rest)).settings;
      setSaved(answer);
      setDraft(answer);
      setStatus('Saved.');
    } catch (caught) {
      setError(caught);
    }
  };

  return (
    <>
      <p className="settings-intro">
        When and how {companion.name} may speak first: check-ins, reminders before your events and follow-ups on what you mentioned. Reminders you set yourself
        always come at their time.
      </p>
      <ul className="settings-toggles">
        <SwitchRow
          id="outreach-paused"
          title="Paused"
          description={saved.paused ? pausedSentence : `${companion.name} reaches out first within the limits below.`}
          checked={saved.paused}
          onChange={() => void togglePaused()}
        />
      </ul>

      <form onSubmit={save} className="outreach-form">
        <fieldset className="outreach-fieldset">
          <legend className="settings-legend">Check-ins</legend>
          <div className="outreach-pair">
            <div className="field">
              <label htmlFor="outreach-cadence">How often</label>
              <select
                id="outreach-cadence"
                value={draft.checkInCadence}
                onChange={(event) => change({ checkInCadence: event.target.value as Settings['checkInCadence'] })}
              >
                {(Object.keys(cadenceNames) as Settings['checkInCadence'][]).map((cadence) => (
                  <option key={cadence} value={cadence}>
                    {cadenceNames[cadence]}
                  </option>
                ))}
              </select>
            </div>
            <TimeField
              id="outreach-check-in-time"
              label="At"
              value={draft.checkInTime}
              disabled={draft.checkInCadence === 'off'}
              onChange={(checkInTime) => change({ checkInTime })}
            />
          </div>
        </fieldset>

        <fieldset className="outreach-fieldset">
          <legend className="settings-legend">Quiet hours</legend>
          <p id="outreach-quiet-hint" className="settings-muted">
            Nothing but your own reminders between these times.
          </p>
          <div className="outreach-pair">
            <TimeField
              id="outreach-quiet-start"
              label="From"
              describedBy="outreach-quiet-hint"
              value={draft.quietHours.start}
              onChange={(start) => change({ quietHours: { ...draft.quietHours, start } })}
            />
            <TimeField
              id="outreach-quiet-end"
              label="Until"
              describedBy="outreach-quiet-hint"
              value={draft.quietHours.end}
              onChange={(end) => change({ quietHours: { ...draft.quietHours, end } })}
            />
          </div>
        </fieldset>

        <div className="outreach-pair">
          <NumberField
            id="outreach-cap"
            label="Messages a day, at most"
            min={0}
            max={20}
            value={draft.dailyCap}
            hint="Your own reminders are not counted."
            onChange={(dailyCap) => change({ dailyCap })}
          />
          <NumberField
            id="outreach-event-minutes"
            label="Minutes before an event"
            min={0}
            max={1440}
            value={draft.eventReminderMinutes}
            hint="0 turns reminders before events off."
            onChange={(eventReminderMinutes) => change({ eventReminderMinutes })}
          />
        </div>

        <ul className="settings-toggles">
          <SwitchRow
            id="outreach-follow-ups"
            title="Follow-ups"
            description="Ask how things went that you mentioned were coming up, such as an interview."
            checked={draft.followUps}
            onChange={() => change({ followUps: !draft.followUps })}
          />
        </ul>

        <fieldset className="outreach-fieldset">
          <legend className="settings-legend">Where to reach you</legend>
          <p id="outreach-channels-hint" className="settings-muted">
            First choice first; when one cannot deliver, the next is tried.
          </p>
          <ChannelOrder
            order={draft.channelOrder}
            onChange={(channelOrder, moved) => {
              change({ channelOrder });
              setAnnouncement(moved);
            }}
          />
          <p className="visually-hidden" aria-live="polite">
            {announcement}
          </p>
        </fieldset>

        <ErrorAlert error={error} focus />
        <div className="actions">
          <button type="submit" className="button primary">
            Save
          </button>
          <span role="status" className="settings-status">
            {status}
          </span>
        </div>
      </form>

      <OutreachLog />
    </>
  );
}

// Reminders and check-ins: one switch. Turning it on is the moment the device asks for permission
// to notify; the choice is kept on this device (the server's reminders arrive in a later version).
import { useState } from 'react';
import { deviceReminders } from '../reminders/device-reminders.ts';
import type { ReminderState } from '../reminders/reminder-switch.ts';
import { useSession } from '../session.tsx';

const notes: Record<ReminderState, string> = {
  on: 'On. Notifications will reach you on this device.',
  off: 'Off. Nothing will be sent to this device.',
  blocked:
    "Notifications are blocked for Kindred on this device, so the switch can't stay on. Allow them in your device's or browser's settings, then try again.",
  unsupported: 'This device or browser cannot show notifications.',
};

export function ReminderSettings({ state, onStateChange }: { state: ReminderState | undefined; onStateChange(state: ReminderState): void }) {
  const { companion } = useSession();
  const [busy, setBusy] = useState(false);

  const toggle = async () => {
    setBusy(true);
    try {
      const reminders = await deviceReminders();
      if (state === 'on') {
        await reminders.turnOff();
        onStateChange('off');
      } else {
        onStateChange(await reminders.turnOn());
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <p className="settings-intro">
        {companion.name} can remind you of things you ask about and check in on you now and then. Your choice is kept on this device.
      </p>
      <ul className="settings-toggles">
        <li className="settings-toggle-row">
          <span className="settings-toggle-text">
            <label htmlFor="reminders-switch" className="settings-toggle-title">
              Reminders & check-ins
            </label>
            <span id="reminders-description" className="settings-toggle-description">
              Notifications for reminders you set and the occasional check-in.
            </span>
          </span>
          <input
            id="reminders-switch"
            type="checkbox"
            role="switch"
            className="toggle"
            checked={state === 'on'}
            aria-checked={state === 'on'}
            disabled={busy || state === undefined || state === 'unsupported'}
            aria-describedby="reminders-description"
            onChange={() => void toggle()}
          />
        </li>
      </ul>
      <p role="status" className={state === 'blocked' ? 'settings-warning' : 'settings-status'}>
        {state === undefined ? '' : notes[state]}
      </p>
    </>
  );
}

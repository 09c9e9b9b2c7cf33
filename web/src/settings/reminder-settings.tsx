// Notifications on this device: one switch. Turning it on is the moment the device asks for permission
// to notify, and then subscribes to push and registers with the server; turning it off removes this
// device from the server's list. Below it, every device that gets notifications, each removable here.
import { useCallback, useEffect, useState } from 'react';
import type { PushSubscriptionInfo } from '../../../common/client.ts';
import { api } from '../api.ts';
import { SwitchRow } from '../components/switch-row.tsx';
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

const kindNames: Record<PushSubscriptionInfo['kind'], string> = { web: 'Browser', android: 'Android app', ios: 'iPhone app' };

export function ReminderSettings({ state, onStateChange }: { state: ReminderState | undefined; onStateChange(state: ReminderState): void }) {
  const { companion } = useSession();
  const [busy, setBusy] = useState(false);
  const [devices, setDevices] = useState<PushSubscriptionInfo[]>();

  const loadDevices = useCallback(async () => {
    try {
      setDevices(await api.pushSubscriptions());
    } catch {
      // The list is a convenience: the switch works without it.
      setDevices(undefined);
    }
  }, []);
  useEffect(() => void loadDevices(), [loadDevices]);

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
      await loadDevices();
    }
  };

  const removeDevice = async (id: string) => {
    await api.deletePushSubscription(id).catch(() => undefined);
    await loadDevices();
  };

  return (
    <>
      <p className="settings-intro">
        {companion.name} can remind you of things you ask about and check in on you now and then, as a notification on each device where you turn them on.
      </p>
      <ul className="settings-toggles">
        <SwitchRow
          id="reminders-switch"
          title="Notifications on this device"
          description="Reminders you set and the occasional check-in, even when Kindred is closed."
          checked={state === 'on'}
          disabled={busy || state === undefined || state === 'unsupported'}
          descriptionId="reminders-description"
          onChange={() => void toggle()}
        />
      </ul>
      <p role="status" className={state === 'blocked' ? 'settings-warning' : 'settings-status'}>
        {state === undefined ? '' : notes[state]}
      </p>
      {devices && devices.length > 0 && (
        <>
          <h3 className="settings-toggle-title">Devices that get notifications</h3>
          <ul className="settings-toggles">
            {devices.map((device) => (
              <li key={device.id} className="settings-toggle-row">
                <span className="settings-toggle-text">
                  <span className="settings-toggle-title">{device.deviceName ?? kindNames[device.kind]}</span>
                  <span className="settings-toggle-description">
                    {kindNames[device.kind]}, since {new Date(device.createdAt).toLocaleDateString()}
                  </span>
                </span>
                <button
                  type="button"
                  className="button secondary small"
                  aria-label={`Stop notifications to ${device.deviceName ?? kindNames[device.kind]}`}
                  onClick={() => void removeDevice(device.id)}
                >
                  Remove
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}

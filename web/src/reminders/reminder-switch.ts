// The "Notifications on this device" switch: the person's wish is kept on the device (and the device
// registered with the server while it is on), and the system's permission question is asked only when they turn it on,
// never at launch, so nobody is asked before they know what Kindred is or have even signed in.
import type { DeviceNotifications, PermissionAnswer } from './device-notifications.ts';

const wantedKey = 'kindred.reminders';

/** Where the wish is kept: `localStorage` in the app, a map in tests. */
export interface PreferenceStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** What the settings show: `blocked` when the wish is there but the system says no. */
export type ReminderState = 'on' | 'off' | 'blocked' | 'unsupported';

export interface ReminderSwitch {
  state(): Promise<ReminderState>;
  /** At launch: picks up where the person left it, without ever asking. */
  resumeAtLaunch(): Promise<void>;
  /** The switch was turned on: asks for permission now (if not answered yet) and starts receiving. */
  turnOn(): Promise<ReminderState>;
  turnOff(): Promise<void>;
}

export function createReminderSwitch(device: DeviceNotifications, storage: PreferenceStorage): ReminderSwitch {
  const wanted = () => storage.getItem(wantedKey) === 'on';
  const stateFor = (permission: PermissionAnswer, isWanted: boolean): ReminderState => {
    if (permission === 'unsupported') return 'unsupported';
    if (!isWanted) return 'off';
    return permission === 'granted' ? 'on' : 'blocked';
  };
  return {
    state: async () => stateFor(await device.permission(), wanted()),
    async resumeAtLaunch() {
      if (!wanted()) return;
      if ((await device.permission()) === 'granted') await device.start();
    },
    async turnOn() {
      const current = await device.permission();
      const permission = current === 'prompt' ? await device.requestPermission() : current;
      if (permission !== 'granted') {
        // Not kept as wished: a switch that shows on while nothing can arrive would mislead.
        storage.removeItem(wantedKey);
        return permission === 'unsupported' ? 'unsupported' : 'blocked';
      }
      storage.setItem(wantedKey, 'on');
      await device.start();
      return 'on';
    },
    async turnOff() {
      storage.removeItem(wantedKey);
      await device.stop();
    },
  };
}

// The reminder switch for this device: Capacitor's push plugin inside the mobile app (loaded only
// there), the browser's Notification API elsewhere. One instance, so receiving starts only once.
import { isNativeApp } from '../api.ts';
import { navigate } from '../router.tsx';
import { browserNotifications, capacitorNotifications, type DeviceNotifications } from './device-notifications.ts';
import { createReminderSwitch, type ReminderSwitch } from './reminder-switch.ts';

let instance: Promise<ReminderSwitch> | undefined;

async function deviceNotifications(): Promise<DeviceNotifications> {
  if (!isNativeApp()) return browserNotifications('Notification' in window ? window.Notification : undefined);
  const { PushNotifications } = await import('@capacitor/push-notifications');
  return capacitorNotifications(PushNotifications, {
    openConversation: (conversationId) => navigate(`/chat/${encodeURIComponent(conversationId)}`),
    // The server's push registry takes Web Push subscriptions today; the native token waits on the
    // device until native push lands server-side.
    rememberToken: (token) => localStorage.setItem('kindred.pushToken', token),
  });
}

export function deviceReminders(): Promise<ReminderSwitch> {
  instance ??= deviceNotifications().then((device) => createReminderSwitch(device, localStorage));
  return instance;
}

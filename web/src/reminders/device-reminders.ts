// The notification switch for this device: Capacitor's push plugin inside the mobile app (loaded only
// there), the browser's Notification API and Web Push elsewhere. One instance, so receiving starts
// only once. Either way the device is registered with the server's push registry while the switch is
// on, and removed from it when turned off.
import { api, isNativeApp } from '../api.ts';
import { navigate } from '../router.tsx';
import { browserNotifications, capacitorNotifications, type DeviceNotifications, describeBrowser } from './device-notifications.ts';
import { createReminderSwitch, type ReminderSwitch } from './reminder-switch.ts';

let instance: Promise<ReminderSwitch> | undefined;

const nativeSubscriptionIdKey = 'kindred.nativePushSubscriptionId';

/** The platform Capacitor runs on, read without importing it in a browser tab. */
function nativePlatform(): 'android' | 'ios' | undefined {
  const platform = (window as { Capacitor?: { getPlatform?: () => string } }).Capacitor?.getPlatform?.();
  return platform === 'android' || platform === 'ios' ? platform : undefined;
}

async function deviceNotifications(): Promise<DeviceNotifications> {
  if (!isNativeApp()) {
    return browserNotifications('Notification' in window ? window.Notification : undefined, {
      // No registration in development builds (the service worker is registered only in production),
      // and none where the browser has no Push API: notifications then come only while a tab is open.
      pushManager: async () => {
        if (!('serviceWorker' in navigator) || !('PushManager' in window)) return undefined;
        return (await navigator.serviceWorker.getRegistration())?.pushManager;
      },
      publicKey: () => api.pushPublicKey(),
      register: (body) => api.addPushSubscription(body),
      unregister: (id) => api.deletePushSubscription(id),
      storage: localStorage,
      deviceName: describeBrowser(navigator.userAgent),
    });
  }
  const { PushNotifications } = await import('@capacitor/push-notifications');
  return capacitorNotifications(PushNotifications, {
    openConversation: (conversationId) => navigate(`/chat/${encodeURIComponent(conversationId)}`),
    // The token goes to the server's registry, which lists it; sending to it needs FCM or APNs
    // credentials on the server, which are not configured yet.
    rememberToken: (token) => {
      const platform = nativePlatform();
      if (!platform) return;
      api
        .addPushSubscription({ nativeToken: token, platform })
        .then((registered) => localStorage.setItem(nativeSubscriptionIdKey, registered.id))
        .catch(() => {
          // Not registered this time (offline, signed out): the next launch registers it again.
        });
    },
    forgetToken: async () => {
      const id = localStorage.getItem(nativeSubscriptionIdKey);
      localStorage.removeItem(nativeSubscriptionIdKey);
      if (id) await api.deletePushSubscription(id).catch(() => undefined);
    },
  });
}

export function deviceReminders(): Promise<ReminderSwitch> {
  instance ??= deviceNotifications().then((device) => createReminderSwitch(device, localStorage));
  return instance;
}

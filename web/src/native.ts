// What only the mobile shell does: open `kindred://conversation/<id>` links on that conversation,
// and register for push notifications. In a browser tab none of this runs.
import { isNativeApp } from './api.ts';
import { navigate } from './router.tsx';

/** The app path a deep link points to, or undefined for links Kindred does not know. */
export function pathForDeepLink(link: string): string | undefined {
  const match = /^kindred:\/\/conversation\/([A-Za-z0-9_-]{1,64})\/?$/.exec(link) ?? /^https?:\/\/[^/]+\/chat\/([A-Za-z0-9_-]{1,64})\/?$/.exec(link);
  return match ? `/chat/${match[1]}` : undefined;
}

export async function startNativeIntegration(): Promise<void> {
  if (!isNativeApp()) return;
  const { App } = await import('@capacitor/app');
  await App.addListener('appUrlOpen', ({ url }) => {
    const path = pathForDeepLink(url);
    if (path) navigate(path);
  });
  const { PushNotifications } = await import('@capacitor/push-notifications');
  const permission = await PushNotifications.requestPermissions();
  if (permission.receive !== 'granted') return;
  await PushNotifications.addListener('pushNotificationActionPerformed', ({ notification }) => {
    const conversationId = (notification.data as { conversationId?: unknown } | undefined)?.conversationId;
    if (typeof conversationId === 'string') navigate(`/chat/${encodeURIComponent(conversationId)}`);
  });
  // The device token would go to the server's push registry; that endpoint takes Web Push
  // subscriptions today, so the token is kept on the device until native push lands server-side.
  await PushNotifications.addListener('registration', ({ value }) => localStorage.setItem('kindred.pushToken', value));
  await PushNotifications.register();
}

// What only the mobile shell does: open `kindred://conversation/<id>` links on that conversation,
// and resume push notifications if the person turned reminders on in settings. Permission is never
// asked here, at launch: only when they turn the switch on. In a browser tab none of this runs.
import { isNativeApp } from './api.ts';
import { deviceReminders } from './reminders/device-reminders.ts';
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
  await (await deviceReminders()).resumeAtLaunch();
}

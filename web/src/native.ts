// What only the mobile shell does: open `kindred://conversation/<id>` links on that conversation,
// bring `kindred://calendar/…` links (Google's answer to a calendar connection made in the system
// browser) to the calendar connections on Today, which finish it with this app's session, and resume
// push notifications if the person turned reminders on in settings. Permission is never asked here,
// at launch: only when they turn the switch on. In a browser tab none of this runs.
import { isNativeApp } from './api.ts';
import { deviceReminders } from './reminders/device-reminders.ts';
import { navigate } from './router.tsx';
import { calendarAppReturn } from './today/calendar-app-return.ts';

/** The app path a deep link points to, or undefined for links Kindred does not know. */
export function pathForDeepLink(link: string): string | undefined {
  const match = /^kindred:\/\/conversation\/([A-Za-z0-9_-]{1,64})\/?$/.exec(link) ?? /^https?:\/\/[^/]+\/chat\/([A-Za-z0-9_-]{1,64})\/?$/.exec(link);
  return match ? `/chat/${match[1]}` : undefined;
}

/** Where a deep link takes the app; a calendar link is also handed to the calendar connections, which finish it. */
function openDeepLink(url: string): void {
  if (calendarAppReturn.receive(url)) {
    navigate('/today');
    return;
  }
  const path = pathForDeepLink(url);
  if (path) navigate(path);
}

/** Remembers, for this session, the launch link already opened: a reload of the page must not open it again. */
const openedLaunchLinkKey = 'kindred.opened-launch-link';

export async function startNativeIntegration(): Promise<void> {
  if (!isNativeApp()) return;
  const { App } = await import('@capacitor/app');
  await App.addListener('appUrlOpen', ({ url }) => openDeepLink(url));
  // A link that started the app (the system closed it while the person was in the browser) comes as
  // the launch URL rather than as an `appUrlOpen` event.
  const launch = await App.getLaunchUrl();
  if (launch?.url && sessionStorage.getItem(openedLaunchLinkKey) !== launch.url) {
    sessionStorage.setItem(openedLaunchLinkKey, launch.url);
    openDeepLink(launch.url);
  }
  await (await deviceReminders()).resumeAtLaunch();
}

// How this device shows notifications, behind one small interface: Capacitor's push plugin in the
// mobile app, the browser's Notification API and Web Push on the web. Neither is imported here, only
// described, so the logic can be tested with fakes and the plugin is loaded only inside the app.
import type { PushSubscriptionBody } from '../../../common/outreach.ts';
import type { PreferenceStorage } from './reminder-switch.ts';

/** Whether the person lets Kindred notify them; `prompt` means they have not been asked yet. */
export type PermissionAnswer = 'granted' | 'denied' | 'prompt' | 'unsupported';

export interface DeviceNotifications {
  /** The current answer, without asking anything. */
  permission(): Promise<PermissionAnswer>;
  /** Asks the person (the system's own question) if they have not answered yet. */
  requestPermission(): Promise<PermissionAnswer>;
  /** Starts receiving: registers for push and listens for taps. Only called once permission is granted. */
  start(): Promise<void>;
  /** Stops receiving on this device. */
  stop(): Promise<void>;
}

/** The part of `@capacitor/push-notifications`' `PushNotifications` used here, so a test can pass a fake. */
export interface PushNotificationsPort {
  checkPermissions(): Promise<{ receive: string }>;
  requestPermissions(): Promise<{ receive: string }>;
  register(): Promise<void>;
  unregister(): Promise<void>;
  addListener(eventName: 'registration', listener: (token: { value: string }) => void): Promise<unknown>;
  addListener(eventName: 'pushNotificationActionPerformed', listener: (action: { notification: { data?: unknown } }) => void): Promise<unknown>;
  removeAllListeners(): Promise<void>;
}

function fromCapacitor(receive: string): PermissionAnswer {
  if (receive === 'granted' || receive === 'denied') return receive;
  // `prompt` and Android's `prompt-with-rationale`: not answered yet.
  return 'prompt';
}

export interface PushHandlers {
  /** A notification about a conversation was tapped. */
  openConversation(conversationId: string): void;
  /** The device's push token, for the server's push registry. */
  rememberToken(token: string): void;
  /** Receiving stopped on this device: the server should forget its token. */
  forgetToken?(): Promise<void>;
}

/** Native push in the mobile app. Listeners are added once, when receiving starts. */
export function capacitorNotifications(push: PushNotificationsPort, handlers: PushHandlers): DeviceNotifications {
  let started = false;
  return {
    permission: async () => fromCapacitor((await push.checkPermissions()).receive),
    requestPermission: async () => fromCapacitor((await push.requestPermissions()).receive),
    async start() {
      if (started) return;
      started = true;
      await push.addListener('pushNotificationActionPerformed', ({ notification }) => {
        const conversationId = (notification.data as { conversationId?: unknown } | undefined)?.conversationId;
        if (typeof conversationId === 'string') handlers.openConversation(conversationId);
      });
      await push.addListener('registration', ({ value }) => handlers.rememberToken(value));
      await push.register();
    },
    async stop() {
      if (!started) return;
      started = false;
      await push.removeAllListeners();
      await push.unregister();
      await handlers.forgetToken?.();
    },
  };
}

/** The browser's `Notification` constructor, as far as permission goes. */
export interface BrowserNotificationPort {
  readonly permission: string;
  requestPermission(): Promise<string>;
}

function fromBrowser(permission: string): PermissionAnswer {
  if (permission === 'granted' || permission === 'denied') return permission;
  return 'prompt';
}

/** What a browser's `PushSubscription` offers that is used here. */
export interface BrowserPushSubscription {
  readonly options?: { readonly applicationServerKey: ArrayBuffer | null };
  toJSON(): { endpoint?: string; expirationTime?: number | null; keys?: Record<string, string> };
  unsubscribe(): Promise<boolean>;
}

/** A service worker registration's `PushManager`, as far as subscribing goes. */
export interface BrowserPushManager {
  getSubscription(): Promise<BrowserPushSubscription | null>;
  subscribe(options: { userVisibleOnly: true; applicationServerKey: Uint8Array<ArrayBuffer> }): Promise<BrowserPushSubscription>;
}

/** Web Push on this browser: its push manager, and the server's side of the registration. */
export interface WebPushPort {
  /** The push manager of the app's service worker; undefined where there is none (no service worker yet, no Push API). */
  pushManager(): Promise<BrowserPushManager | undefined>;
  /** The server's VAPID key; null when the server has no Web Push configured. */
  publicKey(): Promise<string | null>;
  register(body: PushSubscriptionBody): Promise<{ id: string }>;
  unregister(id: string): Promise<void>;
  /** Where the server's id for this browser's subscription is kept, to delete it on turning off. */
  storage: PreferenceStorage;
  deviceName?: string;
}

const subscriptionIdKey = 'kindred.pushSubscriptionId';

function base64UrlToBytes(text: string): Uint8Array<ArrayBuffer> {
  const standard = text.replaceAll('-', '+').replaceAll('_', '/');
  const binary = atob(standard + '='.repeat((4 - (standard.length % 4)) % 4));
  return Uint8Array.from(binary, (character) => character.charCodeAt(0));
}

const sameBytes = (first: Uint8Array, second: Uint8Array) => first.length === second.length && first.every((byte, index) => byte === second[index]);

/**
 * Subscribes this browser with the server's key and registers it, so the server can push while no
 * tab is open. A subscription made for an older key (the server's pair was replaced) is dropped and
 * made again, since the push service would refuse the new key's pushes to it.
 */
async function subscribeBrowser(port: WebPushPort): Promise<void> {
  const manager = await port.pushManager();
  const publicKey = manager ? await port.publicKey() : null;
  if (!manager || !publicKey) return;
  const applicationServerKey = base64UrlToBytes(publicKey);
  let subscription = await manager.getSubscription();
  const subscribedKey = subscription?.options?.applicationServerKey;
  if (subscription && subscribedKey && !sameBytes(new Uint8Array(subscribedKey), applicationServerKey)) {
    await subscription.unsubscribe();
    subscription = null;
  }
  subscription ??= await manager.subscribe({ userVisibleOnly: true, applicationServerKey });
  const { endpoint, expirationTime, keys } = subscription.toJSON();
  if (!endpoint || !keys?.p256dh || !keys.auth) return;
  // The same endpoint again updates the server's row, so registering at every start is harmless.
  const registered = await port.register({
    endpoint,
    keys: { p256dh: keys.p256dh, auth: keys.auth },
    expirationTime: expirationTime ?? null,
    ...(port.deviceName ? { deviceName: port.deviceName } : {}),
  });
  port.storage.setItem(subscriptionIdKey, registered.id);
}

async function unsubscribeBrowser(port: WebPushPort): Promise<void> {
  const id = port.storage.getItem(subscriptionIdKey);
  port.storage.removeItem(subscriptionIdKey);
  // The browser's side first: even if the server cannot be told now, nothing reaches this browser again.
  await (await (await port.pushManager())?.getSubscription())?.unsubscribe();
  if (id) await port.unregister(id);
}

/**
 * The web's notifications: the permission, and a Web Push subscription registered with the server
 * while the switch is on. Without a service worker or a server key, the switch still keeps the
 * permission, and notifications come only while the app is open.
 */
export function browserNotifications(notification: BrowserNotificationPort | undefined, webPush?: WebPushPort): DeviceNotifications {
  return {
    permission: async () => (notification ? fromBrowser(notification.permission) : 'unsupported'),
    requestPermission: async () => (notification ? fromBrowser(await notification.requestPermission()) : 'unsupported'),
    // A push service that cannot be reached (offline, a browser without one) leaves the switch on with
    // the permission given: notifications still come while the app is open, and the next start retries.
    start: async () => {
      if (webPush) await subscribeBrowser(webPush).catch((error: unknown) => console.warn('Web Push registration failed', error));
    },
    stop: async () => {
      if (webPush) await unsubscribeBrowser(webPush).catch((error: unknown) => console.warn('Web Push removal failed', error));
    },
  };
}

const browserNames: ReadonlyArray<readonly [string, RegExp]> = [
  ['Edge', /Edg\//],
  ['Opera', /OPR\//],
  ['Firefox', /Firefox\//],
  ['Chrome', /Chrome\//],
  ['Safari', /Safari\//],
];
const systemNames: ReadonlyArray<readonly [string, RegExp]> = [
  ['Android', /Android/],
  ['iOS', /iPhone|iPad|iPod/],
  ['Windows', /Windows/],
  ['ChromeOS', /CrOS/],
  ['macOS', /Mac OS X|Macintosh/],
  ['Linux', /Linux/],
];

/** A short name for this browser in the list of devices ("Firefox on Linux"), from its user agent. */
export function describeBrowser(userAgent: string): string {
  const browser = browserNames.find(([, pattern]) => pattern.test(userAgent))?.[0] ?? 'A browser';
  const system = systemNames.find(([, pattern]) => pattern.test(userAgent))?.[0];
  return system ? `${browser} on ${system}` : browser;
}

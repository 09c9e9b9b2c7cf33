// How this device shows notifications, behind one small interface: Capacitor's push plugin in the
// mobile app, the browser's Notification API on the web. Neither is imported here, only described,
// so the logic can be tested with fakes and the plugin is loaded only inside the app.

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

/**
 * The web's notifications: only the permission for now. Receiving (a Web Push subscription) comes
 * with the server's reminders, so starting and stopping have nothing to do yet.
 */
export function browserNotifications(notification: BrowserNotificationPort | undefined): DeviceNotifications {
  return {
    permission: async () => (notification ? fromBrowser(notification.permission) : 'unsupported'),
    requestPermission: async () => (notification ? fromBrowser(await notification.requestPermission()) : 'unsupported'),
    start: async () => {},
    stop: async () => {},
  };
}

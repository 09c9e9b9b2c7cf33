import { describe, expect, it } from 'vitest';
import type { PushSubscriptionBody } from '../../../common/outreach.ts';
import {
  type BrowserPushManager,
  type BrowserPushSubscription,
  browserNotifications,
  capacitorNotifications,
  describeBrowser,
  type PushNotificationsPort,
  type WebPushPort,
} from './device-notifications.ts';
import { createReminderSwitch, type PreferenceStorage } from './reminder-switch.ts';

function memoryStorage(): PreferenceStorage & { values: Map<string, string> } {
  const values = new Map<string, string>();
  return {
    values,
    getItem: (key) => values.get(key) ?? null,
    setItem: (key, value) => void values.set(key, value),
    removeItem: (key) => void values.delete(key),
  };
}

const bytesOf = (text: string) => Uint8Array.from(atob(text.replaceAll('-', '+').replaceAll('_', '/')), (character) => character.charCodeAt(0));

/** A browser's PushManager that makes one subscription per key, and the server's registry, both recording. */
function fakeWebPush(serverKey: string | null) {
  const calls: string[] = [];
  const registered = new Map<string, PushSubscriptionBody>();
  let current: (BrowserPushSubscription & { key: Uint8Array }) | null = null;
  let made = 0;
  const manager: BrowserPushManager = {
    getSubscription: async () => current,
    async subscribe({ applicationServerKey }) {
      calls.push('subscribe');
      made += 1;
      const endpoint = `https://push.example.net/send/${made}`;
      const subscription = {
        key: applicationServerKey,
        options: { applicationServerKey: applicationServerKey.buffer },
        toJSON: () => ({ endpoint, expirationTime: null, keys: { p256dh: 'BPublicKey', auth: 'secret' } }),
        async unsubscribe() {
          calls.push('unsubscribe');
          current = null;
          return true;
        },
      };
      current = subscription;
      return subscription;
    },
  };
  const storage = memoryStorage();
  const port: WebPushPort & { key: string | null } = {
    key: serverKey,
    pushManager: async () => manager,
    publicKey: async () => port.key,
    async register(body) {
      calls.push('register');
      const endpoint = 'endpoint' in body ? body.endpoint : body.nativeToken;
      registered.set(endpoint, body);
      return { id: `push_${endpoint.split('/').at(-1)}` };
    },
    async unregister(id) {
      calls.push(`unregister ${id}`);
      for (const endpoint of registered.keys()) if (id === `push_${endpoint.split('/').at(-1)}`) registered.delete(endpoint);
    },
    storage,
    deviceName: 'Firefox on Linux',
  };
  return { port, calls, registered, storage, current: () => current };
}

const granted = { permission: 'granted', requestPermission: async () => 'granted' };
const serverKey = 'BOlAKOnGQU-nZJSIxHWz-vgBikNfWVu9X8UpYs0HBJKFVBODYNVUvpFL82dpgBio2bukFiLxZHvrdvP_hSoSgXE';

describe('notifications on this device, in a browser with Web Push', () => {
  it("subscribes with the server's key and registers the subscription when turned on, once however often it starts", async () => {
    const push = fakeWebPush(serverKey);
    const reminders = createReminderSwitch(browserNotifications(granted, push.port), memoryStorage());
    expect(await reminders.turnOn()).toBe('on');
    expect(push.current()?.key).toEqual(bytesOf(serverKey));
    expect([...push.registered.values()]).toEqual([
      { endpoint: 'https://push.example.net/send/1', keys: { p256dh: 'BPublicKey', auth: 'secret' }, expirationTime: null, deviceName: 'Firefox on Linux' },
    ]);
    await reminders.resumeAtLaunch();
    expect(push.calls.filter((call) => call === 'subscribe')).toHaveLength(1);
    expect(push.registered.size).toBe(1);
  });

  it('unsubscribes and removes the registration when turned off', async () => {
    const push = fakeWebPush(serverKey);
    const reminders = createReminderSwitch(browserNotifications(granted, push.port), memoryStorage());
    await reminders.turnOn();
    await reminders.turnOff();
    expect(push.calls.slice(-2)).toEqual(['unsubscribe', 'unregister push_1']);
    expect(push.registered.size).toBe(0);
    expect(push.current()).toBeNull();
    expect(push.storage.values.size).toBe(0);
  });

  it("subscribes again when the server's key changed, since the old subscription would refuse it", async () => {
    const push = fakeWebPush(serverKey);
    const reminders = createReminderSwitch(browserNotifications(granted, push.port), memoryStorage());
    await reminders.turnOn();
    push.port.key = 'BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4';
    await reminders.resumeAtLaunch();
    expect(push.calls).toEqual(['subscribe', 'register', 'unsubscribe', 'subscribe', 'register']);
    expect(push.current()?.key).toEqual(bytesOf(push.port.key));
  });

  it('keeps the switch on without subscribing when the server has no Web Push, or the push service fails', async () => {
    const without = fakeWebPush(null);
    expect(await createReminderSwitch(browserNotifications(granted, without.port), memoryStorage()).turnOn()).toBe('on');
    expect(without.calls).toEqual([]);

    const failing = fakeWebPush(serverKey);
    failing.port.register = async () => {
      throw new Error('offline');
    };
    expect(await createReminderSwitch(browserNotifications(granted, failing.port), memoryStorage()).turnOn()).toBe('on');
  });

  it('names the browser for the list of devices', () => {
    expect(describeBrowser('Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0')).toBe('Firefox on Linux');
    expect(describeBrowser('Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Mobile Safari/537.36')).toBe(
      'Chrome on Android',
    );
    expect(
      describeBrowser(
        'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1',
      ),
    ).toBe('Safari on iOS');
  });
});

describe('notifications on this device, in the mobile app', () => {
  it('hands the native token over for registration, and has it forgotten when turned off', async () => {
    const listeners = new Map<string, (event: { value: string }) => void>();
    const push: PushNotificationsPort = {
      checkPermissions: async () => ({ receive: 'granted' }),
      requestPermissions: async () => ({ receive: 'granted' }),
      register: async () => listeners.get('registration')?.({ value: 'fcm-token' }),
      unregister: async () => {},
      addListener: async (eventName: string, listener: (event: never) => void) => listeners.set(eventName, listener as (event: { value: string }) => void),
      removeAllListeners: async () => listeners.clear(),
    };
    const tokens: string[] = [];
    let forgotten = 0;
    const reminders = createReminderSwitch(
      capacitorNotifications(push, {
        openConversation: () => {},
        rememberToken: (token) => tokens.push(token),
        forgetToken: async () => {
          forgotten += 1;
        },
      }),
      memoryStorage(),
    );
    await reminders.turnOn();
    expect(tokens).toEqual(['fcm-token']);
    await reminders.turnOff();
    expect(forgotten).toBe(1);
  });
});

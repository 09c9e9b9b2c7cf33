import { describe, expect, it } from 'vitest';
import { browserNotifications, capacitorNotifications, type PushNotificationsPort } from './device-notifications.ts';
import { createReminderSwitch, type PreferenceStorage } from './reminder-switch.ts';

/** A stand-in for Capacitor's PushNotifications that records every call and answers as a phone would. */
function fakePush(answers: { permission: string; afterAsking?: string }) {
  const calls: string[] = [];
  const listeners = new Map<string, (event: never) => void>();
  let permission = answers.permission;
  const port: PushNotificationsPort = {
    async checkPermissions() {
      calls.push('checkPermissions');
      return { receive: permission };
    },
    async requestPermissions() {
      calls.push('requestPermissions');
      permission = answers.afterAsking ?? permission;
      return { receive: permission };
    },
    async register() {
      calls.push('register');
    },
    async unregister() {
      calls.push('unregister');
    },
    async addListener(eventName: string, listener: (event: never) => void) {
      calls.push(`addListener ${eventName}`);
      listeners.set(eventName, listener);
      return { remove: async () => {} };
    },
    async removeAllListeners() {
      calls.push('removeAllListeners');
      listeners.clear();
    },
  };
  const tap = (data: unknown) =>
    (listeners.get('pushNotificationActionPerformed') as ((action: { notification: { data?: unknown } }) => void) | undefined)?.({ notification: { data } });
  return { port, calls, tap };
}

function memoryStorage(initial: Record<string, string> = {}): PreferenceStorage & { values: Map<string, string> } {
  const values = new Map(Object.entries(initial));
  return {
    values,
    getItem: (key) => values.get(key) ?? null,
    setItem: (key, value) => void values.set(key, value),
    removeItem: (key) => void values.delete(key),
  };
}

function phone(answers: { permission: string; afterAsking?: string }, stored: Record<string, string> = {}) {
  const push = fakePush(answers);
  const opened: string[] = [];
  const tokens: string[] = [];
  const storage = memoryStorage(stored);
  const reminders = createReminderSwitch(
    capacitorNotifications(push.port, { openConversation: (id) => opened.push(id), rememberToken: (token) => tokens.push(token) }),
    storage,
  );
  return { push, opened, tokens, storage, reminders };
}

describe('reminders and check-ins on the phone', () => {
  it('never asks for permission at launch, before the person has chosen anything', async () => {
    const { push, reminders } = phone({ permission: 'prompt', afterAsking: 'granted' });
    await reminders.resumeAtLaunch();
    expect(push.calls).not.toContain('requestPermissions');
    expect(push.calls).not.toContain('register');
    expect(await reminders.state()).toBe('off');
  });

  it('asks when the switch is turned on, then registers and opens the conversation a tapped notification is about', async () => {
    const { push, opened, storage, reminders } = phone({ permission: 'prompt', afterAsking: 'granted' });
    expect(await reminders.turnOn()).toBe('on');
    expect(push.calls.filter((call) => call === 'requestPermissions')).toHaveLength(1);
    expect(push.calls).toContain('register');
    expect(storage.values.get('kindred.reminders')).toBe('on');
    push.tap({ conversationId: 'conversation_42' });
    push.tap({ somethingElse: true });
    expect(opened).toEqual(['conversation_42']);
    expect(await reminders.state()).toBe('on');
  });

  it('keeps the switch off when the person says no', async () => {
    const { push, storage, reminders } = phone({ permission: 'prompt', afterAsking: 'denied' });
    expect(await reminders.turnOn()).toBe('blocked');
    expect(push.calls).not.toContain('register');
    expect(storage.values.has('kindred.reminders')).toBe(false);
    expect(await reminders.state()).toBe('off');
  });

  it('picks up again at the next launch without asking, when the person had turned it on', async () => {
    const { push, reminders } = phone({ permission: 'granted' }, { 'kindred.reminders': 'on' });
    await reminders.resumeAtLaunch();
    expect(push.calls).toEqual(['checkPermissions', 'addListener pushNotificationActionPerformed', 'addListener registration', 'register']);
  });

  it('says so when the system has since blocked notifications, and does not register', async () => {
    const { push, reminders } = phone({ permission: 'denied' }, { 'kindred.reminders': 'on' });
    await reminders.resumeAtLaunch();
    expect(push.calls).not.toContain('register');
    expect(push.calls).not.toContain('requestPermissions');
    expect(await reminders.state()).toBe('blocked');
  });

  it('stops receiving when turned off', async () => {
    const { push, storage, reminders } = phone({ permission: 'granted' }, { 'kindred.reminders': 'on' });
    await reminders.resumeAtLaunch();
    await reminders.turnOff();
    expect(push.calls.slice(-2)).toEqual(['removeAllListeners', 'unregister']);
    expect(storage.values.has('kindred.reminders')).toBe(false);
  });
});

describe('reminders and check-ins in a browser', () => {
  it('asks the browser only when turned on, and says when it cannot notify at all', async () => {
    let asked = 0;
    const notification = {
      permission: 'default',
      async requestPermission() {
        asked += 1;
        notification.permission = 'granted';
        return 'granted';
      },
    };
    const reminders = createReminderSwitch(browserNotifications(notification), memoryStorage());
    await reminders.resumeAtLaunch();
    expect(asked).toBe(0);
    expect(await reminders.turnOn()).toBe('on');
    expect(asked).toBe(1);

    const without = createReminderSwitch(browserNotifications(undefined), memoryStorage());
    expect(await without.state()).toBe('unsupported');
    expect(await without.turnOn()).toBe('unsupported');
  });
});

import { describe, expect, it } from 'vitest';
import { notificationFor, pathForNotification, readPushPayload } from './push-notifications.ts';

describe('notifications from pushed messages', () => {
  it('shows the title and text, tagged with the message id so a repeat replaces it', () => {
    const payload = readPushPayload(() => ({
      id: 'msg_1',
      kind: 'reminder',
      title: 'Reminder',
      text: 'Call mum',
      reminderId: 'rem_1',
      conversationId: 'conv_1',
    }));
    expect(payload).toBeDefined();
    const { title, options } = notificationFor(payload ?? { id: '', kind: '', title: '', text: '' });
    expect(title).toBe('Reminder');
    expect(options).toMatchObject({ body: 'Call mum', tag: 'msg_1', data: { conversationId: 'conv_1', reminderId: 'rem_1' } });
    // The same message pushed twice gives the same tag: one notification, not two.
    expect(notificationFor(payload ?? { id: '', kind: '', title: '', text: '' }).options.tag).toBe(options.tag);
  });

  it('shows nothing for a push that is not one of ours', () => {
    expect(
      readPushPayload(() => {
        throw new SyntaxError('not JSON');
      }),
    ).toBeUndefined();
    expect(readPushPayload(() => null)).toBeUndefined();
    expect(readPushPayload(() => ({ title: 'no id', text: 'x' }))).toBeUndefined();
  });

  it('opens the conversation the notification is about, and only a well-formed one', () => {
    expect(pathForNotification({ conversationId: 'conv_1' })).toBe('/chat/conv_1');
    expect(pathForNotification({ conversationId: '../../evil' })).toBe('/');
    expect(pathForNotification(null)).toBe('/');
  });
});

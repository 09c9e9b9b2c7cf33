import { describe, expect, it } from 'vitest';
import type { PendingMessage, RealtimeConnection, RealtimeOptions, RealtimeStatus, ServerFrame } from '../../../common/client.ts';
import { createRealtimeHub } from './realtime-hub.ts';

/** A connection that records what is sent and lets the test play the server. */
function fakeConnection() {
  let options: Pick<RealtimeOptions, 'onFrame' | 'onStatus' | 'onReconnect' | 'onSessionEnded'> | undefined;
  const sent: PendingMessage[] = [];
  const events: string[] = [];
  const connection: RealtimeConnection = {
    sendMessage: (message) => void sent.push(message),
    status: 'connecting' as RealtimeStatus,
    close: () => void events.push('close'),
    simulateDrop: () => void events.push('drop'),
    answerConfirmation: (id, accept) => {
      events.push(`answer ${id} ${accept}`);
      return true;
    },
    answerToolApproval: (id, answer) => {
      events.push(`approve ${id} ${answer.approved} ${answer.always === true}`);
      return true;
    },
    sendVoiceFrame: (frame) => {
      events.push(`voice ${frame.type}`);
      return true;
    },
  };
  return {
    open: (given: typeof options) => {
      options = given;
      return connection;
    },
    sent,
    events,
    server: () => {
      if (options === undefined) throw new Error('The hub has not opened its connection.');
      return options;
    },
  };
}

const due: ServerFrame = { type: 'reminder-due', reminder: { id: 'reminder_1', text: 'Call Sam', dueAt: '2026-12-01T09:00:00Z' } };

describe('the app’s one realtime connection', () => {
  it('hands every frame to every screen listening, and to none that stopped', () => {
    const fake = fakeConnection();
    const hub = createRealtimeHub(fake.open, () => {});
    const chat: ServerFrame[] = [];
    const today: ServerFrame[] = [];
    const stopChat = hub.listen((frame) => chat.push(frame));
    hub.listen((frame) => today.push(frame));
    fake.server().onFrame(due);
    stopChat();
    fake.server().onFrame({ type: 'pong' });
    expect(chat).toEqual([due]);
    expect(today).toEqual([due, { type: 'pong' }]);
  });

  it('keeps the latest status and tells those watching it', () => {
    const fake = fakeConnection();
    const hub = createRealtimeHub(fake.open, () => {});
    const seen: RealtimeStatus[] = [];
    hub.watchStatus((status) => seen.push(status));
    expect(hub.status).toBe('connecting');
    fake.server().onStatus?.('open');
    fake.server().onStatus?.('reconnecting');
    expect(hub.status).toBe('reconnecting');
    expect(seen).toEqual(['open', 'reconnecting']);
  });

  it('answers a tool call’s request to approve through the connection, with “always” when chosen', () => {
    const fake = fakeConnection();
    const hub = createRealtimeHub(fake.open, () => {});
    expect(hub.answerToolApproval('approval_1', { approved: true, always: true })).toBe(true);
    expect(hub.answerToolApproval('approval_2', { approved: false })).toBe(true);
    expect(fake.events).toEqual(['approve approval_1 true true', 'approve approval_2 false false']);
  });

  it('resends everything after a reconnection unless a screen decides otherwise', async () => {
    const fake = fakeConnection();
    const hub = createRealtimeHub(fake.open, () => {});
    const waiting = [{ text: 'one' }, { text: 'two' }];
    expect(await fake.server().onReconnect?.(waiting)).toEqual(waiting);
    hub.setReconnectHandler((unacknowledged) => unacknowledged.filter((message) => message.text !== 'one'));
    expect(await fake.server().onReconnect?.(waiting)).toEqual([{ text: 'two' }]);
    hub.setReconnectHandler(undefined);
    expect(await fake.server().onReconnect?.(waiting)).toEqual(waiting);
  });

  it('sends through the connection, reports an ended session, and closes for good', () => {
    const fake = fakeConnection();
    let ended = 0;
    const hub = createRealtimeHub(fake.open, () => {
      ended += 1;
    });
    const heard: ServerFrame[] = [];
    hub.listen((frame) => heard.push(frame));
    hub.sendMessage({ text: 'Hello', conversationId: 'conversation_1' });
    fake.server().onSessionEnded?.();
    hub.close();
    fake.server().onFrame(due);
    expect(fake.sent).toEqual([{ text: 'Hello', conversationId: 'conversation_1' }]);
    expect(ended).toBe(1);
    expect(fake.events).toEqual(['close']);
    expect(heard).toEqual([]);
  });
});

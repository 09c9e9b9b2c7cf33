import type { ClientConnection, LiveConnections } from '../../host/capability.ts';
import { describeChannelContract } from '../channel-contract.ts';
import { createAppChannel, type DeliveryRecord } from './app-channel.ts';

/** Open app clients as the object sees them, each recording the frames it was sent. */
function fakeClients() {
  const received: Array<{ text: string }> = [];
  const clients: ClientConnection[] = [];
  let failNext = false;
  const connections: LiveConnections = { list: () => [...clients], closeAll: () => clients.splice(0) };
  return {
    connections,
    received,
    open() {
      clients.push({
        id: `client-${clients.length}`,
        channel: 'web',
        send(frame: string) {
          if (failNext) {
            failNext = false;
            throw new Error('socket closed');
          }
          const parsed = JSON.parse(frame) as { notification?: { text: string }; reminder?: { text: string } };
          received.push({ text: parsed.notification?.text ?? parsed.reminder?.text ?? '' });
        },
      });
    },
    breakNextSend() {
      failNext = true;
    },
  };
}

function memoryRecord(): DeliveryRecord {
  const delivered = new Set<string>();
  return {
    delivered: (channel, id) => delivered.has(`${channel}:${id}`),
    markDelivered: (channel, id) => !delivered.has(`${channel}:${id}`) && Boolean(delivered.add(`${channel}:${id}`)),
    forgetDelivered: (channel, id) => void delivered.delete(`${channel}:${id}`),
  };
}

describeChannelContract('app', async () => {
  const clients = fakeClients();
  const channel = createAppChannel({ connections: clients.connections, record: memoryRecord(), now: Date.now, messageOf: async () => undefined });
  return {
    channel,
    makeReachable: async () => clients.open(),
    delivered: async () => clients.received,
    async failNext(kind) {
      // A socket that closes as the frame goes out may be retried; the app has no refusal of its own,
      // so a "permanent" failure is every client going away, which leaves it unreachable.
      if (kind === 'retryable') clients.breakNextSend();
      else clients.connections.closeAll(1000, 'gone');
    },
  };
});

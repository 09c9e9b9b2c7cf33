import type { ServerFrame } from '../../common/protocol.ts';
import { log } from '../../server/logging/log.ts';
import type { CapabilityHost } from './capability.ts';

/**
 * Sends one frame to every open client of the user. A socket closing as the frame goes out must not
 * keep it from the others: they catch up from the listing the frame's capability offers.
 */
export function broadcastFrame(host: Pick<CapabilityHost, 'connections' | 'userId'>, frame: ServerFrame): void {
  const text = JSON.stringify(frame);
  for (const connection of host.connections.list()) {
    try {
      connection.send(text);
    } catch (error) {
      log.warn('frame not sent', {
        userId: host.userId,
        connectionId: connection.id,
        frame: frame.type,
        error: error instanceof Error ? error.name : 'unknown',
      });
    }
  }
}

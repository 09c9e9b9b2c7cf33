import type { Connection } from 'agents';
import type { ErrorId } from '../../common/error-ids.ts';
import type { ClientConnection } from './capability.ts';

/** The header by which the Worker, after authenticating, tells the object whose connection it hands over. */
export const userIdHeader = 'x-kindred-user-id';

/** The header by which the Worker tells the object what kind of client opened a connection (`mobile` or `web`). */
export const channelHeader = 'x-kindred-client';

/** What a connection keeps across hibernation (the SDK stores it in the socket's 2 KB attachment): ids and kinds only. */
interface ConnectionState {
  channel: ClientConnection['channel'];
}

export function connectionChannel(state: unknown): ClientConnection['channel'] {
  return (state as ConnectionState | null)?.channel === 'mobile' ? 'mobile' : 'web';
}

/** An `error` frame for a frame the object refused. */
export function frameError(id: ErrorId, message: string): string {
  return JSON.stringify({ type: 'error', id, message });
}

/** The Agents SDK's connection as a capability sees it; the channel is read only when asked for. */
export function toClientConnection(connection: Connection): ClientConnection {
  return {
    id: connection.id,
    get channel() {
      return connectionChannel(connection.state);
    },
    send: (frame) => connection.send(frame),
  };
}

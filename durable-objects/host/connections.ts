import type { Connection, WSMessage } from 'agents';
import { decodeBinaryFrame } from '../../common/binary-frame.ts';
import type { ErrorId } from '../../common/error-ids.ts';
import { binaryFrameFields, type ClientFrame, clientFrameSchema } from '../../common/protocol.ts';
import type { ClientConnection } from './capability.ts';

/** The header by which the Worker, after authenticating, tells the object whose connection it hands over. */
export const userIdHeader = 'x-kindred-user-id';

/** The header by which the Worker tells the object what kind of client opened a connection (`mobile` or `web`). */
export const channelHeader = 'x-kindred-client';

/** The header naming the session that opened a connection (a signed session's id, or an old-format token's hash; never the token). */
export const sessionHeader = 'x-kindred-session';

/** The header carrying when that session expires, in milliseconds since the epoch. */
export const sessionExpiresHeader = 'x-kindred-session-expires';

/** What a connection keeps across hibernation (the SDK stores it in the socket's 2 KB attachment): ids and kinds only. */
export interface ConnectionState {
  channel: ClientConnection['channel'];
  /** The session that opened it: signing that session out closes it. */
  session: string;
  sessionExpiresAt: number;
}

/** The close code a socket gets when its session ends (sign-out or expiry); clients stop reconnecting on it. */
export const sessionEndedCloseCode = 4001;

/** The state a new connection starts with, from the headers the Worker set after authenticating it. */
export function connectionStateFrom(headers: Headers): ConnectionState {
  return {
    channel: headers.get(channelHeader) === 'mobile' ? 'mobile' : 'web',
    session: headers.get(sessionHeader) ?? '',
    sessionExpiresAt: Number(headers.get(sessionExpiresHeader) ?? 0),
  };
}

/** Whether the session behind a connection is still good at `now`; connections without one never were. */
export function sessionLive(state: unknown, now: number): boolean {
  const session = state as Partial<ConnectionState> | null;
  return typeof session?.session === 'string' && session.session !== '' && (session.sessionExpiresAt ?? 0) > now;
}

export function connectionChannel(state: unknown): ClientConnection['channel'] {
  return (state as ConnectionState | null)?.channel === 'mobile' ? 'mobile' : 'web';
}

/** An `error` frame for a frame the object refused. */
export function frameError(id: ErrorId, message: string): string {
  return JSON.stringify({ type: 'error', id, message });
}

/**
 * A client's message read as a frame: JSON text, or a binary message whose audio comes without base64
 * (a JSON header and the bytes, `common/binary-frame.ts`), checked against the frame schemas. What does
 * not read answers with the `error` frame to send back.
 */
export function readClientFrame(message: WSMessage): { frame: ClientFrame } | { error: string } {
  let frame: unknown;
  if (typeof message !== 'string') {
    frame = decodeBinaryFrame(message, binaryFrameFields);
    if (frame === undefined)
      return { error: frameError('invalid_frame', 'A binary frame must be a header length, a JSON header of a frame that carries audio, and the audio.') };
  } else {
    try {
      frame = JSON.parse(message);
    } catch {
      return { error: frameError('invalid_frame', 'The frame is not valid JSON.') };
    }
  }
  const parsed = clientFrameSchema.safeParse(frame);
  if (parsed.success) return { frame: parsed.data };
  const tooLong = parsed.error.issues.some((issue) => issue.code === 'too_big' && issue.path.join('.') === 'text');
  const details = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'frame'}: ${issue.message}`).join('; ');
  return { error: frameError(tooLong ? 'message_too_long' : 'validation_failed', `The frame is not valid: ${details}.`) };
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

/**
 * The open clients, read from the runtime's list of sockets with each socket's connection kept.
 *
 * The SDK's `getConnections()` reads every socket's serialised attachment again on each call, only to
 * tell its own sockets from others. A due reminder, a voice frame to the other
 * devices, a notification: each asks for the list, and in `npm run bench -- reminders` that reading was
 * 4% of workerd's CPU per fired reminder. Here a socket the SDK listed once is remembered by its object
 * (a WeakMap: a socket that closes drops out of the runtime's list and is collected), so a call reads
 * the runtime's list and the remembered wrappers. Nothing needs invalidating: a socket not known yet
 * (new, or rebuilt after hibernation) makes that call the SDK's as before, which learns it; a socket no
 * longer open is skipped, as the SDK skips it. Were the runtime ever to hand out a new object for the
 * same socket, every call would simply be the SDK's again: slower, never wrong.
 */
export class OpenConnections {
  readonly #known = new WeakMap<WebSocket, { connection: Connection; client: ClientConnection }>();
  readonly #sockets: () => WebSocket[];
  readonly #sdkConnections: () => Iterable<Connection>;

  constructor(sockets: () => WebSocket[], sdkConnections: () => Iterable<Connection>) {
    this.#sockets = sockets;
    this.#sdkConnections = sdkConnections;
  }

  /** Every open client whose session is live at `now`, in the runtime's order. */
  list(now: number): ClientConnection[] {
    const clients: ClientConnection[] = [];
    for (const socket of this.#sockets()) {
      if (socket.readyState !== WebSocket.OPEN) continue;
      const known = this.#known.get(socket);
      // A socket not seen before: the SDK's list, as it always was, and its connections kept.
      if (!known) return this.#fromSdk(now);
      if (sessionLive(known.connection.state, now)) clients.push(known.client);
    }
    return clients;
  }

  #fromSdk(now: number): ClientConnection[] {
    const clients: ClientConnection[] = [];
    for (const connection of this.#sdkConnections()) {
      // The SDK's connection is the socket itself, with its fields defined on it.
      let known = this.#known.get(connection as unknown as WebSocket);
      if (!known) {
        known = { connection, client: toClientConnection(connection) };
        this.#known.set(connection as unknown as WebSocket, known);
      }
      if (sessionLive(connection.state, now)) clients.push(known.client);
    }
    return clients;
  }
}

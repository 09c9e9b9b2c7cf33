// One realtime connection for the whole signed-in app, instead of one per screen: the chat streams
// its replies over it, and every screen hears what the companion sends unasked (a reminder come due,
// a check-in) the moment it arrives, whichever screen is open.
import type {
  AnswerToolApprovalBody,
  PendingMessage,
  RealtimeConnection,
  RealtimeOptions,
  RealtimeStatus,
  ServerFrame,
  VoiceClientFrame,
} from '../../../common/client.ts';

type FrameListener = (frame: ServerFrame) => void;
type StatusListener = (status: RealtimeStatus) => void;
type ReconnectHandler = (unacknowledged: PendingMessage[]) => Promise<PendingMessage[]> | PendingMessage[];

/** The app's live connection, shared by the screens. */
export interface RealtimeHub {
  /** Queues a message for the companion; it goes out as soon as the socket is open. */
  sendMessage(message: PendingMessage): void;
  readonly status: RealtimeStatus;
  /** Hears every frame from now on; answers the function that stops listening. */
  listen(listener: FrameListener): () => void;
  /** Hears every change of the connection's status; answers the function that stops listening. */
  watchStatus(listener: StatusListener): () => void;
  /**
   * Decides which unacknowledged messages to send again after a reconnection (the chat reads the
   * latest history to see which arrived). Without one, every one of them is sent again.
   */
  setReconnectHandler(handler: ReconnectHandler | undefined): void;
  /** Answers a confirmation over the socket; false when it is not open, so the caller uses HTTP. */
  answerConfirmation(confirmationId: string, accept: boolean): boolean;
  /** Answers a tool call's request to approve over the socket; false when it is not open, so the caller uses HTTP. */
  answerToolApproval(approvalId: string, answer: AnswerToolApprovalBody): boolean;
  /** Sends a voice frame when the socket is open; false when it is not (voice is never queued). */
  sendVoiceFrame(frame: VoiceClientFrame): boolean;
  /** Drops the socket as a network failure would, for the end-to-end tests. */
  simulateDrop(): void;
  /** Closes for good, on signing out. */
  close(): void;
}

/** What the hub needs to open its connection: the client's `realtime`, without the frame and status callbacks it supplies itself. */
export type OpenRealtime = (options: Pick<RealtimeOptions, 'onFrame' | 'onStatus' | 'onReconnect' | 'onSessionEnded'>) => RealtimeConnection;

export function createRealtimeHub(open: OpenRealtime, onSessionEnded: () => void): RealtimeHub {
  const frameListeners = new Set<FrameListener>();
  const statusListeners = new Set<StatusListener>();
  let reconnectHandler: ReconnectHandler | undefined;
  let status: RealtimeStatus = 'connecting';

  const connection = open({
    onFrame: (frame) => {
      // A copy, so a listener that stops listening while it handles a frame does not skip another.
      for (const listener of [...frameListeners]) listener(frame);
    },
    onStatus: (next) => {
      status = next;
      for (const listener of [...statusListeners]) listener(next);
    },
    onReconnect: (unacknowledged) => (reconnectHandler ? reconnectHandler(unacknowledged) : unacknowledged),
    onSessionEnded,
  });

  return {
    sendMessage: (message) => connection.sendMessage(message),
    get status() {
      return status;
    },
    listen(listener) {
      frameListeners.add(listener);
      return () => void frameListeners.delete(listener);
    },
    watchStatus(listener) {
      statusListeners.add(listener);
      return () => void statusListeners.delete(listener);
    },
    setReconnectHandler(handler) {
      reconnectHandler = handler;
    },
    answerConfirmation: (confirmationId, accept) => connection.answerConfirmation(confirmationId, accept),
    answerToolApproval: (approvalId, answer) => connection.answerToolApproval(approvalId, answer),
    sendVoiceFrame: (frame) => connection.sendVoiceFrame(frame),
    simulateDrop: () => connection.simulateDrop(),
    close() {
      frameListeners.clear();
      statusListeners.clear();
      connection.close();
    },
  };
}

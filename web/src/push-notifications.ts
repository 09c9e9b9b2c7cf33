// What the service worker makes of a message the server pushed: kept apart from the worker's event
// wiring so it can be tested without a browser.

/** What the server pushes: `durable-objects/channels/push/push-channel.ts` (`PushPayload`). */
export interface PushPayload {
  id: string;
  kind: string;
  title: string;
  text: string;
  reminderId?: string;
  conversationId?: string;
}

/** The payload when it is one of ours; anything else (not JSON, missing fields) is not shown. */
export function readPushPayload(read: () => unknown): PushPayload | undefined {
  let value: unknown;
  try {
    value = read();
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { id, kind, title, text, reminderId, conversationId } = value as Record<string, unknown>;
  if (typeof id !== 'string' || typeof title !== 'string' || typeof text !== 'string') return undefined;
  return {
    id,
    kind: typeof kind === 'string' ? kind : 'check-in',
    title,
    text,
    ...(typeof reminderId === 'string' ? { reminderId } : {}),
    ...(typeof conversationId === 'string' ? { conversationId } : {}),
  };
}

/** The notification for a payload: the message id as its tag, so the same message pushed again replaces it rather than adding one. */
export function notificationFor(payload: PushPayload): { title: string; options: NotificationOptions } {
  return {
    title: payload.title,
    options: {
      body: payload.text,
      tag: payload.id,
      icon: '/icons/icon-192.png',
      data: { conversationId: payload.conversationId, reminderId: payload.reminderId },
    },
  };
}

/** Where a tapped notification takes the person: its conversation, or the app's start. */
export function pathForNotification(data: unknown): string {
  const conversationId = (data as { conversationId?: unknown } | null | undefined)?.conversationId;
  return typeof conversationId === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(conversationId) ? `/chat/${conversationId}` : '/';
}

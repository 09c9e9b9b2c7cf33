import type { WhatsAppClient } from '../../../server/whatsapp/graph-client.ts';
import type { DeliveryChannel, DeliveryOutcome, OutboundMessage } from '../delivery-channel.ts';
import type { StoredOutbound, WhatsAppStore } from './whatsapp-store.ts';

/** WhatsApp lets a business write freely for 24 hours after the person's last message; after it, only templates. */
export const customerServiceWindowMs = 24 * 3600_000;

/** The approved template for anything the companion says outside the window: one body parameter, the text. */
export const updateTemplateName = 'kindred_update';
export const templateLanguageCode = 'en';

/** Meta's limits: 4,096 characters in a text message, 1,024 in a template parameter (we keep a margin). */
export const maxTextLength = 4096;
const maxTemplateParameterLength = 1000;

/** A WhatsApp delivery channel: the contract's channel, and what became of each message it sent. */
export interface WhatsAppChannel extends DeliveryChannel {
  readonly name: 'whatsapp';
  /** Sends text under our own id, idempotently: the companion's replies go through here too. */
  deliver(messageId: string, text: string): Promise<DeliveryOutcome>;
  /** What became of a message sent under our id (sent, delivered, read, failed, with the history), for the outreach log. */
  deliveryStatus(messageId: string): StoredOutbound | undefined;
}

export interface WhatsAppChannelDependencies {
  store: WhatsAppStore;
  /** Undefined when WhatsApp is not configured on this server. */
  client: () => WhatsAppClient | undefined;
  now: () => number;
}

/**
 * Delivers over WhatsApp: free-form text inside the 24-hour window, the `kindred_update` template
 * outside it. Idempotent on our message id: a message that went out is never sent again, whatever
 * retries; one that failed may be.
 */
export function createWhatsAppChannel(dependencies: WhatsAppChannelDependencies): WhatsAppChannel {
  const { store, now } = dependencies;

  async function deliver(messageId: string, text: string): Promise<DeliveryOutcome> {
    const client = dependencies.client();
    if (!client) return { status: 'unavailable', reason: 'WhatsApp is not configured on this server' };
    const link = await store.link();
    if (link?.status !== 'linked') return { status: 'unavailable', reason: 'no WhatsApp number is linked' };
    const earlier = store.outbound(messageId);
    if (earlier?.wamid) return { status: 'sent', providerId: earlier.wamid, duplicate: true };
    if (!store.claimOutbound(messageId, now())) return { status: 'failed', retryable: true, reason: 'this message is being sent already' };
    const insideWindow = link.lastInboundAt !== null && now() - link.lastInboundAt < customerServiceWindowMs;
    const result = insideWindow
      ? await client.sendText(link.phoneNumber, truncate(text, maxTextLength))
      : await client.sendTemplate(link.phoneNumber, {
          name: updateTemplateName,
          languageCode: templateLanguageCode,
          bodyParameters: [templateParameter(text)],
        });
    if (!result.ok) {
      store.recordSendFailed(messageId, result.reason, now());
      return { status: 'failed', retryable: result.retryable, reason: result.reason };
    }
    store.recordSent(messageId, result.value.wamid, insideWindow ? 'text' : 'template', now());
    return { status: 'sent', providerId: result.value.wamid };
  }

  return {
    name: 'whatsapp',
    reachable: async () => dependencies.client() !== undefined && store.isLinked(),
    send: (message: OutboundMessage) => deliver(message.id, message.text),
    deliver,
    deliveryStatus: (messageId) => store.outbound(messageId),
  };
}

/**
 * A template parameter may hold no new lines, tabs or runs of more than four spaces, and at most
 * 1,024 characters: the text becomes one line, cut at a word.
 */
export function templateParameter(text: string): string {
  const oneLine = text
    .replace(/\s*\n\s*/g, ' · ')
    .replace(/[\t\r]/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
  return truncate(oneLine, maxTemplateParameterLength);
}

/** Cut at the last space before the limit (unless that loses too much), with an ellipsis. */
export function truncate(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const cut = text.slice(0, limit - 1);
  const lastSpace = cut.lastIndexOf(' ');
  return `${lastSpace > limit * 0.8 ? cut.slice(0, lastSpace) : cut}…`;
}

import { z } from 'zod';

/**
 * The webhook Meta posts for a WhatsApp Business number (`object: whatsapp_business_account`), as
 * far as Kindred reads it: the messages people send and the statuses of those Kindred sent. Fields
 * Kindred does not use are let through, since Meta adds to them without notice.
 */
const inboundMessageSchema = z
  .object({
    from: z.string().regex(/^\d{6,15}$/),
    id: z.string().min(1).max(256),
    timestamp: z.string().regex(/^\d+$/),
    type: z.string(),
    text: z.object({ body: z.string() }).passthrough().optional(),
    audio: z
      .object({ id: z.string().min(1), mime_type: z.string().optional(), voice: z.boolean().optional() })
      .passthrough()
      .optional(),
  })
  .passthrough();

const statusSchema = z
  .object({
    id: z.string().min(1).max(256),
    status: z.string(),
    timestamp: z.string().regex(/^\d+$/),
    recipient_id: z.string().regex(/^\d{6,15}$/),
    errors: z.array(z.object({ code: z.number(), title: z.string().optional() }).passthrough()).optional(),
  })
  .passthrough();

export const whatsAppWebhookSchema = z.object({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(
    z.object({
      id: z.string(),
      changes: z.array(
        z.object({
          field: z.string(),
          value: z
            .object({
              messaging_product: z.literal('whatsapp').optional(),
              metadata: z.object({ phone_number_id: z.string() }).passthrough().optional(),
              messages: z.array(inboundMessageSchema).optional(),
              statuses: z.array(statusSchema).optional(),
            })
            .passthrough(),
        }),
      ),
    }),
  ),
});
export type WhatsAppWebhook = z.infer<typeof whatsAppWebhookSchema>;

/** A message a person sent, as the Worker hands it to their object. */
export interface InboundWhatsAppMessage {
  /** WhatsApp's id (`wamid.…`): a webhook Meta delivers again carries the same one. */
  id: string;
  /** The sender in E.164. */
  from: string;
  /** When the person sent it, in milliseconds. */
  sentAt: number;
  kind: 'text' | 'audio' | 'other';
  text?: string;
  /** For a voice note: the media id to download it by. */
  mediaId?: string;
}

/** What WhatsApp says became of a message Kindred sent. */
export interface WhatsAppStatusReport {
  wamid: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  at: number;
  /** For `failed`: Meta's error code and title ("131047 Re-engagement message"). */
  detail?: string;
}

const reportedStatuses = new Set(['sent', 'delivered', 'read', 'failed']);

/**
 * The messages and status reports of a webhook, each with the number that decides whose object gets
 * it. Only changes for Kindred's own business number count: one Meta app may hold several numbers.
 */
export function readWebhook(
  webhook: WhatsAppWebhook,
  phoneNumberId: string,
): {
  messages: InboundWhatsAppMessage[];
  statuses: Array<{ recipient: string; report: WhatsAppStatusReport }>;
} {
  const messages: InboundWhatsAppMessage[] = [];
  const statuses: Array<{ recipient: string; report: WhatsAppStatusReport }> = [];
  for (const entry of webhook.entry) {
    for (const change of entry.changes) {
      if (change.field !== 'messages') continue;
      if (change.value.metadata && change.value.metadata.phone_number_id !== phoneNumberId) continue;
      for (const message of change.value.messages ?? []) {
        const kind = message.type === 'text' && message.text ? 'text' : message.type === 'audio' && message.audio ? 'audio' : 'other';
        messages.push({
          id: message.id,
          from: `+${message.from}`,
          sentAt: Number(message.timestamp) * 1000,
          kind,
          ...(kind === 'text' ? { text: message.text?.body } : {}),
          ...(kind === 'audio' ? { mediaId: message.audio?.id } : {}),
        });
      }
      for (const status of change.value.statuses ?? []) {
        if (!reportedStatuses.has(status.status)) continue;
        const error = status.errors?.[0];
        statuses.push({
          recipient: `+${status.recipient_id}`,
          report: {
            wamid: status.id,
            status: status.status as WhatsAppStatusReport['status'],
            at: Number(status.timestamp) * 1000,
            ...(error ? { detail: `${error.code}${error.title ? ` ${error.title}` : ''}` } : {}),
          },
        });
      }
    }
  }
  return { messages, statuses };
}

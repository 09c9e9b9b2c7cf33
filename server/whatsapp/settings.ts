import type { Config } from '../config/config.ts';

/** What the WhatsApp Business Cloud API needs, present only when every part of it is configured. */
export interface WhatsAppSettings {
  readonly graphUrl: string;
  readonly phoneNumberId: string;
  readonly accessToken: string;
  /** Signs every webhook Meta sends (`X-Hub-Signature-256`). */
  readonly appSecret: string;
  /** What Meta echoes back when the webhook is subscribed. */
  readonly verifyToken: string;
}

/**
 * WhatsApp is on only when all four values are set: a number that could send but never hear the
 * replies (no app secret to check webhooks) would answer people with silence.
 */
export function whatsAppSettings(config: Config): WhatsAppSettings | undefined {
  const { WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_ACCESS_TOKEN, WHATSAPP_APP_SECRET, WHATSAPP_VERIFY_TOKEN, WHATSAPP_GRAPH_URL } = config;
  if (!WHATSAPP_PHONE_NUMBER_ID || !WHATSAPP_ACCESS_TOKEN || !WHATSAPP_APP_SECRET || !WHATSAPP_VERIFY_TOKEN) return undefined;
  return {
    graphUrl: WHATSAPP_GRAPH_URL.replace(/\/+$/, ''),
    phoneNumberId: WHATSAPP_PHONE_NUMBER_ID,
    accessToken: WHATSAPP_ACCESS_TOKEN,
    appSecret: WHATSAPP_APP_SECRET,
    verifyToken: WHATSAPP_VERIFY_TOKEN,
  };
}

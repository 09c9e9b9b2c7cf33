import { Hono } from 'hono';
import { readConfig } from '../../server/config/config.ts';
import { AppError } from '../../server/errors/app-error.ts';
import { log } from '../../server/logging/log.ts';
import { createWhatsAppClient } from '../../server/whatsapp/graph-client.ts';
import { type WhatsAppSettings, whatsAppSettings } from '../../server/whatsapp/settings.ts';
import { readWebhook, whatsAppWebhookSchema } from '../../server/whatsapp/webhook-payload.ts';
import type { AppEnv } from '../app-env.ts';
import { bodyLimit } from '../body-limit.ts';
import { whatsAppDirectory } from '../channels/whatsapp-directory.ts';
import { companionOf } from '../companion-stub.ts';

/** What an unknown number hears, once ever: who wrote back, and how to link. */
export const onboardingReply =
  "Hi, this is Kindred, a personal companion. This number isn't linked to a Kindred account yet: to talk with your companion here, link your number in the app's settings (Settings → WhatsApp). We won't message you again unless you do.";

/** Meta's webhook payloads are small; a large body is not one of them. */
const maxWebhookBytes = 256 * 1024;

/**
 * Meta's webhooks for the WhatsApp Business number: the subscription check (GET) and events (POST),
 * outside `/api/v1` and without a session. A POST is trusted only after its signature over the raw
 * body checks out; then each message goes to the object of the user who linked the sender's number,
 * and each status report to the object that sent the message. Everything done is idempotent, since
 * Meta delivers the same event again whenever it is unsure it arrived.
 */
export const whatsAppWebhookRoutes = new Hono<AppEnv>();

whatsAppWebhookRoutes.get('/', (context) => {
  const settings = whatsAppSettings(readConfig(context.env));
  const mode = context.req.query('hub.mode');
  const token = context.req.query('hub.verify_token');
  const challenge = context.req.query('hub.challenge');
  if (!settings || mode !== 'subscribe' || token === undefined || !sameText(token, settings.verifyToken) || challenge === undefined) {
    return context.text('Forbidden', 403);
  }
  return context.text(challenge, 200, { 'content-type': 'text/plain; charset=utf-8' });
});

whatsAppWebhookRoutes.post('/', bodyLimit(maxWebhookBytes), async (context) => {
  const config = readConfig(context.env);
  const settings = whatsAppSettings(config);
  if (!settings) throw new AppError('feature_not_configured', 'WhatsApp is not configured on this server.');
  const rawBody = await context.req.arrayBuffer();
  if (!(await signatureMatches(settings.appSecret, context.req.header('x-hub-signature-256'), rawBody))) {
    log.warn('whatsapp webhook with a bad signature', { requestId: context.get('requestId') });
    throw new AppError('invalid_signature', 'The X-Hub-Signature-256 header does not match the body.');
  }
  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder().decode(rawBody));
  } catch {
    throw new AppError('validation_failed', 'The webhook body is not JSON.');
  }
  const parsed = whatsAppWebhookSchema.safeParse(payload);
  if (!parsed.success) throw new AppError('validation_failed', 'The webhook body is not a WhatsApp Business Account event.');

  const directory = whatsAppDirectory(context.env.DB, config.MASTER_KEY, config.MASTER_KEY_PREVIOUS);
  const { messages, statuses } = readWebhook(parsed.data, settings.phoneNumberId);
  for (const message of messages) {
    const userId = await directory.ownerOf(message.from);
    if (userId === undefined) {
      await onboard(settings, directory, message.from);
      continue;
    }
    // Quick: the object stores the message and answers it later from its own schedule.
    const companion = await companionOf(context.env, userId);
    await companion.whatsapp.receive(message);
  }
  for (const { recipient, report } of statuses) {
    const userId = await directory.ownerOf(recipient);
    if (userId === undefined) continue;
    const companion = await companionOf(context.env, userId);
    await companion.whatsapp.recordStatus(report);
  }
  return context.text('OK', 200);
});

/** One polite answer to a number nobody linked, ever: a webhook delivered twice or a second message gets nothing. */
async function onboard(settings: WhatsAppSettings, directory: ReturnType<typeof whatsAppDirectory>, phoneNumber: string): Promise<void> {
  if (!(await directory.firstContact(phoneNumber, new Date()))) return;
  const sent = await createWhatsAppClient(settings).sendText(phoneNumber, onboardingReply);
  if (!sent.ok) {
    log.warn('whatsapp onboarding reply not sent', { status: sent.status, code: sent.code });
    // Nothing reached them, so the next message they send may be answered.
    if (sent.retryable) await directory.forgetContact(phoneNumber);
  }
}

/** `sha256=<hex>` checked with `crypto.subtle.verify`, which compares in constant time. */
async function signatureMatches(appSecret: string, header: string | undefined, rawBody: ArrayBuffer): Promise<boolean> {
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(header ?? '');
  if (!match?.[1]) return false;
  const signature = new Uint8Array(match[1].match(/../g)?.map((pair) => Number.parseInt(pair, 16)) ?? []);
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(appSecret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  return crypto.subtle.verify('HMAC', key, signature, rawBody);
}

function sameText(given: string, expected: string): boolean {
  if (given.length !== expected.length) return false;
  let difference = 0;
  for (let index = 0; index < given.length; index++) difference |= given.charCodeAt(index) ^ expected.charCodeAt(index);
  return difference === 0;
}

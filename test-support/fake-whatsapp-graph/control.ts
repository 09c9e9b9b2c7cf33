/**
 * The settings the tests run WhatsApp with, and typed helpers that drive the fake Graph API from tests
 * (inside workerd, so only `fetch`) and build webhooks signed as Meta signs them.
 */

/** The bindings of the `kindred` test project (vitest.config.ts), shared with the fake's start. */
export const testWhatsApp = {
  phoneNumberId: '100000000000001',
  accessToken: 'fake-whatsapp-token',
  appSecret: 'fake-whatsapp-app-secret',
  verifyToken: 'fake-whatsapp-verify-token',
} as const;

/** A message the fake accepted (see the server's `RecordedWhatsAppMessage`). */
export interface RecordedWhatsAppMessage {
  id: string;
  to: string;
  type: 'text' | 'template' | 'audio';
  text: string;
  templateName?: string;
  body: unknown;
}

const controlUrl = (graphUrl: string, path: string) => `${new URL(graphUrl).origin}/__control${path}`;

async function expectOk(response: Response, what: string): Promise<void> {
  if (!response.ok) throw new Error(`fake WhatsApp ${what} failed: HTTP ${response.status} ${await response.text()}`);
}

/** What the fake accepted for one recipient, oldest first. */
export async function whatsAppMessagesTo(graphUrl: string, phoneNumber: string): Promise<RecordedWhatsAppMessage[]> {
  const response = await fetch(controlUrl(graphUrl, `/messages?to=${encodeURIComponent(phoneNumber.replace(/^\+/, ''))}`));
  await expectOk(response, 'reading messages');
  return ((await response.json()) as { messages: RecordedWhatsAppMessage[] }).messages;
}

/** The message ids marked read, in order. */
export async function whatsAppReads(graphUrl: string): Promise<string[]> {
  const response = await fetch(controlUrl(graphUrl, '/reads'));
  await expectOk(response, 'reading read receipts');
  return ((await response.json()) as { reads: Array<{ messageId: string }> }).reads.map((read) => read.messageId);
}

/** The next `count` sends to this number fail with the status and Meta error code. */
export async function failWhatsAppSends(graphUrl: string, phoneNumber: string, failure: { status: number; code?: number; count?: number }): Promise<void> {
  const response = await fetch(controlUrl(graphUrl, '/fail'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ to: phoneNumber, ...failure }),
  });
  await expectOk(response, 'planning a failure');
}

/** A media file Kindred uploaded, as the fake keeps it. */
export interface UploadedWhatsAppMedia {
  id: string;
  /** The upload's `type` field. */
  mimeType: string;
  /** The multipart file part's own name and type. */
  fileName: string;
  fileType: string;
  bytes: Uint8Array;
}

/** What was uploaded under a media id (as an audio message names it). */
export async function whatsAppUpload(graphUrl: string, mediaId: string): Promise<UploadedWhatsAppMedia> {
  const response = await fetch(controlUrl(graphUrl, `/uploads/${encodeURIComponent(mediaId)}`));
  await expectOk(response, 'reading an upload');
  const upload = (await response.json()) as Omit<UploadedWhatsAppMedia, 'bytes'> & { base64: string };
  const binary = atob(upload.base64);
  return {
    id: upload.id,
    mimeType: upload.mimeType,
    fileName: upload.fileName,
    fileType: upload.fileType,
    bytes: Uint8Array.from(binary, (character) => character.charCodeAt(0)),
  };
}

/**
 * The next `count` media uploads of this type fail. Uploads name no recipient, so this is any test's
 * next upload of the type: the voice-reply tests upload `audio/ogg`, the Graph client's tests other types.
 */
export async function failWhatsAppUploads(graphUrl: string, failure: { type: string; status: number; code?: number; count?: number }): Promise<void> {
  const response = await fetch(controlUrl(graphUrl, '/fail-uploads'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(failure),
  });
  await expectOk(response, 'planning an upload failure');
}

/** Makes a media item (a voice note) downloadable by its id. */
export async function addWhatsAppMedia(graphUrl: string, media: { id: string; mimeType: string; bytes: Uint8Array }): Promise<void> {
  let binary = '';
  for (const byte of media.bytes) binary += String.fromCharCode(byte);
  const response = await fetch(controlUrl(graphUrl, '/media'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: media.id, mimeType: media.mimeType, base64: btoa(binary) }),
  });
  await expectOk(response, 'adding media');
}

/** A fresh number per test: the fake keys everything by recipient. */
export function uniquePhoneNumber(): string {
  const digits = Array.from(crypto.getRandomValues(new Uint8Array(9)), (byte) => String(byte % 10)).join('');
  return `+447${digits}`;
}

/** `sha256=` and the hex HMAC-SHA-256 of the raw body under the app secret, as Meta sends it. */
export async function signWebhook(rawBody: string, appSecret: string = testWhatsApp.appSecret): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(appSecret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const signature = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(rawBody)));
  return `sha256=${Array.from(signature, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

/** A `messages` change as Meta delivers it, holding the given messages and statuses. */
export function webhookPayload(change: { messages?: unknown[]; statuses?: unknown[]; contacts?: unknown[] }): unknown {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '200000000000001',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550000001', phone_number_id: testWhatsApp.phoneNumberId },
              ...change,
            },
          },
        ],
      },
    ],
  };
}

let messageCounter = 0;

/** A text message from `phoneNumber`, with a fresh `wamid` unless given. */
export function inboundText(phoneNumber: string, text: string, options: { id?: string; timestamp?: number } = {}) {
  messageCounter += 1;
  return {
    from: phoneNumber.replace(/^\+/, ''),
    id: options.id ?? `wamid.IN${crypto.randomUUID().replaceAll('-', '')}${messageCounter}`,
    timestamp: String(options.timestamp ?? Math.floor(Date.now() / 1000)),
    type: 'text',
    text: { body: text },
  };
}

import { z } from 'zod';

/**
 * A client of the WhatsApp Business Cloud API (Meta's Graph API): text and template messages, read
 * receipts and media downloads, with bounded retries on what Meta says is passing (429, 5xx and its
 * throughput error codes). Every answer is validated; a failure says whether retrying could help.
 */
export interface WhatsAppClient {
  /** A free-form text: only allowed inside the 24-hour window that opens when the person writes. */
  sendText(to: string, text: string): Promise<GraphOutcome<SentMessage>>;
  /** An approved template: the only way to open a conversation, or to write after the window closed. */
  sendTemplate(to: string, template: TemplateMessage): Promise<GraphOutcome<SentMessage>>;
  /** Marks the person's message read (the blue ticks). */
  markRead(messageId: string): Promise<GraphOutcome<null>>;
  /** The bytes of a media item a person sent (a voice note), by the id the webhook gave. */
  downloadMedia(mediaId: string): Promise<GraphOutcome<{ bytes: ArrayBuffer; mimeType: string }>>;
  /**
   * Uploads media (`POST /{phone-number-id}/media`, multipart) for a later message; answers Meta's
   * media id. `mimeType` is one WhatsApp accepts for the kind (audio: `audio/ogg` with Opus,
   * `audio/mpeg`, `audio/aac`, `audio/mp4`, `audio/amr`, at most 16 MB).
   */
  uploadMedia(bytes: Uint8Array, mimeType: string): Promise<GraphOutcome<{ id: string }>>;
  /**
   * An uploaded audio by its media id; `voice: true` shows it as a voice note (play button,
   * automatic download, transcript), which Meta documents for Ogg Opus files only.
   */
  sendAudio(to: string, mediaId: string, options?: { voice?: boolean }): Promise<GraphOutcome<SentMessage>>;
}

/** Settings of `createWhatsAppClient`; `fetch` and `sleep` are injectable for tests. */
export interface WhatsAppClientSettings {
  /** Up to the version, no trailing slash: `https://graph.facebook.com/v21.0`. */
  graphUrl: string;
  phoneNumberId: string;
  accessToken: string;
  fetch?: typeof fetch;
  /** How the client waits between attempts. */
  sleep?: (milliseconds: number) => Promise<void>;
  /** Attempts in all, the first included (default 3). */
  maxAttempts?: number;
  /** The first wait; each next one doubles (default 250 ms), half of it random. */
  baseDelayMs?: number;
  random?: () => number;
}

/** A template as Meta's API takes it: its name, its language, and the values of its body's `{{1}}`, `{{2}}`, … */
export interface TemplateMessage {
  name: string;
  languageCode: string;
  bodyParameters: string[];
  /** For authentication templates: the one-time code their copy-code button carries. */
  copyCodeButton?: string;
}

export interface SentMessage {
  /** WhatsApp's id of the message (`wamid.…`): status webhooks name it. */
  wamid: string;
  /** The person's WhatsApp id, as Meta resolved the number. */
  waId?: string;
}

export type GraphOutcome<Value> =
  | { ok: true; value: Value }
  /** `code` is Meta's `error.code` when it sent one; `status` the HTTP status (0 when nothing answered). */
  | { ok: false; retryable: boolean; status: number; code?: number; reason: string };

/** Meta's codes for "too much, too fast": retrying later is what its documentation asks. */
const throughputErrorCodes = new Set([130429, 131048, 131056, 80007]);

const graphErrorSchema = z.object({
  error: z.object({ message: z.string().optional(), code: z.number().optional(), error_subcode: z.number().optional() }).passthrough(),
});

const sentMessageAnswerSchema = z.object({
  messaging_product: z.literal('whatsapp'),
  contacts: z.array(z.object({ input: z.string(), wa_id: z.string() })).optional(),
  messages: z.array(z.object({ id: z.string().min(1) })).min(1),
});

const successAnswerSchema = z.object({ success: z.literal(true) });

const uploadAnswerSchema = z.object({ id: z.string().min(1) });

const mediaAnswerSchema = z.object({ url: z.url(), mime_type: z.string().min(1), id: z.string().optional() });

export function createWhatsAppClient(settings: WhatsAppClientSettings): WhatsAppClient {
  const fetcher = settings.fetch ?? ((input, init) => fetch(input, init));
  const sleep = settings.sleep ?? ((milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds)));
  const maxAttempts = settings.maxAttempts ?? 3;
  const baseDelayMs = settings.baseDelayMs ?? 250;
  const random = settings.random ?? Math.random;
  const messagesUrl = `${settings.graphUrl}/${encodeURIComponent(settings.phoneNumberId)}/messages`;
  const mediaUrl = `${settings.graphUrl}/${encodeURIComponent(settings.phoneNumberId)}/media`;
  const authorization = `Bearer ${settings.accessToken}`;

  /** One call, repeated while Meta says it is passing; the answer is read by `read` once it is a success. */
  async function call<Value>(url: string, init: RequestInit, read: (response: Response) => Promise<GraphOutcome<Value>>): Promise<GraphOutcome<Value>> {
    let outcome: GraphOutcome<Value> = { ok: false, retryable: true, status: 0, reason: 'not attempted' };
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (attempt > 1) {
        // Exponential, half of it random, so many objects retrying after one 429 do not come back together.
        const delay = baseDelayMs * 2 ** (attempt - 2);
        await sleep(delay / 2 + random() * (delay / 2));
      }
      let response: Response;
      try {
        const headers = new Headers(init.headers);
        headers.set('authorization', authorization);
        response = await fetcher(url, { ...init, headers });
      } catch (error) {
        outcome = { ok: false, retryable: true, status: 0, reason: `WhatsApp could not be reached (${error instanceof Error ? error.name : 'network error'})` };
        continue;
      }
      outcome = response.ok ? await read(response) : await failureOf(response);
      if (outcome.ok || !outcome.retryable) return outcome;
    }
    return outcome;
  }

  async function sendMessage(body: Record<string, unknown>): Promise<GraphOutcome<SentMessage>> {
    return call(
      messagesUrl,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', ...body }),
      },
      async (response) => {
        const parsed = sentMessageAnswerSchema.safeParse(await response.json().catch(() => undefined));
        if (!parsed.success) return unexpectedAnswer(response.status);
        const [message] = parsed.data.messages;
        return { ok: true, value: { wamid: message?.id ?? '', waId: parsed.data.contacts?.[0]?.wa_id } };
      },
    );
  }

  return {
    sendText: (to, text) => sendMessage({ to: whatsAppRecipient(to), type: 'text', text: { preview_url: false, body: text } }),
    sendTemplate: (to, template) =>
      sendMessage({
        to: whatsAppRecipient(to),
        type: 'template',
        template: {
          name: template.name,
          language: { code: template.languageCode },
          components: [
            { type: 'body', parameters: template.bodyParameters.map((text) => ({ type: 'text', text })) },
            ...(template.copyCodeButton === undefined
              ? []
              : [{ type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: template.copyCodeButton }] }]),
          ],
        },
      }),
    markRead: (messageId) =>
      call(
        messagesUrl,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ messaging_product: 'whatsapp', status: 'read', message_id: messageId }),
        },
        async (response) =>
          successAnswerSchema.safeParse(await response.json().catch(() => undefined)).success ? { ok: true, value: null } : unexpectedAnswer(response.status),
      ),
    uploadMedia: (bytes, mimeType) => {
      // One form for every attempt: fetch serializes a FormData body afresh each time it sends it.
      const form = new FormData();
      form.set('messaging_product', 'whatsapp');
      form.set('type', mimeType);
      form.set('file', new Blob([new Uint8Array(bytes)], { type: mimeType }), `reply.${extensionOf(mimeType)}`);
      // No content-type header: fetch writes multipart/form-data with its boundary.
      return call(mediaUrl, { method: 'POST', body: form }, async (response) => {
        const parsed = uploadAnswerSchema.safeParse(await response.json().catch(() => undefined));
        return parsed.success ? { ok: true, value: { id: parsed.data.id } } : unexpectedAnswer(response.status);
      });
    },
    sendAudio: (to, mediaId, options) =>
      sendMessage({ to: whatsAppRecipient(to), type: 'audio', audio: { id: mediaId, ...(options?.voice === true ? { voice: true } : {}) } }),
    async downloadMedia(mediaId) {
      const media = await call(`${settings.graphUrl}/${encodeURIComponent(mediaId)}`, { method: 'GET' }, async (response) => {
        const parsed = mediaAnswerSchema.safeParse(await response.json().catch(() => undefined));
        return parsed.success ? { ok: true, value: parsed.data } : unexpectedAnswer(response.status);
      });
      if (!media.ok) return media;
      // The media URL is short-lived and asks for the same bearer token.
      return call(media.value.url, { method: 'GET' }, async (response) => ({
        ok: true,
        value: { bytes: await response.arrayBuffer(), mimeType: response.headers.get('content-type') ?? media.value.mime_type },
      }));
    },
  };
}

/** A file name's extension for an upload, which Meta shows when the audio is saved. */
function extensionOf(mimeType: string): string {
  const extensions: Record<string, string> = { 'audio/ogg': 'ogg', 'audio/mpeg': 'mp3', 'audio/aac': 'aac', 'audio/mp4': 'm4a', 'audio/amr': 'amr' };
  return extensions[mimeType.split(';')[0]?.trim().toLowerCase() ?? ''] ?? 'bin';
}

/** Meta takes the number with its country code and without the `+`, the same digits as the person's `wa_id`. */
function whatsAppRecipient(phoneNumber: string): string {
  return phoneNumber.replace(/\D/g, '');
}

async function failureOf(response: Response): Promise<GraphOutcome<never>> {
  const text = await response.text().catch(() => '');
  let code: number | undefined;
  try {
    const parsed = graphErrorSchema.safeParse(JSON.parse(text));
    if (parsed.success) code = parsed.data.error.code;
  } catch {
    // Not JSON (a proxy's error page): the status alone decides.
  }
  const retryable = response.status === 429 || response.status >= 500 || (code !== undefined && throughputErrorCodes.has(code));
  // Meta's own message can quote the number it refused, so only the status and code are kept.
  const reason = `WhatsApp answered ${response.status}${code === undefined ? '' : ` (error ${code})`}`;
  return { ok: false, retryable, status: response.status, code, reason };
}

function unexpectedAnswer(status: number): GraphOutcome<never> {
  return { ok: false, retryable: false, status, reason: 'WhatsApp answered in an unexpected shape' };
}

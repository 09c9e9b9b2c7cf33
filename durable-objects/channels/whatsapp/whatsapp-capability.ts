import type { ImportDocument } from '../../../common/import.ts';
import type { WhatsAppLink } from '../../../common/outreach.ts';
import { bytesToHex, randomBytes } from '../../../server/crypto/encoding.ts';
import { AppError } from '../../../server/errors/app-error.ts';
import { log } from '../../../server/logging/log.ts';
import { createWhatsAppClient, type WhatsAppClient } from '../../../server/whatsapp/graph-client.ts';
import { maskPhoneNumber, toE164 } from '../../../server/whatsapp/phone-number-digest.ts';
import { whatsAppSettings } from '../../../server/whatsapp/settings.ts';
import type { InboundWhatsAppMessage, WhatsAppStatusReport } from '../../../server/whatsapp/webhook-payload.ts';
import type { Capability, CapabilityHost } from '../../host/capability.ts';
import type { ImportPlan } from '../../host/import-document.ts';
import type { OutboundMessage } from '../delivery-channel.ts';
import { whatsAppSchemaSteps } from './schema.ts';
import type { CanSpeak, SpeakReply } from './voice-note-speaker.ts';
import { createWhatsAppChannel, maxTextLength, templateLanguageCode } from './whatsapp-channel.ts';
import { WhatsAppStore } from './whatsapp-store.ts';

/** The approved authentication template carrying the six-digit code: the person has not written yet, so only a template may reach them. */
export const linkCodeTemplateName = 'kindred_link_code';
export const linkCodeLifetimeMs = 10 * 60_000;
export const linkCodeAttempts = 5;
/** The longest message the companion reads from WhatsApp, as in the app. */
export const maxInboundTextLength = 16_000;

export const replies = {
  tooLong: 'That message is longer than I can read in one go. Could you send it in a few shorter parts?',
  voiceNotSetUp: "Voice notes aren't set up here yet, so I couldn't listen to that one. Could you type it for me?",
  unsupported: 'I can only read text messages here for now. Could you tell me in words?',
  failed: "Sorry, I couldn't answer just now. Please try again in a little while.",
};

/**
 * What the companion answers to something the person wrote, as a turn typed in the app would
 * (`turn` builds it); null means nothing is sent back (outreach's "stop" handling uses that).
 */
export type Respond = (request: { text: string; channel: 'whatsapp' }) => Promise<string | null>;

/** Turns a voice note into text, when speech-to-text is configured. */
export type Transcribe = (audio: { bytes: ArrayBuffer; mimeType: string }) => Promise<string>;

/** Whether `transcribe` can work now: the configuration is read when a voice note comes, not at start. */
export type CanTranscribe = () => boolean;

/**
 * WhatsApp for one person: linking their number with a code sent over WhatsApp, the messages they
 * send (each answered once, however often Meta delivers it), the companion's replies, and the
 * delivery channel outreach uses. The number is sealed; the Worker finds this object by an HMAC of it.
 */
export function createWhatsAppCapability(
  host: CapabilityHost,
  dependencies: { respond: Respond; transcribe?: Transcribe; canTranscribe?: CanTranscribe; speak?: SpeakReply; canSpeak?: CanSpeak },
) {
  const store = new WhatsAppStore(host.sql, host.vault);
  const scheduler = host.scheduler('whatsapp');
  let client: { settingsKey: string; client: WhatsAppClient } | undefined;

  /** The Graph client for the configured number, made once; undefined while WhatsApp is not configured. */
  function whatsApp(): WhatsAppClient | undefined {
    const settings = whatsAppSettings(host.config());
    if (!settings) return undefined;
    const settingsKey = `${settings.graphUrl} ${settings.phoneNumberId} ${settings.accessToken}`;
    if (client?.settingsKey !== settingsKey) client = { settingsKey, client: createWhatsAppClient(settings) };
    return client.client;
  }

  function requireWhatsApp(): WhatsAppClient {
    const configured = whatsApp();
    if (!configured) throw new AppError('feature_not_configured', 'WhatsApp is not configured on this server.');
    return configured;
  }

  const channel = createWhatsAppChannel({ store, client: whatsApp, now: () => host.now() });

  async function linkView(): Promise<WhatsAppLink> {
    const available = whatsApp() !== undefined;
    const link = await store.link();
    if (!link) return { status: 'unlinked', available };
    return { status: link.status, phoneNumber: maskPhoneNumber(link.phoneNumber), available };
  }

  /** The code's digest under the user's own HMAC key: the stored digest cannot be tried against a million codes without it. */
  async function codeDigest(code: string): Promise<string> {
    const { blindIndex } = await host.vault.keys();
    return bytesToHex(new Uint8Array(await crypto.subtle.sign('HMAC', blindIndex, new TextEncoder().encode(`whatsapp-link-code:${code}`))));
  }

  /** Six digits, uniform: values of the top partial range of 2^32 are drawn again rather than skewing low codes. */
  function newCode(): string {
    const limit = Math.floor(0x1_0000_0000 / 1_000_000) * 1_000_000;
    for (;;) {
      const value = new DataView(randomBytes(4).buffer).getUint32(0);
      if (value < limit) return String(value % 1_000_000).padStart(6, '0');
    }
  }

  async function startLink(phoneNumber: string): Promise<WhatsAppLink> {
    const graph = requireWhatsApp();
    const number = toE164(phoneNumber);
    const code = newCode();
    const digest = await codeDigest(code);
    // Sent before anything is stored: a number WhatsApp refuses leaves a linked person linked as they were.
    const sent = await graph.sendTemplate(number, {
      name: linkCodeTemplateName,
      languageCode: templateLanguageCode,
      bodyParameters: [code],
      copyCodeButton: code,
    });
    if (!sent.ok) {
      log.warn('whatsapp link code not sent', { userId: host.userId, status: sent.status, code: sent.code });
      // 131026: the number cannot receive WhatsApp messages (not on WhatsApp, or an old app).
      if (!sent.retryable && (sent.status === 400 || sent.code === 131026)) {
        throw new AppError('invalid_phone_number', 'WhatsApp could not deliver a code to that number. Check it is the number you use WhatsApp with.');
      }
      throw new AppError('source_unreachable', 'WhatsApp did not take the code just now. Please try again in a moment.');
    }
    const now = host.now();
    await store.startPending(number, digest, now + linkCodeLifetimeMs, linkCodeAttempts, now);
    return linkView();
  }

  /**
   * Checks the code; on success answers the number, which the Worker then claims in its directory
   * before `completeLink`. A wrong code spends one of five tries; an expired or used-up code ends the
   * pending link, so a new one must be asked for.
   */
  async function checkCode(code: string): Promise<{ phoneNumber: string }> {
    const link = await store.link();
    if (link?.status !== 'pending' || link.codeDigest === null || link.codeExpiresAt === null) {
      throw new AppError('invalid_code', 'No code is waiting: ask for a new one.');
    }
    const now = host.now();
    if (now >= link.codeExpiresAt || link.attemptsLeft <= 0) {
      store.unlink();
      throw new AppError('invalid_code', 'That code has expired: ask for a new one.');
    }
    if (sameText(link.codeDigest, await codeDigest(code))) return { phoneNumber: link.phoneNumber };
    const left = store.spendAttempt(now);
    if (left <= 0) {
      store.unlink();
      throw new AppError('invalid_code', 'That code is not right, and it was the last try: ask for a new code.');
    }
    throw new AppError('invalid_code', `That code is not right: ${left} ${left === 1 ? 'try' : 'tries'} left.`);
  }

  /** A message from the linked number: stored once, then answered from the object's own schedule. */
  async function receive(message: InboundWhatsAppMessage): Promise<'accepted' | 'duplicate' | 'not-linked'> {
    const link = await store.link();
    // The directory may lag an unlink by a moment: a number that is no longer this person's is not theirs to answer.
    if (link?.status !== 'linked' || link.phoneNumber !== toE164(message.from)) return 'not-linked';
    const receivedAt = host.now();
    // Over-long text is never stored: it is answered with a request to split it.
    const text = message.kind === 'text' && message.text !== undefined && message.text.length <= maxInboundTextLength ? message.text : null;
    const recorded = await store.recordInbound({
      messageId: message.id,
      kind: message.kind,
      text: message.kind === 'text' ? (text ?? '') : null,
      mediaId: message.kind === 'audio' ? (message.mediaId ?? null) : null,
      receivedAt,
    });
    // The window runs from when the person wrote; a clock ahead of ours counts as now.
    store.noteInbound(Math.min(message.sentAt, receivedAt));
    if (!recorded) return 'duplicate';
    await scheduler.schedule(0, 'answerInbound', { messageId: message.id, tooLong: message.kind === 'text' && text === null }, { idempotent: true });
    return 'accepted';
  }

  /**
   * What the companion says back to one message, or null for nothing; `inKind` when the companion
   * answered a voice note, which is then answered with a voice note too (the set replies stay text).
   */
  async function replyTo(
    inbound: { kind: 'text' | 'audio' | 'other'; text: string | null; mediaId: string | null },
    tooLong: boolean,
  ): Promise<{ text: string | null; inKind: boolean }> {
    if (inbound.kind === 'other') return { text: replies.unsupported, inKind: false };
    if (inbound.kind === 'audio') {
      const graph = whatsApp();
      if (!dependencies.transcribe || dependencies.canTranscribe?.() === false || !graph || !inbound.mediaId)
        return { text: replies.voiceNotSetUp, inKind: false };
      const media = await graph.downloadMedia(inbound.mediaId);
      if (!media.ok) return { text: replies.failed, inKind: false };
      const heard = (await dependencies.transcribe(media.value)).trim();
      if (heard === '') return { text: replies.unsupported, inKind: false };
      return { text: await dependencies.respond({ text: heard, channel: 'whatsapp' }), inKind: true };
    }
    if (tooLong) return { text: replies.tooLong, inKind: false };
    if (!inbound.text?.trim()) return { text: null, inKind: false };
    return { text: await dependencies.respond({ text: inbound.text, channel: 'whatsapp' }), inKind: false };
  }

  /**
   * The reply spoken in the companion's voice, uploaded and sent before its text. Any failure is
   * logged (without the text) and swallowed: the text reply goes whatever happens here.
   */
  async function sendVoiceReply(reply: string): Promise<void> {
    const graph = whatsApp();
    if (!graph || !dependencies.speak || dependencies.canSpeak?.() === false) return;
    try {
      const link = await store.link();
      if (link?.status !== 'linked') return;
      const audio = await dependencies.speak(reply);
      if (!audio) return;
      const uploaded = await graph.uploadMedia(audio.bytes, audio.mimeType);
      if (!uploaded.ok) {
        log.warn('whatsapp voice reply not uploaded', { userId: host.userId, status: uploaded.status, code: uploaded.code });
        return;
      }
      const sent = await graph.sendAudio(link.phoneNumber, uploaded.value.id, { voice: audio.voiceNote });
      if (!sent.ok) log.warn('whatsapp voice reply not sent', { userId: host.userId, status: sent.status, code: sent.code });
    } catch (error) {
      log.warn('whatsapp voice reply failed', { userId: host.userId, cause: error instanceof Error ? error.name : 'unknown' });
    }
  }

  async function answerInbound(payload: { messageId: string; tooLong?: boolean }): Promise<void> {
    const inbound = await store.claimInbound(payload.messageId);
    if (!inbound) return;
    // The reply runs beside the object's job queue, not in it: a turn may wait minutes for the person
    // to approve a tool call, by a word in a later message whose own job must run meanwhile (as must
    // the approval's expiry), and a job that waits holds back every other job of the object.
    host.waitUntil(replyAndFinish(inbound, payload.tooLong === true));
  }

  async function replyAndFinish(inbound: NonNullable<Awaited<ReturnType<typeof store.claimInbound>>>, tooLong: boolean): Promise<void> {
    const graph = whatsApp();
    // The blue ticks: the person sees their message was read while the reply is written.
    if (graph) host.waitUntil(graph.markRead(inbound.messageId));
    let reply: string | null;
    let inKind = false;
    try {
      ({ text: reply, inKind } = await replyTo(inbound, tooLong));
    } catch (error) {
      // The turn stored the person's message and its failure; they hear that something went wrong.
      log.warn('whatsapp reply failed', { userId: host.userId, cause: error instanceof Error ? error.name : 'unknown' });
      reply = replies.failed;
    }
    // A voice note is answered with one, then the same words as text beneath it, readable and searchable;
    // the text never waits on more than the bounded synthesis, and goes even when the voice does not.
    if (inKind && reply?.trim()) await sendVoiceReply(reply.trim());
    if (reply?.trim()) {
      const parts = splitForWhatsApp(reply);
      for (const [index, part] of parts.entries()) {
        const outcome = await channel.deliver(`reply_${inbound.messageId}_${index}`, part);
        if (outcome.status !== 'sent') log.warn('whatsapp reply not delivered', { userId: host.userId, outcome: outcome.status });
      }
    }
    store.finishInbound(inbound.messageId);
  }

  return {
    name: 'whatsapp',
    schema: whatsAppSchemaSteps,
    /** The delivery channel outreach uses. */
    channel,
    /** The linked number (E.164), for the care capability's country; undefined until linking is complete. */
    async linkedPhoneNumber(): Promise<string | undefined> {
      const link = await store.link();
      return link?.status === 'linked' ? link.phoneNumber : undefined;
    },
    rpc: {
      link: linkView,
      /** The linked number in full, for the Worker's directory only (a master key rotation keys it again); null when none is linked. */
      directoryNumber: async (): Promise<string | null> => {
        const link = await store.link();
        return link?.status === 'linked' ? link.phoneNumber : null;
      },
      /** Sends a code to the number; the Worker has checked no other account holds it. */
      startLink: (phoneNumber: string): Promise<WhatsAppLink> => startLink(phoneNumber),
      checkCode,
      /** After the Worker claimed the number in its directory. */
      async completeLink(): Promise<WhatsAppLink> {
        if ((await store.link())?.status === 'pending') store.markLinked(host.now());
        return linkView();
      },
      /** The number turned out to be another account's: the pending link ends. */
      async abandonLink(): Promise<null> {
        if ((await store.link())?.status === 'pending') store.unlink();
        return null;
      },
      async unlink(): Promise<null> {
        store.unlink();
        return null;
      },
      receive,
      /** A status report for a message this object sent; false when the wamid is not one of ours. */
      async recordStatus(report: WhatsAppStatusReport): Promise<boolean> {
        return store.recordStatus(report.wamid, report.status, report.at, report.detail ?? null);
      },
      /** The channel, for the Worker and tests; outreach inside the object uses `channel` itself. */
      deliver: (message: OutboundMessage) => channel.send(message),
      reachable: () => channel.reachable(),
      deliveryStatus: async (messageId: string) => channel.deliveryStatus(messageId) ?? null,
    },
    jobs: { answerInbound },
    async exportData(): Promise<{ whatsapp: { status: WhatsAppLink['status']; phoneNumber?: string } }> {
      const link = await store.link();
      return { whatsapp: link ? { status: link.status, phoneNumber: link.phoneNumber } : { status: 'unlinked' } };
    },
    // The link belongs to the account, not to the life an import brings (a new account may link its
    // number first), so it does not refuse an import; a restore keeps it, with the webhooks' bookkeeping.
    keptOnRestore: ['whatsapp_link', 'whatsapp_inbound', 'whatsapp_outbound', 'whatsapp_outbound_statuses'],
    /**
     * Never brought back: a number is linked only once its owner has confirmed it with a code (and the
     * Worker's directory holds it for this account), which an export cannot stand in for.
     */
    async importData(document: ImportDocument): Promise<ImportPlan> {
      // Nothing to do when this account is linked already (a restore keeps its link).
      const linked = document.whatsapp && document.whatsapp.status !== 'unlinked' && (await store.link())?.status !== 'linked' ? 1 : 0;
      return {
        imported: document.whatsapp && !linked ? { whatsapp: 0 } : {},
        notImported: linked
          ? [{ section: 'whatsapp', count: 1, reason: 'Link WhatsApp again in Settings: the number is confirmed with a code each time.' }]
          : [],
        write: () => {},
      };
    },
  } satisfies Capability;
}

export type WhatsAppCapability = ReturnType<typeof createWhatsAppCapability>;

/** Compares two digests in time that does not depend on where they differ. */
function sameText(expected: string, given: string): boolean {
  if (expected.length !== given.length) return false;
  let difference = 0;
  for (let index = 0; index < expected.length; index++) difference |= expected.charCodeAt(index) ^ given.charCodeAt(index);
  return difference === 0;
}

/** WhatsApp takes 4,096 characters a message: a longer reply goes as several, split between paragraphs or words. */
export function splitForWhatsApp(text: string): string[] {
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > maxTextLength) {
    const window = rest.slice(0, maxTextLength);
    const breakAt = Math.max(window.lastIndexOf('\n\n'), window.lastIndexOf('\n'), window.lastIndexOf(' '));
    const cut = breakAt > maxTextLength / 2 ? breakAt : maxTextLength;
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest) parts.push(rest);
  return parts;
}

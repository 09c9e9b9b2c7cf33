import { describe, expect, inject, it } from 'vitest';
import {
  addWhatsAppMedia,
  failWhatsAppSends,
  testWhatsApp,
  uniquePhoneNumber,
  whatsAppMessagesTo,
  whatsAppReads,
  whatsAppUpload,
} from '../../test-support/fake-whatsapp-graph/control.ts';
import { createWhatsAppClient, type WhatsAppClientSettings } from './graph-client.ts';

const graphUrl = inject('fakeWhatsAppUrl');

/** A client of the fake whose waits are recorded instead of slept. */
function clientOfFake(overrides: Partial<WhatsAppClientSettings> = {}) {
  const waits: number[] = [];
  const client = createWhatsAppClient({
    graphUrl,
    phoneNumberId: testWhatsApp.phoneNumberId,
    accessToken: testWhatsApp.accessToken,
    sleep: async (milliseconds) => {
      waits.push(milliseconds);
    },
    random: () => 1,
    ...overrides,
  });
  return { client, waits };
}

describe('the WhatsApp Graph client', () => {
  it('sends a text message in Meta’s documented shape and answers its wamid', async () => {
    const to = uniquePhoneNumber();
    const { client, waits } = clientOfFake();
    const outcome = await client.sendText(to, 'Hello there');
    expect(outcome).toMatchObject({ ok: true, value: { wamid: expect.stringMatching(/^wamid\./), waId: to.slice(1) } });
    const [sent] = await whatsAppMessagesTo(graphUrl, to);
    expect(sent?.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: to.slice(1),
      type: 'text',
      text: { preview_url: false, body: 'Hello there' },
    });
    expect(waits).toEqual([]);
  });

  it('sends a template with its language and body parameters', async () => {
    const to = uniquePhoneNumber();
    const { client } = clientOfFake();
    expect((await client.sendTemplate(to, { name: 'kindred_update', languageCode: 'en', bodyParameters: ['Time for a walk'] })).ok).toBe(true);
    const [sent] = await whatsAppMessagesTo(graphUrl, to);
    expect(sent).toMatchObject({ type: 'template', templateName: 'kindred_update', text: 'Time for a walk' });
    expect(sent?.body).toMatchObject({
      type: 'template',
      template: { name: 'kindred_update', language: { code: 'en' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Time for a walk' }] }] },
    });
  });

  it('retries a 429 with a throughput code, backing off exponentially, and then delivers once', async () => {
    const to = uniquePhoneNumber();
    await failWhatsAppSends(graphUrl, to, { status: 429, code: 130429, count: 2 });
    const { client, waits } = clientOfFake();
    expect((await client.sendText(to, 'After the rush')).ok).toBe(true);
    expect(waits).toEqual([250, 500]);
    expect(await whatsAppMessagesTo(graphUrl, to)).toHaveLength(1);
  });

  it('retries Meta’s throughput codes even on a 400, and 5xx answers', async () => {
    const to = uniquePhoneNumber();
    await failWhatsAppSends(graphUrl, to, { status: 400, code: 131056, count: 1 });
    const { client, waits } = clientOfFake();
    expect((await client.sendText(to, 'Pair rate')).ok).toBe(true);
    await failWhatsAppSends(graphUrl, to, { status: 500, code: 1, count: 1 });
    expect((await client.sendText(to, 'Server hiccup')).ok).toBe(true);
    expect(waits).toHaveLength(2);
  });

  it('gives up after its bounded attempts and says a retry later may succeed', async () => {
    const to = uniquePhoneNumber();
    await failWhatsAppSends(graphUrl, to, { status: 503, code: 2, count: 3 });
    const { client, waits } = clientOfFake();
    expect(await client.sendText(to, 'Never through')).toMatchObject({ ok: false, retryable: true, status: 503, code: 2 });
    expect(waits).toHaveLength(2);
    expect(await whatsAppMessagesTo(graphUrl, to)).toEqual([]);
  });

  it('does not retry a refusal, and reports Meta’s error code', async () => {
    const to = uniquePhoneNumber();
    await failWhatsAppSends(graphUrl, to, { status: 400, code: 131026, count: 1 });
    const { client, waits } = clientOfFake();
    const outcome = await client.sendText(to, 'Undeliverable');
    expect(outcome).toMatchObject({ ok: false, retryable: false, status: 400, code: 131026 });
    if (!outcome.ok) expect(outcome.reason).not.toContain(to.slice(1));
    expect(waits).toEqual([]);
  });

  it('reports a wrong access token as a refusal (code 190)', async () => {
    const { client } = clientOfFake({ accessToken: 'revoked-token' });
    expect(await client.sendText(uniquePhoneNumber(), 'Hi')).toMatchObject({ ok: false, retryable: false, status: 401, code: 190 });
  });

  it('refuses an answer that is not in the documented shape', async () => {
    const { client } = clientOfFake({ fetch: async () => Response.json({ messaging_product: 'whatsapp', messages: [] }) });
    expect(await client.sendText(uniquePhoneNumber(), 'Hi')).toMatchObject({ ok: false, retryable: false });
  });

  it('treats a network failure as passing', async () => {
    const { client, waits } = clientOfFake({
      fetch: async () => {
        throw new TypeError('connection refused');
      },
    });
    expect(await client.sendText(uniquePhoneNumber(), 'Hi')).toMatchObject({ ok: false, retryable: true, status: 0 });
    expect(waits).toHaveLength(2);
  });

  it('marks a message read', async () => {
    const { client } = clientOfFake();
    const messageId = `wamid.READ${crypto.randomUUID()}`;
    expect(await client.markRead(messageId)).toEqual({ ok: true, value: null });
    expect(await whatsAppReads(graphUrl)).toContain(messageId);
  });

  it('downloads media by its id, through the short-lived URL, with the bearer token', async () => {
    const mediaId = String(Date.now());
    const bytes = new Uint8Array([79, 103, 103, 83, 0, 2, 3]);
    await addWhatsAppMedia(graphUrl, { id: mediaId, mimeType: 'audio/ogg', bytes });
    const { client } = clientOfFake();
    const media = await client.downloadMedia(mediaId);
    expect(media.ok).toBe(true);
    if (media.ok) {
      expect(media.value.mimeType).toBe('audio/ogg');
      expect(new Uint8Array(media.value.bytes)).toEqual(bytes);
    }
    expect(await client.downloadMedia('999-missing')).toMatchObject({ ok: false, retryable: false, status: 400 });
  });

  // These tests upload audio/mpeg and audio/aac only: the voice-reply tests plan upload failures for audio/ogg.
  it('uploads audio as multipart and sends it by its media id, as a plain audio message', async () => {
    const to = uniquePhoneNumber();
    const { client } = clientOfFake();
    const bytes = crypto.getRandomValues(new Uint8Array(3_000));
    const uploaded = await client.uploadMedia(bytes, 'audio/mpeg');
    if (!uploaded.ok) throw new Error(uploaded.reason);
    expect(await whatsAppUpload(graphUrl, uploaded.value.id)).toEqual({
      id: uploaded.value.id,
      mimeType: 'audio/mpeg',
      fileName: 'reply.mp3',
      fileType: 'audio/mpeg',
      bytes,
    });
    const sent = await client.sendAudio(to, uploaded.value.id);
    expect(sent).toMatchObject({ ok: true, value: { wamid: expect.stringMatching(/^wamid\./) } });
    const [message] = await whatsAppMessagesTo(graphUrl, to);
    expect(message?.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: to.slice(1),
      type: 'audio',
      audio: { id: uploaded.value.id },
    });
  });

  it('refuses a voice note that is not Ogg Opus, an unknown media id, and a type WhatsApp does not take', async () => {
    const to = uniquePhoneNumber();
    const { client } = clientOfFake();
    const uploaded = await client.uploadMedia(new Uint8Array(100).fill(1), 'audio/aac');
    if (!uploaded.ok) throw new Error(uploaded.reason);
    expect(await client.sendAudio(to, uploaded.value.id, { voice: true })).toMatchObject({ ok: false, retryable: false, status: 400, code: 131053 });
    expect(await client.sendAudio(to, '123-not-uploaded')).toMatchObject({ ok: false, retryable: false, status: 400 });
    expect(await client.uploadMedia(new Uint8Array(100).fill(1), 'audio/wav')).toMatchObject({ ok: false, retryable: false, status: 400, code: 131053 });
    // "OPUS codecs only": an Ogg type over bytes that are not Ogg Opus is refused.
    expect(await client.uploadMedia(new Uint8Array(100).fill(1), 'audio/ogg')).toMatchObject({ ok: false, retryable: false, status: 400, code: 131053 });
    expect(await whatsAppMessagesTo(graphUrl, to)).toEqual([]);
  });

  it('uploads again, with the same form, after Meta says it is passing', async () => {
    let calls = 0;
    const { client, waits } = clientOfFake({
      fetch: async (input, init) => {
        calls += 1;
        if (calls === 1) return Response.json({ error: { message: 'Service temporarily unavailable', code: 2 } }, { status: 503 });
        return fetch(input, init);
      },
    });
    const bytes = crypto.getRandomValues(new Uint8Array(1_000));
    const uploaded = await client.uploadMedia(bytes, 'audio/mpeg');
    if (!uploaded.ok) throw new Error(uploaded.reason);
    expect(waits).toHaveLength(1);
    expect((await whatsAppUpload(graphUrl, uploaded.value.id)).bytes).toEqual(bytes);
  });
});

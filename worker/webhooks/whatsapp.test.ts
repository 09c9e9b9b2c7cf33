import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { whatsAppLinkSchema } from '../../common/outreach.ts';
import { companionSchema, exportDocumentSchema, messagesPageSchema } from '../../common/protocol.ts';
import { replaceSpeechPortsForTests } from '../../durable-objects/voice/speech-ports.ts';
import { api, buildUser, expectError, readJson, uniqueText } from '../../test-support/api.ts';
import { recordedRequests, scriptFakeOpenAI } from '../../test-support/fake-openai/control.ts';
import { FakeSpeechToText, FakeTextToSpeech } from '../../test-support/fake-speech.ts';
import {
  addWhatsAppMedia,
  failWhatsAppSends,
  failWhatsAppUploads,
  inboundText,
  signWebhook,
  testWhatsApp,
  uniquePhoneNumber,
  webhookPayload,
  whatsAppMessagesTo,
  whatsAppUpload,
} from '../../test-support/fake-whatsapp-graph/control.ts';
import { deliverInbound, inObjectStorage, latestLinkCode, linkWhatsApp, postWhatsAppWebhook, whatsAppAnswered } from '../../test-support/whatsapp.ts';
import { onboardingReply } from './whatsapp.ts';

const graphUrl = inject('fakeWhatsAppUrl');
const fakeOpenAIUrl = inject('fakeOpenAIUrl');
const testEnv = env as unknown as { DB: D1Database };

async function conversationTexts(token: string): Promise<Array<{ role: string; text: string }>> {
  const page = await readJson(await api('/api/v1/messages', { token }), messagesPageSchema);
  return page.messages.map((message) => ({ role: message.role, text: message.text })).reverse();
}

/** Plants a voice note of these bytes in the fake Graph and delivers it from `phoneNumber`, as Meta would. */
async function deliverVoiceNote(phoneNumber: string, bytes: Uint8Array): Promise<void> {
  const mediaId = String(4_000_000_000 + Math.floor(Math.random() * 1_000_000_000));
  await addWhatsAppMedia(graphUrl, { id: mediaId, mimeType: 'audio/ogg; codecs=opus', bytes });
  await deliverInbound({
    from: phoneNumber.slice(1),
    id: `wamid.VOICE${crypto.randomUUID().replaceAll('-', '')}`,
    timestamp: String(Math.floor(Date.now() / 1000)),
    type: 'audio',
    audio: { id: mediaId, mime_type: 'audio/ogg; codecs=opus', voice: true },
  });
}

/** The speech requests the fake OpenAI server took for exactly this text. */
async function speechRequestsFor(text: string) {
  return (await recordedRequests(fakeOpenAIUrl, text)).filter((request) => request.path === '/v1/audio/speech');
}

/** Every row of the WhatsApp tables in D1, for proving a request stored nothing. */
async function directoryRows(): Promise<number> {
  const numbers = await testEnv.DB.prepare('SELECT count(*) AS count FROM whatsapp_numbers').first<{ count: number }>();
  const onboarded = await testEnv.DB.prepare('SELECT count(*) AS count FROM whatsapp_onboarded_numbers').first<{ count: number }>();
  return (numbers?.count ?? 0) + (onboarded?.count ?? 0);
}

describe('the WhatsApp webhook', () => {
  it('answers Meta’s subscription check with the challenge, and refuses a wrong verify token', async () => {
    const query = (token: string) => new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.verify_token': token, 'hub.challenge': '1158201444' });
    const accepted = await api(`/webhooks/whatsapp?${query(testWhatsApp.verifyToken)}`);
    expect(accepted.status).toBe(200);
    expect(accepted.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await accepted.text()).toBe('1158201444');
    expect((await api(`/webhooks/whatsapp?${query('not-the-token')}`)).status).toBe(403);
    const wrongMode = new URLSearchParams({ 'hub.mode': 'unsubscribe', 'hub.verify_token': testWhatsApp.verifyToken, 'hub.challenge': '1' });
    expect((await api(`/webhooks/whatsapp?${wrongMode}`)).status).toBe(403);
  });

  it('refuses a missing or wrong signature and stores nothing, however good the body', async () => {
    const stranger = uniquePhoneNumber();
    const payload = webhookPayload({ messages: [inboundText(stranger, 'hello')] });
    const before = await directoryRows();
    await expectError(await postWhatsAppWebhook(payload, { signature: null }), 'invalid_signature');
    await expectError(await postWhatsAppWebhook(payload, { signature: await signWebhook(JSON.stringify(payload), 'another-secret') }), 'invalid_signature');
    // Signed over another body: the signature must be of these exact bytes.
    await expectError(await postWhatsAppWebhook(payload, { signature: await signWebhook(`${JSON.stringify(payload)} `) }), 'invalid_signature');
    await expectError(await postWhatsAppWebhook(payload, { signature: 'sha256=zz' }), 'invalid_signature');
    expect(await directoryRows()).toBe(before);
    expect(await whatsAppMessagesTo(graphUrl, stranger)).toEqual([]);
  });

  it('answers a signed body that is not JSON, or not a WhatsApp event, with validation_failed', async () => {
    const before = await directoryRows();
    await expectError(await postWhatsAppWebhook(undefined, { rawBody: '{"object": "whatsapp_business_account", ' }), 'validation_failed');
    await expectError(await postWhatsAppWebhook({ object: 'page', entry: [] }), 'validation_failed');
    await expectError(
      await postWhatsAppWebhook(webhookPayload({ messages: [{ from: 'not digits', id: 'x', timestamp: '1', type: 'text' }] })),
      'validation_failed',
    );
    expect(await directoryRows()).toBe(before);
  });

  it('ignores events for another business number of the same Meta app', async () => {
    const stranger = uniquePhoneNumber();
    const payload = webhookPayload({ messages: [inboundText(stranger, 'hello')] }) as { entry: Array<{ changes: Array<{ value: { metadata: object } }> }> };
    const change = payload.entry[0]?.changes[0];
    if (change) change.value.metadata = { display_phone_number: '15550000002', phone_number_id: '100000000000002' };
    expect((await postWhatsAppWebhook(payload)).status).toBe(200);
    expect(await whatsAppMessagesTo(graphUrl, stranger)).toEqual([]);
  });

  it('answers an unknown number once with how to link, and never again', async () => {
    const stranger = uniquePhoneNumber();
    const first = inboundText(stranger, 'hello?');
    await deliverInbound(first);
    // Meta delivering the same webhook again, then the person writing again.
    await deliverInbound(first);
    await deliverInbound(inboundText(stranger, 'anyone there?'));
    const sent = await whatsAppMessagesTo(graphUrl, stranger);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ type: 'text', text: onboardingReply });
    expect(sent[0]?.text).toContain('link your number');
  });

  it('takes a linked person’s message into their conversation and sends the companion’s reply back', async () => {
    const person = await buildUser();
    const phoneNumber = uniquePhoneNumber();
    await linkWhatsApp(person.token, phoneNumber);
    const words = uniqueText('Hello from WhatsApp');
    const message = inboundText(phoneNumber, words);
    await deliverInbound(message);
    await whatsAppAnswered(person.user.id);

    expect(await conversationTexts(person.token)).toEqual([
      { role: 'user', text: words },
      { role: 'assistant', text: `You said: ${words}` },
    ]);
    const replies = (await whatsAppMessagesTo(graphUrl, phoneNumber)).filter((sent) => sent.type === 'text');
    expect(replies.map((reply) => reply.text)).toEqual([`You said: ${words}`]);
    // Meta's documented shape of a text message.
    expect(replies[0]?.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: phoneNumber.slice(1),
      type: 'text',
      text: { preview_url: false, body: `You said: ${words}` },
    });
  });

  it('does nothing twice when Meta delivers the same message again', async () => {
    const person = await buildUser();
    const phoneNumber = uniquePhoneNumber();
    await linkWhatsApp(person.token, phoneNumber);
    const message = inboundText(phoneNumber, uniqueText('Only once'));
    await deliverInbound(message);
    await whatsAppAnswered(person.user.id);
    await deliverInbound(message);
    await deliverInbound(message, message);
    await whatsAppAnswered(person.user.id);
    expect(await conversationTexts(person.token)).toHaveLength(2);
    expect((await whatsAppMessagesTo(graphUrl, phoneNumber)).filter((sent) => sent.type === 'text')).toHaveLength(1);
  });

  it('never lets one person’s WhatsApp reach another’s conversation', async () => {
    const [first, second] = [await buildUser(), await buildUser()];
    const [firstNumber, secondNumber] = [uniquePhoneNumber(), uniquePhoneNumber()];
    await linkWhatsApp(first.token, firstNumber);
    await linkWhatsApp(second.token, secondNumber);
    const [firstWords, secondWords] = [uniqueText('first person'), uniqueText('second person')];
    await deliverInbound(inboundText(firstNumber, firstWords), inboundText(secondNumber, secondWords));
    await whatsAppAnswered(first.user.id);
    await whatsAppAnswered(second.user.id);
    expect((await conversationTexts(first.token)).map((message) => message.text)).toEqual([firstWords, `You said: ${firstWords}`]);
    expect((await conversationTexts(second.token)).map((message) => message.text)).toEqual([secondWords, `You said: ${secondWords}`]);
    const toFirst = (await whatsAppMessagesTo(graphUrl, firstNumber)).filter((sent) => sent.type === 'text');
    expect(toFirst.map((sent) => sent.text)).toEqual([`You said: ${firstWords}`]);
  });

  it('tells the person when the companion could not answer, and keeps their message in the conversation', async () => {
    const person = await buildUser();
    const phoneNumber = uniquePhoneNumber();
    await linkWhatsApp(person.token, phoneNumber);
    const words = uniqueText('When the model is down');
    await scriptFakeOpenAI(inject('fakeOpenAIUrl'), words, [{ error: { status: 500, message: 'upstream exploded' } }]);
    await deliverInbound(inboundText(phoneNumber, words));
    await whatsAppAnswered(person.user.id);
    const replies = (await whatsAppMessagesTo(graphUrl, phoneNumber)).filter((sent) => sent.type === 'text');
    expect(replies.map((reply) => reply.text)).toEqual([expect.stringContaining("couldn't answer just now")]);
    expect((await conversationTexts(person.token))[0]).toEqual({ role: 'user', text: words });
  });

  it('answers an over-long message politely without taking it into the conversation', async () => {
    const person = await buildUser();
    const phoneNumber = uniquePhoneNumber();
    await linkWhatsApp(person.token, phoneNumber);
    await deliverInbound(inboundText(phoneNumber, 'a'.repeat(16_001)));
    await whatsAppAnswered(person.user.id);
    const replies = (await whatsAppMessagesTo(graphUrl, phoneNumber)).filter((sent) => sent.type === 'text');
    expect(replies.map((reply) => reply.text)).toEqual([expect.stringContaining('shorter parts')]);
    expect(await conversationTexts(person.token)).toEqual([]);
  });

  it('listens to a voice note and answers in kind: a voice note in the companion’s voice, then the same words as text', async () => {
    const person = await buildUser();
    const phoneNumber = uniquePhoneNumber();
    await linkWhatsApp(person.token, phoneNumber);
    // A voice other than the default, so the voice note proves the persona's choice reached the provider.
    const companion = await readJson(await api('/api/v1/companion', { token: person.token }), companionSchema);
    await readJson(await api('/api/v1/companion', { method: 'PUT', token: person.token, body: { ...companion, voiceId: 'soft-calm' } }), companionSchema);
    // The fake transcriber hears a non-WAV file as its size, so the answer proves these bytes reached it.
    const bytes = new Uint8Array(2_345).fill(79);
    await deliverVoiceNote(phoneNumber, bytes);
    await whatsAppAnswered(person.user.id);
    const heard = 'I heard 2345 bytes of ogg.';
    const reply = `You said: ${heard}`;
    expect(await conversationTexts(person.token)).toEqual([
      { role: 'user', text: heard },
      { role: 'assistant', text: reply },
    ]);
    const [transcription] = await recordedRequests(fakeOpenAIUrl, `transcription ${heard}`);
    expect(transcription?.path).toBe('/v1/audio/transcriptions');
    expect(transcription?.body).toMatchObject({ file: `<file utterance.ogg audio/ogg ${bytes.byteLength} bytes>` });

    // The voice note first, then its words beneath it.
    const sent = (await whatsAppMessagesTo(graphUrl, phoneNumber)).filter((message) => message.type !== 'template');
    expect(sent.map((message) => message.type)).toEqual(['audio', 'text']);
    expect(sent[1]?.text).toBe(reply);
    const [voiceNote] = sent;
    const audio = (voiceNote?.body as { audio?: { id?: string } } | undefined)?.audio;
    // Meta's documented shape of a voice message: an uploaded media id and `voice: true`.
    expect(voiceNote?.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: phoneNumber.slice(1),
      type: 'audio',
      audio: { id: audio?.id, voice: true },
    });
    const upload = await whatsAppUpload(graphUrl, audio?.id ?? '');
    expect(upload).toMatchObject({ mimeType: 'audio/ogg', fileType: 'audio/ogg', fileName: 'reply.ogg' });
    // Real Ogg Opus, as the fake OpenAI server encoded it: the "OggS" capture pattern and an Opus stream.
    expect(new TextDecoder('latin1').decode(upload.bytes.subarray(0, 4))).toBe('OggS');
    expect(new TextDecoder('latin1').decode(upload.bytes.subarray(0, 512))).toContain('OpusHead');
    const [speech] = await speechRequestsFor(reply);
    expect(speech?.body).toMatchObject({ input: reply, voice: 'shimmer', response_format: 'opus' });
  });

  it('answers a typed message with text only', async () => {
    const person = await buildUser();
    const phoneNumber = uniquePhoneNumber();
    await linkWhatsApp(person.token, phoneNumber);
    const words = uniqueText('Typed, not spoken');
    await deliverInbound(inboundText(phoneNumber, words));
    await whatsAppAnswered(person.user.id);
    const sent = (await whatsAppMessagesTo(graphUrl, phoneNumber)).filter((message) => message.type !== 'template');
    expect(sent.map((message) => [message.type, message.text])).toEqual([['text', `You said: ${words}`]]);
    expect(await speechRequestsFor(`You said: ${words}`)).toEqual([]);
  });

  it('keeps the text reply when the voice note cannot be uploaded', async () => {
    const person = await buildUser();
    const phoneNumber = uniquePhoneNumber();
    await linkWhatsApp(person.token, phoneNumber);
    await failWhatsAppUploads(graphUrl, { type: 'audio/ogg', status: 400, code: 131053 });
    await deliverVoiceNote(phoneNumber, new Uint8Array(2_346).fill(79));
    await whatsAppAnswered(person.user.id);
    const reply = 'You said: I heard 2346 bytes of ogg.';
    // Spoken, refused at upload, and answered in text all the same.
    expect(await speechRequestsFor(reply)).toHaveLength(1);
    const sent = (await whatsAppMessagesTo(graphUrl, phoneNumber)).filter((message) => message.type !== 'template');
    expect(sent.map((message) => [message.type, message.text])).toEqual([['text', reply]]);
  });

  it('keeps the text reply when the speech provider fails', async () => {
    const person = await buildUser();
    const phoneNumber = uniquePhoneNumber();
    await linkWhatsApp(person.token, phoneNumber);
    const reply = 'You said: I heard 2347 bytes of ogg.';
    await scriptFakeOpenAI(fakeOpenAIUrl, reply, [{ error: { status: 500, message: 'the speech model is down' } }]);
    await deliverVoiceNote(phoneNumber, new Uint8Array(2_347).fill(79));
    await whatsAppAnswered(person.user.id);
    expect(await speechRequestsFor(reply)).toHaveLength(1);
    const sent = (await whatsAppMessagesTo(graphUrl, phoneNumber)).filter((message) => message.type !== 'template');
    expect(sent.map((message) => [message.type, message.text])).toEqual([['text', reply]]);
  });
});

describe('voice notes without a speaker WhatsApp can play', () => {
  afterEach(() => replaceSpeechPortsForTests(undefined));

  /** A transcriber that knows one voice note, and the given speaker (or none), in place of the configured ones. */
  async function speechWith(textToSpeech: FakeTextToSpeech | undefined, voiceNote: Uint8Array, heard: string): Promise<void> {
    const speechToText = new FakeSpeechToText();
    await speechToText.teach(voiceNote, heard);
    replaceSpeechPortsForTests({ speechToText: () => speechToText, textToSpeech: () => textToSpeech });
  }

  it('answers in text only when no text-to-speech is configured', async () => {
    const person = await buildUser();
    const phoneNumber = uniquePhoneNumber();
    await linkWhatsApp(person.token, phoneNumber);
    const voiceNote = crypto.getRandomValues(new Uint8Array(1_500));
    const heard = uniqueText('Spoken without a speaker');
    await speechWith(undefined, voiceNote, heard);
    await deliverVoiceNote(phoneNumber, voiceNote);
    await whatsAppAnswered(person.user.id);
    const sent = (await whatsAppMessagesTo(graphUrl, phoneNumber)).filter((message) => message.type !== 'template');
    expect(sent.map((message) => [message.type, message.text])).toEqual([['text', `You said: ${heard}`]]);
  });

  it('answers in text only when the speaker gives PCM, which WhatsApp does not take', async () => {
    const person = await buildUser();
    const phoneNumber = uniquePhoneNumber();
    await linkWhatsApp(person.token, phoneNumber);
    const voiceNote = crypto.getRandomValues(new Uint8Array(1_500));
    const heard = uniqueText('Spoken to a PCM speaker');
    const textToSpeech = new FakeTextToSpeech();
    await speechWith(textToSpeech, voiceNote, heard);
    await deliverVoiceNote(phoneNumber, voiceNote);
    await whatsAppAnswered(person.user.id);
    // Asked for Ogg Opus; the PCM it answered is not sent.
    expect(textToSpeech.requests).toEqual([expect.objectContaining({ text: `You said: ${heard}`, format: 'ogg-opus' })]);
    const sent = (await whatsAppMessagesTo(graphUrl, phoneNumber)).filter((message) => message.type !== 'template');
    expect(sent.map((message) => [message.type, message.text])).toEqual([['text', `You said: ${heard}`]]);
  });
});

describe('linking a WhatsApp number', () => {
  it('sends a six-digit code in the kindred_link_code template and links the number with it', async () => {
    const person = await buildUser();
    const phoneNumber = uniquePhoneNumber();
    expect(await readJson(await api('/api/v1/channels/whatsapp', { token: person.token }), whatsAppLinkSchema)).toEqual({
      status: 'unlinked',
      available: true,
    });
    const pending = await readJson(await api('/api/v1/channels/whatsapp', { token: person.token, body: { phoneNumber } }), whatsAppLinkSchema);
    expect(pending).toEqual({ status: 'pending', phoneNumber: `${phoneNumber.slice(0, 3)} •••• ••${phoneNumber.slice(-4)}`, available: true });
    const [template] = await whatsAppMessagesTo(graphUrl, phoneNumber);
    expect(template).toMatchObject({ type: 'template', templateName: 'kindred_link_code' });
    expect(template?.text).toMatch(/^\d{6}$/);
    const linked = await readJson(await api('/api/v1/channels/whatsapp/confirm', { token: person.token, body: { code: template?.text } }), whatsAppLinkSchema);
    expect(linked).toMatchObject({ status: 'linked', available: true });
    expect(linked.phoneNumber).not.toContain(phoneNumber.slice(3, -4));
    // The directory holds the number's HMAC only.
    const rows = await testEnv.DB.prepare('SELECT * FROM whatsapp_numbers WHERE user_id = ?').bind(person.user.id).all();
    expect(rows.results).toHaveLength(1);
    expect(JSON.stringify(rows.results)).not.toContain(phoneNumber.slice(1));
    // Nor does the object keep it in plain.
    const stored = await inObjectStorage(person.user.id, (sql) => JSON.stringify(sql.exec('SELECT * FROM whatsapp_link').toArray()));
    expect(stored).not.toContain(phoneNumber.slice(1));
    // The person's own export has it in full.
    const exported = await readJson(await api('/api/v1/me/export', { token: person.token }), exportDocumentSchema);
    expect(exported.whatsapp).toEqual({ status: 'linked', phoneNumber });
  });

  it('counts wrong codes, and after the fifth the code is spent', async () => {
    const person = await buildUser();
    const phoneNumber = uniquePhoneNumber();
    await api('/api/v1/channels/whatsapp', { token: person.token, body: { phoneNumber } });
    const code = await latestLinkCode(phoneNumber);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let attempt = 1; attempt <= 4; attempt++) {
      const failure = await expectError(await api('/api/v1/channels/whatsapp/confirm', { token: person.token, body: { code: wrong } }), 'invalid_code');
      expect(failure.error.message).toContain(`${5 - attempt} tr`);
    }
    await expectError(await api('/api/v1/channels/whatsapp/confirm', { token: person.token, body: { code: wrong } }), 'invalid_code');
    // Even the right code no longer links: a new one must be asked for.
    await expectError(await api('/api/v1/channels/whatsapp/confirm', { token: person.token, body: { code } }), 'invalid_code');
    expect((await readJson(await api('/api/v1/channels/whatsapp', { token: person.token }), whatsAppLinkSchema)).status).toBe('unlinked');
    await expectError(await api('/api/v1/channels/whatsapp/confirm', { token: person.token, body: { code: 'abc' } }), 'validation_failed');
  });

  it('refuses a code after its ten minutes', async () => {
    const person = await buildUser();
    const phoneNumber = uniquePhoneNumber();
    await api('/api/v1/channels/whatsapp', { token: person.token, body: { phoneNumber } });
    const code = await latestLinkCode(phoneNumber);
    await inObjectStorage(person.user.id, (sql) => sql.exec('UPDATE whatsapp_link SET code_expires_at = ?', Date.now() - 1));
    const failure = await expectError(await api('/api/v1/channels/whatsapp/confirm', { token: person.token, body: { code } }), 'invalid_code');
    expect(failure.error.message).toContain('expired');
  });

  it('refuses a number another account has linked, with phone_number_taken', async () => {
    const [owner, other] = [await buildUser(), await buildUser()];
    const phoneNumber = uniquePhoneNumber();
    await linkWhatsApp(owner.token, phoneNumber);
    await expectError(await api('/api/v1/channels/whatsapp', { token: other.token, body: { phoneNumber } }), 'phone_number_taken');
  });

  it('refuses a number linked by another account while the code was on its way', async () => {
    const [first, second] = [await buildUser(), await buildUser()];
    const phoneNumber = uniquePhoneNumber();
    await api('/api/v1/channels/whatsapp', { token: second.token, body: { phoneNumber } });
    const secondCode = await latestLinkCode(phoneNumber);
    await linkWhatsApp(first.token, phoneNumber);
    await expectError(await api('/api/v1/channels/whatsapp/confirm', { token: second.token, body: { code: secondCode } }), 'phone_number_taken');
    expect((await readJson(await api('/api/v1/channels/whatsapp', { token: second.token }), whatsAppLinkSchema)).status).toBe('unlinked');
  });

  it('says so when WhatsApp cannot deliver the code, and leaves a linked number linked', async () => {
    const person = await buildUser();
    const [phoneNumber, notOnWhatsApp] = [uniquePhoneNumber(), uniquePhoneNumber()];
    await linkWhatsApp(person.token, phoneNumber);
    await failWhatsAppSends(graphUrl, notOnWhatsApp, { status: 400, code: 131026 });
    await expectError(await api('/api/v1/channels/whatsapp', { token: person.token, body: { phoneNumber: notOnWhatsApp } }), 'invalid_phone_number');
    await failWhatsAppSends(graphUrl, notOnWhatsApp, { status: 503, code: 2, count: 3 });
    await expectError(await api('/api/v1/channels/whatsapp', { token: person.token, body: { phoneNumber: notOnWhatsApp } }), 'source_unreachable');
    expect((await readJson(await api('/api/v1/channels/whatsapp', { token: person.token }), whatsAppLinkSchema)).status).toBe('linked');
  });

  it('rejects a number without its country code', async () => {
    const person = await buildUser();
    await expectError(await api('/api/v1/channels/whatsapp', { token: person.token, body: { phoneNumber: '07700 900123' } }), 'validation_failed');
  });

  it('unlinks: the number’s messages then get the onboarding reply, not the companion', async () => {
    const person = await buildUser();
    const phoneNumber = uniquePhoneNumber();
    await linkWhatsApp(person.token, phoneNumber);
    expect((await api('/api/v1/channels/whatsapp', { method: 'DELETE', token: person.token })).status).toBe(204);
    expect((await readJson(await api('/api/v1/channels/whatsapp', { token: person.token }), whatsAppLinkSchema)).status).toBe('unlinked');
    await deliverInbound(inboundText(phoneNumber, 'still there?'));
    const texts = (await whatsAppMessagesTo(graphUrl, phoneNumber)).filter((sent) => sent.type === 'text');
    expect(texts.map((sent) => sent.text)).toEqual([onboardingReply]);
    expect(await conversationTexts(person.token)).toEqual([]);
  });
});

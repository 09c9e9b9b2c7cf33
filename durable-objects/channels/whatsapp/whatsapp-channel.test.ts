import { env } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';
import type { Env } from '../../../server/env.ts';
import { buildUser } from '../../../test-support/api.ts';
import { failWhatsAppSends, uniquePhoneNumber, webhookPayload, whatsAppMessagesTo } from '../../../test-support/fake-whatsapp-graph/control.ts';
import { inObjectStorage, linkWhatsApp, postWhatsAppWebhook } from '../../../test-support/whatsapp.ts';
import { companionOf } from '../../../worker/companion-stub.ts';
import { describeChannelContract } from '../channel-contract.ts';
import type { DeliveryChannel, OutboundMessage } from '../delivery-channel.ts';
import { templateParameter } from './whatsapp-channel.ts';

const graphUrl = inject('fakeWhatsAppUrl');

/** The person's WhatsApp channel, reached in their object as outreach reaches it. */
async function personOnWhatsApp() {
  const person = await buildUser();
  const phoneNumber = uniquePhoneNumber();
  const companion = await companionOf(env as unknown as Env, person.user.id);
  const channel: DeliveryChannel = {
    name: 'whatsapp',
    reachable: () => companion.whatsapp.reachable(),
    send: (message) => companion.whatsapp.deliver(message),
  };
  /** What reached the person, without the link code. */
  const delivered = async () => (await whatsAppMessagesTo(graphUrl, phoneNumber)).filter((message) => message.templateName !== 'kindred_link_code');
  return { person, phoneNumber, companion, channel, delivered };
}

describeChannelContract('whatsapp', async () => {
  const { person, phoneNumber, channel, delivered } = await personOnWhatsApp();
  return {
    channel,
    makeReachable: () => linkWhatsApp(person.token, phoneNumber),
    delivered: async () => (await delivered()).map((message) => ({ text: message.text })),
    // The client tries three times: every attempt of the next send fails.
    failNext: (kind) =>
      failWhatsAppSends(graphUrl, phoneNumber, kind === 'retryable' ? { status: 429, code: 130429, count: 3 } : { status: 400, code: 131026, count: 1 }),
  };
});

let sequence = 0;
const message = (text: string): OutboundMessage => ({
  id: `msg_whatsapp_${Date.now()}_${sequence++}`,
  kind: 'check-in',
  title: 'Kindred',
  text,
  createdAt: Date.now(),
});

describe('the WhatsApp channel', () => {
  it('writes free-form inside the 24-hour window and uses the kindred_update template outside it', async () => {
    const { person, phoneNumber, channel, delivered } = await personOnWhatsApp();
    await linkWhatsApp(person.token, phoneNumber);
    // Never written: only a template may open the conversation.
    expect((await channel.send(message('How was the interview?'))).status).toBe('sent');
    await inObjectStorage(person.user.id, (sql) => sql.exec('UPDATE whatsapp_link SET last_inbound_at = ?', Date.now() - 23 * 3600_000));
    expect((await channel.send(message('Inside the window'))).status).toBe('sent');
    await inObjectStorage(person.user.id, (sql) => sql.exec('UPDATE whatsapp_link SET last_inbound_at = ?', Date.now() - 25 * 3600_000));
    expect((await channel.send(message('Outside again'))).status).toBe('sent');
    expect((await delivered()).map(({ type, templateName, text }) => ({ type, templateName, text }))).toEqual([
      { type: 'template', templateName: 'kindred_update', text: 'How was the interview?' },
      { type: 'text', templateName: undefined, text: 'Inside the window' },
      { type: 'template', templateName: 'kindred_update', text: 'Outside again' },
    ]);
  });

  it('retries a 429 and delivers once', async () => {
    const { person, phoneNumber, channel, delivered } = await personOnWhatsApp();
    await linkWhatsApp(person.token, phoneNumber);
    await failWhatsAppSends(graphUrl, phoneNumber, { status: 429, code: 130429, count: 1 });
    expect(await channel.send(message('Through on the second try'))).toMatchObject({ status: 'sent', providerId: expect.stringMatching(/^wamid\./) });
    expect(await delivered()).toHaveLength(1);
  });

  it('records the statuses WhatsApp reports, in order of progress, once each', async () => {
    const { person, phoneNumber, companion, channel } = await personOnWhatsApp();
    await linkWhatsApp(person.token, phoneNumber);
    const sent = message('Did this arrive?');
    const outcome = await channel.send(sent);
    if (outcome.status !== 'sent' || !outcome.providerId) throw new Error('not sent');
    const status = (name: string, secondsFromNow: number) => ({
      id: outcome.providerId,
      status: name,
      timestamp: String(Math.floor(Date.now() / 1000) + secondsFromNow),
      recipient_id: phoneNumber.slice(1),
    });
    for (const payload of [status('delivered', 1), status('read', 2), status('read', 2), status('delivered', 1)]) {
      expect((await postWhatsAppWebhook(webhookPayload({ statuses: [payload] }))).status).toBe(200);
    }
    const recorded = await companion.whatsapp.deliveryStatus(sent.id);
    expect(recorded).toMatchObject({ status: 'read', wamid: outcome.providerId, form: 'template' });
    expect(recorded?.history.map((entry) => entry.status)).toEqual(['sent', 'delivered', 'read']);

    const failing = message('This one fails later');
    const second = await channel.send(failing);
    if (second.status !== 'sent') throw new Error('not sent');
    const failure = { ...status('failed', 3), id: second.providerId, errors: [{ code: 131047, title: 'Re-engagement message' }] };
    expect((await postWhatsAppWebhook(webhookPayload({ statuses: [failure] }))).status).toBe(200);
    expect(await companion.whatsapp.deliveryStatus(failing.id)).toMatchObject({ status: 'failed', detail: '131047 Re-engagement message' });
    // A failed report does not make the message sendable again: it did go out once.
    expect(await channel.send(failing)).toMatchObject({ status: 'sent', duplicate: true });
  });

  it('makes a template parameter one line of at most 1,000 characters, cut at a word', () => {
    expect(templateParameter('Line one\n\n  Line two\twith   gaps')).toBe('Line one · Line two with gaps');
    const long = templateParameter('word '.repeat(400));
    expect(long.length).toBeLessThanOrEqual(1000);
    expect(long.endsWith('word…')).toBe(true);
  });
});

import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { expect, inject } from 'vitest';
import { whatsAppLinkSchema } from '../common/outreach.ts';
import type { CompanionAgent } from '../durable-objects/companion-agent.ts';
import { api, readJson } from './api.ts';
import { signWebhook, webhookPayload, whatsAppMessagesTo } from './fake-whatsapp-graph/control.ts';
import { runScheduledWork } from './scheduled-work.ts';

const testEnv = env as unknown as { COMPANION: DurableObjectNamespace<CompanionAgent> };

/** Posts a webhook to the Worker as Meta would: the raw JSON, signed (or with the signature given). */
export function postWhatsAppWebhook(payload: unknown, options: { signature?: string | null; rawBody?: string } = {}): Promise<Response> {
  return (async () => {
    const rawBody = options.rawBody ?? JSON.stringify(payload);
    const signature = options.signature === undefined ? await signWebhook(rawBody) : options.signature;
    return api('/webhooks/whatsapp', {
      method: 'POST',
      body: rawBody,
      headers: { 'content-type': 'application/json', ...(signature === null ? {} : { 'x-hub-signature-256': signature }) },
    });
  })();
}

/** Sends the person's messages in one webhook and expects Meta's 200. */
export async function deliverInbound(...messages: unknown[]): Promise<void> {
  const response = await postWhatsAppWebhook(webhookPayload({ messages }));
  expect(response.status, await response.clone().text()).toBe(200);
}

/** Links the number to the user the way a person does: ask for a code, read it on WhatsApp, type it in. */
export async function linkWhatsApp(token: string, phoneNumber: string): Promise<void> {
  await readJson(await api('/api/v1/channels/whatsapp', { token, body: { phoneNumber } }), whatsAppLinkSchema);
  const code = await latestLinkCode(phoneNumber);
  const linked = await readJson(await api('/api/v1/channels/whatsapp/confirm', { token, body: { code } }), whatsAppLinkSchema);
  expect(linked.status).toBe('linked');
}

/** The code in the newest `kindred_link_code` template the fake received for the number. */
export async function latestLinkCode(phoneNumber: string): Promise<string> {
  const templates = (await whatsAppMessagesTo(inject('fakeWhatsAppUrl'), phoneNumber)).filter((message) => message.templateName === 'kindred_link_code');
  const code = templates.at(-1)?.text;
  if (!code) throw new Error('no link code was sent');
  return code;
}

/**
 * Runs the user's scheduled work until every WhatsApp message they sent has been answered (the object
 * answers from its own schedule, right away; this makes the test wait for that work, not for time).
 */
export async function whatsAppAnswered(userId: string): Promise<void> {
  const stub = testEnv.COMPANION.getByName(userId);
  const deadline = Date.now() + 20_000;
  for (;;) {
    await runScheduledWork(userId);
    const open = await runInDurableObject(stub, async (instance, state) => {
      await instance.jobsSettled();
      return state.storage.sql.exec<{ open: number }>("SELECT count(*) AS open FROM whatsapp_inbound WHERE status <> 'answered'").one().open;
    });
    if (open === 0) return;
    if (Date.now() > deadline) throw new Error(`${open} WhatsApp messages were not answered.`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Runs SQL in the user's object: for setting up what only time would otherwise bring (an old last message). */
export function inObjectStorage<Result>(userId: string, work: (sql: SqlStorage) => Result): Promise<Result> {
  return runInDurableObject(testEnv.COMPANION.getByName(userId), (_instance, state) => work(state.storage.sql));
}

import { env } from 'cloudflare:workers';
import { inject } from 'vitest';
import { z } from 'zod';
import { calendarSourceSchema } from '../../common/calendar-sources.ts';
import { careSettingsSchema } from '../../common/care.ts';
import { messageSchema, pushSubscriptionSchema } from '../../common/protocol.ts';
import { httpToolSchema, mcpServerSchema } from '../../common/tools.ts';
import { voiceSettingsSchema } from '../../common/voice.ts';
import type { CompanionAgent } from '../../durable-objects/companion-agent.ts';
import { replaceSpeechPortsForTests } from '../../durable-objects/voice/speech-ports.ts';
import { api, openRealtime, readJson, uniqueText } from '../api.ts';
import { scriptFakeOpenAI } from '../fake-openai/control.ts';
import { createFakeSubscription } from '../fake-push-service/control.ts';
import { audioFrames, FakeSpeechToText, FakeTextToSpeech, tone } from '../fake-speech.ts';
import { uniquePhoneNumber } from '../fake-whatsapp-graph/control.ts';
import { createRadicaleAccount } from '../radicale-account.ts';
import { linkWhatsApp } from '../whatsapp.ts';
import type { Populator } from './populate.ts';

/** The settings-and-links sections: what comes back whole, and what an export cannot hold the secrets of. */

const care: Populator = {
  sections: ['care'],
  async populate(user) {
    await readJson(await api('/api/v1/care/settings', { method: 'PUT', token: user.token, body: { country: 'de' } }), careSettingsSchema);
    // The screen flags it locally; the reply is scripted so the turn ends on its own.
    const text = uniqueText('I want to end my life');
    await scriptFakeOpenAI(inject('fakeOpenAIUrl'), text, [{ text: 'I hear you, and I am here with you.' }]);
    const answer = await readJson(
      await api('/api/v1/messages', { token: user.token, body: { text } }),
      z.object({ userMessage: messageSchema, assistantMessage: messageSchema }),
    );
    if (!answer.assistantMessage.care) throw new Error('the message was not flagged');
  },
};

const voice: Populator = {
  sections: ['voice'],
  async populate(user) {
    await readJson(await api('/api/v1/voice/settings', { method: 'PUT', token: user.token, body: { keepAudio: true } }), voiceSettingsSchema);
    const speechToText = new FakeSpeechToText();
    replaceSpeechPortsForTests({
      speechToText: () => speechToText,
      textToSpeech: () => new FakeTextToSpeech({ latencyMs: 1, msPerCharacter: 1, sampleRate: 24_000 }),
    });
    try {
      const pcm = tone(523, 1);
      const words = uniqueText('keep what I said about the garden');
      await speechToText.teach(pcm, words);
      await scriptFakeOpenAI(inject('fakeOpenAIUrl'), words, [{ text: 'The garden sounds lovely.' }]);
      const connection = await openRealtime(user.token);
      connection.socket.send(JSON.stringify({ type: 'voice-start' }));
      await connection.next('voice-state');
      for (const frame of audioFrames('utt_round_trip', pcm)) connection.socket.send(frame);
      connection.socket.send(JSON.stringify({ type: 'voice-utterance-end', utteranceId: 'utt_round_trip' }));
      await connection.next('voice-reply-end');
      connection.socket.close();
      // The recording is kept while the reply is spoken: wait for that work, not for time.
      await (env as unknown as { COMPANION: DurableObjectNamespace<CompanionAgent> }).COMPANION.getByName(user.user.id).invoke('voice', 'settled', []);
    } finally {
      replaceSpeechPortsForTests(undefined);
    }
  },
};

const httpTools: Populator = {
  sections: ['httpTools'],
  async populate(user) {
    const service = inject('httpToolServiceUrl');
    const created = z.object({ tool: httpToolSchema });
    // One that needs nothing secret, and one whose key is in a header the export names but never holds.
    await readJson(
      await api('/api/v1/tools/http', {
        token: user.token,
        body: {
          name: 'order_status',
          title: 'Order status',
          description: 'Looks up an order by its number.',
          inputSchema: { type: 'object', properties: { orderId: { type: 'string' } }, required: ['orderId'] },
          request: { method: 'GET', url: `${service}/round-trip/orders/{orderId}` },
        },
      }),
      created,
      201,
    );
    await readJson(
      await api('/api/v1/tools/http', {
        token: user.token,
        body: {
          name: 'log_walk',
          description: 'Logs a walk with its distance.',
          inputSchema: { type: 'object', properties: { kilometres: { type: 'number' } } },
          request: {
            method: 'POST',
            url: `${service}/round-trip/walks`,
            headers: { 'X-Api-Key': 'walk-key-of-the-person' },
            body: { distance: '{kilometres}' },
          },
          risk: 'change',
        },
      }),
      created,
      201,
    );
  },
  differsAfterImport: {
    'httpTools[].tool.available': 'A tool whose request has headers comes back without their values (never exported), so it is listed but not offered.',
    'tools[].available': 'The same tool, in the list of every tool.',
  },
};

const mcpServers: Populator = {
  sections: ['mcpServers'],
  async populate(user) {
    const answer = z.object({ server: mcpServerSchema });
    const added = await readJson(
      await api('/api/v1/tools/mcp-servers', { token: user.token, body: { name: 'Weather Desk', url: `${inject('mcpServersUrl')}/plain/mcp` } }),
      answer,
      201,
    );
    if (added.server.state !== 'ready') throw new Error(`the MCP server is ${added.server.state}`);
  },
  differsAfterImport: {
    'mcpServers[].lastConnectedAt': 'The server is connected again when the import lands, so it was last connected then.',
  },
};

const pushSubscriptions: Populator = {
  sections: ['pushSubscriptions'],
  async populate(user) {
    const browser = await createFakeSubscription(inject('fakePushUrl'), { applicationServerKey: inject('vapidPublicKey') });
    await readJson(
      await api('/api/v1/push/subscriptions', { token: user.token, body: { ...browser, deviceName: 'Kitchen tablet' } }),
      pushSubscriptionSchema,
      201,
    );
  },
  differsAfterImport: {
    pushSubscriptions: 'Endpoints and keys are never exported: each device subscribes again when the app next opens.',
  },
};

const whatsapp: Populator = {
  sections: ['whatsapp'],
  populate: (user) => linkWhatsApp(user.token, uniquePhoneNumber()),
  differsAfterImport: {
    'whatsapp.status': 'A number is linked only once it is confirmed with a code, so the import leaves WhatsApp unlinked.',
    'whatsapp.phoneNumber': 'The same: no number is linked after the import.',
  },
};

const calendarSources: Populator = {
  sections: ['calendarSources'],
  async populate(user) {
    const account = await createRadicaleAccount();
    await readJson(
      await api('/api/v1/calendar/sources', {
        token: user.token,
        body: { kind: 'caldav', url: account.calendarUrl, username: account.username, password: account.password },
      }),
      calendarSourceSchema,
      201,
    );
  },
  differsAfterImport: {
    calendarSources: 'Passwords and tokens are never exported: the person connects each calendar again.',
  },
};

export const settingsPopulators: Populator[] = [care, voice, httpTools, mcpServers, pushSubscriptions, whatsapp, calendarSources];

import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';
import { pingFrame, pongFrame, turnAnswerSchema } from '../common/protocol.ts';
import { api, buildUser, eventsOfType, expectError, openRealtime, readJson, uniqueText } from '../test-support/api.ts';
import { recordedChatRequests, scriptFakeOpenAI } from '../test-support/fake-openai/control.ts';
import { audioFrames, FakeSpeechToText, FakeTextToSpeech, tone } from '../test-support/fake-speech.ts';
import type { CompanionAgent } from './companion-agent.ts';
import { replaceSpeechPortsForTests } from './voice/speech-ports.ts';

const testEnv = env as unknown as { DB: D1Database; COMPANION: DurableObjectNamespace<CompanionAgent>; FILES: R2Bucket };
const fakeUrl = inject('fakeOpenAIUrl');

/** Every text value of every table in the object's SQLite, as one string. */
async function dumpObjectStorage(userId: string): Promise<string> {
  return runInDurableObject(testEnv.COMPANION.getByName(userId), (_instance, state) => {
    const tables = state.storage.sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '_cf_%'").toArray();
    return tables.map(({ name }) => JSON.stringify(state.storage.sql.exec(`SELECT * FROM "${name}"`).toArray())).join('\n');
  });
}

describe('encryption at rest', () => {
  it("keeps none of the user's words in the clear in the object's SQLite or in D1", async () => {
    const secretWord = `Zanzibar${crypto.randomUUID().slice(0, 6)}`;
    const user = await buildUser({ displayName: `Mirela${secretWord}` });
    const text = `My diagnosis is ${secretWord} and I have told nobody`;
    await scriptFakeOpenAI(fakeUrl, text, [{ text: `I hear you about ${secretWord}.` }]);
    await readJson(await api('/api/v1/messages', { token: user.token, body: { text } }), turnAnswerSchema);
    await api('/api/v1/companion', {
      method: 'PUT',
      token: user.token,
      body: { name: `Buddy${secretWord}`, personaId: 'warm-friend', voiceId: 'bright-warm', avatarId: 'sunny' },
    });

    const dump = await dumpObjectStorage(user.user.id);
    expect(dump).toContain('v1.');
    expect(dump).not.toContain(secretWord);
    expect(dump.toLowerCase()).not.toContain('diagnosis');

    const d1Tables = await testEnv.DB.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name != 'd1_migrations'",
    ).all<{ name: string }>();
    for (const { name } of d1Tables.results) {
      const rows = await testEnv.DB.prepare(`SELECT * FROM "${name}"`).all();
      expect(JSON.stringify(rows.results)).not.toContain(secretWord);
    }
    // And the user reads it all back decrypted.
    const exported = await (await api('/api/v1/me/export', { token: user.token })).text();
    expect(exported).toContain(secretWord);
  });
});

describe('encryption at rest of a spoken turn', () => {
  it("keeps none of the person's spoken words, nor the reply, in the clear, audio kept or not", async () => {
    const secretWord = `Quixotic${crypto.randomUUID().slice(0, 6)}`;
    const speechToText = new FakeSpeechToText();
    replaceSpeechPortsForTests({ speechToText: () => speechToText, textToSpeech: () => new FakeTextToSpeech() });
    try {
      const user = await buildUser();
      await api('/api/v1/voice/settings', { method: 'PUT', token: user.token, body: { keepAudio: true } });
      const text = `I whispered ${secretWord} to my doctor today`;
      await scriptFakeOpenAI(fakeUrl, text, [{ text: `Your secret ${secretWord} is safe with me.` }]);
      const pcm = tone(410, 1);
      await speechToText.teach(pcm, text);
      const connection = await openRealtime(user.token);
      connection.socket.send(JSON.stringify({ type: 'voice-start' }));
      for (const frame of audioFrames('utt_secret', pcm)) connection.socket.send(frame);
      connection.socket.send(JSON.stringify({ type: 'voice-utterance-end', utteranceId: 'utt_secret' }));
      expect((await connection.next('voice-reply-end')).spokenText).toContain(secretWord);
      await testEnv.COMPANION.getByName(user.user.id).invoke('voice', 'settled', []);
      connection.socket.close();

      const dump = await dumpObjectStorage(user.user.id);
      expect(dump).toContain('v1.');
      expect(dump).not.toContain(secretWord);
      expect(dump.toLowerCase()).not.toContain('whispered');
      const kept = await testEnv.FILES.list({ prefix: `users/${user.user.id}/` });
      for (const object of kept.objects) expect(await (await testEnv.FILES.get(object.key))?.text()).not.toContain(secretWord);
      const exported = await (await api('/api/v1/me/export', { token: user.token })).text();
      expect(exported).toContain(secretWord);
    } finally {
      replaceSpeechPortsForTests(undefined);
    }
  });
});

describe('the realtime WebSocket', () => {
  it('streams a turn as frames and pushes it to every device of the user', async () => {
    const user = await buildUser();
    const phone = await openRealtime(user.token);
    const laptop = await openRealtime(user.token);
    const text = uniqueText('hello over the socket');
    await scriptFakeOpenAI(fakeUrl, text, [{ text: 'Hello back, over the socket.' }]);
    phone.socket.send(JSON.stringify({ type: 'message-send', text }));

    const userMessage = await phone.next('user-message');
    expect(userMessage.message.text).toBe(text);
    const start = await phone.next('message-start');
    const end = await phone.next('message-end');
    expect(end.message.id).toBe(start.messageId);
    expect(end.message.text).toBe('Hello back, over the socket.');
    // Reading every frame with the wire schema also fails on any frame outside the protocol, such as the SDK's own `cf_` frames.
    const deltas = eventsOfType(phone.frames(), 'text-delta').map((frame) => frame.text);
    expect(deltas.join('')).toBe('Hello back, over the socket.');
    expect((await laptop.next('message-end')).message).toEqual(end.message);
    phone.socket.close();
    laptop.socket.close();
  });

  it('answers bad frames with error events and keeps serving', async () => {
    const user = await buildUser();
    const connection = await openRealtime(user.token);
    connection.socket.send('this is not json');
    expect(await connection.next('error')).toMatchObject({ id: 'invalid_frame' });
    connection.socket.send(JSON.stringify({ type: 'message-send' }));
    expect(await connection.next('error')).toMatchObject({ id: 'validation_failed' });
    connection.socket.send(JSON.stringify({ type: 'message-send', text: 'x'.repeat(16_001) }));
    expect(await connection.next('error')).toMatchObject({ id: 'message_too_long' });
    connection.socket.send(JSON.stringify({ type: 'message-send', text: 'hi', conversationId: 'conv_not_mine' }));
    expect(await connection.next('error')).toMatchObject({ id: 'not_found' });
    connection.socket.send(JSON.stringify({ type: 'ping' }));
    expect(await connection.next('pong')).toEqual({ type: 'pong' });
    const text = uniqueText('still there?');
    connection.socket.send(JSON.stringify({ type: 'message-send', text }));
    expect((await connection.next('message-end')).message.text).toBe(`You said: ${text}`);
    connection.socket.close();
  });

  it('refuses a connection without a valid ticket, and a plain HTTP request', async () => {
    const refused = await api('/api/v1/realtime?ticket=nonsense', { headers: { upgrade: 'websocket' } });
    expect(refused.webSocket).toBeNull();
    await expectError(refused, 'unauthenticated');
    const user = await buildUser();
    await expectError(await api('/api/v1/realtime', { token: user.token }), 'websocket_required');
  });

  it('ignores a user id a client tries to smuggle in the upgrade request', async () => {
    const victim = await buildUser();
    const attacker = await buildUser();
    const secret = uniqueText('victim secret');
    await api('/api/v1/messages', { token: victim.token, body: { text: secret } });
    const connection = await openRealtime(attacker.token, { 'x-kindred-user-id': victim.user.id });
    const text = uniqueText('what do you know');
    connection.socket.send(JSON.stringify({ type: 'message-send', text }));
    const end = await connection.next('message-end');
    expect(JSON.stringify(end)).not.toContain(secret);
    const [request] = await recordedChatRequests(fakeUrl, text);
    expect(JSON.stringify(request?.body)).not.toContain(secret);
    connection.socket.close();
  });
});

describe('keep-alive pings', () => {
  it('has the runtime answer the apps’ exact ping, so keeping a socket open never wakes the object', async () => {
    const user = await buildUser();
    const pair = await runInDurableObject(testEnv.COMPANION.getByName(user.user.id), (_instance, state) => {
      const autoResponse = state.getWebSocketAutoResponse();
      return autoResponse ? { request: autoResponse.request, response: autoResponse.response } : null;
    });
    expect(pair).toEqual({ request: pingFrame, response: pongFrame });
    // Both spellings are answered over a real socket: the exact one by the runtime, another by the object.
    const connection = await openRealtime(user.token);
    connection.socket.send(pingFrame);
    expect(await connection.next('pong')).toEqual({ type: 'pong' });
    connection.socket.send('{ "type": "ping" }');
    expect(await connection.next('pong')).toEqual({ type: 'pong' });
    connection.socket.close();
  });
});

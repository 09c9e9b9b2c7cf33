import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { audioBytes, encodeBinaryFrame } from '../../common/binary-frame.ts';
import { exportDocumentSchema, type Message, messagesPageSchema } from '../../common/protocol.ts';
import { maxUtteranceSeconds, voiceSettingsSchema } from '../../common/voice.ts';
import { api, buildUser, eventsOfType, openRealtime, type RealtimeUnderTest, readJson, uniqueText } from '../../test-support/api.ts';
import { scriptFakeOpenAI } from '../../test-support/fake-openai/control.ts';
import { audioFrames, base64, FakeSpeechToText, FakeTextToSpeech, faintNoise, tone } from '../../test-support/fake-speech.ts';
import type { CompanionAgent } from '../companion-agent.ts';
import { replaceSpeechPortsForTests } from './speech-ports.ts';
import { maxUtteranceBytes } from './voice-session.ts';

const testEnv = env as unknown as { COMPANION: DurableObjectNamespace<CompanionAgent>; FILES: R2Bucket };
const fakeUrl = inject('fakeOpenAIUrl');

let speechToText: FakeSpeechToText;
let textToSpeech: FakeTextToSpeech | undefined;

beforeEach(() => {
  speechToText = new FakeSpeechToText();
  textToSpeech = new FakeTextToSpeech({ latencyMs: 5, msPerCharacter: 50, sampleRate: 24_000 });
  replaceSpeechPortsForTests({ speechToText: () => speechToText, textToSpeech: () => textToSpeech });
});

afterEach(() => {
  replaceSpeechPortsForTests(undefined);
});

/** Waits until the user's object has no spoken reply running or being cut: for the work, not for time. */
async function voiceSettled(userId: string): Promise<void> {
  const outcome = await testEnv.COMPANION.getByName(userId).invoke('voice', 'settled', []);
  expect(outcome).toMatchObject({ success: true });
}

async function history(token: string): Promise<Message[]> {
  const response = await api('/api/v1/messages', { token });
  expect(response.status).toBe(200);
  return messagesPageSchema.parse(await response.json()).messages.reverse();
}

/** Says an utterance the fake transcriber knows as `text`; a distinct tone per utterance. */
async function say(connection: RealtimeUnderTest, text: string, options: { seconds?: number; binary?: boolean } = {}): Promise<string> {
  const pcm = tone(200 + Math.floor(Math.random() * 600), options.seconds ?? 1.5);
  await speechToText.teach(pcm, text);
  const utteranceId = `utt_${crypto.randomUUID().slice(0, 8)}`;
  const frames = options.binary ? binaryAudioFrames(utteranceId, pcm) : audioFrames(utteranceId, pcm);
  for (const frame of frames) connection.socket.send(frame);
  connection.socket.send(JSON.stringify({ type: 'voice-utterance-end', utteranceId }));
  return utteranceId;
}

/** The utterance's chunks as binary frames: a JSON header and the PCM itself. */
function binaryAudioFrames(utteranceId: string, pcm: Uint8Array): Uint8Array[] {
  const frames: Uint8Array[] = [];
  for (let start = 0, seq = 0; start < pcm.byteLength; start += 32_000, seq++) {
    frames.push(encodeBinaryFrame({ type: 'voice-audio', utteranceId, seq }, pcm.subarray(start, start + 32_000)));
  }
  return frames;
}

async function startVoice(token: string, options: { binaryAudio?: boolean } = {}): Promise<RealtimeUnderTest> {
  const connection = await openRealtime(token);
  connection.socket.send(JSON.stringify({ type: 'voice-start', ...options }));
  expect(await connection.next('voice-state')).toMatchObject({ state: 'listening' });
  return connection;
}

/**
 * Each spoken sentence put back together from its `voice-segment` and the `voice-segment-audio` parts
 * after it, checking the parts come numbered from 1, in order, and only the last is final.
 */
function spokenSentences(connection: RealtimeUnderTest) {
  const frames = connection.frames();
  return eventsOfType(frames, 'voice-segment').map((segment) => {
    const parts = eventsOfType(frames, 'voice-segment-audio').filter((part) => part.messageId === segment.messageId && part.index === segment.index);
    expect(parts.map((part) => part.part)).toEqual(parts.map((_, position) => position + 1));
    const finals = [segment, ...parts].map((part) => part.final !== false);
    expect(finals).toEqual(finals.map((_, position) => position === finals.length - 1));
    return {
      segment,
      parts,
      durationMs: [segment, ...parts].reduce((sum, part) => sum + part.durationMs, 0),
      envelope: [segment, ...parts].flatMap((part) => part.envelope),
      audioBytes: [segment, ...parts].reduce((sum, part) => sum + audioBytes(part.audio).length, 0),
    };
  });
}

const longSentence = 'This single sentence of the reply takes a few seconds to say out loud.';

/**
 * A spoken turn whose one-sentence reply's synthesis streams its first 8 KiB chunk and then waits
 * for `release`: answers once the first `voice-segment` has arrived.
 */
async function heldSentence(utterance: string) {
  const user = await buildUser();
  const connection = await startVoice(user.token);
  const words = uniqueText(utterance);
  await scriptFakeOpenAI(fakeUrl, words, [{ text: longSentence }]);
  let release = () => {};
  const fake = textToSpeech as FakeTextToSpeech;
  fake.hold = new Promise<void>((resolve) => (release = resolve));
  await say(connection, words);
  const first = await connection.next('voice-segment');
  return { user, connection, fake, first, release };
}

const threeSentences = 'The first sentence is here. The second one follows it. And the third ends the reply.';

describe('a spoken turn', () => {
  it('transcribes, stores the transcript as the message, streams the reply and speaks it sentence by sentence in order', async () => {
    const user = await buildUser();
    const connection = await startVoice(user.token);
    const words = uniqueText('tell me three things');
    await scriptFakeOpenAI(fakeUrl, words, [{ text: threeSentences }]);
    const utteranceId = await say(connection, words);

    const transcript = await connection.next('voice-transcript');
    expect(transcript).toMatchObject({ utteranceId, text: words });
    expect(speechToText.calls.at(-1)).toMatchObject({ mimeType: 'audio/pcm', sampleRate: 16_000 });
    const start = await connection.next('message-start');
    const end = await connection.next('voice-reply-end');
    expect(end).toEqual({ type: 'voice-reply-end', messageId: start.messageId, interrupted: false, spokenText: threeSentences });
    expect(await connection.next('voice-state')).toMatchObject({ state: 'listening' });

    const segments = eventsOfType(connection.frames(), 'voice-segment');
    expect(segments.map((segment) => segment.index)).toEqual([0, 1, 2]);
    expect(segments.map((segment) => segment.text)).toEqual(['The first sentence is here.', 'The second one follows it.', 'And the third ends the reply.']);
    for (const sentence of spokenSentences(connection)) {
      expect(sentence.segment).toMatchObject({ messageId: start.messageId, format: 'pcm16', sampleRate: 24_000, envelopeStepMs: 20 });
      // The first part is short, so the first audio goes out before the sentence's synthesis ends.
      expect(sentence.segment.durationMs).toBeLessThanOrEqual(240);
      // The fake speaks 50 ms a character: the duration is read from the audio itself.
      expect(sentence.durationMs).toBeCloseTo(sentence.segment.text.length * 50, 0);
      expect(sentence.envelope).toHaveLength(Math.ceil(sentence.durationMs / 20));
      expect(Math.max(...sentence.envelope)).toBe(1);
      expect(sentence.audioBytes).toBeCloseTo((sentence.durationMs / 1000) * 24_000 * 2, 0);
    }
    expect(textToSpeech?.requests.every((request) => request.format === 'pcm16')).toBe(true);
    const states = eventsOfType(connection.frames(), 'voice-state').map((frame) => frame.state);
    expect(states).toEqual(['listening', 'transcribing', 'thinking', 'speaking', 'listening']);
    expect(eventsOfType(connection.frames(), 'voice-state').find((frame) => frame.state === 'thinking')?.emotion).toBe('thinking');
    expect(
      eventsOfType(connection.frames(), 'text-delta')
        .map((frame) => frame.text)
        .join(''),
    ).toBe(threeSentences);

    const [question, reply] = await history(user.token);
    expect(question).toMatchObject({ id: transcript.messageId, role: 'user', text: words });
    expect(reply).toMatchObject({ id: start.messageId, role: 'assistant', text: threeSentences, status: 'complete' });
    connection.socket.close();
  });

  it("sends a sentence's first audio while its synthesis still streams, and the rest as it comes", async () => {
    const { connection, fake, first, release } = await heldSentence('one long sentence');
    // The synthesis has streamed one 8 KiB chunk of the sentence's 170 KB and waits: the device has
    // its first audio anyway, and knows more is coming.
    expect(fake.chunksStreamed).toBe(1);
    expect(first).toMatchObject({ index: 0, text: longSentence, final: false });
    expect(audioBytes(first.audio).length).toBe(7680);
    release();
    await connection.next('voice-reply-end');
    const [spoken] = spokenSentences(connection);
    expect(spoken?.parts.length).toBeGreaterThan(0);
    expect(spoken?.durationMs).toBeCloseTo(longSentence.length * 50, 0);
    connection.socket.close();
  });

  it('speaks a finished sentence while the model has not yet ended its stream', async () => {
    const user = await buildUser();
    const connection = await startVoice(user.token);
    const words = uniqueText('say one thing');
    const sentence = 'Here is one thing to say.';
    // The role chunk and the sentence's seven pieces, then the stream stays open: no finish, no [DONE].
    await scriptFakeOpenAI(fakeUrl, words, [{ text: sentence, hangAfterChunks: 8 }]);
    await say(connection, words);
    const segment = await connection.next('voice-segment');
    expect(segment).toMatchObject({ index: 0, text: sentence });
    expect(eventsOfType(connection.frames(), 'message-end')).toEqual([]);
    // The model never finishes: the turn fails on its silence limit, and what was said stays said.
    expect(await connection.next('error')).toMatchObject({ id: 'llm_timeout' });
    connection.socket.close();
    await voiceSettled(user.user.id);
  });

  it('shows a concerned face when the person sounds sad', async () => {
    const user = await buildUser();
    const connection = await startVoice(user.token);
    const words = `${uniqueText('x')} I feel so lonely and sad today`;
    await scriptFakeOpenAI(fakeUrl, words, [{ text: 'I am right here with you. Tell me more.' }]);
    await say(connection, words);
    await connection.next('voice-reply-end');
    const segments = eventsOfType(connection.frames(), 'voice-segment');
    expect(segments.length).toBeGreaterThan(0);
    expect(segments.every((segment) => segment.emotion === 'concerned')).toBe(true);
    connection.socket.close();
  });

  it('takes silence and faint noise for nothing: no transcriber, no turn, nothing stored', async () => {
    const user = await buildUser();
    const connection = await startVoice(user.token);
    for (const pcm of [new Uint8Array(32_000), faintNoise(1)]) {
      const utteranceId = `utt_${crypto.randomUUID().slice(0, 8)}`;
      for (const frame of audioFrames(utteranceId, pcm)) connection.socket.send(frame);
      connection.socket.send(JSON.stringify({ type: 'voice-utterance-end', utteranceId }));
      expect(await connection.next('voice-transcript')).toEqual({ type: 'voice-transcript', utteranceId, text: '' });
    }
    expect(speechToText.calls).toHaveLength(0);
    // Loud, but the transcriber hears no words in it: no turn either.
    const utteranceId = `utt_${crypto.randomUUID().slice(0, 8)}`;
    for (const frame of audioFrames(utteranceId, tone(440, 1))) connection.socket.send(frame);
    connection.socket.send(JSON.stringify({ type: 'voice-utterance-end', utteranceId }));
    expect(await connection.next('voice-transcript')).toEqual({ type: 'voice-transcript', utteranceId, text: '' });
    expect(speechToText.calls).toHaveLength(1);
    await voiceSettled(user.user.id);
    expect(await history(user.token)).toEqual([]);
    expect(eventsOfType(connection.frames(), 'message-start')).toEqual([]);
    connection.socket.close();
  });

  it('cuts a very long utterance at the limit and transcribes what came before', async () => {
    const user = await buildUser();
    const connection = await startVoice(user.token);
    const utteranceId = 'utt_long';
    for (const frame of audioFrames(utteranceId, tone(330, maxUtteranceSeconds + 3))) connection.socket.send(frame);
    connection.socket.send(JSON.stringify({ type: 'voice-utterance-end', utteranceId }));
    await connection.next('voice-transcript');
    expect(speechToText.calls.at(-1)?.byteLength).toBe(maxUtteranceBytes);
    expect(maxUtteranceBytes).toBe(maxUtteranceSeconds * 16_000 * 2);
    connection.socket.close();
  });

  it('drops an utterance with a missing or oversized chunk, with a stable error id', async () => {
    const user = await buildUser();
    const connection = await startVoice(user.token);
    const frames = audioFrames('utt_gap', tone(300, 3));
    connection.socket.send(frames[0] as string);
    connection.socket.send(frames[2] as string);
    expect(await connection.next('error')).toMatchObject({ id: 'voice_chunk_out_of_order' });
    connection.socket.send(JSON.stringify({ type: 'voice-audio', utteranceId: 'utt_late', seq: 3, data: base64(tone(300, 0.1)) }));
    expect(await connection.next('error')).toMatchObject({ id: 'voice_chunk_out_of_order' });
    connection.socket.send(JSON.stringify({ type: 'voice-audio', utteranceId: 'utt_big', seq: 0, data: base64(new Uint8Array(32_001).fill(7)) }));
    expect(await connection.next('error')).toMatchObject({ id: 'voice_chunk_too_large' });
    connection.socket.send(JSON.stringify({ type: 'voice-utterance-end', utteranceId: 'utt_big' }));
    expect(await connection.next('voice-state')).toMatchObject({ state: 'listening' });
    expect(speechToText.calls).toHaveLength(0);
    connection.socket.close();
  });
});

describe('binary frames', () => {
  it('takes the utterance and gives the reply as binary frames when asked, the same audio without base64', async () => {
    const user = await buildUser();
    const connection = await startVoice(user.token, { binaryAudio: true });
    const words = uniqueText('binary please');
    await scriptFakeOpenAI(fakeUrl, words, [{ text: threeSentences }]);
    const utteranceId = await say(connection, words, { binary: true });
    expect(await connection.next('voice-transcript')).toMatchObject({ utteranceId, text: words });
    const start = await connection.next('message-start');
    expect(await connection.next('voice-reply-end')).toMatchObject({ messageId: start.messageId, interrupted: false, spokenText: threeSentences });

    const sentences = spokenSentences(connection);
    expect(sentences.map((sentence) => sentence.segment.text)).toEqual([
      'The first sentence is here.',
      'The second one follows it.',
      'And the third ends the reply.',
    ]);
    for (const sentence of sentences) {
      expect(sentence.segment.audio).toBeInstanceOf(Uint8Array);
      expect(sentence.audioBytes).toBeCloseTo((sentence.durationMs / 1000) * 24_000 * 2, 0);
    }
    // Only frames with audio are binary; every other frame stays JSON text.
    const binary = connection.binaryFrameTypes();
    const withAudio = connection.frames().filter((frame) => frame.type === 'voice-segment' || frame.type === 'voice-segment-audio');
    expect(binary).toEqual(withAudio.map((frame) => frame.type));
    expect(binary.length).toBeGreaterThan(sentences.length);
    const [question] = await history(user.token);
    expect(question).toMatchObject({ role: 'user', text: words });
    connection.socket.close();
  });

  it('answers a binary frame that is not a header and audio with invalid_frame, and bad audio as a text frame would be', async () => {
    const user = await buildUser();
    const connection = await startVoice(user.token);
    const header = (text: string) => {
      const bytes = new TextEncoder().encode(text);
      const frame = new Uint8Array(4 + bytes.byteLength + 2);
      new DataView(frame.buffer).setUint32(0, bytes.byteLength);
      frame.set(bytes, 4);
      return frame;
    };
    const lengthBeyondTheMessage = header('{"type":"voice-audio"}');
    new DataView(lengthBeyondTheMessage.buffer).setUint32(0, 1000);
    for (const malformed of [
      new Uint8Array([0, 0]),
      lengthBeyondTheMessage,
      header('{"type":"voice-audio",'),
      header('["voice-audio"]'),
      // A frame that carries no audio has no binary form.
      encodeBinaryFrame({ type: 'voice-start' }, new Uint8Array(4)),
    ]) {
      connection.socket.send(malformed);
      expect(await connection.next('error')).toMatchObject({ id: 'invalid_frame' });
    }
    connection.socket.send(encodeBinaryFrame({ type: 'voice-audio', utteranceId: 'utt_empty', seq: 0 }, new Uint8Array()));
    expect(await connection.next('error')).toMatchObject({ id: 'validation_failed' });
    connection.socket.send(encodeBinaryFrame({ type: 'voice-audio', utteranceId: 'utt_big', seq: 0 }, new Uint8Array(32_001).fill(7)));
    expect(await connection.next('error')).toMatchObject({ id: 'voice_chunk_too_large' });
    // The socket goes on: a ping is still answered, and nothing was transcribed.
    connection.socket.send(JSON.stringify({ type: 'ping' }));
    await connection.next('pong');
    expect(speechToText.calls).toHaveLength(0);
    connection.socket.close();
  });
});

describe('a tool call asked aloud', () => {
  /** A spoken turn whose reply asks to save a memory: answers once the question has been said. */
  async function askedToSave(utterance: string, after: string) {
    const user = await buildUser();
    const connection = await startVoice(user.token);
    const words = uniqueText(utterance);
    await scriptFakeOpenAI(fakeUrl, words, [
      { text: 'Let me note that.', toolCalls: [{ name: 'memory_save', arguments: { text: 'The bike is blue.', kind: 'fact' } }] },
      { text: after },
    ]);
    await say(connection, words);
    const transcript = await connection.next('voice-transcript');
    const asked = await connection.next('tool-approval-request');
    const said = await connection.next('voice-segment');
    const question = await connection.next('voice-segment');
    return { user, connection, transcript, asked, said, question };
  }

  async function memoryTexts(token: string): Promise<string[]> {
    const response = await api('/api/v1/memories', { token });
    expect(response.status).toBe(200);
    return ((await response.json()) as { memories: { text: string }[] }).memories.map((memory) => memory.text);
  }

  it('says the question after what the model said, and a spoken yes lets the tool run and the reply go on', async () => {
    const { user, connection, transcript, asked, said, question } = await askedToSave('remember my bike is blue', 'Saved it.');
    expect(said.text).toBe('Let me note that.');
    expect(question.text).toBe(`May I use ${asked.approval.toolTitle}? ${asked.approval.reason} Say yes or no.`);
    expect(question.index).toBe(said.index + 1);
    // Nothing is saved while it waits.
    expect(await memoryTexts(user.token)).toEqual([]);

    const answerId = await say(connection, 'Yes please.');
    expect((await connection.next('tool-approval-resolved')).approval).toMatchObject({ id: asked.approvalId, status: 'approved' });
    expect(await connection.next('voice-transcript')).toEqual({ type: 'voice-transcript', utteranceId: answerId, text: 'Yes please.' });
    expect(await connection.next('voice-reply-end')).toMatchObject({ interrupted: false, spokenText: 'Let me note that.\n\nSaved it.' });
    expect(eventsOfType(connection.frames(), 'voice-segment').map((segment) => segment.text)).toEqual([said.text, question.text, 'Saved it.']);
    expect(await memoryTexts(user.token)).toEqual(['The bike is blue.']);
    // The yes answered the question: it is no message of its own, and no model was asked about it.
    const messages = await history(user.token);
    expect(messages.map((message) => [message.role, message.text])).toEqual([
      ['user', transcript.text],
      ['assistant', 'Let me note that.\n\nSaved it.'],
    ]);
    // The face speaks again after it waited.
    const states = eventsOfType(connection.frames(), 'voice-state').map((frame) => frame.state);
    expect(states).toEqual(['listening', 'transcribing', 'thinking', 'speaking', 'transcribing', 'thinking', 'speaking', 'listening']);
    connection.socket.close();
  });

  it('a spoken no declines: the tool does not run and the reply goes on', async () => {
    const { user, connection, asked } = await askedToSave('remember my bike is blue', 'All right, I will not.');
    await say(connection, 'No thanks.');
    expect((await connection.next('tool-approval-resolved')).approval).toMatchObject({ id: asked.approvalId, status: 'denied' });
    expect(await connection.next('voice-reply-end')).toMatchObject({ interrupted: false });
    expect(await memoryTexts(user.token)).toEqual([]);
    connection.socket.close();
  });

  it('other words move on: the reply stops, the request is declined at once, and the words are a turn of their own', async () => {
    const { user, connection, asked, question } = await askedToSave('remember my bike is blue', 'Saved it.');
    const other = uniqueText('tell me a joke instead');
    await scriptFakeOpenAI(fakeUrl, other, [{ text: 'Here is one.' }]);
    await say(connection, other);
    expect(await connection.next('voice-reply-end')).toMatchObject({ messageId: asked.messageId, interrupted: true, spokenText: 'Let me note that.' });
    expect((await connection.next('tool-approval-resolved')).approval).toMatchObject({ id: asked.approvalId, status: 'denied' });
    expect(await connection.next('voice-reply-end')).toMatchObject({ interrupted: false, spokenText: 'Here is one.' });
    await voiceSettled(user.user.id);
    expect(await memoryTexts(user.token)).toEqual([]);
    const messages = await history(user.token);
    // The question was said around the reply, not in it: the cut reply keeps only the model's words.
    expect(messages.map((message) => message.text)).not.toContain(expect.stringContaining(question.text));
    expect(messages.filter((message) => message.role === 'user').map((message) => message.text)).toContain(other);
    connection.socket.close();
  });
});

describe('barge-in', () => {
  it('stops the reply after the first segment: no later segment, and the stored reply is the sentence heard', async () => {
    const user = await buildUser();
    const connection = await startVoice(user.token);
    const words = uniqueText('talk slowly');
    await scriptFakeOpenAI(fakeUrl, words, [{ text: threeSentences, chunkDelayMs: 80 }]);
    await say(connection, words);
    const first = await connection.next('voice-segment');
    expect(first.index).toBe(0);
    const sentAt = Date.now();
    connection.socket.send(JSON.stringify({ type: 'voice-interrupt', messageId: first.messageId, playedSegments: 1, playedMs: 0 }));
    const end = await connection.next('voice-reply-end');
    console.log(`barge-in: voice-interrupt sent → voice-reply-end received in ${Date.now() - sentAt} ms`);
    expect(end).toEqual({ type: 'voice-reply-end', messageId: first.messageId, interrupted: true, spokenText: 'The first sentence is here.' });
    await voiceSettled(user.user.id);

    const frames = connection.frames();
    expect(eventsOfType(frames, 'voice-segment').map((segment) => segment.index)).toEqual([0]);
    const endPosition = frames.findIndex((frame) => frame.type === 'voice-reply-end');
    expect(frames.slice(endPosition).some((frame) => frame.type === 'voice-segment')).toBe(false);
    const [, reply] = await history(user.token);
    expect(reply).toMatchObject({ id: first.messageId, text: 'The first sentence is here.', status: 'complete' });
    connection.socket.close();
  });

  it('keeps the words of the playing sentence up to where playback got, in proportion to its duration', async () => {
    const user = await buildUser();
    const connection = await startVoice(user.token);
    const words = uniqueText('cut me halfway');
    await scriptFakeOpenAI(fakeUrl, words, [{ text: threeSentences, chunkDelayMs: 80 }]);
    await say(connection, words);
    const first = await connection.next('voice-segment');
    // 27 characters at 50 ms: 700 ms in is just past "The first sent", so "The first" was heard.
    connection.socket.send(JSON.stringify({ type: 'voice-interrupt', messageId: first.messageId, playedSegments: 0, playedMs: 700 }));
    expect(await connection.next('voice-reply-end')).toMatchObject({ interrupted: true, spokenText: 'The first' });
    await voiceSettled(user.user.id);
    // Every device is told of the cut: the last `message-end` of the reply holds what was heard.
    expect(eventsOfType(connection.frames(), 'message-end').at(-1)?.message).toMatchObject({ id: first.messageId, text: 'The first' });
    const [, reply] = await history(user.token);
    expect(reply?.text).toBe('The first');
    connection.socket.close();
  });

  it('cuts a sentence whose audio is still streaming by what its text takes to say, and sends no more of it', async () => {
    const { user, connection, first, release } = await heldSentence('stop me early');
    expect(first.durationMs).toBe(160);
    // All of the audio sent so far was heard, but that is the start of a 3.5 s sentence, not all of
    // it: no whole word yet. Taken as the whole sentence, the stored reply would keep every word.
    connection.socket.send(JSON.stringify({ type: 'voice-interrupt', messageId: first.messageId, playedSegments: 0, playedMs: 160 }));
    expect(await connection.next('voice-reply-end')).toMatchObject({ interrupted: true, spokenText: '' });
    release();
    await voiceSettled(user.user.id);
    const frames = connection.frames();
    const endPosition = frames.findIndex((frame) => frame.type === 'voice-reply-end');
    expect(frames.slice(endPosition).some((frame) => frame.type === 'voice-segment-audio')).toBe(false);
    const [, reply] = await history(user.token);
    expect(reply).toMatchObject({ id: first.messageId, text: '' });
    connection.socket.close();
  });

  it('cuts a reply already sent in full when the person talks over its playback', async () => {
    const user = await buildUser();
    const connection = await startVoice(user.token);
    const words = uniqueText('quick one');
    await scriptFakeOpenAI(fakeUrl, words, [{ text: threeSentences }]);
    await say(connection, words);
    const end = await connection.next('voice-reply-end');
    connection.socket.send(JSON.stringify({ type: 'voice-interrupt', messageId: end.messageId, playedSegments: 2, playedMs: 0 }));
    expect(await connection.next('voice-reply-end')).toMatchObject({
      interrupted: true,
      spokenText: 'The first sentence is here. The second one follows it.',
    });
    const [, reply] = await history(user.token);
    expect(reply?.text).toBe('The first sentence is here. The second one follows it.');
    connection.socket.close();
  });

  it('stores what was sent when the connection drops mid-reply', async () => {
    const user = await buildUser();
    const connection = await startVoice(user.token);
    const words = uniqueText('drop me');
    await scriptFakeOpenAI(fakeUrl, words, [{ text: threeSentences, chunkDelayMs: 80 }]);
    await say(connection, words);
    const first = await connection.next('voice-segment');
    connection.socket.close();
    await voiceSettled(user.user.id);
    const [, reply] = await history(user.token);
    expect(reply).toMatchObject({ id: first.messageId, text: 'The first sentence is here.' });
  });
});

describe('without speech providers', () => {
  it('answers in text and says once that the device should speak, when no synthesis is configured', async () => {
    textToSpeech = undefined;
    const user = await buildUser();
    const connection = await openRealtime(user.token);
    connection.socket.send(JSON.stringify({ type: 'voice-start' }));
    expect(await connection.next('voice-state')).toMatchObject({ state: 'listening' });
    expect(await connection.next('error')).toMatchObject({ id: 'voice_output_not_configured' });
    const words = uniqueText('no voice here');
    await say(connection, words);
    const end = await connection.next('voice-reply-end');
    expect(end).toMatchObject({ interrupted: false, spokenText: `You said: ${words}` });
    expect(eventsOfType(connection.frames(), 'message-end').at(-1)?.message.text).toBe(`You said: ${words}`);
    await say(connection, uniqueText('again'));
    await connection.next('voice-reply-end');
    expect(eventsOfType(connection.frames(), 'voice-segment')).toEqual([]);
    expect(eventsOfType(connection.frames(), 'error')).toHaveLength(1);
    connection.socket.close();
  });

  it('refuses voice-start when no recognition is configured, so the client listens itself', async () => {
    replaceSpeechPortsForTests({ speechToText: () => undefined, textToSpeech: () => textToSpeech });
    const user = await buildUser();
    const connection = await openRealtime(user.token);
    connection.socket.send(JSON.stringify({ type: 'voice-start' }));
    expect(await connection.next('error')).toMatchObject({ id: 'voice_input_not_configured' });
    connection.socket.close();
  });
});

describe('keeping the audio', () => {
  it('keeps nothing of the audio by default, and keeps it sealed, exported, once the person turns it on', async () => {
    const user = await buildUser();
    expect(await readJson(await api('/api/v1/voice/settings', { token: user.token }), voiceSettingsSchema)).toEqual({ keepAudio: false });
    const connection = await startVoice(user.token);
    await say(connection, uniqueText('forget this audio'));
    await connection.next('voice-reply-end');
    await voiceSettled(user.user.id);
    expect((await testEnv.FILES.list({ prefix: `users/${user.user.id}/voice/` })).objects).toEqual([]);
    let exported = await readJson(await api('/api/v1/me/export', { token: user.token }), exportDocumentSchema);
    expect(exported.voice).toEqual({ settings: { keepAudio: false }, recordings: [] });

    const saved = await api('/api/v1/voice/settings', { method: 'PUT', token: user.token, body: { keepAudio: true } });
    expect(await readJson(saved, voiceSettingsSchema)).toEqual({ keepAudio: true });
    const pcm = tone(523, 1);
    const words = uniqueText('keep this audio');
    await speechToText.teach(pcm, words);
    for (const frame of audioFrames('utt_keep', pcm)) connection.socket.send(frame);
    connection.socket.send(JSON.stringify({ type: 'voice-utterance-end', utteranceId: 'utt_keep' }));
    const transcript = await connection.next('voice-transcript');
    await connection.next('voice-reply-end');
    await voiceSettled(user.user.id);

    const kept = (await testEnv.FILES.list({ prefix: `users/${user.user.id}/voice/` })).objects;
    expect(kept).toHaveLength(1);
    const stored = await (await testEnv.FILES.get(kept[0]?.key ?? ''))?.text();
    expect(stored?.startsWith('v1.')).toBe(true);
    expect(stored).not.toContain(base64(pcm).slice(0, 64));
    exported = await readJson(await api('/api/v1/me/export', { token: user.token }), exportDocumentSchema);
    expect(exported.voice.settings).toEqual({ keepAudio: true });
    expect(exported.voice.recordings).toHaveLength(1);
    expect(exported.voice.recordings[0]).toMatchObject({ messageId: transcript.messageId, format: 'pcm16', sampleRate: 16_000, durationMs: 1000 });
    expect(exported.voice.recordings[0]?.audio).toBe(base64(pcm));
    connection.socket.close();
  });

  it('refuses settings that are not a boolean', async () => {
    const user = await buildUser();
    const response = await api('/api/v1/voice/settings', { method: 'PUT', token: user.token, body: { keepAudio: 'yes' } });
    expect(response.status).toBe(400);
  });
});

describe('one user per session', () => {
  it("never lets one user's spoken turn reach another user's socket or history", async () => {
    const speaker = await buildUser();
    const bystander = await buildUser();
    const speaking = await startVoice(speaker.token);
    const listening = await startVoice(bystander.token);
    const words = uniqueText('only for me');
    await say(speaking, words);
    await speaking.next('voice-reply-end');
    await voiceSettled(speaker.user.id);
    // The bystander's socket still answers, and heard nothing of the other turn.
    listening.socket.send(JSON.stringify({ type: 'ping' }));
    await listening.next('pong');
    expect(listening.frames().map((frame) => frame.type)).toEqual(['voice-state', 'pong']);
    expect(JSON.stringify(listening.frames())).not.toContain(words);
    expect(await history(bystander.token)).toEqual([]);
    speaking.socket.close();
    listening.socket.close();
  });
});

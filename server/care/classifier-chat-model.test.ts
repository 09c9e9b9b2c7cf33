import { describe, expect, inject, it } from 'vitest';
import { recordedChatRequests, scriptFakeOpenAI } from '../../test-support/fake-openai/control.ts';
import { uniqueMatch } from '../providers/chat/chat-model.contract.ts';
import { createOpenAICompatibleChatModel } from '../providers/chat/openai-compatible.ts';
import { startClassification } from './classifier.ts';
import { careClassificationPrompt, createChatModelClassifier, readClassification } from './classifier-chat-model.ts';

const baseURL = inject('fakeOpenAIUrl');
const classifier = createChatModelClassifier({ model: createOpenAICompatibleChatModel({ baseURL, apiKey: 'test-key', model: 'fake-model' }) });
const signal = () => new AbortController().signal;

describe('chat model care classifier', () => {
  it('sends the classification prompt, the message as data, and a short deterministic answer budget', async () => {
    const match = uniqueMatch('chat-classifier-request');
    await scriptFakeOpenAI(baseURL, match, [{ text: 'none' }]);

    await classifier.classify(`I am planning a picnic (${match})`, signal());

    const [request] = await recordedChatRequests(baseURL, match);
    expect(request?.body).toMatchObject({
      model: 'fake-model',
      temperature: 0,
      max_tokens: 10,
      messages: [
        { role: 'system', content: careClassificationPrompt },
        { role: 'user', content: `Message to classify:\n"""\nI am planning a picnic (${match})\n"""` },
      ],
    });
    expect(request?.body).not.toHaveProperty('tools');
    for (const word of ['none', 'suicide-self-harm', 'abuse', 'medical-emergency', 'eating-disorder', 'harm-to-others']) {
      expect(careClassificationPrompt).toContain(`- ${word}:`);
    }
  });

  it('clears a message the model answers none for', async () => {
    const match = uniqueMatch('chat-classifier-clears');
    await scriptFakeOpenAI(baseURL, match, [{ text: 'none' }]);
    await expect(classifier.classify(`This traffic is killing me (${match})`, signal())).resolves.toEqual({ flagged: false });
  });

  for (const category of ['suicide-self-harm', 'abuse', 'medical-emergency', 'eating-disorder', 'harm-to-others'] as const) {
    it(`flags ${category} when the model answers that word`, async () => {
      const match = uniqueMatch(`chat-classifier-${category}`);
      // Surrounding white space is no reason to drop an answer.
      await scriptFakeOpenAI(baseURL, match, [{ text: ` ${category}\n` }]);
      await expect(classifier.classify(`a message (${match})`, signal())).resolves.toEqual({ flagged: true, category });
    });
  }

  const unreadable = ['Suicide-self-harm', 'abuse.', 'I think this is abuse', 'abuse\nbecause the partner hits them', 'self-harm', '', 'none of these'];
  for (const answer of unreadable) {
    it(`treats the answer ${JSON.stringify(answer)} as not flagged`, async () => {
      const match = uniqueMatch('chat-classifier-unreadable');
      await scriptFakeOpenAI(baseURL, match, [{ text: answer }]);
      await expect(classifier.classify(`a message (${match})`, signal())).resolves.toEqual({ flagged: false });
    });
  }

  it('reads only exact words of the set', () => {
    expect(readClassification('none')).toEqual({ flagged: false });
    expect(readClassification('medical-emergency')).toEqual({ flagged: true, category: 'medical-emergency' });
    expect(readClassification('MEDICAL-EMERGENCY')).toBeUndefined();
    expect(readClassification('"abuse"')).toBeUndefined();
  });

  it('throws on a provider failure or malformed stream, which startClassification turns into no verdict', async () => {
    const match = uniqueMatch('chat-classifier-failure');
    await scriptFakeOpenAI(baseURL, match, [{ error: { status: 500, message: 'overloaded' } }, { malformed: true }]);

    await expect(classifier.classify(`a message (${match})`, signal())).rejects.toThrow();
    await expect(startClassification(classifier, `a message (${match})`, 1500)).resolves.toBeUndefined();
  });

  it('gives up when the timeout fires on a model that never answers', async () => {
    const match = uniqueMatch('chat-classifier-timeout');
    await scriptFakeOpenAI(baseURL, match, [{ hang: true }]);
    let fireTimeout: () => void = () => {};
    const timer = {
      start(_milliseconds: number, onTimeout: () => void) {
        fireTimeout = onTimeout;
        return () => {};
      },
    };

    const verdict = startClassification(classifier, `a message (${match})`, 1500, { timer });
    // The request has to reach the fake before the timeout fires, or there is nothing to give up on.
    await expect.poll(async () => (await recordedChatRequests(baseURL, match)).length).toBe(1);
    fireTimeout();

    await expect(verdict).resolves.toBeUndefined();
  });
});

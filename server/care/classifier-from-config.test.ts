import { describe, expect, inject, it } from 'vitest';
import { createFakeWorkersAILlamaGuard } from '../../test-support/fake-workers-ai-llama-guard.ts';
import { readConfig } from '../config/config.ts';
import { createOpenAICompatibleChatModel } from '../providers/chat/openai-compatible.ts';
import { createCareClassifier } from './classifier-from-config.ts';

const masterKey = btoa(String.fromCharCode(...new Uint8Array(32)));
const chatModel = createOpenAICompatibleChatModel({ baseURL: inject('fakeOpenAIUrl'), model: 'fake-model' });
const ai = createFakeWorkersAILlamaGuard() as unknown as Ai;

describe('care classifier configuration', () => {
  it('is none, with a 1500 ms timeout, when unset', () => {
    const config = readConfig({ MASTER_KEY: masterKey });
    expect(config.CARE_CLASSIFIER).toBe('none');
    expect(config.CARE_CLASSIFIER_TIMEOUT_MS).toBe(1500);
    expect(createCareClassifier(config, { AI: ai }, chatModel)).toBeUndefined();
  });

  it('reads the timeout and refuses an unknown classifier', () => {
    expect(readConfig({ MASTER_KEY: masterKey, CARE_CLASSIFIER: 'chat-model', CARE_CLASSIFIER_TIMEOUT_MS: '800' }).CARE_CLASSIFIER_TIMEOUT_MS).toBe(800);
    expect(() => readConfig({ MASTER_KEY: masterKey, CARE_CLASSIFIER: 'moderation-api' })).toThrow(/CARE_CLASSIFIER/);
  });

  it('makes Llama Guard over the AI binding, or nothing without the binding', () => {
    expect(createCareClassifier({ CARE_CLASSIFIER: 'llama-guard' }, { AI: ai }, chatModel)?.name).toBe('llama-guard');
    expect(createCareClassifier({ CARE_CLASSIFIER: 'llama-guard' }, {}, chatModel)).toBeUndefined();
  });

  it('makes the chat model classifier, or nothing without a chat model', () => {
    expect(createCareClassifier({ CARE_CLASSIFIER: 'chat-model' }, {}, chatModel)?.name).toBe('chat-model');
    expect(createCareClassifier({ CARE_CLASSIFIER: 'chat-model' }, { AI: ai }, undefined)).toBeUndefined();
  });
});

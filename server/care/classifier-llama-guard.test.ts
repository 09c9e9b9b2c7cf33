import { describe, expect, it } from 'vitest';
import { createFakeWorkersAILlamaGuard, type FakeLlamaGuardStep } from '../../test-support/fake-workers-ai-llama-guard.ts';
import { startClassification } from './classifier.ts';
import { createLlamaGuardClassifier, llamaGuardModelId, readHazards } from './classifier-llama-guard.ts';

function classifierWith(...steps: FakeLlamaGuardStep[]) {
  const fake = createFakeWorkersAILlamaGuard();
  fake.script(...steps);
  return { fake, classifier: createLlamaGuardClassifier({ binding: fake }) };
}

const signal = () => new AbortController().signal;

describe('Llama Guard care classifier', () => {
  it('runs llama-guard-3-8b with the message as the one user turn and passes the signal', async () => {
    const { fake, classifier } = classifierWith({ safe: true });
    const callerSignal = signal();

    await classifier.classify('I had a long day at work.', callerSignal);

    expect(llamaGuardModelId).toBe('@cf/meta/llama-guard-3-8b');
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]?.model).toBe('@cf/meta/llama-guard-3-8b');
    expect(fake.calls[0]?.inputs).toMatchObject({ messages: [{ role: 'user', content: 'I had a long day at work.' }] });
    expect(fake.calls[0]?.options?.signal).toBe(callerSignal);
  });

  it('clears a message Llama Guard calls safe', async () => {
    const { classifier } = classifierWith({ safe: true });
    await expect(classifier.classify('What a lovely walk.', signal())).resolves.toEqual({ flagged: false });
  });

  it('flags S11 as suicide and self-harm', async () => {
    const { classifier } = classifierWith({ categories: ['S11'] });
    await expect(classifier.classify('a message', signal())).resolves.toEqual({ flagged: true, category: 'suicide-self-harm' });
  });

  it('flags S3 and S4 as abuse', async () => {
    const { classifier } = classifierWith({ categories: ['S3'] }, { categories: ['S4'] });
    await expect(classifier.classify('first', signal())).resolves.toEqual({ flagged: true, category: 'abuse' });
    await expect(classifier.classify('second', signal())).resolves.toEqual({ flagged: true, category: 'abuse' });
  });

  it('flags S1 as harm to others', async () => {
    const { classifier } = classifierWith({ categories: ['S1'] });
    await expect(classifier.classify('a message', signal())).resolves.toEqual({ flagged: true, category: 'harm-to-others' });
  });

  it('picks the most urgent category when several hazards are listed', async () => {
    const { classifier } = classifierWith({ categories: ['S1', 'S11'] }, { categories: ['S1', 'S3'] });
    await expect(classifier.classify('first', signal())).resolves.toEqual({ flagged: true, category: 'suicide-self-harm' });
    await expect(classifier.classify('second', signal())).resolves.toEqual({ flagged: true, category: 'abuse' });
  });

  it('does not flag hazards that are not a sign the person needs care', async () => {
    const { classifier } = classifierWith({ categories: ['S2'] }, { categories: ['S10', 'S12'] }, { categories: ['S6'] });
    for (const text of ['first', 'second', 'third']) await expect(classifier.classify(text, signal())).resolves.toEqual({ flagged: false });
  });

  it('reads the JSON form Cloudflare documents as well as the text form', () => {
    expect(readHazards({ response: { safe: false, categories: ['S11'] } })).toEqual(['S11']);
    expect(readHazards({ response: { safe: true, categories: [] } })).toEqual([]);
    expect(readHazards({ response: 'unsafe\nS1,S11' })).toEqual(['S1', 'S11']);
    expect(readHazards({ response: ' safe\n' })).toEqual([]);
  });

  const malformed: { name: string; response: unknown }[] = [
    { name: 'a number', response: 42 },
    { name: 'prose', response: 'I cannot help with that request.' },
    { name: 'unsafe without categories', response: 'unsafe' },
    { name: 'an unknown code', response: 'unsafe\nviolence' },
    { name: 'extra lines after the codes', response: 'unsafe\nS11\nThe user wants to hurt themselves.' },
    { name: 'safe followed by more text', response: 'safe\nS11' },
    { name: 'JSON unsafe without categories', response: { safe: false } },
    { name: 'JSON without safe', response: { categories: ['S11'] } },
  ];
  for (const { name, response } of malformed) {
    it(`treats ${name} as not flagged`, async () => {
      const { classifier } = classifierWith({ rawResponse: response });
      await expect(classifier.classify('a message', signal())).resolves.toEqual({ flagged: false });
    });
  }

  it('throws on a provider failure, which startClassification turns into no verdict', async () => {
    const { classifier } = classifierWith({ failure: 'provider-error' }, { failure: 'provider-error' });
    await expect(classifier.classify('a message', signal())).rejects.toThrow(/AiError: 3040/);
    await expect(startClassification(classifier, 'a message', 1500)).resolves.toBeUndefined();
  });

  it('gives up when its signal aborts: a hanging model times out to no verdict', async () => {
    const { fake, classifier } = classifierWith({ failure: 'hang' });
    let fireTimeout: () => void = () => {};
    const timer = {
      start(_milliseconds: number, onTimeout: () => void) {
        fireTimeout = onTimeout;
        return () => {};
      },
    };

    const verdict = startClassification(classifier, 'a message', 1500, { timer });
    fireTimeout();

    await expect(verdict).resolves.toBeUndefined();
    expect((fake.calls[0]?.options?.signal as AbortSignal | undefined)?.aborted).toBe(true);
  });

  it('is tested against a fake that refuses what the real binding refuses', async () => {
    const fake = createFakeWorkersAILlamaGuard();
    await expect(fake.run('@cf/meta/llama-guard-2-8b', { messages: [{ role: 'user', content: 'hi' }] })).rejects.toThrow(/AiError: 5007/);
    await expect(fake.run(llamaGuardModelId, { messages: [{ role: 'system', content: 'hi' }] })).rejects.toThrow(/AiError/);
    await expect(fake.run(llamaGuardModelId, { prompt: 'hi' })).rejects.toThrow(/AiError/);
    await expect(fake.run(llamaGuardModelId, { messages: [{ role: 'user', content: 'hi' }], response_format: { type: 'json_object' } })).resolves.toMatchObject(
      {
        response: { safe: true, categories: [] },
      },
    );
  });
});

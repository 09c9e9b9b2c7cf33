import { describe, expect, it } from 'vitest';
import { createFakeWorkersAI } from '../../../test-support/fake-workers-ai.ts';
import { sinePcm16 } from '../../../test-support/generated-audio.ts';
import { runSpeechToTextContract } from './speech-to-text.contract.ts';
import { createWorkersAISpeechToText, workersAISpeechToTextModels } from './workers-ai-speech-to-text.ts';

for (const model of workersAISpeechToTextModels) {
  runSpeechToTextContract(`workers-ai ${model}`, () => {
    const fake = createFakeWorkersAI();
    return {
      speechToText: createWorkersAISpeechToText({ binding: fake, model }),
      failNext: (failure) => fake.failNextSpeech(failure),
      callCount: () => fake.calls.length,
    };
  });
}

describe('workers-ai speech-to-text', () => {
  it('defaults to whisper-large-v3-turbo with base64 audio and an ISO 639-1 language', async () => {
    const fake = createFakeWorkersAI();
    const speechToText = createWorkersAISpeechToText({ binding: fake });

    const transcript = await speechToText.transcribe({ bytes: sinePcm16(0.5, 16_000), mimeType: 'audio/pcm', sampleRate: 16_000 }, { language: 'en-GB' });

    expect(speechToText.modelId).toBe('@cf/openai/whisper-large-v3-turbo');
    expect(transcript).toEqual({ text: 'I heard 0.5 seconds of sound at 16000 hertz.', language: 'en' });
    expect(fake.calls[0]?.inputs).toEqual({ audio: expect.stringMatching(/^<base64 \d+ characters>$/), language: 'en' });
  });

  it('sends whisper an array of bytes and nova-3 a body with its content type and BCP 47 language', async () => {
    const fake = createFakeWorkersAI();
    const audio = { bytes: sinePcm16(0.2, 16_000), mimeType: 'audio/pcm', sampleRate: 16_000 } as const;

    await createWorkersAISpeechToText({ binding: fake, model: '@cf/openai/whisper' }).transcribe(audio);
    const nova = await createWorkersAISpeechToText({ binding: fake, model: '@cf/deepgram/nova-3' }).transcribe(audio, { language: 'en-US' });

    expect(fake.calls[0]?.inputs).toEqual({ audio: `<${44 + 6_400} bytes>` });
    expect(fake.calls[1]?.inputs).toMatchObject({ audio: { contentType: 'audio/wav' }, language: 'en-US' });
    expect(nova.text).toBe('I heard 0.2 seconds of sound at 16000 hertz.');
  });

  it('refuses a model it does not know at creation', () => {
    expect(() => createWorkersAISpeechToText({ binding: createFakeWorkersAI(), model: '@cf/someone/else' })).toThrow(/STT_MODEL/);
  });
});

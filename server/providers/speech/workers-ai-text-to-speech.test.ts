import { describe, expect, it } from 'vitest';
import { createFakeWorkersAI } from '../../../test-support/fake-workers-ai.ts';
import { voices } from '../../catalog/voices.ts';
import { collectAudio } from './speech-stream.ts';
import { runTextToSpeechContract } from './text-to-speech.contract.ts';
import { createWorkersAITextToSpeech, meloLanguageOf, meloTtsModel } from './workers-ai-text-to-speech.ts';

const voice = voices[2] ?? (undefined as never);

function harness(model: string | undefined, streams: boolean) {
  return () => {
    const fake = createFakeWorkersAI();
    return {
      textToSpeech: createWorkersAITextToSpeech({ binding: fake, model }),
      failNext: (failure: 'provider-error' | 'malformed' | 'hang') => fake.failNextSpeech(failure),
      callCount: () => fake.calls.length,
      streams,
      aligns: false,
    };
  };
}

runTextToSpeechContract('workers-ai aura-2', harness(undefined, true));
runTextToSpeechContract('workers-ai melotts', harness(meloTtsModel, false));

describe('workers-ai text-to-speech', () => {
  it("asks Aura for the voice's own model and speaker, as linear16 without a container for pcm16", async () => {
    const fake = createFakeWorkersAI();

    const audio = await createWorkersAITextToSpeech({ binding: fake }).synthesize({ text: 'Good morning.', voice, format: 'pcm16', sampleRate: 16_000 });
    const bytes = await collectAudio(audio.chunks);

    expect(audio.sampleRate).toBe(16_000);
    expect(bytes.byteLength).toBeGreaterThan(0);
    expect(fake.calls[0]?.model).toBe(voice.providers.workersAi.model);
    expect(fake.calls[0]?.inputs).toEqual({
      text: 'Good morning.',
      speaker: voice.providers.workersAi.speaker,
      encoding: 'linear16',
      container: 'none',
      sample_rate: 16_000,
    });
    expect(fake.calls[0]?.options?.returnRawResponse).toBe(true);
  });

  it('asks Aura for mp3 without a rate or container, and answers opus requests with it', async () => {
    const fake = createFakeWorkersAI();

    const audio = await createWorkersAITextToSpeech({ binding: fake }).synthesize({ text: 'Hi.', voice, format: 'ogg-opus' });

    expect(audio.format).toBe('mp3');
    expect(audio.contentType).toBe('audio/mpeg');
    expect(fake.calls[0]?.inputs).toEqual({ text: 'Hi.', speaker: voice.providers.workersAi.speaker, encoding: 'mp3' });
  });

  it('sends MeloTTS the prompt and the language of the voice, and says the answer is mp3', async () => {
    const fake = createFakeWorkersAI();

    const audio = await createWorkersAITextToSpeech({ binding: fake, model: meloTtsModel }).synthesize({ text: 'Bonjour.', voice, format: 'pcm16' });

    expect(audio.format).toBe('mp3');
    expect((await collectAudio(audio.chunks))[0]).toBe(0xff);
    expect(fake.calls[0]?.inputs).toEqual({ prompt: 'Bonjour.', lang: 'en' });
  });

  it('maps every catalog voice to a MeloTTS language and to an Aura speaker', () => {
    for (const catalogVoice of voices) {
      expect(meloLanguageOf(catalogVoice), catalogVoice.id).toBeDefined();
      expect(catalogVoice.providers.workersAi.speaker.length).toBeGreaterThan(0);
    }
  });
});

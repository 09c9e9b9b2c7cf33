/**
 * The behaviour every `SpeechToText` adapter promises, as one shared suite: each adapter's test file
 * calls `runSpeechToTextContract` with a harness that wires the adapter to its fake.
 */
import { describe, expect, it } from 'vitest';
import { silencePcm16, sinePcm16 } from '../../../test-support/generated-audio.ts';
import { SpeechError, type SpeechToText } from './speech-to-text.ts';
import { encodeWav } from './wav.ts';

/** How the fake's next answer goes wrong. */
export type SpeechContractFailure = 'provider-error' | 'malformed' | 'hang';

/** An adapter wired to a fake provider, for one test. */
export interface SpeechToTextContractHarness {
  speechToText: SpeechToText;
  /** Makes the fake's next answer fail this way. */
  failNext(failure: SpeechContractFailure): Promise<void> | void;
  /** How many provider calls this harness's adapter has made so far. */
  callCount(): Promise<number> | number;
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (failure) {
    return failure;
  }
  return undefined;
}

/** Asserts a `SpeechError` of `kind` with a message. */
export function expectSpeechError(failure: unknown, kind: SpeechError['kind']): void {
  expect(failure).toBeInstanceOf(SpeechError);
  expect((failure as SpeechError).kind).toBe(kind);
  expect((failure as SpeechError).message.length).toBeGreaterThan(0);
}

export function runSpeechToTextContract(name: string, makeHarness: () => SpeechToTextContractHarness): void {
  describe(`${name}: speech-to-text contract`, () => {
    it('names its provider and model', () => {
      const { speechToText } = makeHarness();
      expect(speechToText.provider.length).toBeGreaterThan(0);
      expect(speechToText.modelId.length).toBeGreaterThan(0);
    });

    it('transcribes a WAV of sound to trimmed, non-empty text', async () => {
      const { speechToText } = makeHarness();

      const transcript = await speechToText.transcribe({ bytes: encodeWav(sinePcm16(1, 16_000), 16_000), mimeType: 'audio/wav' });

      expect(transcript.text.length).toBeGreaterThan(0);
      expect(transcript.text).toBe(transcript.text.trim());
    });

    it('transcribes headerless PCM16 at 16 kHz and at 24 kHz', async () => {
      const { speechToText } = makeHarness();

      for (const sampleRate of [16_000, 24_000]) {
        const transcript = await speechToText.transcribe({ bytes: sinePcm16(0.5, sampleRate), mimeType: 'audio/pcm', sampleRate });
        expect(transcript.text.length).toBeGreaterThan(0);
      }
    });

    it('hears nothing in silence', async () => {
      const { speechToText } = makeHarness();

      const transcript = await speechToText.transcribe({ bytes: silencePcm16(1, 16_000), mimeType: 'audio/pcm', sampleRate: 16_000 });

      expect(transcript.text).toBe('');
    });

    it('refuses headerless PCM without a sample rate, and unknown types, without calling the provider', async () => {
      const harness = makeHarness();
      const before = await harness.callCount();

      expectSpeechError(await failureOf(harness.speechToText.transcribe({ bytes: sinePcm16(0.1, 16_000), mimeType: 'audio/pcm' })), 'unsupported-audio');
      expectSpeechError(await failureOf(harness.speechToText.transcribe({ bytes: new Uint8Array(10), mimeType: 'text/plain' })), 'unsupported-audio');
      expect(await harness.callCount()).toBe(before);
    });

    it('reports a provider failure as SpeechError "provider"', async () => {
      const harness = makeHarness();
      await harness.failNext('provider-error');

      expectSpeechError(
        await failureOf(harness.speechToText.transcribe({ bytes: encodeWav(sinePcm16(0.2, 16_000), 16_000), mimeType: 'audio/wav' })),
        'provider',
      );
    });

    it('reports output of the wrong shape as SpeechError "invalid-response"', async () => {
      const harness = makeHarness();
      await harness.failNext('malformed');

      expectSpeechError(
        await failureOf(harness.speechToText.transcribe({ bytes: encodeWav(sinePcm16(0.2, 16_000), 16_000), mimeType: 'audio/wav' })),
        'invalid-response',
      );
    });

    it('reports the caller\'s timeout signal firing as SpeechError "timeout"', async () => {
      const harness = makeHarness();
      await harness.failNext('hang');

      const failure = await failureOf(
        harness.speechToText.transcribe({ bytes: encodeWav(sinePcm16(0.2, 16_000), 16_000), mimeType: 'audio/wav' }, { signal: AbortSignal.timeout(100) }),
      );

      expectSpeechError(failure, 'timeout');
    });

    it("rethrows a caller's cancellation as its reason", async () => {
      const harness = makeHarness();
      await harness.failNext('hang');
      const controller = new AbortController();
      const reason = new Error('the person started speaking again');
      setTimeout(() => controller.abort(reason), 50);

      const failure = await failureOf(
        harness.speechToText.transcribe({ bytes: encodeWav(sinePcm16(0.2, 16_000), 16_000), mimeType: 'audio/wav' }, { signal: controller.signal }),
      );

      expect(failure).toBe(reason);
    });

    it('does not call the provider when the caller already gave up', async () => {
      const harness = makeHarness();
      const reason = new Error('gone');
      const before = await harness.callCount();

      const failure = await failureOf(
        harness.speechToText.transcribe({ bytes: encodeWav(sinePcm16(0.2, 16_000), 16_000), mimeType: 'audio/wav' }, { signal: AbortSignal.abort(reason) }),
      );

      expect(failure).toBe(reason);
      expect(await harness.callCount()).toBe(before);
    });
  });
}

/**
 * The behaviour every `TextToSpeech` adapter promises, as one shared suite: each adapter's test file
 * calls `runTextToSpeechContract` with a harness that wires the adapter to its fake. It also speaks
 * every catalog voice, so a voice without a match on some provider fails here.
 */
import { describe, expect, it } from 'vitest';
import type { Voice } from '../../../common/catalog.ts';
import { voices } from '../../catalog/voices.ts';
import { collectAudio } from './speech-stream.ts';
import { expectSpeechError, type SpeechContractFailure } from './speech-to-text.contract.ts';
import type { TextToSpeech } from './text-to-speech.ts';
import { looksLikeWav, parseWav, peakLevel } from './wav.ts';

/** An adapter wired to a fake provider, for one test. */
export interface TextToSpeechContractHarness {
  textToSpeech: TextToSpeech;
  /** Makes the fake's next answer fail this way. */
  failNext(failure: SpeechContractFailure): Promise<void> | void;
  callCount(): Promise<number> | number;
  /** Whether the provider streams, so a long text arrives in more than one chunk. */
  streams: boolean;
  /** Whether `withTimestamps` gives per-character timings. */
  aligns: boolean;
}

const firstVoice = voices[0] as Voice;

/** A text unique to one test, so tests sharing a fake never see each other's requests. */
export function uniqueSpeech(label: string): string {
  return `${label} ${crypto.randomUUID().slice(0, 8)}.`;
}

async function failureOf(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (failure) {
    return failure;
  }
  return undefined;
}

export function runTextToSpeechContract(name: string, makeHarness: () => TextToSpeechContractHarness): void {
  describe(`${name}: text-to-speech contract`, () => {
    it('names its provider, model and the formats it answers', () => {
      const { textToSpeech } = makeHarness();
      expect(textToSpeech.provider.length).toBeGreaterThan(0);
      expect(textToSpeech.modelId.length).toBeGreaterThan(0);
      expect(textToSpeech.formats.length).toBeGreaterThan(0);
    });

    it('answers each of its formats as it says, with real audio of the stated content type', async () => {
      const { textToSpeech } = makeHarness();

      for (const format of textToSpeech.formats) {
        const audio = await textToSpeech.synthesize({ text: uniqueSpeech(`Format ${format}`), voice: firstVoice, format });
        const bytes = await collectAudio(audio.chunks);

        expect(audio.format).toBe(format);
        expect(audio.contentType.startsWith('audio/')).toBe(true);
        expect(bytes.byteLength).toBeGreaterThan(100);
        if (format === 'wav') {
          expect(looksLikeWav(bytes)).toBe(true);
          expect(parseWav(bytes)?.sampleRate).toBe(audio.sampleRate);
        }
        if (format === 'pcm16') {
          expect(audio.sampleRate).toBeGreaterThan(0);
          expect(bytes.byteLength % 2).toBe(0);
          expect(peakLevel(bytes)).toBeGreaterThan(0);
        }
        if (format === 'mp3') expect(bytes[0] === 0xff || new TextDecoder().decode(bytes.subarray(0, 3)) === 'ID3').toBe(true);
        expect(await audio.alignment).toBeUndefined();
      }
    });

    it('answers a format it does not have with the nearest one it does, and says which', async () => {
      const { textToSpeech } = makeHarness();
      const missing = (['pcm16', 'wav', 'mp3', 'ogg-opus', 'opus'] as const).find((format) => !textToSpeech.formats.includes(format));
      if (missing === undefined) return;

      const audio = await textToSpeech.synthesize({ text: uniqueSpeech('Nearest format'), voice: firstVoice, format: missing });

      expect(textToSpeech.formats).toContain(audio.format);
      expect((await collectAudio(audio.chunks)).byteLength).toBeGreaterThan(0);
    });

    it('speaks every catalog voice', async () => {
      const { textToSpeech } = makeHarness();

      for (const voice of voices) {
        const audio = await textToSpeech.synthesize({ text: uniqueSpeech(`Hello from ${voice.name}`), voice, format: textToSpeech.formats[0] ?? 'mp3' });
        expect((await collectAudio(audio.chunks)).byteLength).toBeGreaterThan(0);
      }
    });

    it('streams a long text in more than one chunk where the provider streams', async () => {
      const harness = makeHarness();
      const text = uniqueSpeech('This is a longer answer, the kind a companion gives when it has a story to tell. '.repeat(4));

      const audio = await harness.textToSpeech.synthesize({ text, voice: firstVoice, format: harness.textToSpeech.formats[0] ?? 'mp3' });
      let chunks = 0;
      for await (const _chunk of audio.chunks) chunks++;

      expect(chunks).toBeGreaterThanOrEqual(harness.streams ? 2 : 1);
    });

    it('gives per-character timings with `withTimestamps` where the provider has them', async () => {
      const harness = makeHarness();
      const text = uniqueSpeech('Timings please');

      const audio = await harness.textToSpeech.synthesize({ text, voice: firstVoice, format: harness.textToSpeech.formats[0] ?? 'mp3', withTimestamps: true });
      await collectAudio(audio.chunks);
      const alignment = await audio.alignment;

      if (!harness.aligns) {
        expect(alignment).toBeUndefined();
        return;
      }
      expect(alignment?.characters.join('')).toBe(text);
      expect(alignment?.startMs).toHaveLength(Array.from(text).length);
      expect(alignment?.endMs).toHaveLength(Array.from(text).length);
      const starts = alignment?.startMs ?? [];
      expect(starts.every((start, index) => index === 0 || start >= (starts[index - 1] ?? 0))).toBe(true);
    });

    it('reports a provider failure as SpeechError "provider"', async () => {
      const harness = makeHarness();
      await harness.failNext('provider-error');

      const failure = await failureOf(async () => {
        const audio = await harness.textToSpeech.synthesize({
          text: uniqueSpeech('Provider failure'),
          voice: firstVoice,
          format: harness.textToSpeech.formats[0] ?? 'mp3',
        });
        await collectAudio(audio.chunks);
      });

      expectSpeechError(failure, 'provider');
    });

    it('reports the caller\'s timeout signal firing as SpeechError "timeout"', async () => {
      const harness = makeHarness();
      await harness.failNext('hang');

      const failure = await failureOf(async () => {
        const audio = await harness.textToSpeech.synthesize({
          text: uniqueSpeech('Hanging'),
          voice: firstVoice,
          format: harness.textToSpeech.formats[0] ?? 'mp3',
          signal: AbortSignal.timeout(100),
        });
        await collectAudio(audio.chunks);
      });

      expectSpeechError(failure, 'timeout');
    });

    it("rethrows a caller's cancellation as its reason", async () => {
      const harness = makeHarness();
      await harness.failNext('hang');
      const controller = new AbortController();
      const reason = new Error('barge-in');
      setTimeout(() => controller.abort(reason), 50);

      const failure = await failureOf(async () => {
        const audio = await harness.textToSpeech.synthesize({
          text: uniqueSpeech('Cancelled'),
          voice: firstVoice,
          format: harness.textToSpeech.formats[0] ?? 'mp3',
          signal: controller.signal,
        });
        await collectAudio(audio.chunks);
      });

      expect(failure).toBe(reason);
    });

    it('does not call the provider when the caller already gave up', async () => {
      const harness = makeHarness();
      const reason = new Error('gone');
      const before = await harness.callCount();

      const failure = await failureOf(() =>
        harness.textToSpeech.synthesize({ text: uniqueSpeech('Never sent'), voice: firstVoice, format: 'mp3', signal: AbortSignal.abort(reason) }),
      );

      expect(failure).toBe(reason);
      expect(await harness.callCount()).toBe(before);
    });
  });
}

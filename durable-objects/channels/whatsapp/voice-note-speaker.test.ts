import { describe, expect, it } from 'vitest';
import type { VoiceAudioFormat } from '../../../common/voice.ts';
import { findVoice } from '../../../server/catalog/catalog.ts';
import type { SynthesizeRequest, TextToSpeech } from '../../../server/providers/speech/text-to-speech.ts';
import { createVoiceNoteSpeaker, maxSpokenReplyLength } from './voice-note-speaker.ts';

const oggPage = new Uint8Array([0x4f, 0x67, 0x67, 0x53, 0, 2, ...new Array<number>(40).fill(7)]);

/** A speaker that answers `format` with `bytes` in two chunks, whatever was asked, and records the requests. */
function speakerAnswering(format: VoiceAudioFormat, bytes: Uint8Array): TextToSpeech & { requests: SynthesizeRequest[] } {
  const requests: SynthesizeRequest[] = [];
  return {
    provider: 'test',
    modelId: 'test',
    formats: [format],
    requests,
    async synthesize(request) {
      requests.push(request);
      const middle = Math.floor(bytes.length / 2);
      return {
        format,
        contentType: 'audio/test',
        chunks: (async function* () {
          yield bytes.subarray(0, middle);
          yield bytes.subarray(middle);
        })(),
        alignment: Promise.resolve(undefined),
      };
    },
  };
}

const voice = findVoice('soft-calm');

describe('the WhatsApp voice reply speaker', () => {
  it('asks for Ogg Opus in the companion’s voice and answers a voice note of the whole audio', async () => {
    const textToSpeech = speakerAnswering('ogg-opus', oggPage);
    const { speak, canSpeak } = createVoiceNoteSpeaker(
      () => textToSpeech,
      async () => voice,
    );
    expect(canSpeak()).toBe(true);
    expect(await speak('Hello there.')).toEqual({ bytes: oggPage, mimeType: 'audio/ogg', voiceNote: true });
    expect(textToSpeech.requests).toEqual([expect.objectContaining({ text: 'Hello there.', voice, format: 'ogg-opus' })]);
  });

  it('sends MP3 from a provider without Opus as plain audio, and nothing for PCM, WAV or audio mislabelled Ogg', async () => {
    const mp3 = new Uint8Array([0x49, 0x44, 0x33, 4, 0, 0, 1, 2, 3]);
    const speakWith = (format: VoiceAudioFormat, bytes: Uint8Array) =>
      createVoiceNoteSpeaker(
        () => speakerAnswering(format, bytes),
        async () => voice,
      ).speak('Hello there.');
    expect(await speakWith('mp3', mp3)).toEqual({ bytes: mp3, mimeType: 'audio/mpeg', voiceNote: false });
    expect(await speakWith('pcm16', mp3)).toBeUndefined();
    expect(await speakWith('wav', mp3)).toBeUndefined();
    expect(await speakWith('ogg-opus', mp3)).toBeUndefined();
  });

  it('stays silent without a speaker, without a catalog voice, and for a reply too long to speak', async () => {
    const withoutSpeaker = createVoiceNoteSpeaker(
      () => undefined,
      async () => voice,
    );
    expect(withoutSpeaker.canSpeak()).toBe(false);
    expect(await withoutSpeaker.speak('Hello.')).toBeUndefined();
    const textToSpeech = speakerAnswering('ogg-opus', oggPage);
    expect(
      await createVoiceNoteSpeaker(
        () => textToSpeech,
        async () => undefined,
      ).speak('Hello.'),
    ).toBeUndefined();
    expect(
      await createVoiceNoteSpeaker(
        () => textToSpeech,
        async () => voice,
      ).speak('a'.repeat(maxSpokenReplyLength + 1)),
    ).toBeUndefined();
    expect(textToSpeech.requests).toEqual([]);
  });
});

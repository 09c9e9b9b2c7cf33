import type { SpeechToText } from '../../../server/providers/speech/speech-to-text.ts';
import type { CanTranscribe, Transcribe } from './whatsapp-capability.ts';

/** The longest a voice note may take to transcribe before the person hears that something went wrong. */
const voiceNoteTimeoutMs = 60_000;

/**
 * WhatsApp voice notes through the configured speech-to-text provider, which `current` makes when the
 * first voice note comes (see `configuredSpeech` in durable-objects/voice/speech-ports.ts).
 */
export function createVoiceNoteTranscriber(current: () => SpeechToText | undefined): { transcribe: Transcribe; canTranscribe: CanTranscribe } {
  return {
    canTranscribe: () => current() !== undefined,
    transcribe: async (audio) => {
      const speechToText = current();
      if (speechToText === undefined) throw new Error('Speech-to-text is not configured.');
      // WhatsApp voice notes are Ogg Opus (`audio/ogg; codecs=opus`); the adapters take the type as it comes.
      const transcript = await speechToText.transcribe(
        { bytes: new Uint8Array(audio.bytes), mimeType: audio.mimeType },
        { signal: AbortSignal.timeout(voiceNoteTimeoutMs) },
      );
      return transcript.text;
    },
  };
}

import { speechToTextFromConfig } from '../../../server/providers/from-config.ts';
import type { SpeechToText } from '../../../server/providers/speech/speech-to-text.ts';
import type { CapabilityHost } from '../../host/capability.ts';
import type { CanTranscribe, Transcribe } from './whatsapp-capability.ts';

/** The longest a voice note may take to transcribe before the person hears that something went wrong. */
const voiceNoteTimeoutMs = 60_000;

/**
 * WhatsApp voice notes through the configured speech-to-text provider. The provider is made when the
 * first voice note comes, not with the object: a wrong configuration must fail that answer, not the
 * object's start (as retrieval does with its embedder).
 */
export function createVoiceNoteTranscriber(host: CapabilityHost): { transcribe: Transcribe; canTranscribe: CanTranscribe } {
  let made: { speechToText: SpeechToText | undefined } | undefined;
  const current = () => {
    made ??= { speechToText: speechToTextFromConfig(host.config(), host.env) };
    return made.speechToText;
  };
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

import type { Voice } from '../../../common/catalog.ts';
import type { VoiceAudioFormat } from '../../../common/voice.ts';
import type { TextToSpeech } from '../../../server/providers/speech/text-to-speech.ts';

/** The longest a voice reply may take to synthesize: the text reply waits for it, so it is bounded. */
const voiceReplyTimeoutMs = 30_000;

/** WhatsApp's limit for audio media. */
export const maxVoiceReplyBytes = 16 * 1024 * 1024;

/** The longest text spoken back: OpenAI's speech API takes 4,096 characters, and a longer reply is better read. */
export const maxSpokenReplyLength = 4_096;

/**
 * The formats WhatsApp takes as audio, with the type its upload names: Ogg Opus is a voice note,
 * MP3 a plain audio message. PCM and WAV are not accepted by WhatsApp; bare `opus` has no container it knows.
 */
const whatsAppAudio: Partial<Record<VoiceAudioFormat, { mimeType: string; voiceNote: boolean }>> = {
  'ogg-opus': { mimeType: 'audio/ogg', voiceNote: true },
  mp3: { mimeType: 'audio/mpeg', voiceNote: false },
};

/** A spoken reply ready to upload: the bytes, the type WhatsApp is told, and whether it goes as a voice note. */
export interface VoiceReply {
  bytes: Uint8Array;
  mimeType: string;
  voiceNote: boolean;
}

/** Speaks a reply for WhatsApp; undefined when it cannot be sent as audio (no speaker, a format WhatsApp refuses, too long). */
export type SpeakReply = (text: string) => Promise<VoiceReply | undefined>;

/** Whether a speaker is configured now: read when a voice note is answered, not at start. */
export type CanSpeak = () => boolean;

/**
 * Replies to WhatsApp voice notes in the companion's own catalog voice, through the configured
 * text-to-speech provider (`current`, shared with the voice session), asking for Ogg Opus.
 */
export function createVoiceNoteSpeaker(
  current: () => TextToSpeech | undefined,
  voice: () => Promise<Voice | undefined>,
): { speak: SpeakReply; canSpeak: CanSpeak } {
  return {
    canSpeak: () => current() !== undefined,
    speak: async (text) => {
      const textToSpeech = current();
      if (textToSpeech === undefined || text.length > maxSpokenReplyLength) return undefined;
      const companionVoice = await voice();
      if (companionVoice === undefined) return undefined;
      const audio = await textToSpeech.synthesize({ text, voice: companionVoice, format: 'ogg-opus', signal: AbortSignal.timeout(voiceReplyTimeoutMs) });
      const accepted = whatsAppAudio[audio.format];
      const chunks: Uint8Array[] = [];
      let length = 0;
      for await (const chunk of audio.chunks) {
        // Read to the end even when unusable, so the provider's stream is not left hanging.
        if (accepted === undefined || length > maxVoiceReplyBytes) continue;
        chunks.push(chunk);
        length += chunk.byteLength;
      }
      if (accepted === undefined || length === 0 || length > maxVoiceReplyBytes) return undefined;
      const bytes = new Uint8Array(length);
      let offset = 0;
      for (const chunk of chunks) {
        bytes.set(chunk, offset);
        offset += chunk.byteLength;
      }
      // A voice note must really be Ogg ("OggS"): audio labelled Ogg Opus that is not goes as text only.
      const isOgg = bytes[0] === 0x4f && bytes[1] === 0x67 && bytes[2] === 0x67 && bytes[3] === 0x53;
      if (accepted.voiceNote && !isOgg) return undefined;
      return { bytes, ...accepted };
    },
  };
}

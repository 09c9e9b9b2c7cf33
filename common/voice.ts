import { z } from 'zod';

/**
 * The wire shapes of a spoken conversation on `/api/v1/realtime`. protocol.ts adds these frames to
 * its client and server unions, so nothing here imports protocol.ts.
 *
 * One utterance travels as `voice-audio` chunks (16 kHz mono PCM, little-endian 16-bit, at most
 * `maxVoiceChunkBytes` each, so a frame stays far below the WebSocket message limit) followed by
 * `voice-utterance-end`. Audio travels either as base64 in a JSON text frame or, without base64, as a
 * binary frame (`common/binary-frame.ts`: a JSON header and the bytes; `voiceBinaryFields` says which
 * field the bytes fill): a client sends binary `voice-audio` whenever it likes, and hears binary
 * `voice-segment` and `voice-segment-audio` after `voice-start` with `binaryAudio: true`. The object
 * transcribes the utterance, stores the transcript as the person's message, runs the turn, and speaks
 * the reply sentence by sentence as `voice-segment` frames while the usual `message-start` /
 * `text-delta` / `message-end` events flow as for a typed message. A sentence's PCM streams: its first
 * part is the `voice-segment`, the rest follow as `voice-segment-audio`.
 */

/** The audio a client sends: 16 kHz mono signed 16-bit little-endian PCM, no header. */
export const voiceInputSampleRate = 16_000;
/** The most decoded bytes in one `voice-audio` chunk (1 s of 16 kHz PCM16). */
export const maxVoiceChunkBytes = 32_000;
/** The longest utterance accepted, in seconds: longer speech is cut here and transcribed as is. */
export const maxUtteranceSeconds = 60;

/** Emotions the avatar can show; the reply's emotion is one of these. */
export const emotionSchema = z.enum(['neutral', 'happy', 'sad', 'surprised', 'concerned', 'thinking']);
export type Emotion = z.infer<typeof emotionSchema>;

/** What the voice session is doing, for the client's status line and the avatar. */
export const voiceStateSchema = z.enum(['idle', 'listening', 'transcribing', 'thinking', 'speaking']);
export type VoiceState = z.infer<typeof voiceStateSchema>;

/** Audio formats a `voice-segment` can carry. `pcm16` is headerless, at `sampleRate`. */
export const voiceAudioFormatSchema = z.enum(['pcm16', 'wav', 'mp3', 'opus', 'ogg-opus']);
export type VoiceAudioFormat = z.infer<typeof voiceAudioFormatSchema>;

const utteranceIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'an id of letters, digits, - and _');

/** Audio in a frame: base64 in a text frame, the bytes themselves in a binary one. */
const audioBytesSchema = z.custom<Uint8Array>((value) => value instanceof Uint8Array, 'audio bytes');

/** The field of each voice frame that a binary frame's bytes fill. */
export const voiceBinaryFields = { 'voice-audio': 'data', 'voice-segment': 'audio', 'voice-segment-audio': 'audio' } as const;

/** Frames the client sends for voice. */
export const voiceClientFrameSchemas = [
  /** Opens (or re-opens) voice mode: the object answers `voice-state` and speaks replies from now on. */
  z.object({
    type: z.literal('voice-start'),
    conversationId: z.string().min(1).max(64).optional(),
    /** The reply's audio comes as binary frames (no base64) rather than JSON text; text when left out. */
    binaryAudio: z.boolean().optional(),
  }),
  /** One chunk of an utterance, in order (`seq` from 0). */
  z.object({
    type: z.literal('voice-audio'),
    utteranceId: utteranceIdSchema,
    seq: z.number().int().min(0).max(10_000),
    /** 16 kHz mono PCM16 little-endian: base64 in a text frame, the bytes in a binary one. */
    data: z.union([
      z
        .string()
        .min(1)
        .max(Math.ceil(maxVoiceChunkBytes / 3) * 4),
      // The session answers a chunk over `maxVoiceChunkBytes` with `voice_chunk_too_large`, as for base64.
      audioBytesSchema.refine((bytes) => bytes.byteLength > 0, { message: 'at least one byte of audio' }),
    ]),
  }),
  /** The person stopped speaking: transcribe the utterance and answer it. */
  z.object({
    type: z.literal('voice-utterance-end'),
    utteranceId: utteranceIdSchema,
    conversationId: z.string().min(1).max(64).optional(),
  }),
  /**
   * Barge-in: the person started speaking while the companion talked. Generation and synthesis stop;
   * the stored reply is cut to what was heard: the segments played in full plus, of the one playing,
   * the words before `playedMs`.
   */
  z.object({
    type: z.literal('voice-interrupt'),
    messageId: z.string().min(1).max(64),
    /** Segments (by `index`) the client played to the end. */
    playedSegments: z.number().int().min(0).max(10_000),
    /** How far into the next segment playback got, in milliseconds. */
    playedMs: z.number().min(0).max(600_000).optional(),
  }),
  /** Leaves voice mode: any reply in progress stops as for an interrupt with nothing heard of it. */
  z.object({ type: z.literal('voice-stop') }),
] as const;

/** Frames the server sends for voice. */
export const voiceServerFrameSchemas = [
  z.object({ type: z.literal('voice-state'), state: voiceStateSchema, emotion: emotionSchema.optional() }),
  /** The person's utterance as transcribed; `messageId` is the stored user message (absent when nothing was said). */
  z.object({
    type: z.literal('voice-transcript'),
    utteranceId: utteranceIdSchema,
    text: z.string(),
    messageId: z.string().optional(),
  }),
  /**
   * One spoken sentence of the reply `messageId`, sent as soon as its first audio is synthesized.
   * `envelope` is the mouth opening (0 to 1) every `envelopeStepMs` milliseconds from the segment's
   * start, for lip sync. `final: false` (PCM only) means the sentence's audio streams on in
   * `voice-segment-audio` frames; `audio`, `durationMs` and `envelope` are then this first part's.
   */
  z.object({
    type: z.literal('voice-segment'),
    messageId: z.string(),
    index: z.number().int().min(0),
    text: z.string(),
    format: voiceAudioFormatSchema,
    sampleRate: z.number().int().positive().optional(),
    /** The audio: base64 in a text frame, the bytes in a binary one. */
    audio: z.union([z.string(), audioBytesSchema]),
    durationMs: z.number().min(0),
    envelopeStepMs: z.number().int().positive(),
    envelope: z.array(z.number().min(0).max(1)),
    emotion: emotionSchema,
    final: z.boolean().optional(),
  }),
  /**
   * More PCM of segment `index`, in order (`part` from 1), played straight after the part before;
   * its envelope continues the segment's. The one without `final: false` is the sentence's last (its
   * audio may be empty when the stream ended or broke off after the part before).
   */
  z.object({
    type: z.literal('voice-segment-audio'),
    messageId: z.string(),
    index: z.number().int().min(0),
    part: z.number().int().min(1),
    /** PCM16 at the segment's `sampleRate`: base64 in a text frame, the bytes in a binary one. */
    audio: z.union([z.string(), audioBytesSchema]),
    durationMs: z.number().min(0),
    envelope: z.array(z.number().min(0).max(1)),
    final: z.boolean().optional(),
  }),
  /** The reply is fully spoken (or was cut): `spokenText` is what the stored message now holds. */
  z.object({
    type: z.literal('voice-reply-end'),
    messageId: z.string(),
    interrupted: z.boolean(),
    spokenText: z.string(),
  }),
] as const;

export const voiceClientFrameSchema = z.discriminatedUnion('type', voiceClientFrameSchemas);
export type VoiceClientFrame = z.infer<typeof voiceClientFrameSchema>;
export const voiceServerFrameSchema = z.discriminatedUnion('type', voiceServerFrameSchemas);
export type VoiceServerFrame = z.infer<typeof voiceServerFrameSchema>;

/** `POST /api/v1/speech?format=`: the audio format wanted; `wav` when left out. */
export const speechQuerySchema = z.object({ format: voiceAudioFormatSchema.optional() });
export type SpeechQuery = z.infer<typeof speechQuerySchema>;

/** What `POST /api/v1/transcriptions` answers: the words heard, empty when nothing was said. */
export const transcriptionAnswerSchema = z.object({ text: z.string(), language: z.string().optional() });
export type TranscriptionAnswer = z.infer<typeof transcriptionAnswerSchema>;

/** The largest audio file `POST /api/v1/transcriptions` takes: a minute of 16 kHz PCM16 WAV is under 2 MB. */
export const maxTranscriptionBytes = 4 * 1024 * 1024;

/** `GET/PUT /api/v1/voice/settings`: whether the person's spoken audio is kept (sealed) or dropped once transcribed. */
export const voiceSettingsSchema = z.object({
  /** Off by default: the audio of an utterance is transcribed and forgotten. On, it is sealed and kept, and exported. */
  keepAudio: z.boolean(),
});
export type VoiceSettings = z.infer<typeof voiceSettingsSchema>;

/** One kept utterance in the export: the message it became and its audio (16 kHz mono PCM16, base64). */
export const exportedVoiceRecordingSchema = z.object({
  id: z.string(),
  messageId: z.string().nullable(),
  createdAt: z.string(),
  durationMs: z.number().min(0),
  format: z.literal('pcm16'),
  sampleRate: z.number().int().positive(),
  audio: z.string(),
});
export type ExportedVoiceRecording = z.infer<typeof exportedVoiceRecordingSchema>;

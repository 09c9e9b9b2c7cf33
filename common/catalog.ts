/**
 * The shapes of the companion catalog: personas (who the companion is), voices (how it sounds on
 * every speech engine Kindred can use) and avatars (how it looks). `GET /api/v1/catalog` returns
 * exactly these shapes, so the clients can derive their types from the same schemas.
 */
import { z } from 'zod';

/** Stable, URL-safe ids: they are stored per user, so they must never be renamed once shipped. */
export const catalogIdSchema = z
  .string()
  .min(2)
  .max(40)
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be kebab-case: lowercase letters and digits joined by single dashes');

const itemHeader = {
  id: catalogIdSchema,
  name: z.string().trim().min(1).max(60),
  description: z.string().trim().min(1).max(300),
};

export const personaSchema = z
  .object({
    ...itemHeader,
    /** Who the companion is, written in the second person so it reads naturally inside the prompt. */
    personality: z.string().trim().min(40).max(1_200),
    /** How the companion phrases things: length, rhythm, vocabulary, humour. */
    speakingStyle: z.string().trim().min(20).max(800),
    /** Lines the companion does not cross; each becomes one bullet of the system prompt. */
    boundaries: z.array(z.string().trim().min(10).max(300)).min(3).max(12),
    /** The first message in a new conversation, before the person has said anything. */
    greeting: z.string().trim().min(1).max(300),
  })
  .strict();
export type Persona = z.infer<typeof personaSchema>;

/**
 * Workers AI text-to-speech models and their documented speakers. Aura-2 is preferred because
 * Deepgram is retiring Aura-1; Aura-1 stays accepted so an older deployment can still be described.
 */
export const workersAiSpeechModels = ['@cf/deepgram/aura-2-en', '@cf/deepgram/aura-1'] as const;

/** OpenAI speech API voice names (`voice` of `POST /v1/audio/speech`). */
export const openAiVoiceNames = ['alloy', 'ash', 'ballad', 'coral', 'echo', 'fable', 'nova', 'onyx', 'sage', 'shimmer', 'verse', 'marin', 'cedar'] as const;

/** A BCP 47 tag limited to language plus optional region, as speech engines expect (`en-US`). */
const languageTagSchema = z.string().regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, 'must look like en-US');

export const voiceSchema = z
  .object({
    ...itemHeader,
    /** A hint for pickers and for choosing a matching browser voice, not a claim about identity. */
    gender: z.enum(['feminine', 'masculine', 'neutral']),
    language: languageTagSchema,
    providers: z
      .object({
        workersAi: z
          .object({
            model: z.enum(workersAiSpeechModels),
            speaker: z.string().regex(/^[a-z]+$/, 'must be a speaker name such as luna'),
          })
          .strict(),
        openai: z.object({ voice: z.enum(openAiVoiceNames) }).strict(),
        elevenLabs: z
          .object({
            voiceId: z.string().regex(/^[A-Za-z0-9]{20}$/, 'must be a 20-character ElevenLabs voice id'),
            name: z.string().trim().min(1).max(40),
          })
          .strict(),
        browser: z
          .object({
            /** Substrings of `SpeechSynthesisVoice.name` to try in order; the first installed one wins. */
            nameHints: z.array(z.string().trim().min(1)).min(1).max(10),
            lang: languageTagSchema,
            /** The Web Speech API's ranges: pitch 0 to 2, rate 0.1 to 10 (1 is the default for both). */
            pitch: z.number().min(0).max(2),
            rate: z.number().min(0.1).max(10),
          })
          .strict(),
      })
      .strict(),
    /** The offline fallback (eSpeak NG) voice and variant, such as `en-us+f3`. */
    espeak: z
      .object({
        voice: z.string().regex(/^[a-z]{2,3}(-[a-z]{2,})*(\+[a-z0-9]+)?$/, 'must look like en-us+f3'),
      })
      .strict(),
  })
  .strict();
export type Voice = z.infer<typeof voiceSchema>;

export const avatarSchema = z
  .object({
    ...itemHeader,
    /** A path on the web app's own origin, so the image is served as a static asset. */
    imageUrl: z.string().regex(/^\/avatars\/[a-z0-9]+(-[a-z0-9]+)*\.svg$/, 'must be /avatars/<id>.svg'),
    /** Text alternative for screen readers. */
    alt: z.string().trim().min(1).max(200),
  })
  .strict()
  .refine((avatar) => avatar.imageUrl === `/avatars/${avatar.id}.svg`, {
    message: 'imageUrl must be /avatars/<id>.svg for the same id',
    path: ['imageUrl'],
  });
export type Avatar = z.infer<typeof avatarSchema>;

/** Rejects a list in which two items share an id, since ids are what users store. */
function uniqueIds<Item extends { id: string }>(items: Item[], context: z.RefinementCtx): void {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    if (seen.has(item.id)) {
      context.addIssue({ code: 'custom', message: `duplicate id ${item.id}`, path: [index, 'id'] });
    }
    seen.add(item.id);
  });
}

export const catalogSchema = z
  .object({
    personas: z.array(personaSchema).min(6).superRefine(uniqueIds),
    voices: z.array(voiceSchema).min(8).superRefine(uniqueIds),
    avatars: z.array(avatarSchema).min(8).superRefine(uniqueIds),
  })
  .strict();
export type Catalog = z.infer<typeof catalogSchema>;

/**
 * What `GET /api/v1/catalog` answers: the catalog, and whether this server speaks (`POST /speech`)
 * and listens (`POST /transcriptions`, voice mode), so a client uses the device's own voice directly
 * instead of asking for speech that is not there.
 */
export const catalogAnswerSchema = catalogSchema.extend({
  speech: z.object({ synthesis: z.boolean(), recognition: z.boolean() }).strict(),
});
export type CatalogAnswer = z.infer<typeof catalogAnswerSchema>;

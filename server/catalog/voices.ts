/**
 * The voices a person can give their companion. Each one names the closest match on every speech
 * engine Kindred can use, so switching `TTS_PROVIDER` keeps the companion sounding like itself:
 * Workers AI (Deepgram Aura-2 speakers), the OpenAI speech API, ElevenLabs premade voices, the
 * browser's Web Speech API (by name hints, since installed voices differ per device) and eSpeak NG
 * for offline use. Matches are by character (warmth, pitch, pace, accent), not exact likeness.
 */
import type { Voice } from '../../common/catalog.ts';

/** The voice a new companion starts with. */
export const defaultVoiceId = 'bright-warm';

/**
 * Aura-2 rather than Aura-1 because Deepgram is retiring Aura-1; every speaker below is in the
 * `@cf/deepgram/aura-2-en` speaker list of the Workers AI model page.
 */
const auraModel = '@cf/deepgram/aura-2-en';

/** The voices, in the order the catalog shows them. */
export const voices: Voice[] = [
  {
    id: 'bright-warm',
    name: 'Bright and warm',
    description: 'A friendly, cheerful voice with an easy smile in it.',
    gender: 'feminine',
    language: 'en-US',
    providers: {
      workersAi: { model: auraModel, speaker: 'aurora' },
      openai: { voice: 'coral' },
      elevenLabs: { voiceId: 'XrExE9yKIg1WjnnlVkGX', name: 'Matilda' },
      browser: {
        nameHints: ['Samantha', 'Microsoft Aria', 'Microsoft Jenny', 'Google US English'],
        lang: 'en-US',
        pitch: 1.1,
        rate: 1,
      },
    },
    espeak: { voice: 'en-us+f3' },
  },
  {
    id: 'soft-calm',
    name: 'Soft and calm',
    description: 'A gentle, unhurried voice for quiet conversations.',
    gender: 'feminine',
    language: 'en-US',
    providers: {
      workersAi: { model: auraModel, speaker: 'vesta' },
      openai: { voice: 'shimmer' },
      elevenLabs: { voiceId: 'EXAVITQu4vr4xnSDxMaL', name: 'Sarah' },
      browser: {
        nameHints: ['Ava', 'Allison', 'Microsoft Michelle', 'Google US English'],
        lang: 'en-US',
        pitch: 1,
        rate: 0.9,
      },
    },
    espeak: { voice: 'en-us+f2' },
  },
  {
    id: 'lively-upbeat',
    name: 'Lively and upbeat',
    description: 'An energetic, expressive voice that keeps things moving.',
    gender: 'feminine',
    language: 'en-US',
    providers: {
      workersAi: { model: auraModel, speaker: 'thalia' },
      openai: { voice: 'nova' },
      elevenLabs: { voiceId: 'FGY2WhTYpPnrIDTdsKH5', name: 'Laura' },
      browser: {
        nameHints: ['Microsoft Jenny', 'Zira', 'Victoria', 'Google US English'],
        lang: 'en-US',
        pitch: 1.15,
        rate: 1.08,
      },
    },
    espeak: { voice: 'en-us+f4' },
  },
  {
    id: 'british-gentle',
    name: 'Gentle British',
    description: 'A warm, measured voice with a British accent.',
    gender: 'feminine',
    language: 'en-GB',
    providers: {
      workersAi: { model: auraModel, speaker: 'pandora' },
      openai: { voice: 'sage' },
      elevenLabs: { voiceId: 'pFZP5JQG7iQjIQuC4Bku', name: 'Lily' },
      browser: {
        nameHints: ['Serena', 'Kate', 'Microsoft Sonia', 'Microsoft Libby', 'Google UK English Female'],
        lang: 'en-GB',
        pitch: 1.05,
        rate: 0.96,
      },
    },
    espeak: { voice: 'en-gb+f3' },
  },
  {
    id: 'easygoing',
    name: 'Easygoing',
    description: 'A relaxed, conversational voice, like chatting with a friend.',
    gender: 'masculine',
    language: 'en-US',
    providers: {
      workersAi: { model: auraModel, speaker: 'apollo' },
      openai: { voice: 'ash' },
      elevenLabs: { voiceId: 'iP95p4xoKVk53GoZ742B', name: 'Chris' },
      browser: {
        nameHints: ['Alex', 'Microsoft Guy', 'Microsoft Mark', 'Aaron'],
        lang: 'en-US',
        pitch: 0.95,
        rate: 1.02,
      },
    },
    espeak: { voice: 'en-us+m3' },
  },
  {
    id: 'warm-steady',
    name: 'Warm and steady',
    description: 'A reassuring, trustworthy voice with a calm pace.',
    gender: 'masculine',
    language: 'en-US',
    providers: {
      workersAi: { model: auraModel, speaker: 'orpheus' },
      openai: { voice: 'echo' },
      elevenLabs: { voiceId: 'cjVigY5qzO86Huf0OWal', name: 'Eric' },
      browser: {
        nameHints: ['Aaron', 'Microsoft Andrew', 'Microsoft David', 'Alex'],
        lang: 'en-US',
        pitch: 0.9,
        rate: 0.97,
      },
    },
    espeak: { voice: 'en-us+m2' },
  },
  {
    id: 'deep-grounded',
    name: 'Deep and grounded',
    description: 'A low, resonant voice that sounds unshakeably calm.',
    gender: 'masculine',
    language: 'en-US',
    providers: {
      workersAi: { model: auraModel, speaker: 'mars' },
      openai: { voice: 'onyx' },
      elevenLabs: { voiceId: 'nPczCjzI2devNBz1zQrb', name: 'Brian' },
      browser: {
        nameHints: ['Microsoft Christopher', 'Microsoft David', 'Fred', 'Alex'],
        lang: 'en-US',
        pitch: 0.8,
        rate: 0.94,
      },
    },
    espeak: { voice: 'en-us+m1' },
  },
  {
    id: 'british-thoughtful',
    name: 'Thoughtful British',
    description: 'A warm, considered voice with a British accent, made for storytelling.',
    gender: 'masculine',
    language: 'en-GB',
    providers: {
      workersAi: { model: auraModel, speaker: 'draco' },
      openai: { voice: 'fable' },
      elevenLabs: { voiceId: 'JBFqnCBsd6RMkjVDRZzb', name: 'George' },
      browser: {
        nameHints: ['Daniel', 'Arthur', 'Microsoft Ryan', 'Microsoft George', 'Google UK English Male'],
        lang: 'en-GB',
        pitch: 0.92,
        rate: 0.95,
      },
    },
    espeak: { voice: 'en-gb+m3' },
  },
  {
    id: 'clear-neutral',
    name: 'Clear and neutral',
    description: 'A balanced, even voice that is neither especially high nor low.',
    gender: 'neutral',
    language: 'en-US',
    providers: {
      // Aura-2 has no speaker described as neutral; Harmonia is the closest in its even, sincere tone.
      workersAi: { model: auraModel, speaker: 'harmonia' },
      openai: { voice: 'alloy' },
      elevenLabs: { voiceId: 'SAz9YHcvj6GT2YYXdXww', name: 'River' },
      browser: {
        nameHints: ['Google US English', 'Microsoft Aria', 'Samantha'],
        lang: 'en-US',
        pitch: 1,
        rate: 1,
      },
    },
    espeak: { voice: 'en-us' },
  },
  {
    id: 'sunny-australian',
    name: 'Sunny Australian',
    description: 'A natural, laid-back voice with an Australian accent.',
    gender: 'masculine',
    language: 'en-AU',
    providers: {
      workersAi: { model: auraModel, speaker: 'hyperion' },
      openai: { voice: 'verse' },
      elevenLabs: { voiceId: 'IKne3meq5aSn9XLyUdCD', name: 'Charlie' },
      browser: {
        nameHints: ['Lee', 'Microsoft William', 'Google UK English Male'],
        lang: 'en-AU',
        pitch: 0.95,
        rate: 1.03,
      },
    },
    // eSpeak NG has no Australian English voice; British English is the nearest it offers.
    espeak: { voice: 'en-gb+m4' },
  },
];

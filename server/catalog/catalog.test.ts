import { describe, expect, it } from 'vitest';
import { avatarSchema, catalogSchema, personaSchema, voiceSchema } from '../../common/catalog.ts';
import { catalog, defaultAvatarId, defaultPersonaId, defaultVoiceId, findAvatar, findPersona, findVoice } from './catalog.ts';

/**
 * The avatar images that must exist as `web/public/avatars/<id>.svg`. The tests run inside workerd,
 * which cannot read the repository, so the build checks the files against this list instead.
 */
const expectedAvatarIds = ['sunny', 'mint-bot', 'night-owl', 'coral-fox', 'lavender-cloud', 'sage-sprout', 'ocean-drop', 'berry-cat'];

const idsOf = (items: { id: string }[]) => items.map((item) => item.id);

describe('catalog', () => {
  it('has at least 6 personas, 8 voices and 8 avatars', () => {
    expect(catalog.personas.length).toBeGreaterThanOrEqual(6);
    expect(catalog.voices.length).toBeGreaterThanOrEqual(8);
    expect(catalog.avatars.length).toBeGreaterThanOrEqual(8);
  });

  it('uses unique kebab-case ids within each list', () => {
    for (const items of [catalog.personas, catalog.voices, catalog.avatars]) {
      const ids = idsOf(items);
      expect(new Set(ids).size).toBe(ids.length);
      for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    }
  });

  it('contains its defaults', () => {
    expect(findPersona(defaultPersonaId)?.id).toBe(defaultPersonaId);
    expect(findVoice(defaultVoiceId)?.id).toBe(defaultVoiceId);
    expect(findAvatar(defaultAvatarId)?.id).toBe(defaultAvatarId);
  });

  it('finds items by id and answers undefined for unknown ids', () => {
    const [persona] = catalog.personas;
    expect(persona && findPersona(persona.id)).toBe(persona);
    expect(findPersona('no-such-persona')).toBeUndefined();
    expect(findVoice('no-such-voice')).toBeUndefined();
    expect(findAvatar('no-such-avatar')).toBeUndefined();
  });

  it('gives every persona real boundaries: AI honesty, professional help and crisis help', () => {
    for (const persona of catalog.personas) {
      const boundaries = persona.boundaries.join(' ');
      expect(boundaries, persona.id).toMatch(/you are an AI/i);
      expect(boundaries, persona.id).toMatch(/not a doctor/i);
      expect(boundaries, persona.id).toMatch(/professional/i);
      expect(boundaries, persona.id).toMatch(/crisis line/i);
      expect(persona.greeting.length, persona.id).toBeGreaterThan(0);
    }
  });

  it('gives personas distinct personalities and speaking styles', () => {
    expect(new Set(catalog.personas.map((persona) => persona.personality)).size).toBe(catalog.personas.length);
    expect(new Set(catalog.personas.map((persona) => persona.speakingStyle)).size).toBe(catalog.personas.length);
  });

  it('maps every voice to all four providers', () => {
    for (const voice of catalog.voices) {
      const { workersAi, openai, elevenLabs, browser } = voice.providers;
      expect(workersAi.model, voice.id).toMatch(/^@cf\//);
      expect(workersAi.speaker, voice.id).not.toBe('');
      expect(openai.voice, voice.id).not.toBe('');
      expect(elevenLabs.voiceId, voice.id).toMatch(/^[A-Za-z0-9]{20}$/);
      expect(elevenLabs.name, voice.id).not.toBe('');
      expect(browser.nameHints.length, voice.id).toBeGreaterThan(0);
      expect(browser.lang, voice.id).toBe(voice.language);
      expect(voice.espeak.voice, voice.id).not.toBe('');
    }
  });

  it('gives each voice its own sound on every provider', () => {
    const distinct = (values: string[]) => new Set(values).size;
    const count = catalog.voices.length;
    expect(distinct(catalog.voices.map((voice) => voice.providers.workersAi.speaker))).toBe(count);
    expect(distinct(catalog.voices.map((voice) => voice.providers.openai.voice))).toBe(count);
    expect(distinct(catalog.voices.map((voice) => voice.providers.elevenLabs.voiceId))).toBe(count);
  });

  it('serves every avatar image from /avatars/<id>.svg, and ships exactly the expected images', () => {
    for (const avatar of catalog.avatars) {
      expect(avatar.imageUrl).toBe(`/avatars/${avatar.id}.svg`);
      expect(avatar.alt.length, avatar.id).toBeGreaterThan(0);
    }
    expect(idsOf(catalog.avatars).sort()).toEqual([...expectedAvatarIds].sort());
  });

  it('passes its own schema', () => {
    expect(catalogSchema.safeParse(catalog).success).toBe(true);
  });
});

describe('catalog schema', () => {
  const persona = catalog.personas[0];
  const voice = catalog.voices[0];
  const avatar = catalog.avatars[0];

  it('rejects a persona with a non-kebab-case id or without boundaries', () => {
    expect(personaSchema.safeParse({ ...persona, id: 'Warm Friend' }).success).toBe(false);
    expect(personaSchema.safeParse({ ...persona, boundaries: [] }).success).toBe(false);
  });

  it('rejects a voice missing a provider or naming an unknown OpenAI voice', () => {
    if (!voice) throw new Error('the catalog has no voices');
    const { elevenLabs: _elevenLabs, ...providersWithoutElevenLabs } = voice.providers;
    expect(voiceSchema.safeParse({ ...voice, providers: providersWithoutElevenLabs }).success).toBe(false);
    expect(voiceSchema.safeParse({ ...voice, providers: { ...voice.providers, openai: { voice: 'robot' } } }).success).toBe(false);
  });

  it('rejects an avatar whose image is not /avatars/<its id>.svg', () => {
    expect(avatarSchema.safeParse({ ...avatar, imageUrl: 'https://example.com/a.png' }).success).toBe(false);
    expect(avatarSchema.safeParse({ ...avatar, imageUrl: '/avatars/someone-else.svg' }).success).toBe(false);
  });

  it('rejects unknown fields and duplicate ids', () => {
    expect(personaSchema.safeParse({ ...persona, mood: 'sunny' }).success).toBe(false);
    const duplicated = { ...catalog, voices: [...catalog.voices, voice] };
    expect(catalogSchema.safeParse(duplicated).success).toBe(false);
  });
});

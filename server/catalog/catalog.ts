/**
 * The companion catalog served by `GET /api/v1/catalog`, and lookups by id for the rest of the
 * Worker (settings validation, the system prompt, text-to-speech).
 */

import { type Avatar, type Catalog, catalogSchema, type Persona, type Voice } from '../../common/catalog.ts';
import { avatars } from './avatars.ts';
import { personas } from './personas.ts';
import { voices } from './voices.ts';

export { defaultAvatarId } from './avatars.ts';
export { defaultPersonaId } from './personas.ts';
export { defaultVoiceId } from './voices.ts';

/**
 * Validated once at module load: the data is static, so a mistake (a duplicate id, a missing
 * provider) should fail the first test run and deployment, not a user's request.
 */
export const catalog: Catalog = catalogSchema.parse({ personas, voices, avatars });

const personasById = new Map(catalog.personas.map((persona) => [persona.id, persona]));
const voicesById = new Map(catalog.voices.map((voice) => [voice.id, voice]));
const avatarsById = new Map(catalog.avatars.map((avatar) => [avatar.id, avatar]));

/** The persona with this id, or undefined when the id is unknown (for example, retired). */
export function findPersona(id: string): Persona | undefined {
  return personasById.get(id);
}

/** The voice with this id, or undefined when the id is unknown. */
export function findVoice(id: string): Voice | undefined {
  return voicesById.get(id);
}

/** The avatar with this id, or undefined when the id is unknown. */
export function findAvatar(id: string): Avatar | undefined {
  return avatarsById.get(id);
}

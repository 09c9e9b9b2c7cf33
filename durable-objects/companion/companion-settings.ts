import type { Companion } from '../../common/protocol.ts';
import { defaultAvatarId, defaultPersonaId, defaultVoiceId, findAvatar, findPersona, findVoice } from '../../server/catalog/catalog.ts';
import { AppError } from '../../server/errors/app-error.ts';
import type { UserVault } from '../host/user-vault.ts';

export interface Profile {
  displayName: string | null;
  timezone: string;
}

export const defaultCompanion: Companion = {
  name: 'Kindred',
  personaId: defaultPersonaId,
  voiceId: defaultVoiceId,
  avatarId: defaultAvatarId,
};

/** The user's choice of companion and the profile the companion addresses them by, in their object. */
export class CompanionSettings {
  // Read on every turn and written rarely: kept decrypted in memory for the object's lifetime.
  #companion: Companion | undefined;
  #profile: Profile | undefined;

  constructor(
    private readonly sql: SqlStorage,
    private readonly vault: UserVault,
  ) {}

  async companion(): Promise<Companion> {
    if (this.#companion) return this.#companion;
    this.#companion = await this.#readCompanion();
    return this.#companion;
  }

  async #readCompanion(): Promise<Companion> {
    const row = this.sql
      .exec<{ name_sealed: string; persona_id: string; voice_id: string; avatar_id: string }>('SELECT * FROM companion WHERE id = 1')
      .toArray()[0];
    if (!row) return defaultCompanion;
    return {
      name: await this.vault.open(row.name_sealed, 'companion:name'),
      personaId: row.persona_id,
      voiceId: row.voice_id,
      avatarId: row.avatar_id,
    };
  }

  /** Throws AppError for ids that are not in the catalog. */
  async updateCompanion(companion: Companion): Promise<Companion> {
    (await this.prepareCompanion(companion))();
    return companion;
  }

  /**
   * Checks and seals the choice, and answers the write that stores it: apart, so that an import can
   * seal first and write inside its one transaction. Throws AppError for ids not in the catalog.
   */
  async prepareCompanion(companion: Companion): Promise<() => void> {
    if (!findPersona(companion.personaId)) throw new AppError('unknown_persona', `There is no persona "${companion.personaId}" in the catalog.`);
    if (!findVoice(companion.voiceId)) throw new AppError('unknown_voice', `There is no voice "${companion.voiceId}" in the catalog.`);
    if (!findAvatar(companion.avatarId)) throw new AppError('unknown_avatar', `There is no avatar "${companion.avatarId}" in the catalog.`);
    const nameSealed = await this.vault.seal(companion.name, 'companion:name');
    return () => {
      this.sql.exec(
        `INSERT INTO companion (id, name_sealed, persona_id, voice_id, avatar_id, updated_at) VALUES (1, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET name_sealed = excluded.name_sealed, persona_id = excluded.persona_id,
           voice_id = excluded.voice_id, avatar_id = excluded.avatar_id, updated_at = excluded.updated_at`,
        nameSealed,
        companion.personaId,
        companion.voiceId,
        companion.avatarId,
        Date.now(),
      );
      this.#companion = companion;
    };
  }

  async profile(): Promise<Profile> {
    if (this.#profile) return this.#profile;
    this.#profile = await this.#readProfile();
    return this.#profile;
  }

  async #readProfile(): Promise<Profile> {
    const row = this.sql.exec<{ display_name_sealed: string | null; timezone: string }>('SELECT * FROM profile WHERE id = 1').toArray()[0];
    if (!row) return { displayName: null, timezone: 'UTC' };
    return { displayName: await this.vault.openOptional(row.display_name_sealed, 'profile:display-name'), timezone: row.timezone };
  }

  async updateProfile(profile: Profile): Promise<void> {
    (await this.prepareProfile(profile))();
  }

  /** Seals the profile and answers the write that stores it (see `prepareCompanion`). */
  async prepareProfile(profile: Profile): Promise<() => void> {
    const displayNameSealed = await this.vault.sealOptional(profile.displayName, 'profile:display-name');
    return () => {
      this.sql.exec(
        `INSERT INTO profile (id, display_name_sealed, timezone, updated_at) VALUES (1, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET display_name_sealed = excluded.display_name_sealed, timezone = excluded.timezone, updated_at = excluded.updated_at`,
        displayNameSealed,
        profile.timezone,
        Date.now(),
      );
      this.#profile = profile;
    };
  }

  /** After the storage was wiped. */
  forget(): void {
    this.#companion = undefined;
    this.#profile = undefined;
  }
}

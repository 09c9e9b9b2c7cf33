import type { ImportDocument } from '../../common/import.ts';
import type { Companion } from '../../common/protocol.ts';
import type { Capability, CapabilityHost } from '../host/capability.ts';
import type { ImportPlan } from '../host/import-document.ts';
import { CompanionSettings, type Profile } from './companion-settings.ts';

/** The person's profile and their choice of companion (persona, voice, avatar, name). */
export function createCompanionCapability(host: CapabilityHost) {
  const settings = new CompanionSettings(host.sql, host.vault);
  return {
    name: 'companion',
    /** For other capabilities: both are read on every turn and kept decrypted in memory. */
    settings: settings as Pick<CompanionSettings, 'profile' | 'companion'>,
    rpc: {
      getProfile: (): Promise<Profile> => settings.profile(),
      updateProfile: (profile: Profile): Promise<void> => settings.updateProfile(profile),
      getCompanion: (): Promise<Companion> => settings.companion(),
      updateCompanion: (companion: Companion): Promise<Companion> => settings.updateCompanion(companion),
    },
    /** The profile is exported too, inside the document's `user`, which the Worker completes with the account. */
    exportData: async () => ({ companion: await settings.companion() }),
    /** The account is made with a profile and a companion, which an import replaces: neither counts as the person's data here. */
    async importData(document: ImportDocument): Promise<ImportPlan> {
      const writeProfile = await settings.prepareProfile({ displayName: document.user.displayName, timezone: document.user.timezone });
      const writeCompanion = document.companion ? await settings.prepareCompanion(document.companion) : undefined;
      return {
        imported: { user: 1, ...(document.companion ? { companion: 1 } : {}) },
        write: () => {
          writeProfile();
          writeCompanion?.();
        },
      };
    },
    reset: () => settings.forget(),
  } satisfies Capability;
}

export type CompanionCapability = ReturnType<typeof createCompanionCapability>;

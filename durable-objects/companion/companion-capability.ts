import type { ImportDocument } from '../../common/import.ts';
import type { Companion } from '../../common/protocol.ts';
import { log } from '../../server/logging/log.ts';
import type { Capability, CapabilityHost } from '../host/capability.ts';
import type { ImportPlan } from '../host/import-document.ts';
import { CompanionSettings, type Profile } from './companion-settings.ts';

/** The person's profile and their choice of companion (persona, voice, avatar, name). */
export function createCompanionCapability(host: CapabilityHost) {
  const settings = new CompanionSettings(host.sql, host.vault);
  const timezoneListeners: ((timezone: string) => Promise<void>)[] = [];

  /**
   * The profile changed: when the time zone did, whatever was planned in local time (a goal's 19:00
   * check-in, Sunday's reflection) is planned again, so it comes at the new place's 19:00. Each
   * listener's failure is logged and does not stop the others, nor the change.
   */
  async function updateProfile(profile: Profile): Promise<void> {
    const before = (await settings.profile()).timezone;
    await settings.updateProfile(profile);
    if (profile.timezone === before) return;
    for (const listener of timezoneListeners) {
      await listener(profile.timezone).catch((error: unknown) => {
        log.error('time zone re-plan failed', { userId: host.userId, cause: error instanceof Error ? error.name : 'unknown' });
      });
    }
  }

  return {
    name: 'companion',
    /** For other capabilities: both are read on every turn and kept decrypted in memory. */
    settings: settings as Pick<CompanionSettings, 'profile' | 'companion'>,
    /** For capabilities that plan in the person's local time: called after the time zone changed. */
    onTimezoneChange(listener: (timezone: string) => Promise<void>): void {
      timezoneListeners.push(listener);
    },
    rpc: {
      getProfile: (): Promise<Profile> => settings.profile(),
      updateProfile,
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

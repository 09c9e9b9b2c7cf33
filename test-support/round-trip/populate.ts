import type { buildUser } from '../api.ts';
import { lifePopulators } from './life.ts';
import { settingsPopulators } from './settings.ts';
import { talkPopulators } from './talk.ts';

export type TestUser = Awaited<ReturnType<typeof buildUser>>;

/**
 * Fills one part of an account through the API with everything an export of that part can hold
 * (history, every status, edge cases), for the export → delete → import round trip
 * (`worker/account/import.test.ts`). Each capability adds its own to `populators` below.
 */
export interface Populator {
  /** The export sections it fills. */
  readonly sections: readonly string[];
  populate(user: TestUser): Promise<void>;
  /**
   * Paths (`[]` for any index) whose value an import cannot keep the same, each with why; the round
   * trip ignores exactly these and nothing else.
   */
  readonly differsAfterImport?: Readonly<Record<string, string>>;
}

/** Every capability's populator; the round trip runs them all on one account. */
// Life's first: its reminders populator runs every job waiting in the account, and the others leave some.
export const populators: Populator[] = [...lifePopulators, ...settingsPopulators, ...talkPopulators];

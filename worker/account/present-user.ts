import type { User } from '../../common/protocol.ts';
import type { Profile } from '../../durable-objects/companion/companion-settings.ts';
import type { Account } from '../app-env.ts';

/** The user as the API shows it: identity from D1, profile from the user's own object. */
export function presentUser(account: Account, profile: Profile): User {
  return {
    id: account.id,
    email: account.email,
    displayName: profile.displayName,
    timezone: profile.timezone,
    createdAt: account.createdAt.toISOString(),
  };
}

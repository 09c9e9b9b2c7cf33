/**
 * Where in a recurring interval this user's periodic work falls: spread by the user id (FNV-1a), so a
 * million objects do not all wake at the same instant. Not secret, only stable for a user.
 */
export function offsetWithin(userId: string, intervalMs: number): number {
  let hash = 2166136261;
  for (let index = 0; index < userId.length; index += 1) hash = Math.imul(hash ^ userId.charCodeAt(index), 16777619) >>> 0;
  return hash % intervalMs;
}

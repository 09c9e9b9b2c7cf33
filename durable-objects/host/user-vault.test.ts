import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { bytesToBase64, randomBytes } from '../../server/crypto/encoding.ts';
import { masterKeyId } from '../../server/crypto/user-keys.ts';
import type { CompanionAgent } from '../companion-agent.ts';
import { UserVault } from './user-vault.ts';

const testEnv = env as unknown as { COMPANION: DurableObjectNamespace<CompanionAgent> };
const newUserId = () => `user_${crypto.randomUUID().replaceAll('-', '')}`;
const newKey = () => bytesToBase64(randomBytes(32));

/** Runs `action` over a fresh user object's own SQLite, where the vault keeps its wrapped key. */
function inObject<Result>(userId: string, action: (sql: SqlStorage) => Promise<Result>): Promise<Result> {
  return runInDurableObject(testEnv.COMPANION.getByName(userId), (_instance, state) => action(state.storage.sql));
}

const storedKey = (sql: SqlStorage) => sql.exec<{ wrapped_key: string }>('SELECT wrapped_key FROM user_keys WHERE id = 1').toArray()[0]?.wrapped_key;

describe('the user vault across a master key rotation', () => {
  it('opens what the old key sealed, rewraps its data key by the new one on first use, and the new key alone opens it after', async () => {
    const userId = newUserId();
    const [oldKey, newKeyBase64] = [newKey(), newKey()];
    await inObject(userId, async (sql) => {
      const before = new UserVault(sql, userId, () => ({ current: oldKey }));
      const sealed = await before.seal('I told my sister today', 'message:1:text');
      expect(storedKey(sql)).toMatch(new RegExp(`^v2\\.${await masterKeyId(oldKey)}\\.`));

      const during = new UserVault(sql, userId, () => ({ current: newKeyBase64, previous: [oldKey] }));
      expect(await during.open(sealed, 'message:1:text')).toBe('I told my sister today');
      // Opening rewrapped the data key: it names the new master key, and the content is as it was.
      expect(storedKey(sql)).toMatch(new RegExp(`^v2\\.${await masterKeyId(newKeyBase64)}\\.`));

      const after = new UserVault(sql, userId, () => ({ current: newKeyBase64 }));
      expect(await after.open(sealed, 'message:1:text')).toBe('I told my sister today');
      expect(await after.rewrap()).toBe('current');
      await expect(new UserVault(sql, userId, () => ({ current: oldKey })).open(sealed, 'message:1:text')).rejects.toThrow();
    });
  });

  it('rewraps on request without opening anything, once, and says when there is no key yet', async () => {
    const userId = newUserId();
    const [oldKey, newKeyBase64] = [newKey(), newKey()];
    await inObject(userId, async (sql) => {
      expect(await new UserVault(sql, userId, () => ({ current: newKeyBase64, previous: [oldKey] })).rewrap()).toBe('none');
      const sealed = await new UserVault(sql, userId, () => ({ current: oldKey })).seal('kept', 'c');
      const during = new UserVault(sql, userId, () => ({ current: newKeyBase64, previous: [oldKey] }));
      expect(await during.rewrap()).toBe('rewrapped');
      expect(await during.rewrap()).toBe('current');
      expect(await new UserVault(sql, userId, () => ({ current: newKeyBase64 })).open(sealed, 'c')).toBe('kept');
    });
  });
});

import { describe, expect, it } from 'vitest';
import { decryptText, encryptText } from './content-cipher.ts';
import { bytesToBase64, randomBytes } from './encoding.ts';
import { createUserKeys, importMasterKey, unwrapUserKeys } from './user-keys.ts';

const masterKey = () => importMasterKey(bytesToBase64(randomBytes(32)));

describe('envelope encryption', () => {
  it('seals and opens a text under the user key unwrapped from storage', async () => {
    const master = await masterKey();
    const { wrapped, keys } = await createUserKeys(master, 'user_a');
    const sealed = await encryptText(keys.encryption, 'I am scared about tomorrow', 'message:1:text');
    expect(sealed).not.toContain('scared');
    const unwrapped = await unwrapUserKeys(master, 'user_a', wrapped);
    expect(await decryptText(unwrapped.encryption, sealed, 'message:1:text')).toBe('I am scared about tomorrow');
  });

  it('uses a fresh nonce each time', async () => {
    const { keys } = await createUserKeys(await masterKey(), 'user_a');
    expect(await encryptText(keys.encryption, 'same', 'c')).not.toBe(await encryptText(keys.encryption, 'same', 'c'));
  });

  it('refuses a ciphertext moved to another field, another user, or opened with another master key', async () => {
    const master = await masterKey();
    const alice = await createUserKeys(master, 'user_alice');
    const bob = await createUserKeys(master, 'user_bob');
    const sealed = await encryptText(alice.keys.encryption, 'private', 'message:1:text');
    await expect(decryptText(alice.keys.encryption, sealed, 'message:2:text')).rejects.toThrow();
    await expect(decryptText(bob.keys.encryption, sealed, 'message:1:text')).rejects.toThrow();
    await expect(unwrapUserKeys(master, 'user_bob', alice.wrapped)).rejects.toThrow();
    await expect(unwrapUserKeys(await masterKey(), 'user_alice', alice.wrapped)).rejects.toThrow();
  });
});

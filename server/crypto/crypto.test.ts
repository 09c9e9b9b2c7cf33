import { describe, expect, it } from 'vitest';
import { decryptText, encryptText } from './content-cipher.ts';
import { base64ToBytes, bytesToBase64, bytesToBase64Url, bytesToHex, randomBytes } from './encoding.ts';
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

describe('encodings', () => {
  it('match the standard base64, base64url and hex of the same bytes', () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, index) => index);
    const standard = btoa(String.fromCharCode(...bytes));
    expect(bytesToBase64(bytes)).toBe(standard);
    expect(Array.from(base64ToBytes(standard))).toEqual(Array.from(bytes));
    expect(bytesToBase64Url(bytes)).toBe(standard.replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, ''));
    expect(bytesToHex(Uint8Array.of(0, 15, 16, 255))).toBe('000f10ff');
  });
});

describe('opened texts kept per key', () => {
  it('still refuses a sealed text it has opened before when it is presented under another field', async () => {
    const { keys } = await createUserKeys(await masterKey(), 'user_a');
    const sealed = await encryptText(keys.encryption, 'kept', 'message:1:text');
    expect(await decryptText(keys.encryption, sealed, 'message:1:text')).toBe('kept');
    await expect(decryptText(keys.encryption, sealed, 'message:1:speaker')).rejects.toThrow();
  });

  it('opens long texts, which it does not keep, as well as short ones', async () => {
    const { keys } = await createUserKeys(await masterKey(), 'user_a');
    const long = 'a long file '.repeat(1_000);
    expect(await decryptText(keys.encryption, await encryptText(keys.encryption, long, 'file:1'), 'file:1')).toBe(long);
  });
});
